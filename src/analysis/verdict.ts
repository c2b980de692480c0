import { millis, offset, percent, plural, seconds, tidy } from './format.ts';
import type { ProbeOutages } from './outages.ts';
import type { ErrorRateOutsideFault, LatencyStats, RequestStats } from './percentiles.ts';
import type { RunSpan } from './run-span.ts';
import type { WriteCheck } from './lost-writes.ts';

/** Service level objectives of a drill. A measured figure passes when it is at most its threshold. */
export interface Slos {
  /** Longest outage window of any service probe, in seconds. Default 30. */
  failoverSeconds: number;
  /** P99 latency of API requests outside the fault window, in milliseconds. Default 500. */
  apiP99Ms: number;
  /** API error rate in percent, over the baseline and recovery phases. Default 0.1. */
  errorRatePercent: number;
  /** Acknowledged writes missing or changed on read-back. Default 0. */
  lostWrites: number;
}

export const DEFAULT_SLOS: Slos = {
  failoverSeconds: 30,
  apiP99Ms: 500,
  errorRatePercent: 0.1,
  lostWrites: 0,
};

export function slosWithDefaults(slos: Partial<Slos> = {}): Slos {
  return { ...DEFAULT_SLOS, ...slos };
}

export type SloId =
  | 'failover'
  | 'api-p99-latency'
  | 'api-error-rate'
  | 'lost-writes'
  | 'resource-version-order'
  | 'cluster-healthy-after';

export interface Verdict {
  slo: SloId;
  description: string;
  /** null: the figure could not be measured, and the verdict fails. */
  measured: number | null;
  threshold: number;
  unit: string;
  pass: boolean;
  /** What was measured over, what was left out, and why it passed or failed. */
  detail: string;
}

/** The figures the verdicts are drawn from. */
export interface VerdictInputs {
  span: RunSpan;
  outages: readonly ProbeOutages[];
  apiWholeRun: RequestStats & { probes: string[] };
  apiOutsideFault: ErrorRateOutsideFault;
  writes: WriteCheck;
}

export function failoverVerdict(inputs: VerdictInputs, thresholdSeconds: number): Verdict {
  const base = {
    slo: 'failover' as const,
    description: 'Longest outage window of any service probe',
    threshold: thresholdSeconds,
    unit: 's',
  };
  const service = inputs.outages.filter((p) => p.service);
  const members = inputs.outages.filter((p) => !p.service);
  const notCounted =
    members.length === 0
      ? ''
      : ` Per-member probes reported but not counted: ${members
          .map((p) => `${p.probe} ${seconds(p.failoverMs)}${p.recovered ? '' : ' (never recovered)'}`)
          .join(', ')}.`;
  if (service.length === 0) {
    return {
      ...base,
      measured: null,
      pass: false,
      detail: `No service probe recorded a request.${notCounted}`,
    };
  }
  const worst = service.reduce((a, p) => (p.failoverMs > a.failoverMs ? p : a));
  const measured = tidy(worst.failoverMs / 1000);
  const over = `Over ${service.map((p) => p.probe).join(', ')}.`;
  const window = worst.windows.find((w) => w.durationMs === worst.failoverMs);
  const where =
    worst.failoverMs === 0
      ? 'No service probe had a failed request.'
      : `Longest: ${worst.probe}, ${seconds(worst.failoverMs)}` +
        (window ? ` from ${offset(window.start, inputs.span.origin)}` : '') +
        (window?.end != null
          ? ` to ${offset(window.end, inputs.span.origin)}.`
          : ', still failing at the end of the run.');
  const unrecovered = service.filter((p) => !p.recovered);
  if (unrecovered.length > 0) {
    return {
      ...base,
      measured,
      pass: false,
      detail:
        `Never recovered: ${unrecovered.map((p) => p.probe).join(', ')}; their outage is counted to the end of ` +
        `the run, a lower bound. ${where} ${over}${notCounted}`,
    };
  }
  if (inputs.span.faultInjectedAt === undefined) {
    return {
      ...base,
      measured,
      pass: false,
      detail: `No fault-inject event: failover was not exercised. ${where} ${over}${notCounted}`,
    };
  }
  const stillFailing = stillFailingAtHeal(service, inputs.span);
  if (stillFailing) {
    return {
      ...base,
      measured,
      pass: false,
      detail:
        `Still failing some requests in the last ${seconds(stillFailing.tailMs)} before the heal: ${stillFailing.probes.join(', ')}. ` +
        `The service had not failed over while the fault was in place; short outage windows that keep ` +
        `coming back (some requests still routed to the broken member) do not count as a failover. ${where} ${over}${notCounted}`,
    };
  }
  return { ...base, measured, pass: measured <= thresholdSeconds, detail: `${where} ${over}${notCounted}` };
}

/** The tail of the fault window judged by stillFailingAtHeal: 3 s, or a quarter of a shorter window. */
export const HEAL_TAIL_MS = 3000;

/**
 * Service probes that still fail now and then in the last moments before the
 * heal while other requests succeed. A service that fails over stops failing
 * while the fault is still in place; one that keeps failing some requests
 * (every third sent to a dead backend, say) only looks healthy in its
 * longest-window figure. A probe failing throughout the tail is a plain
 * outage (nothing could fail over, e.g. the whole quorum down) and is judged
 * by its window length instead.
 */
export function stillFailingAtHeal(
  service: readonly ProbeOutages[],
  span: RunSpan,
): { probes: string[]; tailMs: number } | undefined {
  const injected = span.faultInjectedAt;
  const healed = span.faultHealedAt ?? span.phases.find((p) => p.name === 'fault')?.end;
  if (injected === undefined || healed === undefined || healed <= injected) return undefined;
  const tailMs = Math.min(HEAL_TAIL_MS, (healed - injected) / 4);
  const tailStart = healed - tailMs;
  const probes = service
    .filter((p) => {
      const inTail = p.windows.filter((w) => w.start < healed && (w.end ?? Infinity) > tailStart);
      const wholeTailDown = inTail.some((w) => w.start <= tailStart && (w.end ?? Infinity) >= healed);
      return inTail.length > 0 && !wholeTailDown;
    })
    .map((p) => p.probe);
  return probes.length > 0 ? { probes, tailMs } : undefined;
}

export function apiP99Verdict(inputs: VerdictInputs, thresholdMs: number): Verdict {
  const base = {
    slo: 'api-p99-latency' as const,
    description: 'P99 latency of API requests outside the fault window (baseline and recovery phases)',
    threshold: thresholdMs,
    unit: 'ms',
  };
  const outside = inputs.apiOutsideFault;
  const latency: LatencyStats | null = outside.latency;
  const whole = inputs.apiWholeRun.latency;
  const wholeRun = whole
    ? ` Over the whole run, fault window included: P99 ${millis(whole.p99Ms)}, max ${millis(whole.maxMs)} (not judged: the fault window is judged by the failover SLO).`
    : '';
  if (latency === null) {
    return {
      ...base,
      measured: null,
      pass: false,
      detail:
        'No API request (probes "api-*", load streams "k6:*" except "k6:watch") started in the baseline or ' +
        'recovery phase, so there is no latency to measure.' +
        wholeRun,
    };
  }
  const measured = tidy(latency.p99Ms, 3);
  return {
    ...base,
    measured,
    pass: measured <= thresholdMs,
    detail:
      `${plural(outside.requests, 'request')} of ${inputs.apiWholeRun.probes.join(', ')} started in the baseline and recovery phases; ` +
      `failed requests count with their duration. P50 ${millis(latency.p50Ms)}, P95 ${millis(latency.p95Ms)}, ` +
      `max ${millis(latency.maxMs)}.${wholeRun}`,
  };
}

export function errorRateVerdict(inputs: VerdictInputs, thresholdPercent: number): Verdict {
  const base = {
    slo: 'api-error-rate' as const,
    description: 'API error rate outside the fault window (baseline and recovery phases)',
    threshold: thresholdPercent,
    unit: '%',
  };
  const r = inputs.apiOutsideFault;
  const leftOut =
    `Left out: ${plural(r.excludedInFault, 'request')} started in the fault phase, ` +
    `${r.excludedOutsidePhases} outside every phase.`;
  if (r.errorRatePercent === null) {
    const why =
      inputs.span.phases.length === 0
        ? 'The timeline has no phases, so no request can be placed outside the fault window.'
        : 'No API request started in the baseline or recovery phase.';
    return { ...base, measured: null, pass: false, detail: `${why} ${leftOut}` };
  }
  const measured = tidy(r.errorRatePercent);
  return {
    ...base,
    measured,
    pass: measured <= thresholdPercent,
    detail: `${r.failed} failed of ${plural(r.requests, 'API request')} (${percent(r.errorRatePercent)}). ${leftOut}`,
  };
}

export function lostWritesVerdict(inputs: VerdictInputs, threshold: number): Verdict {
  const base = {
    slo: 'lost-writes' as const,
    description: 'Acknowledged writes missing or changed on read-back',
    threshold,
    unit: 'writes',
  };
  const w = inputs.writes;
  if (w.acked === 0) {
    return {
      ...base,
      measured: null,
      pass: false,
      detail: `No acknowledged write was recorded (${plural(w.writes, 'write')} in all), so nothing could be checked.`,
    };
  }
  const measured = w.lost.length;
  const lostKeys = measured === 0 ? '' : ` Lost: ${w.lost.map((l) => l.key).join(', ')}.`;
  const indeterminate =
    ` Indeterminate (never lost): ${w.indeterminate.count}, ${w.indeterminate.present} present, ` +
    `${w.indeterminate.absent} absent, ${w.indeterminate.notReadBack} not read back.`;
  const checked = `${w.acked} acknowledged, ${w.ackedVerified} keys confirmed on read-back.`;
  if (w.readBackKeys === 0) {
    return {
      ...base,
      measured: null,
      pass: false,
      detail: `No read-back was recorded, so none of the ${w.acked} acknowledged writes could be checked.${indeterminate}`,
    };
  }
  if (w.unverified.length > 0) {
    return {
      ...base,
      measured,
      pass: false,
      detail:
        `The read-back never looked at ${plural(w.unverified.length, 'key')} with an acknowledged write ` +
        `(${w.unverified.slice(0, 10).join(', ')}${w.unverified.length > 10 ? ', ...' : ''}): ` +
        `the check is incomplete. ${checked}${lostKeys}${indeterminate}`,
    };
  }
  return { ...base, measured, pass: measured <= threshold, detail: `${checked}${lostKeys}${indeterminate}` };
}

/** Not a tunable SLO: a write that starts after another was acknowledged must never get a lower revision. */
export function resourceVersionVerdict(inputs: VerdictInputs): Verdict {
  const base = {
    slo: 'resource-version-order' as const,
    description: 'Acknowledged writes whose resourceVersion went backwards',
    threshold: 0,
    unit: 'writes',
  };
  const order = inputs.writes.resourceVersionOrder;
  if (order.checked === 0) {
    return {
      ...base,
      measured: null,
      pass: false,
      detail: 'No acknowledged write carried a numeric resourceVersion, so the order could not be checked.',
    };
  }
  const measured = order.violations.length;
  const unusable =
    order.unusable.length === 0 ? '' : ` Without a numeric resourceVersion: ${order.unusable.join(', ')}.`;
  const examples = order.violations
    .slice(0, 5)
    .map((v) => `${v.key} got ${v.resourceVersion} after ${v.earlierKey} got ${v.earlierResourceVersion}`)
    .join('; ');
  return {
    ...base,
    measured,
    pass: measured === 0 && order.unusable.length === 0,
    detail:
      `${plural(order.checked, 'acknowledged write')} compared in real-time order.` +
      (measured === 0 ? '' : ` Went backwards: ${examples}${measured > 5 ? '; ...' : ''}.`) +
      unusable,
  };
}

export function verdicts(inputs: VerdictInputs, slos: Slos): Verdict[] {
  return [
    failoverVerdict(inputs, slos.failoverSeconds),
    apiP99Verdict(inputs, slos.apiP99Ms),
    errorRateVerdict(inputs, slos.errorRatePercent),
    lostWritesVerdict(inputs, slos.lostWrites),
    resourceVersionVerdict(inputs),
  ];
}
