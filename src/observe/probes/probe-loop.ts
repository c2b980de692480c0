import { NotConnectedError } from '../../util/api-client.ts';
import { now } from '../clock.ts';
import type { Recorder } from '../recorder.ts';
import type { Outcome } from '../timeline.ts';

export interface ProbeResult {
  outcome: Outcome;
  detail?: string;
}

export interface Probe {
  /** Name in the timeline, e.g. "api-read". */
  name: string;
  target?: string;
  /** One request; must settle by itself within the probe timeout. */
  once(seq: number): Promise<ProbeResult>;
  /** Releases what the probe holds (a kept-alive connection). */
  close?(): void;
}

/**
 * Issues one request of a probe every interval, at a fixed rate: a slow or
 * hung request does not delay the next one, so an outage is seen to the
 * interval's resolution, not to the timeout's. Requests go out on a fixed grid
 * (start + k x interval): a timer that fires late does not push the rest back,
 * and a slot missed entirely (the process stalled for longer than an interval)
 * is skipped rather than sent in a burst.
 */
export class ProbeLoop {
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private seq = 0;
  private stopped = false;

  constructor(
    private readonly probe: Probe,
    private readonly recorder: Recorder,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const t0 = performance.now();
    const tick = () => {
      const seq = this.seq++;
      const start = now();
      const p: Promise<void> = this.probe
        .once(seq)
        .catch((err: unknown) => ({ outcome: 'error' as Outcome, detail: shortError(err) }))
        .then((r) => {
          this.recorder.sample({
            probe: this.probe.name,
            start,
            end: now(),
            outcome: r.outcome,
            ...(this.probe.target ? { target: this.probe.target } : {}),
            ...(r.detail ? { detail: r.detail } : {}),
          });
        })
        .finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    };
    const next = () => {
      if (this.stopped) return;
      const elapsed = performance.now() - t0;
      const slot = Math.floor(elapsed / this.intervalMs) + 1;
      this.timer = setTimeout(
        () => {
          tick();
          next();
        },
        slot * this.intervalMs - elapsed,
      );
    };
    tick();
    next();
  }

  /** Stops issuing and waits for the requests in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all([...this.inFlight]);
    this.probe.close?.();
  }
}

export function shortError(err: unknown): string {
  const e = err as { code?: string; message?: string; name?: string };
  const text = e?.code ?? (e?.name === 'TimeoutError' ? 'timeout' : e?.message) ?? String(err);
  return String(text).slice(0, 160);
}

export function isTimeout(err: unknown): boolean {
  if (err instanceof NotConnectedError) return false;
  const e = err as { code?: string; name?: string };
  return e?.name === 'TimeoutError' || e?.code === 'ETIMEDOUT';
}

/** A request refused before any byte was sent cannot have had an effect. */
export function neverSent(err: unknown): boolean {
  if (err instanceof NotConnectedError) return true;
  const code = (err as { code?: string })?.code;
  return code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH';
}
