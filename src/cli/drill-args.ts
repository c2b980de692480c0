import { shortDuration, tryParseDuration } from '../scenario/duration.ts';
import { describeRule, durationRequirement, satisfies } from '../scenario/fields.ts';
import { MAX_PHASE_SECONDS, PHASE_SECONDS, RATE } from '../scenario/limits.ts';
import type { ScenarioOverrides } from '../scenario/overrides.ts';
import { DEFAULT_LOAD, DEFAULT_PHASES } from '../scenario/types.ts';
import { UsageError } from '../util/errors.ts';

export const PROVIDERS = ['local'] as const;
export type Provider = (typeof PROVIDERS)[number];
const PLANNED_PROVIDERS = ['kind', 'kubeconfig'];

export interface DrillOptions {
  /** A shipped scenario's name or the path of a scenario file, as loadScenario takes it. */
  scenario: string;
  provider: Provider;
  /** Applied onto the loaded scenario with applyOverrides. */
  overrides: ScenarioOverrides;
  /** Leave the cluster running after the drill. */
  keepCluster: boolean;
  /** Use the cluster an earlier --keep-cluster left running instead of starting one. */
  reuseCluster: boolean;
  /** Absent: defaultReportDir(). */
  reportDir?: string;
}

export type DrillCommand =
  { command: 'help' } | { command: 'list' } | { command: 'run'; options: DrillOptions };

export const DRILL_USAGE = `usage: npm run drill -- <scenario | file> [options]
       npm run drill -- --list

Starts the cluster, measures a baseline under load, injects the scenario's
faults, holds them, heals them, waits out the recovery, and judges the SLOs.

  <scenario>          a shipped scenario by name, e.g. etcd-partition (see --list)
  <file>              your own scenario, named with its extension: a .json file, or a
                      .ts or .js module whose default export is the scenario (code that
                      runs as root, like the tool itself)
  --provider local    where the cluster runs (default: local; kind and kubeconfig are planned)
  --rate N            load requests per second, 1 to ${RATE.max} (default: the scenario's, else ${DEFAULT_LOAD.rate})
  --baseline D        baseline phase length (default: the scenario's, else ${DEFAULT_PHASES.baselineSeconds}s)
  --hold D            how long the faults stay injected (default: the scenario's, else ${DEFAULT_PHASES.holdSeconds}s)
  --recovery D        recovery phase length (default: the scenario's, else ${DEFAULT_PHASES.recoverySeconds}s)
                      D is a duration such as 20s, 1m30s or 500ms, or plain seconds;
                      each phase lasts at most ${shortDuration(MAX_PHASE_SECONDS * 1000)}
  --keep-cluster      leave the cluster running afterwards (default: tear it down)
  --reuse-cluster     use the cluster an earlier --keep-cluster left running
  --report-dir DIR    where the reports go (default: reports/<UTC start time>-<scenario>)
  --list              list the shipped scenarios and what each proves, then exit
  --help, -h          show this text

Exit codes: 0 every verdict passed, 1 an SLO missed, 2 bad usage or scenario, 3 could not
run, 4 nothing failed but some verdict had insufficient evidence (never a pass).`;

const VALUE_FLAGS = ['--provider', '--rate', '--baseline', '--hold', '--recovery', '--report-dir'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];
const SWITCHES = ['--keep-cluster', '--reuse-cluster', '--list', '--help', '-h'] as const;
type Switch = (typeof SWITCHES)[number];
const HELP_FIX = 'see `npm run drill -- --help`';
const PHASE_FLAGS = {
  '--baseline': 'baselineSeconds',
  '--hold': 'holdSeconds',
  '--recovery': 'recoverySeconds',
} as const;

/** Parses the arguments after `npm run drill --`; every mistake is a UsageError naming the flag and value. */
export function parseDrillArgs(argv: readonly string[]): DrillCommand {
  // Help wins over everything, so a confused user always gets it.
  if (argv.includes('--help') || argv.includes('-h')) return { command: 'help' };

  const values = new Map<ValueFlag, string>();
  const switches = new Set<Switch>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    if (isOneOf(flag, SWITCHES)) {
      if (inline !== undefined)
        throw new UsageError(`${flag} takes no value (got ${JSON.stringify(arg)})`, `write just ${flag}`);
      switches.add(flag);
    } else if (isOneOf(flag, VALUE_FLAGS)) {
      const next = argv[i + 1];
      const value = inline ?? (next !== undefined && !next.startsWith('--') ? next : undefined);
      if (value === undefined) throw new UsageError(`${flag} needs a value`, `e.g. ${exampleOf(flag)}`);
      if (inline === undefined) i++;
      const earlier = values.get(flag);
      if (earlier !== undefined) {
        throw new UsageError(
          `${flag} is given twice (${JSON.stringify(earlier)} and ${JSON.stringify(value)})`,
          'give it once',
        );
      }
      values.set(flag, value);
    } else {
      throw new UsageError(
        `unknown option ${JSON.stringify(flag)}; known: ${[...VALUE_FLAGS, ...SWITCHES].join(', ')}`,
        HELP_FIX,
      );
    }
  }

  if (switches.has('--list')) {
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

  const overrides: ScenarioOverrides = {};
  const rate = values.get('--rate');
  if (rate !== undefined) overrides.rate = parseRate(rate);
  for (const [flag, key] of Object.entries(PHASE_FLAGS) as [
    keyof typeof PHASE_FLAGS,
    keyof ScenarioOverrides,
  ][]) {
    const text = values.get(flag);
    if (text !== undefined) overrides[key] = parseSeconds(flag, text);
  }
  const reportDir = values.get('--report-dir');
  if (reportDir !== undefined && reportDir.trim() === '') {
    throw new UsageError(
      `--report-dir: ${JSON.stringify(reportDir)} must be a directory path`,
      `e.g. ${exampleOf('--report-dir')}`,
    );
  }
  return {
    command: 'run',
    options: {
      scenario,
      provider: parseProvider(values.get('--provider') ?? 'local'),
      overrides,
      keepCluster: switches.has('--keep-cluster'),
      reuseCluster: switches.has('--reuse-cluster'),
      ...(reportDir === undefined ? {} : { reportDir }),
    },
  };
}

/** reports/2025-01-31T14-05-09Z-etcd-partition: sorts by time and is safe in every file system. */
export function defaultReportDir(scenarioName: string, startedAt: Date): string {
  const stamp = startedAt.toISOString().slice(0, 19).replaceAll(':', '-');
  return `reports/${stamp}Z-${scenarioName}`;
}

function parseProvider(value: string): Provider {
  if (isOneOf(value, PROVIDERS)) return value;
  if (PLANNED_PROVIDERS.includes(value)) {
    throw new UsageError(
      `--provider ${value} is not implemented yet; only local works today`,
      'drop --provider, or use --provider local',
    );
  }
  throw new UsageError(
    `--provider: ${JSON.stringify(value)} is not a known provider; known: ${PROVIDERS.join(', ')} ` +
      `(planned: ${PLANNED_PROVIDERS.join(', ')})`,
    'drop --provider, or use --provider local',
  );
}

function parseRate(value: string): number {
  const rate = /^\d+$/.test(value) ? Number(value) : NaN;
  if (satisfies(rate, RATE)) return rate;
  throw new UsageError(
    `--rate: ${JSON.stringify(value)} must be ${describeRule(RATE)}`,
    `e.g. ${exampleOf('--rate')}`,
  );
}

/** A plain number is seconds, as in a scenario file; anything else must be a duration string. */
function parseSeconds(flag: keyof typeof PHASE_FLAGS, value: string): number {
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

function exampleOf(flag: ValueFlag): string {
  const examples: Record<ValueFlag, string> = {
    '--provider': '--provider local',
    '--rate': '--rate 20',
    '--baseline': '--baseline 10s',
    '--hold': '--hold 20s',
    '--recovery': '--recovery 20s',
    '--report-dir': '--report-dir reports/my-run',
  };
  return examples[flag];
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}
