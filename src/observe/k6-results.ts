import type { LoadSummary, Outcome, Sample } from './timeline.ts';

/** k6's error code for its own request timeout; others (1000 EOF, 1220 reset, ...) are errors. */
const K6_TIMEOUT = '1050';

/**
 * Turns the load script's per-request lines ("KHD <op> <start ms> <client ms>
 * <status> <error code> [error text]") into timeline samples "k6:<op>". Start times are k6's
 * wall clock; `toClock` moves them onto the drill's clock. Other lines (k6's
 * own messages) are skipped; a line of ours that cannot be read is counted.
 */
export function k6Samples(
  text: string,
  toClock: (wallMs: number) => number = (t) => t,
  stoppedAt = Infinity,
): { samples: Sample[]; unreadable: number; cancelledAtStop: number; endedAfterStop: number } {
  const samples: Sample[] = [];
  let unreadable = 0;
  let cancelledAtStop = 0;
  let endedAfterStop = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('KHD ')) continue;
    const [, op, startText, totalText, statusText, code, ...message] = line.trim().split(' ');
    const start = Number(startText);
    const total = Number(totalText);
    const status = Number(statusText);
    if (
      !op ||
      !Number.isFinite(start) ||
      !Number.isFinite(total) ||
      !Number.isInteger(status) ||
      code === undefined
    ) {
      unreadable++; // a line cut short when k6 was stopped
      continue;
    }
    const ok = status >= 200 && status < 400;
    const outcome: Outcome = ok ? 'ok' : status === 0 && code === K6_TIMEOUT ? 'timeout' : 'error';
    const s = toClock(start);
    // Stopping k6 cancels what it has in flight: the drill's doing, not the cluster's; counted, not judged.
    if (!ok && message.join(' ') === CANCELLED && s + total >= stoppedAt - STOP_SLACK_MS) {
      cancelledAtStop++;
      continue;
    }
    // Finished after the stop signal: k6 writes its line, but may stop counting before it.
    if (s + total >= stoppedAt) endedAfterStop++;
    samples.push({
      probe: `k6:${op}`,
      start: s,
      end: s + Math.round(total),
      outcome,
      ...(ok
        ? {}
        : { detail: (status ? `HTTP ${status}` : `k6 error ${code}: ${message.join(' ')}`).slice(0, 160) }),
    });
  }
  return { samples, unreadable, cancelledAtStop, endedAfterStop };
}

/** What k6 says of a request it cancelled itself, and how early before the stop signal it may say it. */
const CANCELLED = 'context canceled';
const STOP_SLACK_MS = 50;

/** k6's summary export (the flat format of --summary-export): what k6 says it did. */
export function k6Summary(
  json: string,
  rate: number,
  lines: { unreadable: number; cancelledAtStop: number; endedAfterStop?: number },
): LoadSummary {
  const m = (JSON.parse(json) as { metrics?: Record<string, Record<string, number>> }).metrics ?? {};
  const p99 = m.khd_client_ms?.['p(99)'];
  return {
    rate,
    requests: m.http_reqs?.count ?? 0,
    droppedIterations: m.dropped_iterations?.count ?? 0,
    p99Ms: typeof p99 === 'number' ? p99 : null,
    unreadable: lines.unreadable,
    cancelledAtStop: lines.cancelledAtStop,
    endedAfterStop: lines.endedAfterStop ?? 0,
  };
}
