import type { AnalysisSettings } from '../../src/analysis/analyze.ts';
import { DEFAULT_FAILOVER_BOUNDS } from '../../src/analysis/bounds.ts';
import { DEFAULT_SLOS, type Verdict } from '../../src/analysis/verdict.ts';
import {
  emptyTimeline,
  type EtcdStatusSample,
  type Outcome,
  type Sample,
  type Timeline,
  type WriteRecord,
} from '../../src/observe/timeline.ts';
import { UsageError } from '../../src/util/errors.ts';

/** Every hand-made timeline starts here, so relative times read as written. */
export const T = 1_767_225_600_000;

/** The defaults a drill judges with: 500 ms slow threshold, 5 s sustained health, probes every 100 ms. */
export const SETTINGS: AnalysisSettings = {
  slos: DEFAULT_SLOS,
  health: { slowMs: 500, sustainMs: 5000 },
  probeIntervalMs: 100,
  lbPollMs: 250,
  bounds: DEFAULT_FAILOVER_BOUNDS,
};

export function sample(
  probe: string,
  start: number,
  end: number,
  outcome: Outcome = 'ok',
  detail?: string,
): Sample {
  return { probe, start: T + start, end: T + end, outcome, ...(detail ? { detail } : {}) };
}

export function write(
  key: string,
  value: string,
  outcome: WriteRecord['outcome'],
  start: number,
  end: number,
  rv?: string,
  op?: WriteRecord['op'],
): WriteRecord {
  return {
    key,
    value,
    outcome,
    start: T + start,
    end: T + end,
    ...(rv ? { resourceVersion: rv } : {}),
    ...(op ? { op } : {}),
  };
}

export function status(
  at: number,
  member: string,
  leader: string | undefined,
  extra: Partial<EtcdStatusSample> = {},
): EtcdStatusSample {
  const s: EtcdStatusSample = { at: T + at, member, ok: leader !== undefined && leader !== '0', ...extra };
  if (leader !== undefined) s.leader = leader;
  return s;
}

/** Phases of the given lengths in seconds (default 10/10/10); the fault injected as the fault phase begins and healed as it ends. */
export function phasedTimeline(
  samples: Sample[],
  [b, f, r]: [number, number, number] = [10, 10, 10],
): Timeline {
  const injected = T + b * 1000;
  const healed = injected + f * 1000;
  return {
    ...emptyTimeline(),
    phases: [
      { name: 'baseline', start: T, end: injected },
      { name: 'fault', start: injected, end: healed },
      { name: 'recovery', start: healed, end: healed + r * 1000 },
    ],
    events: [
      { at: injected, kind: 'fault-inject', message: 'inject' },
      { at: healed, kind: 'fault-heal', message: 'heal' },
    ],
    samples,
  };
}

/** A probe's requests every `every` ms over [from, to), each answered in `latency` ms unless `fate` says otherwise. */
export function steady(
  probe: string,
  from: number,
  to: number,
  every = 100,
  fate: (start: number, i: number) => { outcome?: Outcome; latency?: number; detail?: string } = () => ({}),
  latency = 5,
): Sample[] {
  const out: Sample[] = [];
  for (let start = from, i = 0; start < to; start += every, i++) {
    const f = fate(start, i);
    out.push(sample(probe, start, start + (f.latency ?? latency), f.outcome ?? 'ok', f.detail));
  }
  return out;
}

export function verdictOf(all: Verdict[], slo: Verdict['slo'], interval?: Verdict['interval']): Verdict {
  const v = all.find((x) => x.slo === slo && x.interval === interval);
  if (!v) throw new Error(`no verdict ${slo}${interval ? ` (${interval})` : ''}`);
  return v;
}

/** The UsageError (exit code 2) `fn` throws; any other error, or none, fails the test. */
export function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected a UsageError');
}
