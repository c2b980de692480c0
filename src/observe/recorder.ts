import { emptyTimeline, type Phase, type Sample, type Timeline, type TimelineEvent } from './timeline.ts';

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

  event(kind: TimelineEvent['kind'], message: string, data?: TimelineEvent['data'], at = Date.now()): void {
    this.timeline.events.push({ at, kind, message, ...(data ? { data } : {}) });
  }

  beginPhase(name: Phase['name'], at = Date.now()): void {
    this.endPhase(at);
    this.timeline.phases.push({ name, start: at, end: at });
    this.event('phase', `${name} begins`, { phase: name }, at);
  }

  /** Closes the open phase (its end equals its start until then). */
  endPhase(at = Date.now()): void {
    const open = this.timeline.phases.at(-1);
    if (open && open.end === open.start) open.end = at;
  }

  onSample(listener: (s: Sample) => void): void {
    this.listeners.push(listener);
  }
}
