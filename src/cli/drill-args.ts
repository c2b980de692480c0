import type { ProviderName } from '../providers/names.ts';
import { shortDuration, tryParseDuration } from '../scenario/duration.ts';
import { describeRule, durationRequirement, satisfies } from '../scenario/fields.ts';
import { MAX_PHASE_SECONDS, PHASE_SECONDS, RATE } from '../scenario/limits.ts';
import type { ScenarioOverrides } from '../scenario/overrides.ts';
import { DEFAULT_LOAD, DEFAULT_PHASES } from '../scenario/types.ts';
import { UsageError } from '../util/errors.ts';
import { helpText } from './help-text.ts';
import type { CommandSpec, FlagContext, OptionTable, ValueSpec } from './option-spec.ts';
import { parseCommandLine } from './parse-options.ts';
import { KIND_OPTIONS, kindSettings, PROVIDER_OPTION } from './provider-option.ts';

export interface DrillOptions {
  /** A shipped scenario's name or the path of a scenario file, as loadScenario takes it. */
  scenario: string;
  provider: ProviderName;
  /** The provider's own settings given on the command line (kind: nodeImage, kindConfig). */
  providerOptions: Record<string, unknown>;
  /** Applied onto the loaded scenario with applyOverrides. */
  overrides: ScenarioOverrides;
  /** Leave the cluster running after the drill. */
  keepCluster: boolean;
  /** Use the cluster an earlier --keep-cluster left running instead of starting one. */
  reuseCluster: boolean;
  /** Absent: defaultReportDir(). */
  reportDir?: string;
  /** Print the verdict summary as JSON on stdout. */
  json: boolean;
}

export type DrillCommand =
  { command: 'help' } | { command: 'list' } | { command: 'run'; options: DrillOptions };

const DRILL_OPTIONS = {
  provider: PROVIDER_OPTION,
  ...KIND_OPTIONS,
  rate: {
    type: 'string',
    placeholder: 'N',
    help: `load requests per second, 1 to ${RATE.max}`,
    example: '20',
    defaultNote: `the scenario's, else ${DEFAULT_LOAD.rate}`,
    parse: parseRate,
  },
  baseline: phaseOption('baseline phase length', '10s', DEFAULT_PHASES.baselineSeconds),
  hold: phaseOption('how long the faults stay injected', '20s', DEFAULT_PHASES.holdSeconds),
  recovery: phaseOption('recovery phase length', '20s', DEFAULT_PHASES.recoverySeconds),
  'report-dir': {
    type: 'string',
    placeholder: 'DIR',
    help: 'where the reports go',
    example: 'reports/my-run',
    defaultNote: 'reports/<UTC start time>-<scenario>',
    parse: parseReportDir,
  },
  'keep-cluster': {
    type: 'boolean',
    help: 'leave the cluster running afterwards',
    defaultNote: 'tear it down',
  },
  'reuse-cluster': { type: 'boolean', help: 'use the cluster an earlier --keep-cluster left running' },
  json: {
    type: 'boolean',
    help: 'print the verdict summary as JSON on stdout (schemas/drill-summary.schema.json); progress and the table go to stderr',
  },
  list: { type: 'boolean', help: 'list the shipped scenarios and what each proves, then exit' },
} as const satisfies OptionTable;

export const DRILL_SPEC = {
  name: 'drill',
  usage: ['<scenario | file> [options]', '--list'],
  about: `Starts the cluster, measures a baseline under load, injects the scenario's
faults, holds them, heals them, waits out the recovery, and judges the SLOs.`,
  operands: [
    ['<scenario>', 'a shipped scenario by name, e.g. etcd-partition (see --list)'],
    [
      '<file>',
      'your own scenario, named with its extension: a .json file, or a .ts or .js module whose ' +
        'default export is the scenario (code that runs as root, like the tool itself)',
    ],
  ],
  options: DRILL_OPTIONS,
  notes: `D is a duration such as 20s, 1m30s or 500ms, or plain seconds; each phase lasts at most ${shortDuration(MAX_PHASE_SECONDS * 1000)}.

Exit codes: 0 every verdict passed, 1 an SLO missed, 2 bad usage or scenario, 3 could not
run, 4 nothing failed but some verdict had insufficient evidence (never a pass).`,
} as const satisfies CommandSpec;

export const DRILL_USAGE = helpText(DRILL_SPEC);

/** Parses the arguments after `npm run drill --`; every mistake is a UsageError naming the flag and value. */
export function parseDrillArgs(argv: readonly string[]): DrillCommand {
  const parsed = parseCommandLine(DRILL_SPEC, argv);
  if (parsed.help) return { command: 'help' };
  const { values, positionals } = parsed;

  if (values.list) {
    const others = argv.filter((a) => a !== '--list');
    if (others.length > 0) {
      throw new UsageError(
        `--list runs no drill, so it takes no other arguments (got ${others.join(' ')})`,
        'run `npm run drill -- --list` alone',
      );
    }
    return { command: 'list' };
  }
  const [scenario, ...extra] = positionals;
  if (scenario === undefined) {
    throw new UsageError(
      'no scenario given',
      'name a shipped one, e.g. `npm run drill -- etcd-partition` (`--list` shows them all), or give a file such as ./my-scenario.ts',
    );
  }
  if (extra.length > 0) {
    throw new UsageError(
      `one scenario per drill, but got ${positionals.map((s) => JSON.stringify(s)).join(', ')}`,
      'run the drills one after another',
    );
  }

  const reportDir = values['report-dir'];
  return {
    command: 'run',
    options: {
      scenario,
      provider: values.provider,
      providerOptions: kindSettings(values.provider, values),
      overrides: overridesOf(values),
      keepCluster: values['keep-cluster'],
      reuseCluster: values['reuse-cluster'],
      json: values.json,
      ...(reportDir === undefined ? {} : { reportDir }),
    },
  };
}

/** reports/2025-01-31T14-05-09Z-etcd-partition: sorts by time and is safe in every file system. */
export function defaultReportDir(name: string, startedAt: Date): string {
  const stamp = startedAt.toISOString().slice(0, 19).replaceAll(':', '-');
  return `reports/${stamp}Z-${name}`;
}

/** The scenario settings given on the command line (--rate and the phases), those given only. */
export function overridesOf(values: {
  rate?: number;
  baseline?: number;
  hold?: number;
  recovery?: number;
}): ScenarioOverrides {
  const all: ScenarioOverrides = {
    rate: values.rate,
    baselineSeconds: values.baseline,
    holdSeconds: values.hold,
    recoverySeconds: values.recovery,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined));
}

export function phaseOption(help: string, example: string, defaultSeconds: number): ValueSpec<number> {
  return {
    type: 'string',
    placeholder: 'D',
    help,
    example,
    defaultNote: `the scenario's, else ${defaultSeconds}s`,
    parse: parseSeconds,
  };
}

export function parseRate(value: string, { flag, example }: FlagContext): number {
  const rate = /^\d+$/.test(value) ? Number(value) : NaN;
  if (satisfies(rate, RATE)) return rate;
  throw new UsageError(`${flag}: ${JSON.stringify(value)} must be ${describeRule(RATE)}`, `e.g. ${example}`);
}

/** A plain number is seconds, as in a scenario file; anything else must be a duration string. */
function parseSeconds(value: string, { flag }: FlagContext): number {
  const fix = `e.g. ${flag} 20s, ${flag} 1m30s or ${flag} 20 (seconds)`;
  const plain = /^\d+(\.\d+)?$/.test(value.trim());
  let seconds = Number(value);
  if (!plain) {
    const parsed = tryParseDuration(value);
    if ('problem' in parsed) throw new UsageError(`${flag}: ${parsed.problem}`, fix);
    seconds = parsed.ms / 1000;
  }
  if (satisfies(seconds, PHASE_SECONDS)) return seconds;
  const requirement = durationRequirement(PHASE_SECONDS, 's', plain ? 'number' : 'duration');
  throw new UsageError(`${flag}: ${JSON.stringify(value)} must be ${requirement}`, fix);
}

export function parseReportDir(value: string, { flag, example }: FlagContext): string {
  if (value.trim() !== '') return value;
  throw new UsageError(`${flag}: ${JSON.stringify(value)} must be a directory path`, `e.g. ${example}`);
}
