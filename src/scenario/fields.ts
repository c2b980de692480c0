import { tryParseDuration } from './duration.ts';

/**
 * Field readers for validating untyped input. Each reader records a problem
 * as `path: message` (the offending value, then what is allowed) and returns
 * a fallback, so one pass finds every mistake instead of stopping at the first.
 */
export class Problems {
  readonly lines: string[] = [];

  add(at: string, message: string): void {
    this.lines.push(`${at}: ${message}`);
  }

  /** "-5 must be a number > 0", or "missing; must be ..." when the field is absent. */
  mustBe(at: string, value: unknown, requirement: string): void {
    this.add(
      at,
      value === undefined ? `missing; must be ${requirement}` : `${show(value)} must be ${requirement}`,
    );
  }
}

/** A value as a person would write it: strings quoted, long objects cut short. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object')
    return typeof value === 'function' ? 'a function' : String(value);
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fieldPath(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}

/**
 * The fields of an optional object ({} when absent). A non-object and every
 * key outside `known` (usually a typo) is a problem.
 */
export function readSection(
  p: Problems,
  at: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    p.mustBe(at, value, `an object with keys ${known.join(', ')}`);
    return {};
  }
  rejectUnknownKeys(p, at, value, known);
  return value;
}

export function rejectUnknownKeys(
  p: Problems,
  at: string,
  value: Record<string, unknown>,
  known: readonly string[],
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) p.add(fieldPath(at, key), `unknown key; known: ${known.join(', ')}`);
  }
}

/** One of a fixed set of values; absent means the fallback. */
export function readChoice<T extends string | number>(
  p: Problems,
  at: string,
  value: unknown,
  allowed: readonly T[],
  noun: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  p.add(at, `${show(value)} is not a known ${noun}; known: ${allowed.join(', ')}`);
  return fallback;
}

export interface NumberRule {
  min: number;
  /** true: the number must be above min; false: min itself is allowed. */
  exclusive?: boolean;
  max?: number;
  integer?: boolean;
  /** Said after the requirement, e.g. "(requests per second)". */
  note?: string;
}

/** "a number > 0", "a whole number >= 1", "a number from 0 to 100". */
export function describeRule(rule: NumberRule, kind = rule.integer ? 'a whole number' : 'a number'): string {
  const range =
    rule.max !== undefined ? `from ${rule.min} to ${rule.max}` : `${rule.exclusive ? '>' : '>='} ${rule.min}`;
  return rule.note ? `${kind} ${range} ${rule.note}` : `${kind} ${range}`;
}

export function satisfies(n: number, rule: NumberRule): boolean {
  return (
    Number.isFinite(n) &&
    (rule.exclusive ? n > rule.min : n >= rule.min) &&
    (rule.max === undefined || n <= rule.max) &&
    (!rule.integer || Number.isInteger(n))
  );
}

export function readNumber(
  p: Problems,
  at: string,
  value: unknown,
  rule: NumberRule,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && satisfies(value, rule)) return value;
  p.mustBe(at, value, describeRule(rule));
  return fallback;
}

/**
 * A duration in the unit the field is named for: a number already in that
 * unit, or a string such as "1m30s" converted to it.
 */
export function readDuration(
  p: Problems,
  at: string,
  value: unknown,
  unit: 's' | 'ms',
  rule: NumberRule,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return readNumber(p, at, value, rule, fallback);
  const example = unit === 's' ? '"20s"' : '"500ms"';
  if (typeof value !== 'string') {
    p.mustBe(
      at,
      value,
      `${describeRule(rule)} (${unit === 's' ? 'seconds' : 'milliseconds'}) or a duration such as ${example}`,
    );
    return fallback;
  }
  const parsed = tryParseDuration(value);
  if ('problem' in parsed) {
    p.add(at, parsed.problem);
    return fallback;
  }
  const converted = unit === 's' ? parsed.ms / 1000 : parsed.ms;
  if (satisfies(converted, rule)) return converted;
  p.mustBe(at, value, describeRule(rule, 'a duration'));
  return fallback;
}

/** A string matching a pattern; required, so absent is a problem too. */
export function readText(
  p: Problems,
  at: string,
  value: unknown,
  pattern: RegExp,
  requirement: string,
): string {
  if (typeof value === 'string' && pattern.test(value)) return value;
  p.mustBe(at, value, requirement);
  return '';
}
