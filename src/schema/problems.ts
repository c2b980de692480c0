import type { z } from 'zod';

/** How a place in the input is written: `goBuilds[0].binaries[1].name`; '' for the input itself. */
export type PathText = (path: readonly PropertyKey[]) => string;

/** A path as a person reads it: keys joined by dots, list indexes in brackets. */
export const pathText: PathText = (path) =>
  path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text === '' ? String(key) : `${text}.${String(key)}`;
  }, '');

/** One issue as (path, message) pairs: an unknown-keys issue names each key on its own line. */
function located(issue: z.core.$ZodIssue): [PropertyKey[], string][] {
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => [[...issue.path, key], issue.message]);
    case 'invalid_key':
      // A bad key of a record is a problem of the record; the key's own schema says what is wrong.
      return [[issue.path.slice(0, -1), issue.issues[0]?.message ?? issue.message]];
    default:
      return [[issue.path, issue.message]];
  }
}

/**
 * The problems of a failed parse, one `path: message` line each (only the message for the input
 * itself), in the order found and without repeats: a value failing two checks that share a message
 * (a whole number below the range, say) is named once.
 */
export function problemLines(error: z.ZodError, at: PathText = pathText): string[] {
  const lines = error.issues.flatMap(located).map(([path, message]) => {
    const where = at(path);
    return where === '' ? message : `${where}: ${message}`;
  });
  return [...new Set(lines)];
}
