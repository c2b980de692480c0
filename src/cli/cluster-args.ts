import { resolveLocalConfig, type LocalClusterConfig } from '../providers/local/config.ts';
import { UsageError } from '../util/errors.ts';
import { show } from '../util/show.ts';

/** Flags that set local cluster options: --flag-name -> config key and kind. A Map: no inherited keys. */
const FLAGS = new Map<string, [keyof LocalClusterConfig, 'string' | 'int' | 'list']>([
  ['--name', ['name', 'string']],
  ['--subnet', ['subnet', 'string']],
  ['--lb-address', ['lbAddress', 'string']],
  ['--lb-port', ['lbPort', 'int']],
  ['--etcd-topology', ['etcdTopology', 'string']],
  ['--etcd-heartbeat-ms', ['etcdHeartbeatMs', 'int']],
  ['--etcd-election-timeout-ms', ['etcdElectionTimeoutMs', 'int']],
  ['--haproxy-inter-ms', ['haproxyInterMs', 'int']],
  ['--haproxy-fall', ['haproxyFall', 'int']],
  ['--haproxy-rise', ['haproxyRise', 'int']],
  ['--cert-lifetime-days', ['certLifetimeDays', 'int']],
  ['--restart-backoff-ms', ['restartBackoffMs', 'int']],
  ['--restart-backoff-max-ms', ['restartBackoffMaxMs', 'int']],
  ['--no-restart', ['noRestart', 'list']],
  ['--fake-nodes', ['fakeNodes', 'int']],
  ['--state-root', ['stateRoot', 'string']],
]);

/** The flag that sets a config key, for messages; the key itself when no flag does. */
function flagOf(key: keyof LocalClusterConfig): string {
  return [...FLAGS].find(([, [k]]) => k === key)?.[0] ?? key;
}

export const CLUSTER_FLAGS_HELP = `cluster options (defaults in parentheses):
  --name NAME                   prefix of namespaces, bridge, rules and files (khd)
  --subnet CIDR                 cluster network, private, /16 to /27; nodes get .11-.13,
                                DNS .10 (10.213.0.0/24)
  --lb-address IP               loopback address of HAProxy, 127.x.y.z (127.0.0.1)
  --lb-port PORT                port of HAProxy (16443)
  --etcd-topology T             stacked | external-all (stacked)
  --etcd-heartbeat-ms N         etcd heartbeat interval (100)
  --etcd-election-timeout-ms N  etcd election timeout (1000)
  --haproxy-inter-ms N          HAProxy check interval (1000)
  --haproxy-fall N              failed checks before a backend is down (3)
  --haproxy-rise N              passed checks before a backend is up (2)
  --cert-lifetime-days N        lifetime of every certificate (365)
  --restart-backoff-ms N        first restart delay of a dead component, >= 100 (5000)
  --restart-backoff-max-ms N    longest restart delay; the delay doubles up to it (20000)
  --no-restart a,b              components not restarted when they die (none)
  --fake-nodes N                kwok worker nodes (2)
  --state-root DIR              where cluster files live: an absolute path of letters,
                                digits and . _ / - (/dev/shm/kube-ha-drill)`;

/**
 * Takes the cluster flags out of argv and checks them; returns the overrides and the rest.
 * A flag's value may follow it or be joined with "=".
 */
export function parseClusterFlags(argv: readonly string[]): {
  overrides: Partial<LocalClusterConfig>;
  rest: string[];
} {
  const overrides: Record<string, unknown> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, joined] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const known = FLAGS.get(flag);
    if (!known) {
      rest.push(arg);
      continue;
    }
    const value = joined ?? argv[++i];
    if (value === undefined || value.startsWith('--'))
      throw new UsageError(`${flag} needs a value`, CLUSTER_FLAGS_HELP);
    const [key, kind] = known;
    if (Object.hasOwn(overrides, key))
      throw new UsageError(
        `${flag} is given twice (${show(overrides[key])} and ${show(value)})`,
        'give it once',
      );
    if (kind === 'int') {
      if (!/^\d+$/.test(value))
        throw new UsageError(`${flag} ${value}: must be a whole number`, CLUSTER_FLAGS_HELP);
      overrides[key] = Number(value);
    } else if (kind === 'list') {
      overrides[key] = value.split(',').filter(Boolean);
    } else {
      overrides[key] = value;
    }
  }
  resolveLocalConfig(overrides, 'command line', flagOf);
  return { overrides: overrides as Partial<LocalClusterConfig>, rest };
}
