import { shortDuration } from './duration.ts';

/**
 * Number rules and the words that state them: "a whole number from 1 to 10000", "a number of seconds
 * > 0 and at most 86400 (24h)". The scenario schema and the drill's flags say their bounds with them.
 */
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
