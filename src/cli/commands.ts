import { UsageError } from '../util/errors.ts';
import { table } from './help-text.ts';

type CommandBody = (argv: readonly string[]) => Promise<number | void>;

interface CommandEntry {
  name: string;
  /** One line for `kube-ha-drill --help`. */
  summary: string;
  /** Loaded only when run, so a command starts without the others' dependencies. */
  load: () => Promise<CommandBody>;
}

/** Every command of the tool; a new command is one more entry. */
const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'setup',
    summary: 'install the Debian packages and build the pinned components into the cache',
    load: async () => (await import('./setup.ts')).setupCommand,
  },
  {
    name: 'cluster',
    summary: 'up | down | status of the local 3-master cluster, outside a drill',
    load: async () => (await import('./cluster.ts')).clusterCommand,
  },
  {
    name: 'drill',
    summary: 'run one scenario: load, fault, recovery, verdicts and reports',
    load: async () => (await import('./drill.ts')).drillCommand,
  },
  {
    name: 'gameday',
    summary: 'run a suite of drills (every shipped one by default): their reports, an index, one junit.xml',
    load: async () => (await import('./gameday.ts')).gamedayCommand,
  },
  {
    name: 'bench',
    summary: 'benchmarks that print figures: cluster-up | drill | capacity',
    load: async () => (await import('../../bench/run.ts')).benchCommand,
  },
];

const NAMES = COMMANDS.map((c) => c.name);

const TOOL_USAGE = `usage: kube-ha-drill <${NAMES.join(' | ')}> [arguments]
       npm run <command> -- [arguments]   (the same, from a checkout)

${table(COMMANDS.map((c) => [c.name, c.summary]))}

\`kube-ha-drill <command> --help\` shows a command's arguments and options.`;

/** Runs the command named first in argv with the rest; its exit code. */
export async function runCommandLine(argv: readonly string[]): Promise<number | void> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(TOOL_USAGE);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command)
    throw new UsageError(
      `${name === undefined ? 'no command given' : `unknown command ${JSON.stringify(name)}`}; known: ${NAMES.join(', ')}`,
      'e.g. `kube-ha-drill drill etcd-partition`; `kube-ha-drill <command> --help` shows its options',
    );
  return (await command.load())(rest);
}
