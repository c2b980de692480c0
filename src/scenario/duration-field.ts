/** The schema of a duration field, shared by every section of a scenario that has one. */
import { z } from 'zod';
import { mustBe, type ErrorMap } from '../schema/messages.ts';
import { tryParseDuration } from './duration.ts';
import { durationRequirement, type NumberRule } from './fields.ts';

/** What a duration string looks like, for editors; the parser (duration.ts) says what is wrong with one. */
const DURATION_TEXT = '^\\s*(\\d+(\\.\\d+)?\\s*(h|m|s|ms)\\s*)+$';

const says = (message: ErrorMap) => ({ error: message });

function mustBeText(value: unknown, requirement: string): string {
  return mustBe(requirement)({ input: value } as z.core.$ZodRawIssue)!;
}

/**
 * A duration in the unit its field is named for: a number already in that unit, or a string such as
 * "1m30s" converted to it.
 */
export function duration(unit: 's' | 'ms', rule: NumberRule, description: string) {
  const example = unit === 's' ? '"20s"' : '"500ms"';
  const problem = (v: unknown): string => {
    if (typeof v === 'number') return mustBeText(v, durationRequirement(rule, unit, 'number'));
    if (typeof v !== 'string')
      return mustBeText(v, `${durationRequirement(rule, unit, 'number')}, or a duration such as ${example}`);
    const parsed = tryParseDuration(v);
    return 'problem' in parsed ? parsed.problem : mustBeText(v, durationRequirement(rule, unit, 'duration'));
  };
  const e = says((issue) => problem(issue.input));
  let n = z.number(e);
  n = rule.exclusive ? n.gt(rule.min, e) : n.min(rule.min, e);
  if (rule.max !== undefined) n = n.max(rule.max, e);
  return z
    .union([n, z.string(e).regex(new RegExp(DURATION_TEXT), e)], e)
    .transform((v, ctx) => {
      if (typeof v === 'number') return v;
      const parsed = tryParseDuration(v);
      const converted = 'problem' in parsed ? NaN : unit === 's' ? parsed.ms / 1000 : parsed.ms;
      const inRange =
        Number.isFinite(converted) &&
        (rule.exclusive ? converted > rule.min : converted >= rule.min) &&
        (rule.max === undefined || converted <= rule.max);
      if (!inRange) ctx.issues.push({ code: 'custom', message: problem(v), input: v });
      return converted;
    })
    .describe(
      `${description} A number of ${unit === 's' ? 'seconds' : 'milliseconds'} or a duration such as ${example}.`,
    );
}
