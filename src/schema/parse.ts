import type { z } from 'zod';
import { UsageError } from '../util/errors.ts';
import { pathText, problemLines, type PathText } from './problems.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Parses without throwing: the value, or every problem as a `path: message` line. */
export function checkAgainst<S extends z.ZodType>(
  schema: S,
  input: unknown,
  at: PathText = pathText,
): Checked<z.output<S>> {
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problems: problemLines(result.error, at) };
}

export interface ParseOptions {
  /** Where the input came from, prefixed to every line: a file's name, or 'command line'. */
  source: string;
  /** Makes the error thrown from the joined lines; a UsageError without a fix by default. */
  fail?: (message: string) => Error;
  /** How a path is written; pathText by default (a command line names its flags instead). */
  at?: PathText;
}

/** The parsed value, or an error listing every problem as `<source>: <path>: <message>`. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options: ParseOptions,
): z.output<S> {
  const { source, fail = (message) => new UsageError(message), at } = options;
  const checked = checkAgainst(schema, input, at);
  if (checked.ok) return checked.value;
  throw fail(checked.problems.map((line) => `${source}: ${line}`).join('\n'));
}
