/** Number formatting shared by verdict details and the reports, so both print figures alike. */

/** Milliseconds to seconds with millisecond precision: "1.234 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** "12.35 ms": latencies keep two decimals (the histogram is in microseconds). */
export function millis(ms: number): string {
  return `${ms.toFixed(2)} ms`;
}

/** Offset from the start of the run: "+12.345 s". */
export function offset(at: number, runStart: number): string {
  const s = (at - runStart) / 1000;
  return `${s < 0 ? '-' : '+'}${Math.abs(s).toFixed(3)} s`;
}

/** A percentage with enough digits to show 0.1 % thresholds: "0.125 %". */
export function percent(value: number): string {
  return `${value.toFixed(3)} %`;
}

export function plural(n: number, word: string, wordPlural = `${word}s`): string {
  return `${n} ${n === 1 ? word : wordPlural}`;
}

/** Rounds away float noise (0.1 + 0.2) without hiding real precision. */
export function tidy(value: number, digits = 6): number {
  return Number(value.toFixed(digits));
}
