import { parseArgs } from 'node:util';
import { UsageError } from '../util/errors.ts';
import {
  HELP_OPTION,
  seeHelp,
  type CommandSpec,
  type FlagContext,
  type OptionSpec,
  type OptionTable,
  type OptionValues,
  type ValueSpec,
} from './option-spec.ts';

export type ParsedCommandLine<O extends OptionTable> =
  { help: true } | { help: false; values: OptionValues<O>; positionals: string[] };

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/**
 * Parses a command's arguments with node's parseArgs in strict mode: every flag must be declared,
 * a value flag must get a value (after it, or joined with "="), a switch must not. Each value is
 * then checked and converted by its option's `parse`. Every mistake is a UsageError naming the
 * flag and the value. Words after "--" are positionals even when they start with "-".
 */
export function parseCommandLine<O extends OptionTable>(
  spec: CommandSpec<O>,
  argv: readonly string[],
): ParsedCommandLine<O> {
  const options: OptionTable = { ...spec.options, ...HELP_OPTION };
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  if (flags.includes('--help') || flags.includes('-h')) return { help: true };

  const parsed = strictParse(spec.name, options, joinDashValues(argv, options));
  rejectRepeats(parsed.tokens, options);

  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    const given: unknown = parsed.values[name];
    if (option.type === 'boolean') {
      values[name] = given === true;
      continue;
    }
    const text = typeof given === 'string' ? given : option.default;
    values[name] = text === undefined ? undefined : option.parse(text, contextOf(name, option));
  }
  return { help: false, values: values as OptionValues<O>, positionals: parsed.positionals };
}

/** Every flag of a table as typed, long then short: "--rate, ..., --help, -h". */
export function knownFlags(options: OptionTable): string {
  return Object.entries(options)
    .flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])])
    .join(', ');
}

function contextOf(name: string, option: ValueSpec): FlagContext {
  return { flag: `--${name}`, example: `--${name} ${option.example}` };
}

function nodeOptions(options: OptionTable) {
  return Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      o.short ? { type: o.type, short: o.short } : { type: o.type },
    ]),
  );
}

function optionOf(options: OptionTable, name: string): OptionSpec | undefined {
  return Object.hasOwn(options, name) ? options[name] : undefined;
}

/**
 * The word after a value flag is its value unless it starts with "--", so `--rate -5` is refused
 * by the check of --rate. parseArgs's strict mode would call every value starting with "-"
 * ambiguous; joined as `--rate=-5` it is not.
 */
function joinDashValues(argv: readonly string[], options: OptionTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    const takesValue = arg.startsWith('--') && optionOf(options, arg.slice(2))?.type === 'string';
    if (takesValue && next?.startsWith('-') && !next.startsWith('--')) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** parseArgs in strict mode; when it refuses, the first mistake as a UsageError. */
function strictParse(command: string, options: OptionTable, args: string[]) {
  const config = { args, options: nodeOptions(options), allowPositionals: true, tokens: true } as const;
  try {
    return parseArgs({ ...config, strict: true });
  } catch (err) {
    if (!isParseArgsError(err)) throw err;
    throw explain(command, options, parseArgs({ ...config, strict: false }).tokens, args, err);
  }
}

function isParseArgsError(err: unknown): err is Error {
  return err instanceof Error && String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_');
}

/** The first mistake that made the strict parse fail, in the tool's words, from the lenient parse's tokens. */
function explain(
  command: string,
  options: OptionTable,
  tokens: Token[],
  args: readonly string[],
  err: Error,
): UsageError {
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const option = optionOf(options, t.name);
    if (!option)
      return new UsageError(
        `unknown option ${JSON.stringify(t.rawName)}; known: ${knownFlags(options)}`,
        seeHelp(command),
      );
    if (option.type === 'string' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-'))))
      return new UsageError(`${t.rawName} needs a value`, `e.g. ${contextOf(t.name, option).example}`);
    if (option.type === 'boolean' && t.value !== undefined)
      return new UsageError(
        `${t.rawName} takes no value (got ${JSON.stringify(args[t.index])})`,
        `write just ${t.rawName}`,
      );
  }
  return new UsageError(err.message, seeHelp(command));
}

function rejectRepeats(tokens: Token[], options: OptionTable): void {
  const seen = new Map<string, string>();
  for (const t of tokens) {
    if (t.kind !== 'option' || optionOf(options, t.name)?.type !== 'string') continue;
    const earlier = seen.get(t.name);
    if (earlier !== undefined)
      throw new UsageError(
        `${t.rawName} is given twice (${JSON.stringify(earlier)} and ${JSON.stringify(t.value)})`,
        'give it once',
      );
    seen.set(t.name, t.value ?? '');
  }
}
