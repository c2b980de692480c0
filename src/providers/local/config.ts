import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FailoverBounds, NodeInfo } from '../../cluster/topology.ts';
import { UsageError } from '../../util/errors.ts';
import { cidrContains, hostInCidr, isLoopbackAddress, parseCidr, type Cidr } from '../../util/net.ts';
import { show } from '../../util/show.ts';
import { stateRootProblem } from './state-root.ts';

/** Every option of the local provider, with its default. */
export interface LocalClusterConfig {
  /** Prefix of every network namespace, bridge, rule and directory the cluster makes. Default "khd". */
  name: string;
  /** Subnet of the cluster network. Default 10.213.0.0/24: bridge .1, DNS address .10, nodes .11-.13. */
  subnet: string;
  /** Loopback address HAProxy listens on for clients. Default 127.0.0.1. */
  lbAddress: string;
  /** Port of the load balancer (also served on the bridge address for in-cluster clients). Default 16443. */
  lbPort: number;
  /** stacked: each apiserver uses its local etcd member (kubeadm); external-all: every apiserver uses all three. */
  etcdTopology: 'stacked' | 'external-all';
  etcdHeartbeatMs: number;
  etcdElectionTimeoutMs: number;
  /** HAProxy health check of each apiserver's /readyz: interval, failures to mark down, successes to mark up. */
  haproxyInterMs: number;
  haproxyFall: number;
  haproxyRise: number;
  /** Certificate lifetime of every certificate the cluster's PKI issues. */
  certLifetimeDays: number;
  /**
   * Restart back-off of supervised processes: first delay, doubled per quick crash up to the max.
   * 5 s by default: longer than an etcd election (2 x election timeout), so a killed leader comes
   * back as a follower instead of winning again before the survivors campaign (the kubelet waits 10 s).
   */
  restartBackoffMs: number;
  /** Default 20 s, or restartBackoffMs when that is longer. */
  restartBackoffMaxMs: number;
  /** Components that are not restarted when they die (e.g. ["etcd"]). */
  noRestart: string[];
  /** Fake worker nodes made by kwok. */
  fakeNodes: number;
  /** Where the cluster's files live; tmpfs by default, so etcd's fsyncs do not dominate latency. */
  stateRoot: string;
}

export const LOCAL_DEFAULTS: LocalClusterConfig = {
  name: 'khd',
  subnet: '10.213.0.0/24',
  lbAddress: '127.0.0.1',
  lbPort: 16443,
  etcdTopology: 'stacked',
  etcdHeartbeatMs: 100,
  etcdElectionTimeoutMs: 1000,
  haproxyInterMs: 1000,
  haproxyFall: 3,
  haproxyRise: 2,
  certLifetimeDays: 365,
  restartBackoffMs: 5000,
  restartBackoffMaxMs: 20_000,
  noRestart: [],
  fakeNodes: 2,
  stateRoot: existsSync('/dev/shm') ? '/dev/shm/kube-ha-drill' : '/run/kube-ha-drill',
};

export const COMPONENTS = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'haproxy',
  'coredns',
  'kwok',
] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** A node of the local cluster: a network namespace of its own. */
export interface LocalNode extends NodeInfo {
  netns: string;
}

/** The network namespace the local provider runs a node's processes in. */
export function netnsOf(clusterName: string, nodeName: string): string {
  return `${clusterName}-${nodeName}`;
}

/** Addresses derived from the config; the one place that decides who gets which address. */
export interface Layout {
  config: LocalClusterConfig;
  dir: string;
  bridge: string;
  bridgeIp: string;
  prefix: number;
  dnsVip: string;
  nodes: LocalNode[];
  hostVeth: (node: NodeInfo) => string;
}

export function layoutOf(config: LocalClusterConfig): Layout {
  const cidr = parseCidr(config.subnet);
  const nodes = [1, 2, 3].map((i) => ({
    name: `node-${i}`,
    ip: hostInCidr(cidr, 10 + i),
    netns: netnsOf(config.name, `node-${i}`),
  }));
  return {
    config,
    dir: path.join(config.stateRoot, config.name),
    bridge: `${config.name}-br0`,
    bridgeIp: hostInCidr(cidr, 1),
    prefix: cidr.prefix,
    dnsVip: hostInCidr(cidr, 10),
    nodes,
    hostVeth: (n) => `${config.name}-${n.name.replace('node-', 'n')}`,
  };
}

export function boundsOf(c: LocalClusterConfig): FailoverBounds {
  return {
    etcdHeartbeatMs: c.etcdHeartbeatMs,
    etcdElectionTimeoutMs: c.etcdElectionTimeoutMs,
    haproxyInterMs: c.haproxyInterMs,
    haproxyFall: c.haproxyFall,
    haproxyRise: c.haproxyRise,
  };
}

function isWhole(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Private ranges only: a public range would capture the host's traffic to it. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

function subnetProblem(subnet: unknown): string | undefined {
  if (typeof subnet !== 'string') return 'must be an IPv4 CIDR such as 10.213.0.0/24';
  let cidr: Cidr;
  try {
    cidr = parseCidr(subnet);
  } catch (err) {
    return `is invalid: ${(err as Error).message}`;
  }
  if (cidr.prefix > 27) return 'is too small: the cluster needs at least a /27';
  if (cidr.prefix < 16) return 'is too large: at most a /16';
  if (!PRIVATE_RANGES.some((range) => cidrContains(parseCidr(range), cidr)))
    return 'must lie in a private range (10/8, 172.16/12, 192.168/16 or 100.64/10)';
  return undefined;
}

/**
 * Applies overrides onto the defaults; every bad value is named with its place and the fix.
 * `label` names an option as the user gave it (a command-line flag); the key by default.
 */
export function resolveLocalConfig(
  overrides: Partial<LocalClusterConfig> = {},
  source = 'local cluster config',
  label: (key: keyof LocalClusterConfig) => string = (key) => key,
): LocalClusterConfig {
  const c: LocalClusterConfig = { ...LOCAL_DEFAULTS, ...overrides };
  // A first delay above the default cap raises the cap with it, unless the cap is given too.
  if (overrides.restartBackoffMaxMs === undefined && isWhole(c.restartBackoffMs))
    c.restartBackoffMaxMs = Math.max(LOCAL_DEFAULTS.restartBackoffMaxMs, c.restartBackoffMs);
  const errors: string[] = [];
  const bad = (key: keyof LocalClusterConfig, why: string) =>
    errors.push(`${source}: ${label(key)}: ${show(c[key])} ${why}`);
  for (const key of Object.keys(overrides)) {
    if (!Object.hasOwn(LOCAL_DEFAULTS, key))
      errors.push(`${source}: ${key}: unknown option; known: ${Object.keys(LOCAL_DEFAULTS).join(', ')}`);
  }
  // Short: it prefixes interface names (<name>-br0, <name>-n1), which hold at most 15 characters.
  if (typeof c.name !== 'string' || !/^[a-z][a-z0-9]{0,5}$/.test(c.name))
    bad(
      'name',
      'must be 1-6 lower-case letters or digits, starting with a letter (interface names are short)',
    );
  const subnet = subnetProblem(c.subnet);
  if (subnet) bad('subnet', subnet);
  // The traffic rule: load and faults go only to loopback or to the cluster's own namespaces.
  if (typeof c.lbAddress !== 'string' || !isLoopbackAddress(c.lbAddress))
    bad(
      'lbAddress',
      'must be a loopback address, 127.0.0.1 to 127.255.255.254 (each part 0-255): clients reach the ' +
        'cluster only through loopback',
    );
  const ints: [keyof LocalClusterConfig, number, number][] = [
    ['lbPort', 1024, 65535],
    ['etcdHeartbeatMs', 10, 5000],
    ['etcdElectionTimeoutMs', 50, 50000],
    ['haproxyInterMs', 100, 60000],
    ['haproxyFall', 1, 100],
    ['haproxyRise', 1, 100],
    ['certLifetimeDays', 1, 3650],
    // Below 100 ms a component that dies at once would be restarted in a busy loop.
    ['restartBackoffMs', 100, 600000],
    ['restartBackoffMaxMs', 100, 600000],
    ['fakeNodes', 0, 100],
  ];
  const wrongInts = ints.filter(([key, min, max]) => !isWhole(c[key]) || c[key] < min || c[key] > max);
  for (const [key, min, max] of wrongInts) bad(key, `must be a whole number from ${min} to ${max}`);
  // Only between numbers in range: a hostile object would throw when compared.
  if (wrongInts.length === 0 && c.etcdElectionTimeoutMs < 5 * c.etcdHeartbeatMs)
    bad(
      'etcdElectionTimeoutMs',
      `must be at least 5 x etcdHeartbeatMs (${c.etcdHeartbeatMs}), as etcd requires`,
    );
  if (wrongInts.length === 0 && c.restartBackoffMaxMs < c.restartBackoffMs)
    bad(
      'restartBackoffMaxMs',
      `must be at least restartBackoffMs (${c.restartBackoffMs}): the back-off doubles up to it`,
    );
  if (c.etcdTopology !== 'stacked' && c.etcdTopology !== 'external-all')
    bad('etcdTopology', 'must be "stacked" or "external-all"');
  if (!Array.isArray(c.noRestart))
    bad('noRestart', `must be a list of components; known: ${COMPONENTS.join(', ')}`);
  else
    for (const comp of c.noRestart) {
      if (!(COMPONENTS as readonly unknown[]).includes(comp))
        bad('noRestart', `names unknown component ${show(comp)}; known: ${COMPONENTS.join(', ')}`);
    }
  const root = stateRootProblem(c.stateRoot);
  if (root) bad('stateRoot', `${root}; e.g. ${LOCAL_DEFAULTS.stateRoot}`);
  if (errors.length)
    throw new UsageError(errors.join('\n'), 'correct the option, or leave it out to use the default');
  return c;
}
