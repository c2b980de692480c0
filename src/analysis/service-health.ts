import type { Sample } from '../observe/timeline.ts';
import {
  firstSustainedHealthy,
  isBad,
  isSlow,
  serviceSource,
  unavailableWindows,
  unavailableWithin,
  type HealthRules,
  type SustainedHealth,
  type UnavailableWindow,
} from './availability.ts';
import type { RunSpan } from './run-span.ts';

/** A request named in a figure's detail: the last bad one before the service was healthy again. */
export interface BadRequest {
  probe: string;
  start: number;
  end: number;
  outcome: Sample['outcome'];
  /** It succeeded, but slower than the threshold. */
  slow: boolean;
  detail?: string;
}

function badRequest(s: Sample | undefined, slowMs: number): BadRequest | undefined {
  if (!s) return undefined;
  const r: BadRequest = {
    probe: s.probe,
    start: s.start,
    end: s.end,
    outcome: s.outcome,
    slow: isSlow(s, slowMs),
  };
  if (s.detail !== undefined) r.detail = s.detail;
  return r;
}

/** From the injection to the start of the first sustained healthy interval of the service before the heal. */
export interface ServiceFailover {
  injectedAt: number;
  /** The end of the fault window: the heal, or the end of the run when it never healed. */
  until: number;
  healed: boolean;
  /** null: no sustained healthy interval started early enough to end before the heal. */
  healthyFrom: number | null;
  failoverMs: number | null;
  lastBad?: BadRequest;
  /** Time within the fault window covered by unavailable windows, and the bad requests started in it. */
  unavailableMs: number;
  badRequests: number;
  /** Bad requests in the fault window per source: what each part of the service saw. */
  badBySource: Record<string, number>;
  /** The service sources judged. */
  sources: string[];
}

/** From the heal until what was still broken at the heal is healthy again, sustained. */
export interface ServiceRecovery {
  healedAt: number;
  /** The end of the run's last phase: the interval must end by then. */
  until: number;
  /** Sources with a bad request in the sustain interval before the heal; only they count. */
  brokenAtHeal: string[];
  healthyFrom: number | null;
  recoveryMs: number | null;
  lastBad?: BadRequest;
}

export type JudgedIntervalName = 'baseline' | 'degraded' | 'recovered';

/** A stretch over which P99 and the error rate are judged; start and end are null when it does not exist. */
export interface JudgedInterval {
  name: JudgedIntervalName;
  start: number | null;
  end: number | null;
  /** Why the interval does not exist. */
  absent?: string;
}

export interface ServiceHealth {
  rules: HealthRules;
  /** Every source of the service seen in the run. */
  sources: string[];
  /** Unavailable windows of the service over the whole run. */
  windows: UnavailableWindow[];
  failover?: ServiceFailover;
  recovery?: ServiceRecovery;
  intervals: JudgedInterval[];
}

function failoverOf(
  samples: readonly Sample[],
  span: RunSpan,
  rules: HealthRules,
  windows: UnavailableWindow[],
) {
  const injectedAt = span.faultInjectedAt;
  if (injectedAt === undefined) return undefined;
  const healed = span.faultHealedAt !== undefined;
  const until = span.faultHealedAt ?? span.end;
  const found: SustainedHealth = firstSustainedHealthy(samples, serviceSource, injectedAt, until, rules);
  const inWindow = samples.filter(
    (s) => s.start >= injectedAt && s.start < until && serviceSource(s.probe) !== undefined,
  );
  const bad = inWindow.filter((s) => isBad(s, rules.slowMs));
  const badBySource: Record<string, number> = {};
  for (const b of bad) {
    const src = serviceSource(b.probe)!;
    badBySource[src] = (badBySource[src] ?? 0) + 1;
  }
  const f: ServiceFailover = {
    injectedAt,
    until,
    healed,
    healthyFrom: found.healthyFrom ?? null,
    failoverMs: found.healthyFrom === undefined ? null : found.healthyFrom - injectedAt,
    unavailableMs: unavailableWithin(windows, injectedAt, until, span.end),
    badRequests: bad.length,
    badBySource,
    sources: found.sources,
  };
  const lastBad = badRequest(found.lastBad, rules.slowMs);
  if (lastBad) f.lastBad = lastBad;
  return f;
}

function recoveryOf(
  samples: readonly Sample[],
  span: RunSpan,
  rules: HealthRules,
): ServiceRecovery | undefined {
  const healedAt = span.faultHealedAt;
  if (healedAt === undefined) return undefined;
  const until = span.phases.at(-1)?.end ?? span.end;
  const broken = new Set<string>();
  for (const s of samples) {
    const src = serviceSource(s.probe);
    if (
      src !== undefined &&
      s.start >= healedAt - rules.sustainMs &&
      s.start < healedAt &&
      isBad(s, rules.slowMs)
    )
      broken.add(src);
  }
  const brokenAtHeal = [...broken].sort();
  if (brokenAtHeal.length === 0) {
    return { healedAt, until, brokenAtHeal, healthyFrom: healedAt, recoveryMs: 0 };
  }
  const only = (probe: string) => {
    const src = serviceSource(probe);
    return src !== undefined && broken.has(src) ? src : undefined;
  };
  const found = firstSustainedHealthy(samples, only, healedAt, until, rules);
  const r: ServiceRecovery = {
    healedAt,
    until,
    brokenAtHeal,
    healthyFrom: found.healthyFrom ?? null,
    recoveryMs: found.healthyFrom === undefined ? null : found.healthyFrom - healedAt,
  };
  const lastBad = badRequest(found.lastBad, rules.slowMs);
  if (lastBad) r.lastBad = lastBad;
  return r;
}

function intervalsOf(
  span: RunSpan,
  failover?: ServiceFailover,
  recovery?: ServiceRecovery,
): JudgedInterval[] {
  const absent = (name: JudgedIntervalName, why: string): JudgedInterval => ({
    name,
    start: null,
    end: null,
    absent: why,
  });
  const baselinePhase = span.phases.find((p) => p.name === 'baseline');
  const baseline = baselinePhase
    ? {
        name: 'baseline' as const,
        start: baselinePhase.start,
        end: Math.min(baselinePhase.end, span.faultInjectedAt ?? baselinePhase.end),
      }
    : absent('baseline', 'the run has no baseline phase');
  let degraded: JudgedInterval;
  if (!failover) degraded = absent('degraded', 'no fault was injected');
  else if (failover.healthyFrom === null)
    degraded = absent('degraded', 'the service did not fail over before the heal, so it never ran degraded');
  else degraded = { name: 'degraded', start: failover.healthyFrom, end: failover.until };
  let recovered: JudgedInterval;
  if (!recovery) recovered = absent('recovered', 'the fault was never healed');
  else if (recovery.healthyFrom === null)
    recovered = absent('recovered', 'the service did not recover before the run ended');
  else if (recovery.healthyFrom >= recovery.until)
    recovered = absent('recovered', 'the run ended as the service recovered');
  else recovered = { name: 'recovered', start: recovery.healthyFrom, end: recovery.until };
  return [baseline, degraded, recovered];
}

/** Failover, recovery and the judged intervals of the service, by sustained health. Pure. */
export function serviceHealth(samples: readonly Sample[], span: RunSpan, rules: HealthRules): ServiceHealth {
  const windows = unavailableWindows(samples, serviceSource, rules.slowMs, span.end);
  const failover = failoverOf(samples, span, rules, windows);
  const recovery = recoveryOf(samples, span, rules);
  const sources = [
    ...new Set(samples.map((s) => serviceSource(s.probe)).filter((x): x is string => x !== undefined)),
  ].sort();
  const health: ServiceHealth = { rules, sources, windows, intervals: intervalsOf(span, failover, recovery) };
  if (failover) health.failover = failover;
  if (recovery) health.recovery = recovery;
  return health;
}
