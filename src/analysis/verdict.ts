import type { HealthRules } from './availability.ts';
import type { CrossCheck } from './cross-checks.ts';
import { millis, offset, percent, plural, seconds, tidy } from './format.ts';
import type { WriteCheck } from './lost-writes.ts';
import type { ProbeOutages } from './outages.ts';
import type { IntervalFigures } from './intervals.ts';
import type { RunSpan } from './run-span.ts';
import type { BadRequest, ServiceHealth } from './service-health.ts';

/** Service level objectives of a drill. A measured figure passes when it is at most its threshold. */
export interface Slos {
  /** From injection to sustained health (and from heal to sustained health), in seconds. Default 30. */
  failoverSeconds: number;
  /** P99 latency of API requests in each judged interval, in milliseconds. Default 500. */
  apiP99Ms: number;
  /** API error rate in percent, in each judged interval. Default 0.1. */
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

/** Below this share of the asked requests, the load counts as not delivered. */
const LOAD_DELIVERED_SHARE = 0.95;

/** The fewest requests a P99 can be taken over: below 100 the nearest-rank P99 is the maximum. */
export const MIN_REQUESTS_FOR_P99 = 100;

export type SloId =
  | 'failover'
  | 'recovery'
  | 'api-p99-latency'
  | 'api-error-rate'
  | 'lost-writes'
  | 'resource-version-order'
  | 'cross-checks'
  | 'cluster-healthy-after';

/**
 * pass and fail are decided by evidence; insufficient-evidence means the run could not tell
 * (too few requests to resolve the threshold, a hold too short to show the failover, load not
 * delivered as asked): never a pass.
 */
export type VerdictResult = 'pass' | 'fail' | 'insufficient-evidence';

export interface Verdict {
  slo: SloId;
  /** For the P99 and error-rate SLOs: the interval judged. */
  interval?: IntervalFigures['name'];
  description: string;
  /** null: no figure (not reached, not measured); `shown` says what instead. */
  measured: number | null;
  /** The measured figure as a person reads it: "5.123 s", "not reached (still failing at +14.9 s)". */
  shown: string;
  threshold: number;
  unit: string;
  result: VerdictResult;
  /** What was measured over, what was left out, and why it passed, failed or could not be judged. */
  detail: string;
  /** What the figure rests on, and the finest difference it can tell. */
  evidence?: { count: number; of: string; resolution: string };
}

export interface JudgingSettings {
  slos: Slos;
  health: HealthRules;
  /** How often each probe issues a request: the resolution of failover and outage figures. */
  probeIntervalMs: number;
}

/** The figures the verdicts are drawn from. */
export interface VerdictInputs {
  span: RunSpan;
  outages: readonly ProbeOutages[];
  health: ServiceHealth;
  intervals: readonly IntervalFigures[];
  writes: WriteCheck;
  crossChecks: readonly CrossCheck[];
}

function describeBad(b: BadRequest, origin: number): string {
  const what = b.slow ? `slow, ${millis(b.end - b.start)}` : `${b.outcome}${b.detail ? ` ${b.detail}` : ''}`;
  return `${b.probe} at ${offset(b.start, origin)} (${what})`;
}

function sustainText(h: HealthRules): string {
  return `${seconds(h.sustainMs)} in which every request of the service succeeded within ${h.slowMs} ms`;
}

/** Shared by failover (from the injection) and recovery (from the heal). */
function sustainedVerdict(args: {
  slo: 'failover' | 'recovery';
  description: string;
  from: number;
  fromLabel: string;
  until: number;
  untilLabel: string;
  reachedAt: number | null;
  lastBad?: BadRequest;
  thresholdSeconds: number;
  settings: JudgingSettings;
  span: RunSpan;
  judged: string;
  extra: string;
}): Verdict {
  const { settings, span } = args;
  const thresholdMs = args.thresholdSeconds * 1000;
  const sustain = settings.health.sustainMs;
  const base = {
    slo: args.slo,
    description: args.description,
    threshold: args.thresholdSeconds,
    unit: 's',
    evidence: {
      count: 0,
      of: '',
      resolution: `one probe interval (${settings.probeIntervalMs} ms) or finer: the time between the last bad and the first good request`,
    },
  };
  const last = args.lastBad ? ` Last bad request: ${describeBad(args.lastBad, span.origin)}.` : '';
  if (args.reachedAt !== null) {
    const ms = args.reachedAt - args.from;
    const measured = tidy(ms / 1000);
    return {
      ...base,
      measured,
      shown: seconds(ms),
      result: measured <= args.thresholdSeconds ? 'pass' : 'fail',
      detail:
        `Healthy from ${offset(args.reachedAt, span.origin)}, ${seconds(ms)} after the ${args.fromLabel}: the first ` +
        `${sustainText(settings.health)} (${args.judged}).${last}${args.extra}`,
    };
  }
  const windowMs = args.until - args.from;
  const stillBadMs = args.lastBad ? args.lastBad.start - args.from : 0;
  const atLeast = Math.max(stillBadMs, windowMs - sustain);
  const shown = `not reached (at least ${seconds(Math.max(0, atLeast))})`;
  const neededSeconds = (thresholdMs + sustain) / 1000;
  if (stillBadMs > thresholdMs || windowMs >= thresholdMs + sustain) {
    return {
      ...base,
      measured: null,
      shown,
      result: 'fail',
      detail:
        (stillBadMs > thresholdMs
          ? `The service was still bad ${seconds(stillBadMs)} after the ${args.fromLabel}, beyond the ` +
            `${seconds(thresholdMs)} threshold.`
          : `No ${sustainText(settings.health)} started within ${seconds(thresholdMs)} of the ${args.fromLabel}, ` +
            `though the ${seconds(windowMs)} to the ${args.untilLabel} left room for one: some source issued no ` +
            'request in time, so its health was never shown.') + `${last}${args.extra}`,
    };
  }
  return {
    ...base,
    measured: null,
    shown,
    result: 'insufficient-evidence',
    detail:
      `No ${sustainText(settings.health)} fitted between the ${args.fromLabel} and the ${args.untilLabel} ` +
      `(${seconds(windowMs)} apart). That shows only a figure above ${seconds(Math.max(0, atLeast))}, not whether it ` +
      `stays within ${seconds(thresholdMs)}: the ${args.slo === 'failover' ? 'hold' : 'recovery phase'} must last at ` +
      `least ${neededSeconds} s (threshold + sustain) to decide.${last}${args.extra}`,
  };
}

/** Failover or recovery in a run that never got to the injection or the heal. */
function notExercised(
  slo: 'failover' | 'recovery',
  description: string,
  settings: JudgingSettings,
  detail: string,
): Verdict {
  return {
    slo,
    description,
    measured: null,
    shown: 'not measured',
    threshold: settings.slos.failoverSeconds,
    unit: 's',
    result: 'insufficient-evidence',
    detail,
  };
}

export function failoverVerdict(inputs: VerdictInputs, settings: JudgingSettings): Verdict {
  const f = inputs.health.failover;
  const description = 'From the injection until the service is healthy again, sustained';
  if (!f)
    return notExercised(
      'failover',
      description,
      settings,
      'No fault was injected, so failover was not exercised.',
    );
  const perProbe = inputs.outages
    .filter((p) => p.failoverMs !== undefined)
    .map((p) => `${p.probe} ${p.failoverMs == null ? 'not reached' : seconds(p.failoverMs)}`)
    .join(', ');
  const bySource = Object.entries(f.badBySource)
    .map(([src, n]) => `${src} ${n}`)
    .join(', ');
  const extra =
    ` In the fault window the service was unavailable (some source failing or slow) for ${seconds(f.unavailableMs)} ` +
    `in all, ${plural(f.badRequests, 'bad request')}${bySource ? ` (${bySource})` : ''}.` +
    (perProbe ? ` Each probe alone (members included, not counted): ${perProbe}.` : '') +
    (f.healed ? '' : ' The fault was never healed: the window runs to the end of the run.');
  const v = sustainedVerdict({
    slo: 'failover',
    description,
    from: f.injectedAt,
    fromLabel: 'injection',
    until: f.until,
    untilLabel: f.healed ? 'heal' : 'end of the run',
    reachedAt: f.healthyFrom,
    ...(f.lastBad ? { lastBad: f.lastBad } : {}),
    thresholdSeconds: settings.slos.failoverSeconds,
    settings,
    span: inputs.span,
    judged: `sources: ${f.sources.join(', ')}`,
    extra,
  });
  v.evidence = { ...v.evidence!, count: f.sources.length, of: 'service sources' };
  return v;
}

export function recoveryVerdict(inputs: VerdictInputs, settings: JudgingSettings): Verdict {
  const r = inputs.health.recovery;
  const description = 'From the heal until what was still broken at the heal is healthy again, sustained';
  if (!r)
    return notExercised(
      'recovery',
      description,
      settings,
      'The fault was never healed, so there was no recovery to measure.',
    );
  if (r.brokenAtHeal.length === 0) {
    return {
      slo: 'recovery',
      description,
      measured: 0,
      shown: seconds(0),
      threshold: settings.slos.failoverSeconds,
      unit: 's',
      result: 'pass',
      detail:
        `Nothing was broken at the heal: no source of the service had a bad request in the ${seconds(settings.health.sustainMs)} ` +
        'before it. Whatever went wrong after the heal is judged in the recovered interval.',
      evidence: { count: 0, of: 'sources broken at the heal', resolution: `${settings.probeIntervalMs} ms` },
    };
  }
  const v = sustainedVerdict({
    slo: 'recovery',
    description,
    from: r.healedAt,
    fromLabel: 'heal',
    until: r.until,
    untilLabel: 'end of the run',
    reachedAt: r.healthyFrom,
    ...(r.lastBad ? { lastBad: r.lastBad } : {}),
    thresholdSeconds: settings.slos.failoverSeconds,
    settings,
    span: inputs.span,
    judged: `sources broken at the heal: ${r.brokenAtHeal.join(', ')}`,
    extra: ' Held to the failover threshold: a heal is a change the service must ride through too.',
  });
  v.evidence = { ...v.evidence!, count: r.brokenAtHeal.length, of: 'sources broken at the heal' };
  return v;
}

const INTERVAL_MEANING: Record<IntervalFigures['name'], string> = {
  baseline: 'the baseline, before the injection',
  degraded:
    'the degraded interval, from the end of failover to the heal (the cluster without the faulted member)',
  recovered: 'the recovered interval, from the end of recovery to the end of the run',
};

function absentInterval(
  slo: 'api-p99-latency' | 'api-error-rate',
  i: IntervalFigures,
  threshold: number,
  unit: string,
): Verdict {
  return {
    slo,
    interval: i.name,
    description: `${slo === 'api-p99-latency' ? 'P99 latency' : 'Error rate'} of API requests in ${INTERVAL_MEANING[i.name]}`,
    measured: null,
    shown: 'no interval',
    threshold,
    unit,
    result: 'insufficient-evidence',
    detail: `There is no ${i.name} interval to judge: ${i.absent ?? 'it was not measured'}.`,
  };
}

function noRequests(
  base: Omit<Verdict, 'measured' | 'shown' | 'result' | 'detail'>,
  i: IntervalFigures,
): Verdict {
  return {
    ...base,
    measured: null,
    shown: 'no requests',
    result: 'insufficient-evidence',
    detail: `No API request started in ${INTERVAL_MEANING[i.name]}.`,
  };
}

export function apiP99Verdict(i: IntervalFigures, thresholdMs: number): Verdict {
  if (i.start === null || i.end === null) return absentInterval('api-p99-latency', i, thresholdMs, 'ms');
  const api = i.api;
  const base = {
    slo: 'api-p99-latency' as const,
    interval: i.name,
    description: `P99 latency of API requests in ${INTERVAL_MEANING[i.name]}`,
    threshold: thresholdMs,
    unit: 'ms',
    evidence: {
      count: api.requests,
      of: 'API requests',
      resolution: `1 ms per request; a P99 needs at least ${MIN_REQUESTS_FOR_P99} requests`,
    },
  };
  const span = `${plural(api.requests, 'API request')} in the ${seconds(i.end - i.start)} of the interval`;
  if (api.latency === null) return noRequests(base, i);
  const l = api.latency;
  const measured = tidy(l.p99Ms, 3);
  const figures = `P50 ${millis(l.p50Ms)}, P95 ${millis(l.p95Ms)}, max ${millis(l.maxMs)}; failed requests count with their duration.`;
  if (api.requests < MIN_REQUESTS_FOR_P99) {
    return {
      ...base,
      measured,
      shown: millis(measured),
      result: 'insufficient-evidence',
      detail: `Only ${span}: fewer than ${MIN_REQUESTS_FOR_P99}, so the figure is the maximum, not a P99. ${figures} Raise the load rate or lengthen the phase.`,
    };
  }
  if (measured > thresholdMs) {
    return { ...base, measured, shown: millis(measured), result: 'fail', detail: `${span}. ${figures}` };
  }
  if (i.load && i.load.delivered < i.load.asked * LOAD_DELIVERED_SHARE) {
    return {
      ...base,
      measured,
      shown: millis(measured),
      result: 'insufficient-evidence',
      detail:
        `${span}. ${figures} Not valid as a pass: k6 started ${i.load.delivered} of the ${i.load.asked} requests the ` +
        `asked rate calls for in this interval, so the latency of the load that was not sent is missing.`,
    };
  }
  return { ...base, measured, shown: millis(measured), result: 'pass', detail: `${span}. ${figures}` };
}

export function errorRateVerdict(i: IntervalFigures, thresholdPercent: number): Verdict {
  if (i.start === null || i.end === null) return absentInterval('api-error-rate', i, thresholdPercent, '%');
  const api = i.api;
  const resolution = api.requests === 0 ? null : 100 / api.requests;
  const base = {
    slo: 'api-error-rate' as const,
    interval: i.name,
    description: `Error rate of API requests in ${INTERVAL_MEANING[i.name]}`,
    threshold: thresholdPercent,
    unit: '%',
    evidence: {
      count: api.requests,
      of: 'API requests',
      resolution: resolution === null ? 'none: no requests' : `one failed request = ${percent(resolution)}`,
    },
  };
  if (api.errorRatePercent === null) return noRequests(base, i);
  const measured = tidy(api.errorRatePercent);
  const counts = `${api.failed} failed of ${plural(api.requests, 'API request')} (${percent(measured)})`;
  const shown = `${percent(measured)} of ${api.requests}`;
  if (measured > thresholdPercent) return { ...base, measured, shown, result: 'fail', detail: `${counts}.` };
  const needed = thresholdPercent > 0 ? Math.ceil(100 / thresholdPercent) : 1;
  if (api.requests < needed) {
    return {
      ...base,
      measured,
      shown,
      result: 'insufficient-evidence',
      detail:
        `${counts}: one failure would be ${percent(resolution!)}, coarser than the ${percent(thresholdPercent)} threshold. ` +
        `At least ${needed} requests are needed to resolve it; raise the load rate or lengthen the phase.`,
    };
  }
  return { ...base, measured, shown, result: 'pass', detail: `${counts}.` };
}

export function lostWritesVerdict(inputs: VerdictInputs, threshold: number): Verdict {
  const w = inputs.writes;
  const base = {
    slo: 'lost-writes' as const,
    description:
      'Acknowledged writes lost: missing, changed, resurrected after a delete, or at another revision',
    threshold,
    unit: 'writes',
    evidence: {
      count: w.acked,
      of: 'acknowledged writes',
      resolution: 'each write, by key, value and revision',
    },
  };
  const coverage = (['api', 'etcd'] as const)
    .map((s) =>
      w.readBack[s].done
        ? `${s === 'api' ? 'through the API' : 'straight from etcd'}: ${w.readBack[s].verified} keys confirmed`
        : `${s === 'api' ? 'through the API' : 'straight from etcd'}: not read`,
    )
    .join('; ');
  const ops = `${w.acked} acknowledged (${w.ackedByOp.create} creates, ${w.ackedByOp.update} updates, ${w.ackedByOp.delete} deletes)`;
  const indeterminate =
    ` Indeterminate (never lost): ${w.indeterminate.count}, ${w.indeterminate.present} landed, ` +
    `${w.indeterminate.absent} did not, ${w.indeterminate.notReadBack} not read back.`;
  if (w.acked === 0) {
    return {
      ...base,
      measured: null,
      shown: 'nothing to check',
      result: 'insufficient-evidence',
      detail: `No acknowledged write was recorded (${plural(w.writes, 'write')} in all), so nothing could be checked.`,
    };
  }
  if (!w.readBack.api.done && !w.readBack.etcd.done) {
    return {
      ...base,
      measured: null,
      shown: 'not read back',
      result: 'insufficient-evidence',
      detail: `No read-back was done, so none of the ${ops} could be checked.${indeterminate}`,
    };
  }
  const measured = new Set(w.lost.map((l) => l.key)).size;
  const lostKeys =
    measured === 0
      ? ''
      : ` Lost: ${w.lost
          .slice(0, 20)
          .map((l) => `${l.key} (${l.reason}, ${l.sources.join('+')})`)
          .join(', ')}${w.lost.length > 20 ? ', ...' : ''}.`;
  const detail = `${ops}; ${coverage}.${lostKeys}${indeterminate}`;
  if (measured > threshold) return { ...base, measured, shown: `${measured} writes`, result: 'fail', detail };
  if (w.unverified.length > 0) {
    return {
      ...base,
      measured,
      shown: `${measured} writes`,
      result: 'insufficient-evidence',
      detail:
        `A read-back never looked at ${plural(w.unverified.length, 'key')} with an acknowledged write ` +
        `(${w.unverified.slice(0, 10).join(', ')}${w.unverified.length > 10 ? ', ...' : ''}): the check is incomplete. ${detail}`,
    };
  }
  return { ...base, measured, shown: `${measured} writes`, result: 'pass', detail };
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
      shown: 'nothing to check',
      result: 'insufficient-evidence',
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
    shown: `${measured} writes`,
    result: measured === 0 && order.unusable.length === 0 ? 'pass' : 'fail',
    evidence: {
      count: order.checked,
      of: 'acknowledged creates and updates',
      resolution: 'each pair in real-time order',
    },
    detail:
      `${plural(order.checked, 'acknowledged write')} compared in real-time order.` +
      (measured === 0 ? '' : ` Went backwards: ${examples}${measured > 5 ? '; ...' : ''}.`) +
      unusable,
  };
}

/** The report's figures against independent sources: any disagreement beyond its tolerance fails. */
export function crossChecksVerdict(inputs: VerdictInputs): Verdict {
  const checks = inputs.crossChecks;
  const disagree = checks.filter((c) => c.result === 'disagree');
  const compared = checks.filter((c) => c.result !== 'not-comparable');
  const base = {
    slo: 'cross-checks' as const,
    description: "The report's figures against etcd's, HAProxy's, the apiservers' and k6's own records",
    threshold: 0,
    unit: 'disagreements',
    evidence: {
      count: compared.length,
      of: 'cross-checks compared',
      resolution: 'each with its own tolerance',
    },
  };
  const list = (cs: readonly CrossCheck[]) => cs.map((c) => `${c.id} (${c.result})`).join(', ');
  if (compared.length === 0) {
    return {
      ...base,
      measured: null,
      shown: 'none compared',
      result: 'insufficient-evidence',
      detail: `No cross-check could be made: ${checks.map((c) => `${c.id}: ${c.detail}`).join(' ')}`,
    };
  }
  return {
    ...base,
    measured: disagree.length,
    shown: `${disagree.length} of ${compared.length} disagree`,
    result: disagree.length === 0 ? 'pass' : 'fail',
    detail:
      disagree.length === 0
        ? `All ${compared.length} agree: ${list(checks)}.`
        : `Disagree: ${disagree.map((c) => `${c.id}: ${c.detail}`).join(' ')} Checked: ${list(checks)}.`,
  };
}

export function verdicts(inputs: VerdictInputs, settings: JudgingSettings): Verdict[] {
  const { slos } = settings;
  return [
    failoverVerdict(inputs, settings),
    recoveryVerdict(inputs, settings),
    ...inputs.intervals.flatMap((i) => [
      apiP99Verdict(i, slos.apiP99Ms),
      errorRateVerdict(i, slos.errorRatePercent),
    ]),
    lostWritesVerdict(inputs, slos.lostWrites),
    resourceVersionVerdict(inputs),
    crossChecksVerdict(inputs),
  ];
}
