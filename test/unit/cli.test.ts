import { expect } from 'chai';
import { BENCH_SPEC, BENCH_USAGE, parseBenchArgs } from '../../src/cli/bench-args.ts';
import { CLUSTER_SPEC, CLUSTER_USAGE, parseClusterArgs } from '../../src/cli/cluster-args.ts';
import { DRILL_SPEC, DRILL_USAGE, parseDrillArgs } from '../../src/cli/drill-args.ts';
import { HELP_OPTION, type CommandSpec } from '../../src/cli/option-spec.ts';
import { knownFlags } from '../../src/cli/parse-options.ts';
import { parseSetupArgs, SETUP_SPEC, SETUP_USAGE } from '../../src/cli/setup-args.ts';
import { exitCodeOf } from '../../src/util/errors.ts';
import { usageErrorOf } from './helpers.ts';

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
    expect(CLUSTER_USAGE).to.match(/^ {2}--provider local +where the cluster runs; .*\(default: local\)$/ms);
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
      options: { force: true, updateGoSum: false, recordHashes: false },
    });
    const drill = parseDrillArgs(['x', '--keep-cluster', '--keep-cluster']);
    expect(drill.command === 'run' && drill.options.keepCluster).to.equal(true);
  });

  it('passes --provider through, checked against the known providers', () => {
    expect(parseClusterArgs(['status', '--provider', 'local'])).to.deep.equal({
      command: 'status',
      options: { provider: 'local', overrides: {} },
    });
    expect(usageErrorOf(() => parseClusterArgs(['up', '--provider', 'eks']))).to.deep.include({
      message: '--provider: "eks" is not a known provider; known: local (planned: kind, kubeconfig)',
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
    expect(parseBenchArgs(['cluster-up'])).to.deep.equal({ command: 'cluster-up', runs: 5 });
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
