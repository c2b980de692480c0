import path from 'node:path';
import type { FailoverBounds, NodeInfo } from '../../cluster/topology.ts';
import { parseOrThrow } from '../../schema/parse.ts';
import { UsageError } from '../../util/errors.ts';
import { hostInCidr, parseCidr } from '../../util/net.ts';
import { localConfigSchema, type LocalClusterConfig } from './config-schema.ts';
import { DEFAULT_STATE_ROOT } from './state-root.ts';

export type { LocalClusterConfig } from './config-schema.ts';
export { binaryOf, COMPONENTS, type ComponentName } from './components.ts';

/** Every option of the local provider, with its default. */
export const LOCAL_DEFAULTS: LocalClusterConfig = {
  name: 'khd',
  subnet: '10.213.0.0/24',
  lbAddress: '127.0.0.1',
  lbPort: 16443,
  loadBalancers: 'single',
  etcdTopology: 'stacked',
  etcdHeartbeatMs: 100,
  etcdElectionTimeoutMs: 1000,
  haproxyInterMs: 1000,
  haproxyFall: 3,
  haproxyRise: 2,
  haproxyCheck: 'readyz',
  apiserverShutdownDelayMs: 0,
  etcdPeerLinks: 'direct',
  certLifetimeDays: 365,
  restartBackoffMs: 5000,
  restartBackoffMaxMs: 20_000,
  noRestart: [],
  fakeNodes: 2,
  stateRoot: DEFAULT_STATE_ROOT,
};

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
  /** The load-balancer pair's namespaces (vrrp-pair only; empty otherwise). */
  lbNodes: LocalNode[];
  /** The address the pair shares (vrrp-pair only). */
  vip?: string;
  hostVeth: (node: NodeInfo) => string;
}

/** Where clients on the host reach the apiservers: the host's load balancer on loopback, or the pair's virtual IP. */
export function clientAddress(layout: Layout): string {
  return layout.vip ?? layout.config.lbAddress;
}

/**
 * Where clients inside the nodes (CoreDNS) reach the apiservers: the central load balancer on the
 * bridge, the pair's virtual IP, or, per node, the one on the node's own loopback.
 */
export function inClusterAddress(layout: Layout): string {
  if (layout.vip) return layout.vip;
  return layout.config.loadBalancers === 'per-node' ? '127.0.0.1' : layout.bridgeIp;
}

export function layoutOf(config: LocalClusterConfig): Layout {
  const cidr = parseCidr(config.subnet);
  const nodes = [1, 2, 3].map((i) => ({
    name: `node-${i}`,
    ip: hostInCidr(cidr, 10 + i),
    netns: netnsOf(config.name, `node-${i}`),
  }));
  const pair = config.loadBalancers === 'vrrp-pair';
  const lbNodes = (pair ? [1, 2] : []).map((i) => ({
    name: `lb-${i}`,
    ip: hostInCidr(cidr, 20 + i),
    netns: netnsOf(config.name, `lb-${i}`),
  }));
  return {
    config,
    dir: path.join(config.stateRoot, config.name),
    bridge: `${config.name}-br0`,
    bridgeIp: hostInCidr(cidr, 1),
    prefix: cidr.prefix,
    dnsVip: hostInCidr(cidr, 10),
    nodes,
    lbNodes,
    ...(pair ? { vip: hostInCidr(cidr, 20) } : {}),
    // khd-n1 for node-1, khd-l1 for lb-1: interface names hold 15 characters.
    hostVeth: (n) => `${config.name}-${n.name.replace('node-', 'n').replace('lb-', 'l')}`,
  };
}

export function boundsOf(c: LocalClusterConfig): FailoverBounds {
  return {
    etcdHeartbeatMs: c.etcdHeartbeatMs,
    etcdElectionTimeoutMs: c.etcdElectionTimeoutMs,
    haproxyInterMs: c.haproxyInterMs,
    haproxyFall: c.haproxyFall,
    haproxyRise: c.haproxyRise,
    lbCheck: c.haproxyCheck,
    apiserverShutdownDelayMs: c.apiserverShutdownDelayMs,
    etcdPeerLinks: c.etcdPeerLinks,
    loadBalancers: c.loadBalancers,
  };
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
  if (overrides.restartBackoffMaxMs === undefined && Number.isInteger(c.restartBackoffMs))
    c.restartBackoffMaxMs = Math.max(LOCAL_DEFAULTS.restartBackoffMaxMs, c.restartBackoffMs);
  // Options are flat: a problem is named by its option as the user gave it, not by a deeper path.
  const optionAt = (path: readonly PropertyKey[]) => {
    const key = String(path[0] ?? '');
    return Object.hasOwn(LOCAL_DEFAULTS, key) ? label(key as keyof LocalClusterConfig) : key;
  };
  return parseOrThrow(localConfigSchema, c, {
    source,
    at: optionAt,
    fail: (message) => new UsageError(message, 'correct the option, or leave it out to use the default'),
  });
}
