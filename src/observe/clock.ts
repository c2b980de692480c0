/**
 * The drill's clock: milliseconds since the Unix epoch, counted from the
 * wall-clock reading at process start by the monotonic clock. A step of the
 * wall clock during a drill (NTP, a person) cannot shorten or stretch a
 * measured duration; the wall clock is used only to anchor it and for display.
 */
const origin = performance.timeOrigin;

export function now(): number {
  return Math.round(origin + performance.now());
}

/**
 * A wall-clock time read from another process (k6, the supervisor, a log
 * line), moved onto this clock by the current offset between the two.
 */
export function fromWallClock(wallMs: number): number {
  return Math.round(wallMs + (origin + performance.now() - Date.now()));
}
