import { expect } from 'chai';
import {
  DRILL_USAGE,
  defaultReportDir,
  parseDrillArgs,
  type DrillCommand,
} from '../../src/cli/drill-args.ts';
import { UsageError } from '../../src/util/errors.ts';

/** The UsageError parsing these arguments throws, as message and fix. */
function rejection(argv: string[]): { message: string; fix: string | undefined } {
  try {
    parseDrillArgs(argv);
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError);
    return { message: (err as UsageError).message, fix: (err as UsageError).fix };
  }
  throw new Error(`expected ${argv.join(' ')} to be rejected`);
}

describe('drill arguments', () => {
  it('runs a scenario by name with every default', () => {
    expect(parseDrillArgs(['etcd-partition'])).to.deep.equal({
      command: 'run',
      options: {
        scenario: 'etcd-partition',
        provider: 'local',
        providerOptions: {},
        overrides: {},
        keepCluster: false,
        reuseCluster: false,
        json: false,
      },
    } satisfies DrillCommand);
  });

  it('reads every option, in both --flag value and --flag=value form', () => {
    const argv = [
      '--provider=local',
      './my-scenario.ts',
      '--rate',
      '50',
      '--hold',
      '1m30s',
      '--baseline=5',
      '--recovery',
      '500ms',
      '--keep-cluster',
      '--reuse-cluster',
      '--report-dir',
      'out/run-1',
      '--json',
    ];
    expect(parseDrillArgs(argv)).to.deep.equal({
      command: 'run',
      options: {
        scenario: './my-scenario.ts',
        provider: 'local',
        providerOptions: {},
        overrides: { rate: 50, holdSeconds: 90, baselineSeconds: 5, recoverySeconds: 0.5 },
        keepCluster: true,
        reuseCluster: true,
        json: true,
        reportDir: 'out/run-1',
      },
    } satisfies DrillCommand);
  });

  it('takes a scenario after --', () => {
    const parsed = parseDrillArgs(['--rate', '5', '--', '--odd-name.ts']);
    expect(parsed.command === 'run' && parsed.options.scenario).to.equal('--odd-name.ts');
  });

  it('gives help for --help or -h whatever else is there, and lists with --list', () => {
    expect(parseDrillArgs(['--help'])).to.deep.equal({ command: 'help' });
    expect(parseDrillArgs(['etcd-partition', '--bogus', '-h'])).to.deep.equal({ command: 'help' });
    expect(parseDrillArgs(['--list'])).to.deep.equal({ command: 'list' });
  });

  it('names an unknown option and lists the known ones', () => {
    expect(rejection(['etcd-partition', '--holdd', '20s'])).to.deep.equal({
      message:
        'unknown option "--holdd"; known: --provider, --node-image, --kind-config, --rate, --baseline, --hold, --recovery, --report-dir, ' +
        '--keep-cluster, --reuse-cluster, --json, --list, --help, -h',
      fix: 'see `npm run drill -- --help`',
    });
  });

  it('names the flag and the value of a bad rate or duration, with an example', () => {
    expect(rejection(['x', '--rate', 'fast'])).to.deep.equal({
      message: '--rate: "fast" must be a whole number from 1 to 10000 (requests per second)',
      fix: 'e.g. --rate 20',
    });
    expect(rejection(['x', '--rate', '0']).message).to.equal(
      '--rate: "0" must be a whole number from 1 to 10000 (requests per second)',
    );
    expect(rejection(['x', '--rate', '-5']).message).to.equal(
      '--rate: "-5" must be a whole number from 1 to 10000 (requests per second)',
    );
    expect(rejection(['x', '--hold', '20 sec'])).to.deep.equal({
      message:
        '--hold: "20 sec" is not a duration; write e.g. "20s", "1m30s" or "500ms" (units: h, m, s, ms)',
      fix: 'e.g. --hold 20s, --hold 1m30s or --hold 20 (seconds)',
    });
    expect(rejection(['x', '--baseline', '10d']).message).to.equal(
      '--baseline: "10d" has an unknown unit "d"; units: h, m, s, ms',
    );
    expect(rejection(['x', '--recovery', '0s']).message).to.equal(
      '--recovery: "0s" must be a duration > 0 and at most 24h',
    );
    expect(rejection(['x', '--recovery', '0']).message).to.equal(
      '--recovery: "0" must be a number of seconds > 0 and at most 86400 (24h)',
    );
  });

  it('says the planned providers are not implemented yet, and names an unknown one', () => {
    expect(rejection(['x', '--provider=kubeconfig'])).to.deep.equal({
      message: '--provider kubeconfig is not implemented yet; the providers today: local, kind',
      fix: 'drop --provider, or use --provider local',
    });
    expect(rejection(['x', '--provider', 'eks']).message).to.equal(
      '--provider: "eks" is not a known provider; known: local, kind (planned: kubeconfig)',
    );
  });

  it("takes kind's settings for the kind provider only, naming the flag otherwise", () => {
    const cmd = parseDrillArgs([
      'etcd-partition',
      '--provider',
      'kind',
      '--node-image',
      'kindest/node:v1.36.3',
    ]);
    expect(cmd.command === 'run' && cmd.options.providerOptions).to.deep.equal({
      nodeImage: 'kindest/node:v1.36.3',
    });
    expect(rejection(['etcd-partition', '--node-image', 'kindest/node:v1.36.3'])).to.deep.equal({
      message: '--node-image is a setting of the kind provider, not of local',
      fix: 'add --provider kind, or drop --node-image',
    });
    expect(rejection(['x', '--provider', 'kind', '--node-image', 'a b']).message).to.equal(
      '--node-image "a b" is not an image reference',
    );
    expect(rejection(['x', '--provider', 'kind', '--kind-config', 'no/such.yaml']).message).to.match(
      /^--kind-config "no\/such.yaml": no such file \(\/.*no\/such.yaml\)$/,
    );
  });

  it('rejects a missing value, a repeated flag and a value given to a switch', () => {
    expect(rejection(['x', '--hold'])).to.deep.equal({
      message: '--hold needs a value',
      fix: 'e.g. --hold 20s',
    });
    expect(rejection(['x', '--report-dir', '--keep-cluster']).message).to.equal('--report-dir needs a value');
    expect(rejection(['x', '--rate', '10', '--rate=20']).message).to.equal(
      '--rate is given twice ("10" and "20")',
    );
    expect(rejection(['x', '--keep-cluster=yes']).message).to.equal(
      '--keep-cluster takes no value (got "--keep-cluster=yes")',
    );
    expect(rejection(['x', '--report-dir=']).message).to.equal('--report-dir: "" must be a directory path');
  });

  it('wants exactly one scenario, and none with --list', () => {
    const none = rejection(['--rate', '10']);
    expect(none.message).to.equal('no scenario given');
    expect(none.fix).to.include('--list');
    expect(rejection(['etcd-partition', 'apiserver-kill']).message).to.equal(
      'one scenario per drill, but got "etcd-partition", "apiserver-kill"',
    );
    expect(rejection(['--list', 'etcd-partition']).message).to.equal(
      '--list runs no drill, so it takes no other arguments (got etcd-partition)',
    );
  });

  it('documents every option in the usage text', () => {
    for (const flag of [
      '--provider',
      '--node-image',
      '--kind-config',
      '--rate',
      '--hold',
      '--baseline',
      '--recovery',
      '--keep-cluster',
      '--reuse-cluster',
      '--report-dir',
      '--list',
      '--help',
    ]) {
      expect(DRILL_USAGE, flag).to.include(flag);
    }
  });

  it('names the default report directory by UTC start time and scenario', () => {
    expect(defaultReportDir('etcd-partition', new Date('2025-01-31T14:05:09.123Z'))).to.equal(
      'reports/2025-01-31T14-05-09Z-etcd-partition',
    );
  });
});
