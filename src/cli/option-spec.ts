/**
 * How a command declares its options, once: the parser, the help text and the messages of bad
 * input are all made from this declaration.
 */

/** A flag and an example of it with a value, for the messages of a bad or missing value. */
export interface FlagContext {
  /** As typed, e.g. "--rate". */
  flag: string;
  /** e.g. "--rate 20". */
  example: string;
}

interface CommonSpec {
  /** One line for the help; wrapped there when long. */
  help: string;
  /** A one-letter alias, written -x. */
  short?: string;
  /** What leaving the flag out means, for the help only. */
  defaultNote?: string;
}

/** A flag without a value: given or not. Giving it twice is the same as once. */
export interface SwitchSpec extends CommonSpec {
  type: 'boolean';
}

/** A flag with a value, which `parse` checks and converts. Giving it twice is a mistake. */
export interface ValueSpec<T = unknown> extends CommonSpec {
  type: 'string';
  /** Stands for the value in the help, e.g. N, D, DIR. */
  placeholder: string;
  /** A value for the fix of a missing or bad one. */
  example: string;
  /** Taken when the flag is left out, written as on the command line; the help shows it. */
  default?: string;
  /** A bad value is a UsageError naming the flag and the value. */
  parse: (text: string, at: FlagContext) => T;
}

export type OptionSpec = SwitchSpec | ValueSpec;
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** What a command's help says besides its options. */
export interface CommandSpec<O extends OptionTable = OptionTable> {
  /** The command's name: also the npm script that runs it. */
  name: string;
  /** Each way to call it, after `npm run <name> --`. */
  usage: readonly string[];
  about?: string;
  /** The words that are not flags, each with what it means. */
  operands?: readonly (readonly [string, string])[];
  options: O;
  /** Closing remarks, e.g. exit codes. */
  notes?: string;
}

/** Every command takes it, and it wins over every other argument, so a confused user always gets help. */
export const HELP_OPTION = {
  help: { type: 'boolean', short: 'h', help: 'show this text' },
} as const satisfies OptionTable;

type ValueOf<S> = S extends { parse: (text: string, at: FlagContext) => infer T }
  ? S extends { default: string }
    ? T
    : T | undefined
  : boolean;

/** The parsed values: a switch's boolean; a value flag's parsed value, undefined when left out without default. */
export type OptionValues<O extends OptionTable> = { -readonly [K in keyof O]: ValueOf<O[K]> };

/** The fix that points to a command's help. */
export function seeHelp(command: string): string {
  return `see \`npm run ${command} -- --help\``;
}
