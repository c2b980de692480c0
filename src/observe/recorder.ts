import { deepFreeze } from '../util/freeze.ts';
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
  type ReadonlyTimeline,
  type Sample,
  type Timeline,
  type TimelineEvent,
  type WriteRecord,
} from './timeline.ts';

/**
 * Collects the timeline of one drill as it happens. Everything observers
 * see goes through here, so report.json holds every request. The timeline
 * is handed out once, by finish(), frozen; nothing is recorded after that.
 */
export class Recorder {
  private readonly timeline: Timeline = emptyTimeline();
  private finished = false;
  private readonly sampleListeners: ((s: Sample) => void)[] = [];
  private readonly writeListeners: ((w: WriteRecord) => void)[] = [];

  sample(s: Sample): void {
    this.open().samples.push(s);
    for (const l of this.sampleListeners) l(s);
  }

  write(w: WriteRecord): void {
    this.open().writes.push(w);
    for (const l of this.writeListeners) l(w);
  }

  etcdStatus(s: EtcdStatusSample): void {
    this.open().etcdStatus.push(s);
  }

  lbStatus(s: LbServerStatus): void {
    this.open().lbStatus.push(s);
  }

  etcdLog(read: { members: string[]; lines: readonly EtcdLogLine[] }): void {
    const t = this.open();
    for (const line of read.lines) insertByTime(t.etcdLog, line);
    t.etcdLogRead = read.members;
  }

  metrics(m: MetricsScrape): void {
    this.open().metrics.push(m);
  }

  readBack(api: ReadBack[], etcd: EtcdReadBack[]): void {
    const t = this.open();
    t.readBack = api;
    t.etcdReadBack = etcd;
  }

  load(summary: LoadSummary): void {
    this.open().load = summary;
  }

  harness(usage: HarnessUsage): void {
    this.open().harness = usage;
  }

  /**
   * Events are kept in time order: one may be recorded after later ones (a fault's heal is stamped
   * when it began; process events are read from the supervisor at the end).
   */
  event(kind: TimelineEvent['kind'], message: string, data?: TimelineEvent['data'], at = now()): void {
    insertByTime(this.open().events, { at, kind, message, ...(data ? { data } : {}) });
  }

  beginPhase(name: Phase['name'], at = now()): void {
    this.endPhase(at);
    this.open().phases.push({ name, start: at, end: at });
    this.event('phase', `${name} begins`, { phase: name }, at);
  }

  /** Closes the open phase (its end equals its start until then). */
  endPhase(at = now()): void {
    const open = this.open().phases.at(-1);
    if (open && open.end === open.start) open.end = at;
  }

  /** Called with every sample as it is recorded (the live status line). */
  onSample(listener: (s: Sample) => void): void {
    this.sampleListeners.push(listener);
  }

  /** Called with every write as it is recorded (the watch probe waits for their events). */
  onWrite(listener: (w: WriteRecord) => void): void {
    this.writeListeners.push(listener);
  }

  /** The writes recorded so far, for the read-back after the probes have stopped. */
  writesSoFar(): readonly WriteRecord[] {
    return [...this.open().writes];
  }

  /** Ends the recording and hands out the timeline, frozen. Called once; recording after it is a bug. */
  finish(): ReadonlyTimeline {
    const timeline = deepFreeze(this.open());
    this.finished = true;
    return timeline;
  }

  private open(): Timeline {
    if (this.finished) throw new Error('recorded into the timeline after the recording finished');
    return this.timeline;
  }
}

/** Inserts after every item of the same time or earlier, so items of equal time stay in recorded order. */
function insertByTime<T extends { at: number }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.at > item.at) i--;
  list.splice(i, 0, item);
}
