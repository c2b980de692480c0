import { UsageError } from '../util/errors.ts';
import { helpText } from './help-text.ts';
import {
  seeHelp,
  type CommandSpec,
  type FlagContext,
  type OptionTable,
  type OptionValues,
} from './option-spec.ts';
import { parseCommandLine } from './parse-options.ts';
import { PROVIDER_OPTION } from './provider-option.ts';
import type { ProviderName } from '../providers/names.ts';

export type BenchCommand =
  | { command: 'help' }
  | { command: 'cluster-up'; runs: number; providers: ProviderName[] }
  | { command: 'drill'; scenario: string }
  | { command: 'drills'; scenarios: string[]; runs: number }
  | { command: 'capacity'; rates: number[]; seconds: number };

const BENCH_OPTIONS = {
  runs: {
    type: 'string',
    placeholder: 'N',
    help: 'cluster-up: how many times the cluster is started and removed (default 5); drills: how many runs of each (default 3)',
    example: '5',
    parse: parseRuns,
  },
  provider: {
    ...PROVIDER_OPTION,
    placeholder: 'P[,P]',
    help: `cluster-up: ${PROVIDER_OPTION.help}; several, comma-separated, are measured one after another in the same run`,
    example: 'local,kind',
    parse: (text: string) => text.split(',').map((p) => PROVIDER_OPTION.parse(p)),
  },
  rates: {
    type: 'string',
    placeholder: 'a,b',
    help: 'capacity: the k6 rates to step through, in requests per second',
    example: '50,100',
    default: '25,50,100,150,200',
    parse: parseRates,
  },
  seconds: {
    type: 'string',
    placeholder: 'N',
    help: 'capacity: how long each rate runs, >= 5',
    example: '30',
    default: '30',
    parse: parseSeconds,
  },
} as const satisfies OptionTable;

const CAPACITY_EXAMPLE = 'e.g. `npm run bench -- capacity --rates 50,100 --seconds 30`';

export const BENCH_SPEC = {
  name: 'bench',
  usage: [
    'cluster-up [--runs N] [--provider local[,kind]]',
    'drill [scenario]',
    'drills [scenario,...] [--runs N]',
    'capacity [--rates a,b] [--seconds N]',
  ],
  about: 'Benchmarks that print figures (never pass/fail).',
  operands: [
    [
      'cluster-up',
      'time from `up` to every component healthy, and the resident memory of the whole cluster once up',
    ],
    [
      'drill',
      'wall time of one whole drill (etcd-partition unless a scenario is named), cluster start ' +
        'included, and what it spent outside its phases',
    ],
    [
      'drills',
      'each drill (every shipped one unless named) run --runs times with its default phases, a new ' +
        'cluster each time: the median and range of its failover, unavailable time, recovery, API P99 ' +
        'and its own figure',
    ],
    [
      'capacity',
      'API P99 and errors of a healthy cluster at each k6 rate, and the CPU of the cluster, the drill and k6',
    ],
  ],
  options: BENCH_OPTIONS,
} as const satisfies CommandSpec;

export const BENCH_USAGE = helpText(BENCH_SPEC);

/** Parses the arguments after `npm run bench --`: a benchmark, a scenario for `drill`, and the flags. */
export function parseBenchArgs(argv: readonly string[]): BenchCommand {
  const parsed = parseCommandLine(BENCH_SPEC, argv);
  if (parsed.help) return { command: 'help' };
  const { values, positionals } = parsed;
  const [what, ...rest] = positionals;
  const operand = what === 'drill' || what === 'drills' ? rest.shift() : undefined;
  const command = benchmark(what, values, operand);
  if (rest.length > 0) throw new UsageError(`unknown argument ${rest.join(' ')}`, seeHelp('bench'));
  return command;
}

function benchmark(
  what: string | undefined,
  values: OptionValues<typeof BENCH_OPTIONS>,
  operand: string | undefined,
): BenchCommand {
  switch (what) {
    case 'cluster-up':
      return { command: what, runs: values.runs ?? 5, providers: values.provider };
    case 'drill':
      return { command: what, scenario: operand ?? 'etcd-partition' };
    case 'drills':
      return { command: what, scenarios: operand ? operand.split(',') : [], runs: values.runs ?? 3 };
    case 'capacity':
      return { command: what, rates: values.rates, seconds: values.seconds };
    default:
      throw new UsageError(
        `unknown benchmark "${what ?? ''}"`,
        `use ${BENCH_SPEC.usage.map((u) => `\`npm run bench -- ${u}\``).join(', ')}`,
      );
  }
}

function parseRuns(value: string, { flag, example }: FlagContext): number {
  if (/^\d+$/.test(value) && Number(value) >= 1) return Number(value);
  throw new UsageError(`${flag} ${value}: must be a whole number >= 1`, `e.g. ${example}`);
}

function parseRates(value: string, { flag }: FlagContext): number[] {
  const rates = value.split(',').map((r) => (/^\d+$/.test(r) ? Number(r) : NaN));
  if (rates.every((r) => r >= 1)) return rates;
  throw new UsageError(`${flag} ${value}: must be whole numbers >= 1, separated by commas`, CAPACITY_EXAMPLE);
}

function parseSeconds(value: string, { flag }: FlagContext): number {
  const seconds = Number(value);
  if (value.trim() !== '' && seconds >= 5) return seconds;
  throw new UsageError(`${flag} ${value}: must be a number >= 5`, CAPACITY_EXAMPLE);
}
