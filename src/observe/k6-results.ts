import type { Outcome, Sample } from './timeline.ts';

/** One line of `k6 run --out json=...` that we read: a point of http_req_duration. */
interface K6Point {
  type: string;
  metric: string;
  data: { time: string; value: number; tags?: Record<string, string> };
}

/**
 * Turns k6's per-request JSON output into timeline samples "k6:<op>". The
 * point's time is when the request ended; http_req_duration is its length.
 * Requests that failed at the network level have status 0 (error code 1050
 * is k6's request timeout).
 */
export function k6Samples(jsonLines: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of jsonLines.split('\n')) {
    if (!line.includes('"http_req_duration"')) continue;
    let p: K6Point;
    try {
      p = JSON.parse(line) as K6Point;
    } catch {
      continue; // a line cut short when k6 was stopped
    }
    if (p.type !== 'Point' || p.metric !== 'http_req_duration') continue;
    const tags = p.data.tags ?? {};
    const end = Date.parse(p.data.time);
    const status = Number(tags.status ?? 0);
    let outcome: Outcome = tags.expected_response === 'true' ? 'ok' : 'error';
    if (status === 0 && tags.error_code === '1050') outcome = 'timeout';
    samples.push({
      probe: `k6:${tags.op ?? tags.name ?? 'request'}`,
      start: Math.round(end - p.data.value),
      end,
      outcome,
      ...(outcome === 'ok'
        ? {}
        : { detail: status ? `HTTP ${status}` : `k6 error ${tags.error_code ?? ''}`.trim() }),
    });
  }
  return samples;
}
