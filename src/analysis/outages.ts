import type { Outcome, Sample } from '../observe/timeline.ts';
import { firstSustainedHealthy, isBad, isSlow, type HealthRules } from './availability.ts';
import { byStart, isFailure, isServiceProbe, samplesByProbe } from './probes.ts';
import type { RunSpan } from './run-span.ts';

/** From the start of the first bad request to the end of the first good request after it. */
export interface OutageWindow {
  start: number;
  /** null while no later request succeeded: the window was still open when the run ended. */
  end: number | null;
  /** end - start; for an open window, up to the end of the run (a lower bound). */
  durationMs: number;
  /** Bad (failed or slow) requests that started inside the window. */
  failedRequests: number;
  /** What the first failure said, to tell a timeout from a refusal. */
  firstFailure: { outcome: Outcome; target?: string; detail?: string };
}

export interface ProbeOutages {
  probe: string;
  /** False for per-member probes, which are reported but speak for no part of the service. */
  service: boolean;
  requests: number;
  /** outcome !== 'ok': errors and timeouts. */
  failed: number;
  /** Succeeded, but slower than the slow threshold: unavailable all the same. */
  slow: number;
  windows: OutageWindow[];
  /** The longest outage window; 0 when the probe never had a bad request. */
  longestWindowMs: number;
  /** False when a window never closed: longestWindowMs is then only a lower bound. */
  recovered: boolean;
  /**
   * This probe alone, by the service's failover definition: from the injection to the start of its
   * first sustained healthy interval before the heal; null when not reached; absent without a fault.
   */
  failoverMs?: number | null;
}

/**
 * Outage windows of one probe; a bad request is a failed or a slow one. Requests are taken in start
 * order: "after" means started later, so a success that started before a failure never closes that
 * failure's window. Requests overlap (a fixed-rate probe does not wait for a slow answer), so a
 * failure may start before the success that closed the previous window came back: that failure
 * continues the previous window, which keeps windows disjoint.
 */
export function outageWindows(samples: readonly Sample[], runEnd: number, slowMs: number): OutageWindow[] {
  const ordered = [...samples].sort(byStart);
  const windows: OutageWindow[] = [];
  let open: OutageWindow | undefined;
  for (const s of ordered) {
    if (isBad(s, slowMs)) {
      const previous = windows.at(-1);
      if (open) open.failedRequests++;
      else if (previous?.end != null && s.start <= previous.end) {
        open = windows.pop();
        if (open) open.failedRequests++;
      } else {
        const firstFailure: OutageWindow['firstFailure'] = { outcome: s.outcome };
        if (s.target !== undefined) firstFailure.target = s.target;
        if (s.outcome === 'ok') firstFailure.detail = `slow: ${s.end - s.start} ms`;
        else if (s.detail !== undefined) firstFailure.detail = s.detail;
        open = { start: s.start, end: null, durationMs: 0, failedRequests: 1, firstFailure };
      }
    } else if (open) {
      // A success that came back before the window's current end cannot end it earlier.
      open.end = Math.max(s.end, open.end ?? -Infinity);
      open.durationMs = open.end - open.start;
      windows.push(open);
      open = undefined;
    }
  }
  if (open) {
    open.end = null;
    open.durationMs = Math.max(0, runEnd - open.start);
    windows.push(open);
  }
  return windows;
}

/** k6's short watches last their timeoutSeconds by design: their length is no slowness, and they judge nothing. */
const LONG_POLL = 'k6:watch';

export function probeOutages(
  probe: string,
  samples: readonly Sample[],
  span: RunSpan,
  health: HealthRules,
): ProbeOutages {
  const rules = probe === LONG_POLL ? { ...health, slowMs: Infinity } : health;
  const windows = outageWindows(samples, span.end, rules.slowMs);
  const longest = windows.reduce((a, w) => Math.max(a, w.durationMs), 0);
  const figures: ProbeOutages = {
    probe,
    service: isServiceProbe(probe),
    requests: samples.length,
    failed: samples.filter(isFailure).length,
    slow: samples.filter((s) => isSlow(s, rules.slowMs)).length,
    windows,
    longestWindowMs: longest,
    recovered: windows.every((w) => w.end !== null),
  };
  if (span.faultInjectedAt !== undefined && probe !== LONG_POLL) {
    const found = firstSustainedHealthy(
      samples,
      (p) => p,
      span.faultInjectedAt,
      span.faultHealedAt ?? span.end,
      rules,
    );
    figures.failoverMs = found.healthyFrom === undefined ? null : found.healthyFrom - span.faultInjectedAt;
  }
  return figures;
}

export function outagesPerProbe(
  samples: readonly Sample[],
  span: RunSpan,
  rules: HealthRules,
): ProbeOutages[] {
  return [...samplesByProbe(samples).entries()].map(([probe, s]) => probeOutages(probe, s, span, rules));
}
