import { UsageError } from '../util/errors.ts';

/** Milliseconds per unit, largest first: the order units must appear in ("1h2m3s", never "3s1h"). */
const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
]);
const UNITS = [...UNIT_MS.keys()];
const EXAMPLES = `write e.g. "20s", "1m30s" or "500ms" (units: ${UNITS.join(', ')})`;
const PART = /(\d+(?:\.\d+)?)([a-zA-Zµ]+)/y;

export type DurationParse = { ms: number } | { problem: string };

/**
 * Reads "20s", "1m30s", "1.5h", "500ms" into milliseconds. A problem starts
 * with the quoted text so callers can prefix where it came from.
 */
export function tryParseDuration(text: string): DurationParse {
  const shown = JSON.stringify(text);
  const t = text.trim();
  if (t === '') return { problem: `${shown} is empty; ${EXAMPLES}` };
  if (t.startsWith('-')) return { problem: `${shown} is negative; a duration has no sign, e.g. "5s"` };
  // A bare number is ambiguous (seconds? ms?), so a string must say its unit.
  if (/^\d+(\.\d+)?$/.test(t)) return { problem: `${shown} has no unit; write "${t}s", "${t}ms" or "${t}m"` };

  let total = 0;
  let lastUnit = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < t.length) {
    const match = PART.exec(t);
    if (!match) return { problem: `${shown} is not a duration; ${EXAMPLES}` };
    const [, amount, unit] = match as unknown as [string, string, string];
    const perUnit = UNIT_MS.get(unit);
    if (perUnit === undefined)
      return { problem: `${shown} has an unknown unit "${unit}"; units: ${UNITS.join(', ')}` };
    const rank = UNITS.indexOf(unit);
    if (rank <= lastUnit) {
      return {
        problem: `${shown} repeats or misorders its units; write largest first, each once, e.g. "1m30s"`,
      };
    }
    lastUnit = rank;
    total += Number(amount) * perUnit;
  }
  // Beyond 2^53 ms (285 000 years) milliseconds are no longer exact; 400 digits make Infinity.
  if (!(total <= Number.MAX_SAFE_INTEGER))
    return { problem: `${shown} is too long to be a duration; ${EXAMPLES}` };
  // Rounded to the microsecond so "1.1s" is 1100, not 1100.0000000000002.
  return { ms: Math.round(total * 1000) / 1000 };
}

/** A bound as people write it: 86400000 -> "24h", 60000 -> "60s", 10 -> "10ms" (whole hours, else seconds). */
export function shortDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Like tryParseDuration, but a problem is thrown as a UsageError. */
export function parseDuration(text: string): number {
  const parsed = tryParseDuration(text);
  if ('problem' in parsed) throw new UsageError(parsed.problem, EXAMPLES);
  return parsed.ms;
}
