import type { AnalysisFigures } from '../../analysis/analyze.ts';
import type { ReadonlyTimeline, Sample, TimelineEvent } from '../../observe/timeline.ts';
import { decodeTimeline, type Report } from '../report-model.ts';

/**
 * What report.html's timeline chart draws, taken from report.json alone. Times are seconds since
 * time zero (the start of the baseline, as in report.md); latencies are milliseconds.
 */
export interface ChartModel {
  /** Time zero, ms since the Unix epoch. */
  origin: number;
  /** The x range: the first and last recorded moment. */
  from: number;
  to: number;
  /** Requests, one series per group; failed requests of every group form one series of their own. */
  series: ChartSeries[];
  /** Shaded across the plot: the fault windows. */
  faults: FaultWindow[];
  /** One lane each under the plot: each fault, the failover and degraded intervals, each probe's outage windows. */
  lanes: ChartLane[];
  /** Vertical marks: leader changes and process exits and starts. */
  marks: ChartMark[];
}

export interface ChartSeries {
  label: string;
  failed: boolean;
  /** Request start, seconds since time zero. */
  x: number[];
  /** Request duration, ms (drawn on a log scale, so at least MIN_DRAWN_LATENCY_MS). */
  y: number[];
}

export interface ChartWindow {
  start: number;
  end: number;
  /** The window had not closed when the run ended: `end` is the end of the run. */
  open: boolean;
}

export interface FaultWindow extends ChartWindow {
  /** "fault isolate node-3": its lane's name. */
  label: string;
}

export interface ChartLane {
  label: string;
  kind: 'fault' | 'failover' | 'degraded' | 'outage' | 'member-outage';
  windows: ChartWindow[];
}

export interface ChartMark {
  at: number;
  kind: 'leader-change' | 'process-exit' | 'process-start';
  label: string;
}

/** A log scale cannot show 0: a request recorded as taking less is drawn at this latency. */
export const MIN_DRAWN_LATENCY_MS = 0.1;

/** The groups requests are coloured by, in legend order; the first whose test matches takes a probe. */
const SERIES_GROUPS: readonly { label: string; test: (probe: string) => boolean }[] = [
  { label: 'k6 load', test: (p) => p.startsWith('k6:') },
  { label: 'etcd members', test: (p) => p.startsWith('etcd:') },
  { label: 'DNS', test: (p) => p === 'dns' || p.startsWith('member:dns@') },
  { label: 'per-apiserver probes', test: (p) => p.startsWith('member:') },
  { label: 'API probes', test: () => true },
];

const FAILED_SERIES_LABEL = 'failed (any)';

/** Seconds since time zero, to the millisecond. */
function secondsSince(at: number, origin: number): number {
  return Math.round(at - origin) / 1000;
}

function drawnLatency(s: Pick<Sample, 'start' | 'end'>): number {
  return Math.max(MIN_DRAWN_LATENCY_MS, Math.round((s.end - s.start) * 1000) / 1000);
}

function seriesLabelOf(s: Pick<Sample, 'probe' | 'outcome'>): string {
  if (s.outcome !== 'ok') return FAILED_SERIES_LABEL;
  return SERIES_GROUPS.find((g) => g.test(s.probe))?.label ?? 'API probes';
}

function requestSeries(timeline: ReadonlyTimeline, origin: number): ChartSeries[] {
  const labels = [...SERIES_GROUPS.map((g) => g.label), FAILED_SERIES_LABEL];
  const byLabel = new Map(
    labels.map((label) => [
      label,
      { label, failed: label === FAILED_SERIES_LABEL, x: [] as number[], y: [] as number[] },
    ]),
  );
  const samples = [...timeline.samples].sort((a, b) => a.start - b.start);
  for (const s of samples) {
    const series = byLabel.get(seriesLabelOf(s))!;
    series.x.push(secondsSince(s.start, origin));
    series.y.push(drawnLatency(s));
  }
  return [...byLabel.values()].filter((s) => s.x.length > 0);
}

/** Fields of a fault's events that tell its heal from another fault's. */
const FAULT_IDENTITY = ['fault', 'node', 'component', 'member', 'loadBalancer'];

function sameFault(inject: TimelineEvent, heal: TimelineEvent): boolean {
  return FAULT_IDENTITY.every((k) => {
    const a = inject.data?.[k];
    const b = heal.data?.[k];
    return a === undefined || b === undefined || a === b;
  });
}

function faultLabel(e: TimelineEvent): string {
  const d = e.data ?? {};
  return ['fault', d.fault, d.component, d.node ?? d.loadBalancer]
    .filter((x) => x !== undefined && x !== null)
    .join(' ');
}

/** Each fault from its injection to its own heal (faults may overlap); open when it never healed. */
function faultWindows(events: readonly TimelineEvent[], origin: number, to: number): FaultWindow[] {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const injects = sorted.filter((e) => e.kind === 'fault-inject');
  const heals = sorted.filter((e) => e.kind === 'fault-heal');
  return injects.map((inject) => {
    const i = heals.findIndex((h) => h.at >= inject.at && sameFault(inject, h));
    const heal = i < 0 ? undefined : heals.splice(i, 1)[0];
    return {
      start: secondsSince(inject.at, origin),
      end: heal ? secondsSince(heal.at, origin) : to,
      open: heal === undefined,
      label: faultLabel(inject),
    };
  });
}

/** A window of the analysis; one still open at the end runs to `to`. */
function chartWindow(start: number, end: number | null, origin: number, to: number): ChartWindow {
  return {
    start: secondsSince(start, origin),
    end: end === null ? to : secondsSince(end, origin),
    open: end === null,
  };
}

function lanes(a: AnalysisFigures | null, faults: FaultWindow[], origin: number, to: number): ChartLane[] {
  const result: ChartLane[] = faults.map(({ label, ...w }) => ({ label, kind: 'fault', windows: [w] }));
  if (!a) return result;
  const f = a.service.failover;
  if (f) {
    // Not healthy again before the heal: open up to the end of the fault window.
    result.push({
      label: 'failover',
      kind: 'failover',
      windows: [chartWindow(f.injectedAt, f.healthyFrom, origin, secondsSince(f.until, origin))],
    });
  }
  const degraded = a.service.intervals.filter(
    (i) => i.name === 'degraded' && i.start !== null && i.end !== null,
  );
  if (degraded.length > 0) {
    result.push({
      label: 'degraded',
      kind: 'degraded',
      windows: degraded.map((i) => chartWindow(i.start!, i.end, origin, to)),
    });
  }
  // Service probes first, then per-member ones; a probe without an outage gets no lane.
  const probes = [...a.outages].sort((x, y) => Number(y.service) - Number(x.service));
  for (const p of probes) {
    if (p.windows.length === 0) continue;
    result.push({
      label: p.probe,
      kind: p.service ? 'outage' : 'member-outage',
      windows: p.windows.map((w) => chartWindow(w.start, w.end, origin, to)),
    });
  }
  return result;
}

const MARKED_EVENTS = new Set<TimelineEvent['kind']>(['leader-change', 'process-exit', 'process-start']);

/** Events before the first recorded moment (the cluster's own start) are left out. */
function marks(events: readonly TimelineEvent[], origin: number, first: number): ChartMark[] {
  return events
    .filter((e) => MARKED_EVENTS.has(e.kind) && e.at >= first)
    .map((e) => ({ at: secondsSince(e.at, origin), kind: e.kind as ChartMark['kind'], label: e.message }))
    .sort((x, y) => x.at - y.at);
}

/** Time zero without an analysis: the first phase, else the earliest recorded moment. */
function originOf(report: Report, timeline: ReadonlyTimeline): number {
  return report.analysis?.run.origin ?? timeline.phases[0]?.start ?? timeline.samples[0]?.start ?? 0;
}

export function chartModel(report: Report): ChartModel {
  const timeline = decodeTimeline(report.timeline);
  const origin = originOf(report, timeline);
  // A loop, not Math.min(...): a long run's samples would overflow the argument list.
  let first = Infinity;
  let last = -Infinity;
  for (const t of [...timeline.phases, ...timeline.samples]) {
    first = Math.min(first, t.start);
    last = Math.max(last, t.end);
  }
  const from = Number.isFinite(first) ? secondsSince(first, origin) : 0;
  const to = Number.isFinite(last) ? secondsSince(last, origin) : 1;
  const faults = faultWindows(timeline.events, origin, to);
  return {
    origin,
    from,
    to,
    series: requestSeries(timeline, origin),
    faults,
    lanes: lanes(report.analysis, faults, origin, to),
    marks: marks(timeline.events, origin, first),
  };
}
