import type { ProviderName } from '../providers/names.ts';
import { RATE } from '../scenario/limits.ts';
import type { ScenarioOverrides } from '../scenario/overrides.ts';
import { DEFAULT_LOAD, DEFAULT_PHASES } from '../scenario/types.ts';
import { DEFAULT_SUITE } from '../gameday/suite.ts';
import { DEFAULT_TOLERANCE_PERCENT } from '../gameday/trends.ts';
import { UsageError } from '../util/errors.ts';
import { defaultReportDir, overridesOf, parseRate, parseReportDir, phaseOption } from './drill-args.ts';
import { helpText } from './help-text.ts';
import type { CommandSpec, FlagContext, OptionTable } from './option-spec.ts';
import { parseCommandLine } from './parse-options.ts';
import { KIND_OPTIONS, kindSettings, PROVIDER_OPTION } from './provider-option.ts';

export interface GamedayOptions {
  /** A shipped suite's name, `default`, or the path of a suite file. */
  suite: string;
  provider: ProviderName;
  providerOptions: Record<string, unknown>;
  /** Applied to every drill, over the suite's own settings. */
  overrides: ScenarioOverrides;
  stopOnFailure: boolean;
  json: boolean;
  /** Absent: reports/<UTC start time>-gameday. */
  reportDir?: string;
  /** Where earlier game days are; absent: the folder the report directory is in. */
  historyDir?: string;
  /** How much worse than earlier nights' median a figure may be before it counts as a regression. */
  regressionTolerancePercent: number;
}

export type GamedayCommand = { command: 'help' } | { command: 'run'; options: GamedayOptions };

const GAMEDAY_OPTIONS = {
  suite: {
    type: 'string',
    placeholder: 'S',
    help: 'a shipped suite (suites/) by name, or your own suite file (.json, .ts, .js)',
    example: './nightly.json',
    defaultNote: `${DEFAULT_SUITE}: every shipped drill the provider can run`,
    parse: parseSuite,
  },
  provider: PROVIDER_OPTION,
  ...KIND_OPTIONS,
  rate: {
    type: 'string',
    placeholder: 'N',
    help: `load requests per second of every drill, 1 to ${RATE.max}`,
    example: '20',
    defaultNote: `the suite's or scenario's, else ${DEFAULT_LOAD.rate}`,
    parse: parseRate,
  },
  baseline: phaseOption('baseline phase length of every drill', '10s', DEFAULT_PHASES.baselineSeconds),
  hold: phaseOption('hold of every drill', '20s', DEFAULT_PHASES.holdSeconds),
  recovery: phaseOption('recovery phase length of every drill', '20s', DEFAULT_PHASES.recoverySeconds),
  'stop-on-failure': {
    type: 'boolean',
    help: 'stop at the first drill that fails an SLO or cannot run',
    defaultNote: "the suite's stopOnFailure, else run every drill",
  },
  'report-dir': {
    type: 'string',
    placeholder: 'DIR',
    help: "where the game day's reports go (one directory per drill inside)",
    example: 'reports/nightly',
    defaultNote: 'reports/<UTC start time>-gameday',
    parse: parseReportDir,
  },
  history: {
    type: 'string',
    placeholder: 'DIR',
    help: "earlier game days to compare tonight's failover and P99 with (every folder in DIR with an index.json)",
    example: 'reports',
    defaultNote: 'the folder the report directory is in (reports/)',
    parse: parseHistoryDir,
  },
  'regression-tolerance': {
    type: 'string',
    placeholder: 'P',
    help: "percent a drill's failover or P99 may exceed the median of earlier nights before it is a regression",
    example: '50%',
    defaultNote: `${DEFAULT_TOLERANCE_PERCENT}%`,
    parse: parseTolerance,
  },
  json: {
    type: 'boolean',
    help: 'print the game day index as JSON on stdout (schemas/gameday-index.schema.json); progress goes to stderr',
  },
} as const satisfies OptionTable;

export const GAMEDAY_SPEC = {
  name: 'gameday',
  usage: ['[options]'],
  about: `Runs a suite of drills, one after another, on as few clusters as they allow, and writes
each drill's reports, an index of them all and one junit.xml for the suite.`,
  operands: [],
  options: GAMEDAY_OPTIONS,
  notes: `Exit codes: 0 every drill passed, 1 an SLO failed, 2 bad usage or suite, 3 a drill could not
run (or the game day was interrupted), 5 no SLO failed but a figure regressed against earlier nights,
4 nothing failed but some verdict had insufficient evidence.`,
} as const satisfies CommandSpec;

export const GAMEDAY_USAGE = helpText(GAMEDAY_SPEC);

export function parseGamedayArgs(argv: readonly string[]): GamedayCommand {
  const parsed = parseCommandLine(GAMEDAY_SPEC, argv);
  if (parsed.help) return { command: 'help' };
  const { values, positionals } = parsed;
  if (positionals.length > 0)
    throw new UsageError(
      `gameday takes no operands (got ${positionals.join(' ')})`,
      'name the suite with --suite, e.g. `npm run gameday -- --suite ./nightly.json`',
    );
  const reportDir = values['report-dir'];
  const historyDir = values.history;
  return {
    command: 'run',
    options: {
      suite: values.suite ?? DEFAULT_SUITE,
      provider: values.provider,
      providerOptions: kindSettings(values.provider, values),
      overrides: overridesOf(values),
      stopOnFailure: values['stop-on-failure'],
      json: values.json,
      ...(reportDir === undefined ? {} : { reportDir }),
      ...(historyDir === undefined ? {} : { historyDir }),
      regressionTolerancePercent: values['regression-tolerance'] ?? DEFAULT_TOLERANCE_PERCENT,
    },
  };
}

/** reports/2026-11-24T01-02-03Z-gameday */
export function defaultGamedayDir(startedAt: Date): string {
  return defaultReportDir('gameday', startedAt);
}

function parseSuite(value: string, { flag, example }: FlagContext): string {
  if (value.trim() !== '') return value;
  throw new UsageError(
    `${flag}: ${JSON.stringify(value)} must name a suite or a suite file`,
    `e.g. ${example}`,
  );
}

function parseHistoryDir(value: string, { flag, example }: FlagContext): string {
  if (value.trim() !== '') return value;
  throw new UsageError(`${flag}: an empty value names no folder`, `e.g. ${flag} ${example}`);
}

/** "50", "50%" or "12.5 %": 0 to 1000. */
function parseTolerance(value: string, { flag, example }: FlagContext): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  const n = m ? Number(m[1]) : NaN;
  if (Number.isFinite(n) && n <= 1000) return n;
  throw new UsageError(
    `${flag}: ${JSON.stringify(value)} is not a percentage from 0 to 1000`,
    `e.g. ${flag} ${example}`,
  );
}
