import { now } from './clock.ts';
import {
  emptyTimeline,
  type EtcdLogLine,
  type EtcdReadBack,
  type EtcdStatusSample,
  type HarnessUsage,
  type LbServerStatus,
  type LoadSummary,
  type MetricsScrape,
  type Phase,
  type ReadBack,
  type Sample,
  type Timeline,
  type TimelineEvent,
  type WriteRecord,
} from './timeline.ts';

/**
 * Collects the timeline of one drill as it happens. Everything observers
 * see goes through here, so report.json holds every request.
 */
export class Recorder {
  readonly timeline: Timeline = emptyTimeline();
  private readonly listeners: ((s: Sample) => void)[] = [];

  sample(s: Sample): void {
    this.timeline.samples.push(s);
    for (const l of this.listeners) l(s);
  }

  write(w: WriteRecord): void {
    this.timeline.writes.push(w);
  }

  etcdStatus(s: EtcdStatusSample): void {
    this.timeline.etcdStatus.push(s);
  }

  lbStatus(s: LbServerStatus): void {
    this.timeline.lbStatus.push(s);
  }

  etcdLog(read: { members: string[]; lines: readonly EtcdLogLine[] }): void {
    this.timeline.etcdLog.push(...read.lines);
    this.timeline.etcdLog.sort((a, b) => a.at - b.at);
    this.timeline.etcdLogRead = read.members;
  }

  metrics(m: MetricsScrape): void {
    this.timeline.metrics.push(m);
  }

  readBack(api: ReadBack[], etcd: EtcdReadBack[]): void {
    this.timeline.readBack = api;
    this.timeline.etcdReadBack = etcd;
  }

  load(summary: LoadSummary): void {
    this.timeline.load = summary;
  }

  harness(usage: HarnessUsage): void {
    this.timeline.harness = usage;
  }

  event(kind: TimelineEvent['kind'], message: string, data?: TimelineEvent['data'], at = now()): void {
    this.timeline.events.push({ at, kind, message, ...(data ? { data } : {}) });
  }

  beginPhase(name: Phase['name'], at = now()): void {
    this.endPhase(at);
    this.timeline.phases.push({ name, start: at, end: at });
    this.event('phase', `${name} begins`, { phase: name }, at);
  }

  /** Closes the open phase (its end equals its start until then). */
  endPhase(at = now()): void {
    const open = this.timeline.phases.at(-1);
    if (open && open.end === open.start) open.end = at;
  }

  onSample(listener: (s: Sample) => void): void {
    this.listeners.push(listener);
  }
}
