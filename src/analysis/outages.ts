import type { Outcome, Sample } from '../observe/timeline.ts';
import { isFailure, isServiceProbe, samplesByProbe } from './probes.ts';

/** From the start of the first failed request to the end of the first successful request after it. */
export interface OutageWindow {
  start: number;
  /** null while no later request succeeded: the window was still open when the run ended. */
  end: number | null;
  /** end - start; for an open window, up to the end of the run (a lower bound). */
  durationMs: number;
  /** Failed requests that started inside the window. */
  failedRequests: number;
  /** What the first failure said, to tell a timeout from a refusal. */
  firstFailure: { outcome: Outcome; target?: string; detail?: string };
}

export interface ProbeOutages {
  probe: string;
  /** False for per-member probes, which are reported but do not count towards failover. */
  service: boolean;
  requests: number;
  failed: number;
  windows: OutageWindow[];
  /** The longest outage window; 0 when the probe never failed. */
  failoverMs: number;
  /** False when the longest window never closed: failoverMs is then only a lower bound. */
  recovered: boolean;
  /**
   * From the fault injection to the first success after the probe's last failure (the end of its
   * last outage window). null when no outage window ended after the injection, or the last one never closed.
   */
  injectionToRecoveryMs: number | null;
}

/**
 * Outage windows of one probe. Requests are taken in start order: "after" means started later,
 * so a success that started before a failure never closes that failure's window. Requests overlap
 * (a fixed-rate probe does not wait for a slow answer), so a failure may start before the success
 * that closed the previous window came back: that failure continues the previous window, which
 * keeps windows disjoint.
 */
export function outageWindows(samples: readonly Sample[], runEnd: number): OutageWindow[] {
  const ordered = [...samples].sort((a, b) => a.start - b.start || a.end - b.end);
  const windows: OutageWindow[] = [];
  let open: OutageWindow | undefined;
  for (const s of ordered) {
    if (isFailure(s)) {
      const previous = windows.at(-1);
      if (open) open.failedRequests++;
      else if (previous?.end != null && s.start <= previous.end) {
        open = windows.pop();
        if (open) open.failedRequests++;
      } else {
        const firstFailure: OutageWindow['firstFailure'] = { outcome: s.outcome };
        if (s.target !== undefined) firstFailure.target = s.target;
        if (s.detail !== undefined) firstFailure.detail = s.detail;
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

export function probeOutages(
  probe: string,
  samples: readonly Sample[],
  runEnd: number,
  faultInjectedAt: number | undefined,
): ProbeOutages {
  const windows = outageWindows(samples, runEnd);
  const longest = windows.reduce<OutageWindow | undefined>(
    (a, w) => (a === undefined || w.durationMs > a.durationMs ? w : a),
    undefined,
  );
  const last = windows.at(-1);
  let injectionToRecoveryMs: number | null = null;
  if (faultInjectedAt !== undefined && last?.end != null && last.end >= faultInjectedAt) {
    injectionToRecoveryMs = last.end - faultInjectedAt;
  }
  return {
    probe,
    service: isServiceProbe(probe),
    requests: samples.length,
    failed: samples.filter(isFailure).length,
    windows,
    failoverMs: longest?.durationMs ?? 0,
    recovered: windows.every((w) => w.end !== null),
    injectionToRecoveryMs,
  };
}

export function outagesPerProbe(
  samples: readonly Sample[],
  runEnd: number,
  faultInjectedAt: number | undefined,
): ProbeOutages[] {
  return [...samplesByProbe(samples).entries()].map(([probe, s]) =>
    probeOutages(probe, s, runEnd, faultInjectedAt),
  );
}

/** Recovery: from the heal until every probe is healthy again (the last outage window open at or after the heal closed). */
export interface Recovery {
  healedAt: number;
  /** null when some probe's window never closed. */
  allHealthyAt: number | null;
  /** 0 when no probe was failing at or after the heal; null when some never recovered. */
  recoveryMs: number | null;
  /** The probe whose recovery came last (or that never recovered). */
  lastProbe?: string;
}

export function recoveryAfterHeal(outages: readonly ProbeOutages[], healedAt: number): Recovery {
  let allHealthyAt = healedAt;
  let lastProbe: string | undefined;
  for (const p of outages) {
    for (const w of p.windows) {
      if (w.end === null) return { healedAt, allHealthyAt: null, recoveryMs: null, lastProbe: p.probe };
      if (w.end > allHealthyAt) {
        allHealthyAt = w.end;
        lastProbe = p.probe;
      }
    }
  }
  const recovery: Recovery = { healedAt, allHealthyAt, recoveryMs: allHealthyAt - healedAt };
  if (lastProbe !== undefined) recovery.lastProbe = lastProbe;
  return recovery;
}
