import {
  COMPONENTS,
  LOCAL_DEFAULTS,
  resolveLocalConfig,
  type LocalClusterConfig,
} from '../providers/local/config.ts';
import type { ProviderName } from '../providers/names.ts';
import { UsageError } from '../util/errors.ts';
import { helpText } from './help-text.ts';
import { seeHelp, type CommandSpec, type FlagContext, type ValueSpec } from './option-spec.ts';
import { parseCommandLine } from './parse-options.ts';
import { KIND_OPTIONS, kindSettings, PROVIDER_OPTION } from './provider-option.ts';

const VERBS = ['up', 'down', 'status'] as const;
export type ClusterVerb = (typeof VERBS)[number];

export interface ClusterOptions {
  provider: ProviderName;
  /**
   * Only the provider's settings given on the command line: the local cluster's (resolveLocalConfig
   * adds the defaults) or kind's (nodeImage, kindConfig).
   */
  overrides: Partial<LocalClusterConfig> | Record<string, unknown>;
}

export type ClusterCommand = { command: 'help' } | { command: ClusterVerb; options: ClusterOptions };

/**
 * The flags of the local cluster's settings: flag, config key, placeholder, help. Each one's kind
 * (whole number, list or text) and default are those of LOCAL_DEFAULTS.
 */
const SETTINGS: readonly (readonly [string, keyof LocalClusterConfig, string, string])[] = [
  ['name', 'name', 'NAME', 'prefix of namespaces, bridge, rules and files'],
  ['subnet', 'subnet', 'CIDR', 'cluster network, private, /16 to /27; nodes get .11-.13, DNS .10'],
  ['lb-address', 'lbAddress', 'IP', 'loopback address of HAProxy, 127.x.y.z'],
  ['lb-port', 'lbPort', 'PORT', 'port of HAProxy'],
  [
    'load-balancers',
    'loadBalancers',
    'LB',
    'single | vrrp-pair: two HAProxy with keepalived sharing a virtual IP (.20) that lb-failover moves',
  ],
  ['etcd-topology', 'etcdTopology', 'T', 'stacked | external-all'],
  ['etcd-heartbeat-ms', 'etcdHeartbeatMs', 'N', 'etcd heartbeat interval'],
  ['etcd-election-timeout-ms', 'etcdElectionTimeoutMs', 'N', 'etcd election timeout'],
  ['haproxy-inter-ms', 'haproxyInterMs', 'N', 'HAProxy check interval'],
  ['haproxy-fall', 'haproxyFall', 'N', 'failed checks before a backend is down'],
  ['haproxy-rise', 'haproxyRise', 'N', 'passed checks before a backend is up'],
  ['haproxy-check', 'haproxyCheck', 'EP', "readyz | healthz: the apiservers' endpoint HAProxy checks"],
  ['shutdown-delay-ms', 'apiserverShutdownDelayMs', 'N', "the apiservers' --shutdown-delay-duration"],
  [
    'etcd-peer-links',
    'etcdPeerLinks',
    'L',
    'direct | proxied: each etcd peer link through a proxy that etcd-latency can slow',
  ],
  ['cert-lifetime-days', 'certLifetimeDays', 'N', 'lifetime of every certificate'],
  ['restart-backoff-ms', 'restartBackoffMs', 'N', 'first restart delay of a dead component, >= 100'],
  ['restart-backoff-max-ms', 'restartBackoffMaxMs', 'N', 'longest restart delay; the delay doubles up to it'],
  ['no-restart', 'noRestart', 'a,b', 'components not restarted when they die'],
  ['fake-nodes', 'fakeNodes', 'N', 'kwok worker nodes'],
  [
    'state-root',
    'stateRoot',
    'DIR',
    'where cluster files live: an absolute path of letters, digits and . _ / -',
  ],
];

export const CLUSTER_SPEC = {
  name: 'cluster',
  usage: ['up | down | status [options]'],
  operands: [
    [
      'up',
      'start a 3-master HA control plane on this machine (needs root) and leave it running; prints the admin kubeconfig',
    ],
    ['down', 'remove the cluster and everything it made, also after a crash'],
    [
      'status',
      'each component with its pid, node and health; the etcd leader; certificates that need attention',
    ],
  ],
  options: {
    provider: PROVIDER_OPTION,
    ...settingOptions(),
    ...KIND_OPTIONS,
  },
} as const satisfies CommandSpec;

export const CLUSTER_USAGE = helpText(CLUSTER_SPEC);

/**
 * Parses the arguments after `npm run cluster --`: one verb and the cluster's settings, checked
 * together as resolveLocalConfig checks them, each named by its flag.
 */
export function parseClusterArgs(argv: readonly string[]): ClusterCommand {
  const parsed = parseCommandLine(CLUSTER_SPEC, argv);
  if (parsed.help) return { command: 'help' };
  const { values, positionals } = parsed;
  const [verb, ...extra] = positionals;
  if (verb === 'help') return { command: 'help' };
  const verbFix = `use ${VERBS.join(', ')}; ${seeHelp('cluster')}`;
  if (verb === undefined) throw new UsageError('missing command', verbFix);
  if (!isVerb(verb)) throw new UsageError(`unknown command ${JSON.stringify(verb)}`, verbFix);
  if (extra.length > 0) throw new UsageError(`unknown argument ${extra.join(' ')}`, seeHelp('cluster'));

  const given: Readonly<Record<string, unknown>> = values;
  if (values.provider !== 'local') {
    const local = SETTINGS.find(([flag]) => given[flag] !== undefined);
    if (local)
      throw new UsageError(
        `--${local[0]} is a setting of the local provider, not of ${values.provider}`,
        `drop --${local[0]}, or use --provider local`,
      );
    return {
      command: verb,
      options: { provider: values.provider, overrides: kindSettings(values.provider, values) },
    };
  }
  kindSettings(values.provider, values); // refuses kind's flags for the local provider
  const overrides: Record<string, unknown> = {};
  for (const [flag, key] of SETTINGS) if (given[flag] !== undefined) overrides[key] = given[flag];
  // Every value checked, and named by its flag when wrong; the defaults are added where it is used.
  resolveLocalConfig(overrides, 'command line', flagOf);
  return {
    command: verb,
    options: { provider: values.provider, overrides: overrides as Partial<LocalClusterConfig> },
  };
}

function settingOptions(): Readonly<Record<string, ValueSpec>> {
  return Object.fromEntries(
    SETTINGS.map(([flag, key, placeholder, help]) => [flag, settingOption(key, placeholder, help)]),
  );
}

function settingOption(key: keyof LocalClusterConfig, placeholder: string, help: string): ValueSpec {
  const fallback = LOCAL_DEFAULTS[key];
  if (Array.isArray(fallback))
    return {
      type: 'string',
      placeholder,
      help,
      example: COMPONENTS[0],
      defaultNote: fallback.join(',') || 'none',
      parse: (value) => value.split(',').filter(Boolean),
    };
  const text = String(fallback);
  return {
    type: 'string',
    placeholder,
    help,
    example: text,
    defaultNote: text,
    parse: typeof fallback === 'number' ? parseWholeNumber : (value) => value,
  };
}

function parseWholeNumber(value: string, { flag, example }: FlagContext): number {
  if (/^\d+$/.test(value)) return Number(value);
  throw new UsageError(`${flag} ${value}: must be a whole number`, `e.g. ${example}`);
}

/** The flag that sets a config key, for messages; the key itself when no flag does. */
function flagOf(key: keyof LocalClusterConfig): string {
  const setting = SETTINGS.find(([, k]) => k === key);
  return setting ? `--${setting[0]}` : key;
}

function isVerb(word: string): word is ClusterVerb {
  return (VERBS as readonly string[]).includes(word);
}
