import { EnvironmentError } from './errors.ts';

/** What a check returns: a value when what it waits for is there; false, null or undefined when not yet. */
type Check<T> = () => T | false | null | undefined | Promise<T | false | null | undefined>;

export interface PollOptions {
  timeoutMs: number;
  /** Time between the end of one check and the start of the next. */
  intervalMs: number;
}

export interface WaitOptions extends PollOptions {
  /** What is waited for, as the timeout error names it: "etcd@node-1 to be running". */
  description: string;
  /** Makes the timeout error from its message; an EnvironmentError unless given. */
  error?: (message: string) => Error;
}

/**
 * Runs `check` until it returns a value, every `intervalMs`, for at most `timeoutMs` (on the
 * monotonic clock); returns the value, or undefined when the time ran out. The check runs once
 * more after the last interval, so what arrives just in time is not missed. A check that throws
 * ends the wait with its error.
 */
export async function pollUntil<T>(check: Check<T>, o: PollOptions): Promise<T | undefined> {
  const deadline = performance.now() + o.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false && value !== null && value !== undefined) return value;
    if (performance.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, o.intervalMs));
  }
}

/** pollUntil, with an error naming what was waited for and how long when the time runs out. */
export async function waitUntil<T>(check: Check<T>, o: WaitOptions): Promise<T> {
  const value = await pollUntil(check, o);
  if (value !== undefined) return value;
  const message = `timed out after ${duration(o.timeoutMs)} waiting for ${o.description}`;
  throw o.error ? o.error(message) : new EnvironmentError(message);
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}
