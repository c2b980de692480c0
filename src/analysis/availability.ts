import type { Sample } from '../observe/timeline.ts';
import { byStart, isControlProbe, isMemberProbe } from './probes.ts';

/**
 * When a request counts as good service, and how long the service must stay
 * good to count as healthy again. A request slower than slowMs is as bad as a
 * failed one for availability: a client that waits 1.9 s for an answer did not
 * have a working API, whether or not the answer came.
 */
export interface HealthRules {
  slowMs: number;
  sustainMs: number;
}

export function isSlow(s: Sample, slowMs: number): boolean {
  return s.outcome === 'ok' && s.end - s.start > slowMs;
}

/** Failed, timed out, or slower than the threshold. */
export function isBad(s: Sample, slowMs: number): boolean {
  return s.outcome !== 'ok' || s.end - s.start > slowMs;
}

/**
 * The group whose health a request speaks for: each service probe on its own,
 * the load generator's streams together as "k6" (one stream, e.g. deletes, may
 * be quiet for seconds at a low rate). Per-member probes and k6's long-poll
 * watches speak for no part of the service: undefined.
 */
export function serviceSource(probe: string): string | undefined {
  if (isMemberProbe(probe) || isControlProbe(probe) || probe === 'k6:watch') return undefined;
  return probe.startsWith('k6:') ? 'k6' : probe;
}

export interface SustainedHealth {
  /**
   * Start of the first interval [healthyFrom, healthyFrom + sustainMs), at or after `from` and ending
   * by `until`, in which every request of the judged sources that started succeeded within the slow
   * threshold, and each source issued at least one. Absent when there is none.
   */
  healthyFrom?: number;
  /** The last bad request before healthyFrom (or before `until` when none was found). */
  lastBad?: Sample;
  /** The sources judged: those with a request in [from, until). */
  sources: string[];
}

/**
 * The first sustained healthy interval of a set of sources. Requests are placed by their start:
 * the service is healthy from a moment on when requests issued from then on are served well.
 */
export function firstSustainedHealthy(
  samples: readonly Sample[],
  sourceOf: (probe: string) => string | undefined,
  from: number,
  until: number,
  rules: HealthRules,
): SustainedHealth {
  const judged = samples
    .filter((s) => s.start >= from && s.start < until && sourceOf(s.probe) !== undefined)
    .sort(byStart);
  const sources = [...new Set(judged.map((s) => sourceOf(s.probe)!))].sort();
  const result: SustainedHealth = { sources };
  let i = 0;
  let a = from;
  while (a + rules.sustainMs <= until) {
    const windowEnd = a + rules.sustainMs;
    let lastBad = -1;
    const seen = new Set<string>();
    for (let j = i; j < judged.length && judged[j]!.start < windowEnd; j++) {
      const s = judged[j]!;
      seen.add(sourceOf(s.probe)!);
      if (isBad(s, rules.slowMs)) lastBad = j;
    }
    let pivot = a;
    if (lastBad >= 0) {
      result.lastBad = judged[lastBad]!;
      pivot = result.lastBad.start;
    } else if (sources.every((src) => seen.has(src))) {
      result.healthyFrom = a;
      return result;
    }
    // After a bad request, health can start only with a later one; a quiet source
    // (no request in the window, so no evidence) moves the window on by one request.
    while (i < judged.length && judged[i]!.start <= pivot) i++;
    const next = judged[i];
    if (next === undefined) break;
    a = next.start;
  }
  // None found: name the last bad request before `until`, which bounds the failover from below.
  for (let k = judged.length - 1; k >= 0; k--) {
    if (isBad(judged[k]!, rules.slowMs)) {
      result.lastBad = judged[k]!;
      break;
    }
  }
  return result;
}

/** A stretch in which the service was not fully healthy: some source's requests were failing or slow. */
export interface UnavailableWindow {
  start: number;
  /** null: still bad when the run ended. */
  end: number | null;
  /** Up to the end of the run for an open window (a lower bound). */
  durationMs: number;
  /** Bad requests that started inside it. */
  badRequests: number;
  /** The sources that had a bad request inside it. */
  sources: string[];
}

/**
 * When the service was unavailable: for each source, from the start of a bad request to the start of
 * the next good request of that source; the union over all sources. A full outage shows as one window
 * of its length; a partial one (some requests routed to a dead member) as many short windows, which is
 * why failover is judged by sustained health, not by window length.
 */
export function unavailableWindows(
  samples: readonly Sample[],
  sourceOf: (probe: string) => string | undefined,
  slowMs: number,
  runEnd: number,
): UnavailableWindow[] {
  const bySource = new Map<string, Sample[]>();
  for (const s of samples) {
    const src = sourceOf(s.probe);
    if (src === undefined) continue;
    const group = bySource.get(src);
    if (group) group.push(s);
    else bySource.set(src, [s]);
  }
  const stretches: { start: number; end: number | null; bad: number; source: string }[] = [];
  for (const [source, group] of bySource) {
    group.sort(byStart);
    let open: { start: number; end: number | null; bad: number; source: string } | undefined;
    for (const s of group) {
      if (isBad(s, slowMs)) {
        if (open) open.bad++;
        else open = { start: s.start, end: null, bad: 1, source };
      } else if (open) {
        open.end = s.start;
        stretches.push(open);
        open = undefined;
      }
    }
    if (open) stretches.push(open);
  }
  stretches.sort((x, y) => x.start - y.start || (x.source < y.source ? -1 : x.source > y.source ? 1 : 0));
  const windows: UnavailableWindow[] = [];
  let current: UnavailableWindow | undefined;
  const close = () => {
    if (!current) return;
    current.durationMs = (current.end ?? Math.max(runEnd, current.start)) - current.start;
    current.sources.sort();
    windows.push(current);
    current = undefined;
  };
  for (const st of stretches) {
    if (current && (current.end === null || st.start <= current.end)) {
      current.end = current.end === null || st.end === null ? null : Math.max(current.end, st.end);
      current.badRequests += st.bad;
      if (!current.sources.includes(st.source)) current.sources.push(st.source);
    } else {
      close();
      current = { start: st.start, end: st.end, durationMs: 0, badRequests: st.bad, sources: [st.source] };
    }
  }
  close();
  return windows;
}

/** How much of [from, to) the windows cover. */
export function unavailableWithin(
  windows: readonly UnavailableWindow[],
  from: number,
  to: number,
  runEnd: number,
): number {
  let ms = 0;
  for (const w of windows) {
    const start = Math.max(w.start, from);
    const end = Math.min(w.end ?? runEnd, to);
    if (end > start) ms += end - start;
  }
  return ms;
}
