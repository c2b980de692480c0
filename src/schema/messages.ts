import type { z } from 'zod';
import { show } from '../util/show.ts';

/** What an issue reads, given the issue; undefined leaves it to zod's own wording. */
export type ErrorMap = (issue: z.core.$ZodRawIssue) => string | undefined;

/** `80 must be a whole number from 1024 to 65535`: the offending value, then why it is wrong. */
export function withValue(why: string): ErrorMap {
  return (issue) => `${show(issue.input)} ${why}`;
}

/** `-5 must be a number > 0`, or `missing; must be ...` when the field is absent. */
export function mustBe(requirement: string): ErrorMap {
  return (issue) =>
    issue.input === undefined
      ? `missing; must be ${requirement}`
      : `${show(issue.input)} must be ${requirement}`;
}

/**
 * For an object that refuses keys outside its shape: each such key (usually a typo) reads
 * `unknown <noun>; known: a, b, c`; any other issue of the object itself goes to `otherwise`.
 */
export function unknownKeys(known: readonly string[], noun: string, otherwise?: ErrorMap): ErrorMap {
  return (issue) =>
    issue.code === 'unrecognized_keys' ? `unknown ${noun}; known: ${known.join(', ')}` : otherwise?.(issue);
}
