import { build } from 'hdr-histogram-js';
import type { Sample } from '../observe/timeline.ts';
import { tidy } from './format.ts';
import { isApiProbe, isFailure, samplesByProbe } from './probes.ts';
import { phaseOf, type PhaseOrOutside, type RunSpan } from './run-span.ts';

/** Latencies are recorded in microseconds so that sub-millisecond requests keep their resolution. */
const MICROS_PER_MS = 1000;
/** 3 significant digits: a percentile is at most 0.1 % above the exact value. */
const SIGNIFICANT_DIGITS = 3;

export interface LatencyStats {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Exact, not bucketed. */
  maxMs: number;
  /** Requests that ended before they started (the wall clock stepped back), counted as 0 ms. */
  negativeCountedAsZero?: number;
}

export interface RequestStats {
  /** A probe name, or "API probes" for the aggregate. */
  label: string;
  requests: number;
  /** outcome !== 'ok': errors and timeouts. */
  failed: number;
  timeouts: number;
  /** failed / requests x 100; null without requests. */
  errorRatePercent: number | null;
  /** Over every request, failed ones included (a timeout cost its client the full wait); null without requests. */
  latency: LatencyStats | null;
}

export interface PhaseStats {
  phase: PhaseOrOutside;
  /** Every probe seen in the phase, in name order. */
  probes: RequestStats[];
  /** All API probes together. */
  api: RequestStats;
}

export const API_AGGREGATE_LABEL = 'API probes';

/**
 * Nearest-rank percentiles from an HDR histogram. HDR reports the top of the value's bucket,
 * which can exceed the true maximum by the bucket width; the exact maximum caps it.
 */
export function latencyStats(durationsMs: readonly number[]): LatencyStats | null {
  if (durationsMs.length === 0) return null;
  const histogram = build({ useWebAssembly: false, numberOfSignificantValueDigits: SIGNIFICANT_DIGITS });
  let maxMs = 0;
  let negative = 0;
  for (const ms of durationsMs) {
    // The histogram takes anything and answers nonsense for it: refuse what no clock can measure.
    if (!Number.isFinite(ms) || ms * MICROS_PER_MS > Number.MAX_SAFE_INTEGER) {
      histogram.destroy();
      throw new RangeError(
        `a request lasted ${ms} ms: the timeline holds a time that is not a real clock reading`,
      );
    }
    if (ms < 0) negative++;
    histogram.recordValue(Math.max(0, Math.round(ms * MICROS_PER_MS)));
    if (ms > maxMs) maxMs = ms;
  }
  const at = (percentile: number) =>
    Math.min(histogram.getValueAtPercentile(percentile) / MICROS_PER_MS, maxMs);
  const stats: LatencyStats = {
    count: durationsMs.length,
    p50Ms: at(50),
    p95Ms: at(95),
    p99Ms: at(99),
    maxMs,
  };
  if (negative > 0) stats.negativeCountedAsZero = negative;
  histogram.destroy();
  return stats;
}

export function requestStats(label: string, samples: readonly Sample[]): RequestStats {
  const failed = samples.filter(isFailure).length;
  return {
    label,
    requests: samples.length,
    failed,
    timeouts: samples.filter((s) => s.outcome === 'timeout').length,
    errorRatePercent: samples.length === 0 ? null : tidy((failed / samples.length) * 100),
    latency: latencyStats(samples.map((s) => s.end - s.start)),
  };
}

export function apiSamples(samples: readonly Sample[]): Sample[] {
  return samples.filter((s) => isApiProbe(s.probe));
}

/** Request figures per phase (in phase order, then requests outside every phase if there are any). */
export function statsPerPhase(samples: readonly Sample[], span: RunSpan): PhaseStats[] {
  const byPhase = new Map<PhaseOrOutside, Sample[]>();
  for (const p of span.phases) if (!byPhase.has(p.name)) byPhase.set(p.name, []);
  for (const s of samples) {
    const phase = phaseOf(s.start, span.phases);
    const group = byPhase.get(phase);
    if (group) group.push(s);
    else byPhase.set(phase, [s]);
  }
  return [...byPhase.entries()].map(([phase, inPhase]) => ({
    phase,
    probes: [...samplesByProbe(inPhase).entries()].map(([probe, s]) => requestStats(probe, s)),
    api: requestStats(API_AGGREGATE_LABEL, apiSamples(inPhase)),
  }));
}

/** Requests of the API started in [start, end). */
export function apiSamplesWithin(samples: readonly Sample[], start: number, end: number): Sample[] {
  return samples.filter((s) => isApiProbe(s.probe) && s.start >= start && s.start < end);
}
