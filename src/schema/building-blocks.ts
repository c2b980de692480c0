import { z } from 'zod';
import { show } from '../util/show.ts';
import { unknownKeys, withValue, type ErrorMap } from './messages.ts';

/** A whole number from min to max; every failure reads `<value> must be a whole number from <min> to <max>`. */
export function wholeNumber(min: number, max: number): z.ZodNumber {
  return z
    .int({ error: withValue(`must be a whole number from ${min} to ${max}`) })
    .min(min)
    .max(max);
}

/** The `schema` field of a versioned file: this version reads only `version`. */
export function schemaVersion<N extends number>(version: N): z.ZodLiteral<N> {
  return z.literal(version, {
    error: (issue) =>
      `${issue.input === undefined ? 'missing' : `unsupported schema ${show(issue.input)}`}; this version reads schema ${version}`,
  });
}

/**
 * An object that refuses keys outside its shape, naming each: `<key>: unknown <noun>; known: ...`.
 * `notObject` words the failure of a value that is no object at all.
 */
export function strictObject<Shape extends z.core.$ZodLooseShape>(
  shape: Shape,
  noun = 'key',
  notObject?: ErrorMap,
): z.ZodObject<Shape, z.core.$strict> {
  return z.strictObject(shape, { error: unknownKeys(Object.keys(shape), noun, notObject) });
}

/**
 * A refinement from a function that says why a value is wrong (undefined when it is right), so a
 * rule written once as such a function serves the schema: the issue reads `<value> <why>`.
 */
export function problemCheck<T>(problemOf: (value: T) => string | undefined) {
  return (value: T, ctx: z.core.$RefinementCtx<T>): void => {
    const why = problemOf(value);
    if (why !== undefined) ctx.addIssue({ code: 'custom', input: value, message: `${show(value)} ${why}` });
  };
}

/**
 * When a rule across fields of an object may run: once the value is an object and none of the
 * fields it compares has a problem (a rule comparing a hostile value would only confuse).
 */
export function whenValid(...keys: string[]) {
  return (payload: z.core.ParsePayload): boolean =>
    typeof payload.value === 'object' &&
    payload.value !== null &&
    !payload.issues.some((issue) => issue.path?.[0] !== undefined && keys.includes(String(issue.path[0])));
}
