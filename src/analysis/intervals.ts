import type { Sample } from '../observe/timeline.ts';
import { API_AGGREGATE_LABEL, apiSamplesWithin, requestStats, type RequestStats } from './percentiles.ts';
import type { JudgedInterval } from './service-health.ts';

/** A judged interval with the API requests that started in it, and how much of the asked load k6 sent. */
export interface IntervalFigures extends JudgedInterval {
  api: RequestStats;
  /** k6's requests started in the interval against what the asked rate calls for; absent without load. */
  load?: { asked: number; delivered: number };
}

export function intervalFigures(
  intervals: readonly JudgedInterval[],
  samples: readonly Sample[],
  loadRate: number | undefined,
): IntervalFigures[] {
  return intervals.map((i) => {
    if (i.start === null || i.end === null) return { ...i, api: requestStats(API_AGGREGATE_LABEL, []) };
    const { start, end } = i;
    // The baseline ends at the injection and the degraded interval at the heal: a request still in
    // flight then met the change, and is judged with the failover or the recovery instead.
    const endsByChange = i.name !== 'recovered';
    const api = apiSamplesWithin(samples, start, end).filter((s) => !endsByChange || s.end <= end);
    const figures: IntervalFigures = { ...i, api: requestStats(API_AGGREGATE_LABEL, api) };
    if (loadRate !== undefined) {
      figures.load = {
        asked: Math.floor((loadRate * (end - start)) / 1000),
        delivered: samples.filter((s) => s.probe.startsWith('k6:') && s.start >= start && s.start < end)
          .length,
      };
    }
    return figures;
  });
}
