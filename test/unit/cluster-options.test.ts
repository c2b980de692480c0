import { expect } from 'chai';
import { parseClusterArgs } from '../../src/cli/cluster-args.ts';
import {
  LOCAL_DEFAULTS,
  resolveLocalConfig,
  type LocalClusterConfig,
} from '../../src/providers/local/config.ts';
import { isLoopbackAddress, parseCidr } from '../../src/util/net.ts';
import { usageErrorOf } from './helpers.ts';

/** The problem lines of a cluster command line, without the "command line: " prefix. */
function clusterProblems(...argv: string[]): string[] {
  const { message, fix } = usageErrorOf(() => parseClusterArgs(['up', ...argv]));
  expect(fix).to.equal('correct the option, or leave it out to use the default');
  return message.split('\n').map((line) => line.replace(/^command line: /, ''));
}

/** The settings a cluster command line gives. */
function overridesOf(...argv: string[]): Partial<LocalClusterConfig> {
  const cmd = parseClusterArgs(argv);
  if (cmd.command === 'help') throw new Error(`expected ${argv.join(' ')} to name a verb`);
  return cmd.options.overrides;
}

describe('bounds of the cluster options', () => {
  it('takes the defaults and valid values', () => {
    expect(parseClusterArgs(['up'])).to.deep.equal({
      command: 'up',
      options: { provider: 'local', overrides: {} },
    });
    const overrides = overridesOf(
      'status',
      '--name=lab2',
      '--subnet',
      '192.168.0.0/16',
      '--lb-address',
      '127.0.9.254',
      '--state-root',
      '/srv/khd-state.d/x_1',
      '--restart-backoff-ms',
      '100',
    );
    expect(resolveLocalConfig(overrides)).to.deep.include({
      name: 'lab2',
      subnet: '192.168.0.0/16',
      lbAddress: '127.0.9.254',
      stateRoot: '/srv/khd-state.d/x_1',
      restartBackoffMs: 100,
    });
  });

  it('names the flag, the value and the bound (the cluster e2e test checks this text)', () => {
    expect(clusterProblems('--lb-port', '80', '--subnet', '10.0.0.0/30')).to.deep.equal([
      '--subnet: "10.0.0.0/30" is invalid: prefix /30 of "10.0.0.0/30" must be between /8 and /28',
      '--lb-port: 80 must be a whole number from 1024 to 65535',
    ]);
  });

  it('refuses --lb-address 127.999.0.1 and every address that is not loopback', () => {
    const why =
      'must be a loopback address, 127.0.0.1 to 127.255.255.254 (each part 0-255): clients reach the cluster only through loopback';
    for (const address of [
      '127.999.0.1',
      '127.0.0.01',
      '127..0.1',
      '127.0.0.0',
      '127.255.255.255',
      '10.0.0.1',
      '1e2.0.0.1',
    ]) {
      expect(clusterProblems('--lb-address', address), address).to.deep.equal([
        `--lb-address: "${address}" ${why}`,
      ]);
    }
    expect(['127.0.0.1', '127.255.255.254', '127.1.2.3'].every(isLoopbackAddress)).to.equal(true);
  });

  it('takes a private subnet from /16 to /27, written as its network address', () => {
    expect(clusterProblems('--subnet', '10.0.0.0/15')).to.deep.equal([
      '--subnet: "10.0.0.0/15" is too large: at most a /16',
    ]);
    expect(clusterProblems('--subnet', '10.213.0.5/24')).to.deep.equal([
      '--subnet: "10.213.0.5/24" is invalid: "10.213.0.5/24" has host bits set; its network is 10.213.0.0/24',
    ]);
    expect(clusterProblems('--subnet', '8.8.8.0/24')).to.deep.equal([
      '--subnet: "8.8.8.0/24" must lie in a private range (10/8, 172.16/12, 192.168/16 or 100.64/10)',
    ]);
    expect(clusterProblems('--subnet', '10.0.0.0/024')[0]).to.match(/is not an IPv4 CIDR/);
    expect(parseCidr('172.16.0.0/12')).to.deep.equal({ base: 0xac100000, prefix: 12 });
  });

  it('refuses --state-root /, /etc, a path with a space and every odd path, saying why', () => {
    const cases: [string, string][] = [
      ['/', 'must not be / itself'],
      ['/etc', 'must not be the system directory /etc itself'],
      ['/tmp', 'must not be the system directory /tmp itself'],
      ['/dev/shm', 'must not be the system directory /dev/shm itself'],
      [
        '/srv/my state',
        'may hold only letters, digits and . _ / - (it goes into config files and command lines)',
      ],
      [
        '/srv/x\nbind 0.0.0.0:80',
        'may hold only letters, digits and . _ / - (it goes into config files and command lines)',
      ],
      ['/srv/x"y', 'may hold only letters, digits and . _ / - (it goes into config files and command lines)'],
      ['/srv/../etc', 'must not have a . or .. segment, a doubled slash or a trailing slash'],
      ['/srv//x', 'must not have a . or .. segment, a doubled slash or a trailing slash'],
      ['/srv/x/', 'must not have a . or .. segment, a doubled slash or a trailing slash'],
      ['/srv/./x', 'must not have a . or .. segment, a doubled slash or a trailing slash'],
      ['srv/x', 'must be an absolute path'],
      [
        '/proc/sys/kernel',
        "must not lie in /proc, /sys or /dev (other than /dev/shm): those are the kernel's",
      ],
      ['/dev/sda', "must not lie in /proc, /sys or /dev (other than /dev/shm): those are the kernel's"],
      [
        `/srv/${'x'.repeat(80)}`,
        "must be at most 80 characters: HAProxy's socket lies in it, and a socket path holds 107",
      ],
    ];
    for (const [root, why] of cases) {
      expect(clusterProblems('--state-root', root), root).to.deep.equal([
        `--state-root: ${JSON.stringify(root)} ${why}; e.g. ${LOCAL_DEFAULTS.stateRoot}`,
      ]);
    }
    expect(resolveLocalConfig({ stateRoot: '/dev/shm/khd-2' }).stateRoot).to.equal('/dev/shm/khd-2');
  });

  it('refuses --name ../x and every name that cannot prefix an interface name', () => {
    for (const name of ['../x', 'KHD', '1abc', 'abcdefg', '', 'a-b']) {
      expect(clusterProblems(`--name=${name}`), name).to.deep.equal([
        `--name: ${JSON.stringify(name)} must be 1-6 lower-case letters or digits, starting with a letter (interface names are short)`,
      ]);
    }
  });

  it('wants a restart back-off of at least 100 ms, and a cap no shorter than it', () => {
    expect(clusterProblems('--restart-backoff-ms', '0')).to.deep.equal([
      '--restart-backoff-ms: 0 must be a whole number from 100 to 600000',
    ]);
    expect(clusterProblems('--restart-backoff-max-ms', '1000')).to.deep.equal([
      '--restart-backoff-max-ms: 1000 must be at least restartBackoffMs (5000): the back-off doubles up to it',
    ]);
    // A first delay above the default cap raises the cap, unless the cap is given.
    expect(resolveLocalConfig({ restartBackoffMs: 30_000 }).restartBackoffMaxMs).to.equal(30_000);
  });

  it('refuses a repeated flag, and takes inherited names such as constructor for what they are', () => {
    expect(usageErrorOf(() => parseClusterArgs(['up', '--name', 'a', '--name=b'])).message).to.equal(
      '--name is given twice ("a" and "b")',
    );
    for (const name of ['constructor', '__proto__', 'toString']) {
      expect(usageErrorOf(() => parseClusterArgs(['up', `--${name}`, 'x'])).message, name).to.match(
        new RegExp(`^unknown option "--${name}"; known: --provider, --name, `),
      );
      expect(usageErrorOf(() => parseClusterArgs([name])).message).to.equal(`unknown command "${name}"`);
    }
    expect(usageErrorOf(() => resolveLocalConfig({ toString: 'x' } as never)).message).to.match(
      /^local cluster config: toString: unknown option; known: name, /,
    );
  });
});
