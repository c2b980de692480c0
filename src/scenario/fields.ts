import { show } from '../util/show.ts';
import { shortDuration, tryParseDuration } from './duration.ts';

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

/** "a number > 0", "a whole number from 1 to 10000", "a duration > 0 and at most 24h". */
export function describeRule(
  rule: NumberRule,
  kind = rule.integer ? 'a whole number' : 'a number',
  shown: (n: number) => string = String,
): string {
  const above = `${rule.exclusive ? '>' : '>='} ${shown(rule.min)}`;
  const range =
    rule.max === undefined
      ? above
      : rule.exclusive
        ? `${above} and at most ${shown(rule.max)}`
        : `from ${shown(rule.min)} to ${shown(rule.max)}`;
  return rule.note ? `${kind} ${range} ${rule.note}` : `${kind} ${range}`;
}

/**
 * What a duration field allows, in the form the value came in: "a number of seconds > 0 and at most
 * 86400 (24h)" for a number in the field's unit, "a duration > 0 and at most 24h" for a string.
 */
export function durationRequirement(rule: NumberRule, unit: 's' | 'ms', form: 'number' | 'duration'): string {
  const ms = (n: number) => shortDuration(unit === 's' ? n * 1000 : n);
  if (form === 'duration') return describeRule({ ...rule, note: undefined }, 'a duration', ms);
  const note = rule.max === undefined ? undefined : `(${ms(rule.max)})`;
  return describeRule({ ...rule, note }, `a number of ${unit === 's' ? 'seconds' : 'milliseconds'}`);
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
  if (typeof value === 'number') {
    if (satisfies(value, rule)) return value;
    p.mustBe(at, value, durationRequirement(rule, unit, 'number'));
    return fallback;
  }
  if (typeof value !== 'string') {
    const example = unit === 's' ? '"20s"' : '"500ms"';
    p.mustBe(at, value, `${durationRequirement(rule, unit, 'number')}, or a duration such as ${example}`);
    return fallback;
  }
  const parsed = tryParseDuration(value);
  if ('problem' in parsed) {
    p.add(at, parsed.problem);
    return fallback;
  }
  const converted = unit === 's' ? parsed.ms / 1000 : parsed.ms;
  if (satisfies(converted, rule)) return converted;
  p.mustBe(at, value, durationRequirement(rule, unit, 'duration'));
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
