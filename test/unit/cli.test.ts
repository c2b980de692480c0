import { expect } from 'chai';
import { GAMEDAY_USAGE } from '../../src/cli/gameday-args.ts';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BENCH_SPEC, BENCH_USAGE, parseBenchArgs } from '../../src/cli/bench-args.ts';
import { CLUSTER_SPEC, CLUSTER_USAGE, parseClusterArgs } from '../../src/cli/cluster-args.ts';
import { runCommandLine } from '../../src/cli/commands.ts';
import { DRILL_SPEC, DRILL_USAGE, parseDrillArgs } from '../../src/cli/drill-args.ts';
import { HELP_OPTION, type CommandSpec } from '../../src/cli/option-spec.ts';
import { knownFlags } from '../../src/cli/parse-options.ts';
import { parseSetupArgs, SETUP_SPEC, SETUP_USAGE } from '../../src/cli/setup-args.ts';
import { repoRoot } from '../../src/components/manifest.ts';
import { exitCodeOf } from '../../src/util/errors.ts';
import { usageErrorOf } from './helpers.ts';

/** What a command line prints to stdout, and the exit code it gives. */
async function printed(argv: string[]): Promise<{ code: number | void; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(' '));
  try {
    return { code: await runCommandLine(argv), out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

async function rejection(
  argv: string[],
): Promise<{ message: string; fix: string | undefined; code: number }> {
  const err = await runCommandLine(argv).then(
    () => expect.fail(`expected ${argv.join(' ')} to be refused`),
    (e: unknown) => e,
  );
  const { message, fix } = usageErrorOf(() => {
    throw err;
  });
  return { message, fix, code: exitCodeOf(err) };
}

/** setup's switches, none given. */
const noSwitches = { force: false, updateGoSum: false, recordHashes: false };

/** Each command with its parser and a valid command line that runs nothing here: only parsed. */
const COMMANDS: [CommandSpec, (argv: string[]) => unknown, string[]][] = [
  [SETUP_SPEC, parseSetupArgs, []],
  [CLUSTER_SPEC, parseClusterArgs, ['up']],
  [DRILL_SPEC, parseDrillArgs, ['etcd-partition']],
  [BENCH_SPEC, parseBenchArgs, ['cluster-up']],
];

describe('command-line options', () => {
  it('gives each command its own help, made from its declaration, for --help or -h anywhere', () => {
    for (const [spec, parse, valid] of COMMANDS) {
      expect(parse([...valid, '--help']), spec.name).to.deep.equal({ command: 'help' });
      expect(parse(['-h', ...valid, '--bogus']), spec.name).to.deep.equal({ command: 'help' });
    }
    for (const [usage, name] of [
      [SETUP_USAGE, 'setup'],
      [CLUSTER_USAGE, 'cluster'],
      [DRILL_USAGE, 'drill'],
      [BENCH_USAGE, 'bench'],
    ])
      expect(usage, name).to.match(new RegExp(`^usage: npm run ${name} -- `));
    expect(SETUP_USAGE).to.include('--update-go-sum  record components/<build>/go.sum anew');
  });

  it('shows each option with its value, help and default', () => {
    expect(CLUSTER_USAGE).to.match(/^ {2}--lb-port PORT +port of HAProxy \(default: 16443\)$/m);
    expect(CLUSTER_USAGE).to.match(
      /^ {2}--no-restart a,b +components not restarted when they die \(default: none\)$/m,
    );
    expect(CLUSTER_USAGE).to.match(
      /^ {2}--provider local\|kind +where the cluster runs; .*\(default: local\)$/ms,
    );
    expect(CLUSTER_USAGE).to.match(/^ {2}--help, -h +show this text$/m);
    expect(BENCH_USAGE).to.match(
      /^ {2}--seconds N +capacity: how long each rate runs, >= 5 \(default: 30\)$/m,
    );
  });

  it('refuses an unknown flag of every command with exit code 2, naming it and the known flags', () => {
    for (const [spec, parse, valid] of COMMANDS) {
      for (const flag of ['--bogus', '-x', '--constructor']) {
        const err = usageErrorOf(() => parse([...valid, flag, 'value']));
        expect(err.message, spec.name).to.equal(
          `unknown option ${JSON.stringify(flag)}; known: ${knownFlags({ ...spec.options, ...HELP_OPTION })}`,
        );
        expect(err.fix).to.equal(`see \`npm run ${spec.name} -- --help\``);
        expect(exitCodeOf(err)).to.equal(2);
      }
    }
  });

  it('refuses a value flag given twice, and takes a switch given twice as once', () => {
    expect(
      usageErrorOf(() => parseBenchArgs(['capacity', '--seconds', '10', '--seconds=20'])).message,
    ).to.equal('--seconds is given twice ("10" and "20")');
    expect(
      usageErrorOf(() => parseClusterArgs(['up', '--provider', 'local', '--provider=local'])).message,
    ).to.equal('--provider is given twice ("local" and "local")');
    expect(parseSetupArgs(['--force', '--force'])).to.deep.equal({
      command: 'run',
      options: { force: true, updateGoSum: false, recordHashes: false, groups: [] },
    });
    const drill = parseDrillArgs(['x', '--keep-cluster', '--keep-cluster']);
    expect(drill.command === 'run' && drill.options.keepCluster).to.equal(true);
  });

  it('setup takes the optional group kind as an operand; any other word is refused with exit code 2', () => {
    expect(parseSetupArgs([])).to.deep.include({ options: { ...noSwitches, groups: [] } });
    expect(parseSetupArgs(['kind'])).to.deep.include({ options: { ...noSwitches, groups: ['kind'] } });
    expect(parseSetupArgs(['--record-hashes', 'kind', 'kind'])).to.deep.include({
      options: { ...noSwitches, recordHashes: true, groups: ['kind'] },
    });
    for (const [argv, unknown] of [
      [['kind', 'knid'], 'knid'],
      [['all'], 'all'],
    ] as const) {
      const err = usageErrorOf(() => parseSetupArgs(argv));
      expect(err).to.deep.include({
        message: `unknown argument ${unknown}`,
        fix: 'see `npm run setup -- --help`',
      });
      expect(exitCodeOf(err)).to.equal(2);
    }
    expect(SETUP_USAGE).to.match(/^ {2}kind +also build the tools of the kind provider/m);
    expect(SETUP_USAGE).to.match(/^ {2}browser +also install Debian's chromium/m);
  });

  it('passes --provider through, checked against the known providers', () => {
    expect(parseClusterArgs(['status', '--provider', 'local'])).to.deep.equal({
      command: 'status',
      options: { provider: 'local', overrides: {} },
    });
    expect(usageErrorOf(() => parseClusterArgs(['up', '--provider', 'eks']))).to.deep.include({
      message: '--provider: "eks" is not a known provider; known: local, kind (planned: kubeconfig)',
      fix: 'drop --provider, or use --provider local',
    });
    expect(usageErrorOf(() => parseClusterArgs(['up', '--provider'])).message).to.equal(
      '--provider needs a value',
    );
  });

  it('checks the values of setup, cluster and bench, naming the flag and the value', () => {
    expect(usageErrorOf(() => parseSetupArgs(['--force', 'now']))).to.deep.include({
      message: 'unknown argument now',
    });
    expect(usageErrorOf(() => parseSetupArgs(['--force=yes'])).message).to.equal(
      '--force takes no value (got "--force=yes")',
    );
    expect(usageErrorOf(() => parseClusterArgs(['up', '--lb-port', '16k']))).to.deep.include({
      message: '--lb-port 16k: must be a whole number',
      fix: 'e.g. --lb-port 16443',
    });
    expect(usageErrorOf(() => parseClusterArgs(['reboot'])).message).to.equal('unknown command "reboot"');
    expect(usageErrorOf(() => parseClusterArgs(['up', 'down'])).message).to.equal('unknown argument down');
    expect(usageErrorOf(() => parseBenchArgs(['cluster-up', '--runs', '0'])).message).to.equal(
      '--runs 0: must be a whole number >= 1',
    );
    expect(usageErrorOf(() => parseBenchArgs(['capacity', '--rates', '50,x'])).message).to.equal(
      '--rates 50,x: must be whole numbers >= 1, separated by commas',
    );
    expect(usageErrorOf(() => parseBenchArgs(['capacity', '--seconds', '4'])).message).to.equal(
      '--seconds 4: must be a number >= 5',
    );
    expect(usageErrorOf(() => parseBenchArgs(['soak'])).message).to.equal('unknown benchmark "soak"');
    expect(usageErrorOf(() => parseBenchArgs(['drill', 'a', 'b'])).message).to.equal('unknown argument b');
  });

  it('takes the defaults of bench, and a value starting with one dash as the value', () => {
    expect(parseBenchArgs(['cluster-up'])).to.deep.equal({
      command: 'cluster-up',
      runs: 5,
      providers: ['local'],
    });
    expect(parseBenchArgs(['capacity'])).to.deep.equal({
      command: 'capacity',
      rates: [25, 50, 100, 150, 200],
      seconds: 30,
    });
    expect(parseBenchArgs(['drill'])).to.deep.equal({ command: 'drill', scenario: 'etcd-partition' });
    expect(parseBenchArgs(['drill', 'apiserver-kill', '--runs', '2'])).to.deep.equal({
      command: 'drill',
      scenario: 'apiserver-kill',
    });
    const drill = parseDrillArgs(['x', '--report-dir', '-odd']);
    expect(drill.command === 'run' && drill.options.reportDir).to.equal('-odd');
    expect(usageErrorOf(() => parseDrillArgs(['x', '--report-dir', '--', 'y'])).message).to.equal(
      '--report-dir needs a value',
    );
  });
});

describe('the kube-ha-drill entry', function () {
  // Loads the commands' modules, and starts the entry once.
  this.timeout(30_000);

  it('lists every command with one line on --help', async () => {
    const { code, out } = await printed(['--help']);
    expect(code).to.equal(0);
    expect(out).to.match(
      /^usage: kube-ha-drill <setup \| cluster \| drill \| gameday \| bench> \[arguments\]/,
    );
    for (const name of ['setup', 'cluster', 'drill', 'gameday', 'bench'])
      expect(
        out.split('\n').filter((line) => line.startsWith(`  ${name} `)),
        name,
      ).to.have.length(1);
    expect((await printed(['-h'])).out).to.equal(out);
  });

  it('refuses an unknown command and a missing one with exit code 2, naming it and the known ones', async () => {
    const fix =
      'e.g. `kube-ha-drill drill etcd-partition`; `kube-ha-drill <command> --help` shows its options';
    expect(await rejection(['gamedays'])).to.deep.equal({
      message: 'unknown command "gamedays"; known: setup, cluster, drill, gameday, bench',
      fix,
      code: 2,
    });
    expect(await rejection(['--rate', '5'])).to.deep.include({
      message: 'unknown command "--rate"; known: setup, cluster, drill, gameday, bench',
    });
    expect(await rejection([])).to.deep.equal({
      message: 'no command given; known: setup, cluster, drill, gameday, bench',
      fix,
      code: 2,
    });
  });

  it('gives a command its own help for --help or -h anywhere', async () => {
    for (const [name, usage] of [
      ['cluster', CLUSTER_USAGE],
      ['drill', DRILL_USAGE],
      ['gameday', GAMEDAY_USAGE],
      ['bench', BENCH_USAGE],
    ] as const) {
      expect(await printed([name, '--help']), name).to.deep.equal({ code: 0, out: usage });
      expect(await printed([name, 'up', '--bogus', '-h']), name).to.deep.equal({ code: 0, out: usage });
    }
  });

  it('exits with code 2 and the message on stderr, before touching anything', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(repoRoot, 'src', 'cli', 'kube-ha-drill.ts'),
        'cluster',
        'up',
        '--lb-prot',
        '1',
      ],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(r.status).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.match(/^error: unknown option "--lb-prot"; known: --provider, --name, /);
    expect(r.stderr).to.include('\n  fix: see `npm run cluster -- --help`\n');
  });
});
