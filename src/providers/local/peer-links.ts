/**
 * etcd's peer links, for faults on the network between members. With proxied links every member
 * reaches each peer through a toxiproxy proxy of its own for that link: a DNAT rule in the member's
 * namespace sends its connections to the peer's port 2380 to the proxy, which forwards them to the
 * peer. Members keep their real peer URLs and certificates; the proxy only forwards bytes, so the
 * latency it adds is what a slow link adds. Packet loss needs no proxy: iptables drops a random share
 * of the peer traffic in the member's namespace (the kernel here has no netem).
 */
import type { ClusterInfo } from '../../cluster/topology.ts';
import { now } from '../../observe/clock.ts';
import { EnvironmentError } from '../../util/errors.ts';
import { run } from '../../util/exec.ts';
import type { Disruption, Instance } from '../provider.ts';
import type { Layout, LocalNode } from './config.ts';
import { insertRecordedRules, removeRecordedRules } from './network.ts';
import { layoutOfCluster, readState, type Resource } from './state.ts';

type Rule = Extract<Resource, { kind: 'iptables' }>;

export const ETCD_PEER_PORT = 2380;
/** toxiproxy's own default port, on the cluster's loopback address. */
const TOXIPROXY_API_PORT = 8474;
/** Toxics this tool adds carry the prefix, so leftovers are found by name. */
const TOXIC_PREFIX = 'khd-';

export interface PeerLink {
  /** The proxy's name: etcd-node-1-to-node-2. */
  name: string;
  from: LocalNode;
  to: LocalNode;
  /** host:port the proxy listens on, on the bridge, reached from the member's namespace. */
  listen: string;
  upstream: string;
}

/** Every link, one per ordered pair of members: six for three. */
export function peerLinks(layout: Layout): PeerLink[] {
  return layout.nodes.flatMap((from, i) =>
    layout.nodes
      .map((to, j) => ({ to, j }))
      .filter(({ to }) => to.name !== from.name)
      .map(({ to, j }) => ({
        name: `etcd-${from.name}-to-${to.name}`,
        from,
        to,
        listen: `${layout.bridgeIp}:${23800 + 10 * (i + 1) + (j + 1)}`,
        upstream: `${to.ip}:${ETCD_PEER_PORT}`,
      })),
  );
}

export function toxiproxyApi(layout: Layout): string {
  return `http://${layout.config.lbAddress}:${TOXIPROXY_API_PORT}`;
}

/** toxiproxy-server's -config file: the proxies it creates at start (and again after a restart). */
export function toxiproxyConfig(layout: Layout): string {
  const proxies = peerLinks(layout).map((l) => ({
    name: l.name,
    listen: l.listen,
    upstream: l.upstream,
    enabled: true,
  }));
  return `${JSON.stringify(proxies, null, 2)}\n`;
}

/** The DNAT rules that send each member's peer connections through their link's proxy. */
export function peerLinkRules(layout: Layout): Rule[] {
  return peerLinks(layout).map((l) => ({
    kind: 'iptables',
    table: 'nat',
    chain: 'OUTPUT',
    netns: l.from.netns,
    args: [
      ...['-p', 'tcp', '-d', `${l.to.ip}/32`, '--dport', String(ETCD_PEER_PORT)],
      ...['-m', 'comment', '--comment', `kube-ha-drill:${layout.config.name}:peer-link`],
      ...['-j', 'DNAT', '--to-destination', l.listen],
    ],
  }));
}

async function api(layout: Layout, method: string, route: string, body?: unknown): Promise<unknown> {
  const url = `${toxiproxyApi(layout)}${route}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
      signal: AbortSignal.timeout(5_000),
    });
  } catch (err) {
    throw new EnvironmentError(`toxiproxy at ${url} did not answer: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok && !(method === 'DELETE' && res.status === 404))
    throw new EnvironmentError(`toxiproxy: ${method} ${route} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Answers once toxiproxy serves its API with every proxy in place. */
export async function toxiproxyReady(layout: Layout): Promise<boolean> {
  try {
    const proxies = (await api(layout, 'GET', '/proxies')) as Record<string, unknown>;
    return peerLinks(layout).every((l) => l.name in proxies);
  } catch {
    return false;
  }
}

/** The links that start or end at one of the members. */
function linksOf(layout: Layout, members: readonly Instance[]): PeerLink[] {
  const names = new Set(members.map((m) => m.node));
  return peerLinks(layout).filter((l) => names.has(l.from.name) || names.has(l.to.name));
}

function membersWords(members: readonly Instance[]): string {
  return members.length === 1
    ? `etcd member ${members[0]!.name}`
    : `etcd members ${members.map((m) => m.name).join(', ')}`;
}

/**
 * Delays every byte on the members' peer links, each way, by `latencyMs` give or take `jitterMs`
 * (toxiproxy's latency toxic, upstream and downstream): a request and its answer each wait once.
 */
export async function delayPeerLinks(
  info: ClusterInfo,
  members: readonly Instance[],
  latencyMs: number,
  jitterMs: number,
): Promise<Disruption> {
  const layout = layoutOfCluster(info.dir);
  if (layout.config.etcdPeerLinks !== 'proxied')
    throw new EnvironmentError(
      "this cluster's etcd peer links are direct: there is no proxy to slow them",
      'start the cluster with `npm run cluster -- up --etcd-peer-links proxied`, or run the drill without --reuse-cluster',
    );
  const links = linksOf(layout, members);
  const toxic = (stream: 'upstream' | 'downstream') => ({
    name: `${TOXIC_PREFIX}latency-${stream}`,
    type: 'latency',
    stream,
    toxicity: 1,
    attributes: { latency: latencyMs, jitter: jitterMs },
  });
  const at = now();
  const added: string[] = [];
  const removeAll = async () => {
    for (const name of added.splice(0)) {
      const [proxy, toxicName] = name.split('/');
      await api(layout, 'DELETE', `/proxies/${proxy}/toxics/${toxicName}`);
    }
  };
  try {
    for (const l of links)
      for (const stream of ['upstream', 'downstream'] as const) {
        await api(layout, 'POST', `/proxies/${l.name}/toxics`, toxic(stream));
        added.push(`${l.name}/${toxic(stream).name}`);
      }
  } catch (err) {
    await removeAll().catch(() => undefined);
    throw err;
  }
  let healed = false;
  return {
    at,
    description:
      `${latencyMs} ms (jitter ${jitterMs} ms) added each way on the ${links.length} peer links of ` +
      `${membersWords(members)} (toxiproxy latency toxics)`,
    data: { members: members.map((m) => m.name).join(','), links: links.length, latencyMs, jitterMs },
    heal: async () => {
      if (healed) return undefined;
      const at = now();
      const count = added.length;
      await removeAll();
      healed = true;
      return {
        at,
        description: `removed the ${count} latency toxics: the peer links of ${membersWords(members)} are fast again`,
        data: { members: members.map((m) => m.name).join(','), removed: count },
      };
    },
  };
}

function lossRules(layout: Layout, member: LocalNode, percent: number): Rule[] {
  // The original destination port, before any DNAT: every packet of a connection to a peer's port
  // 2380 or of one from a peer to this member's, whichever way it goes, proxied or not.
  return (['INPUT', 'OUTPUT'] as const).map((chain) => ({
    kind: 'iptables',
    table: 'filter',
    chain,
    netns: member.netns,
    args: [
      ...['-p', 'tcp', '-m', 'conntrack', '--ctorigdstport', String(ETCD_PEER_PORT)],
      ...['-m', 'statistic', '--mode', 'random', '--probability', (percent / 100).toFixed(4)],
      ...['-m', 'comment', '--comment', `kube-ha-drill:${layout.config.name}:peer-loss`],
      '-j',
      'DROP',
    ],
  }));
}

/** Packets each rule has dropped so far (iptables' own counters). */
async function droppedBy(rule: Rule): Promise<number> {
  const r = await run('iptables', ['-t', rule.table, '-L', rule.chain, '-v', '-x', '-n'], {
    netns: rule.netns,
    allowFailure: true,
  });
  const line = r.stdout.split('\n').find((l) => l.includes(':peer-loss'));
  return Number(line?.trim().split(/\s+/)[0] ?? 0) || 0;
}

/** TCP segments the namespace has resent since it was made (its own /proc/net/snmp). */
async function retransmittedSegments(netns: string): Promise<number> {
  const r = await run('cat', ['/proc/net/snmp'], { netns, allowFailure: true });
  const [names, values] = r.stdout.split('\n').filter((l) => l.startsWith('Tcp:'));
  const i = names?.split(/\s+/).indexOf('RetransSegs') ?? -1;
  return i < 0 ? 0 : Number(values?.split(/\s+/)[i] ?? 0) || 0;
}

async function retransmittedIn(nodes: readonly LocalNode[]): Promise<number> {
  let sum = 0;
  for (const n of nodes) sum += await retransmittedSegments(n.netns);
  return sum;
}

/**
 * Drops `percent` of the packets on the members' peer links, each way (iptables statistic match in
 * each member's namespace). Rules are recorded in the state file before they go in, as a partition's
 * are, so `down` or the next drill removes them after a crash.
 */
export async function losePeerPackets(
  info: ClusterInfo,
  members: readonly Instance[],
  percent: number,
): Promise<Disruption> {
  const layout = layoutOfCluster(info.dir);
  const nodes = members.map((m) => layout.nodes.find((n) => n.name === m.node)!);
  const rules = nodes.flatMap((n) => lossRules(layout, n, percent));
  const resentBefore = await retransmittedIn(nodes);
  const at = now();
  await insertRecordedRules(info.dir, rules);
  let healed = false;
  return {
    at,
    description: `${percent} % of the packets dropped on the peer links of ${membersWords(members)}, each way (iptables statistic)`,
    data: { members: members.map((m) => m.name).join(','), percent },
    heal: async () => {
      if (healed) return undefined;
      const at = now();
      let dropped = 0;
      for (const r of rules) dropped += await droppedBy(r);
      // Counted before the drops go: TCP's resends in the members' namespaces, all connections.
      const resent = (await retransmittedIn(nodes)) - resentBefore;
      await removeRecordedRules(info.dir, rules);
      healed = true;
      return {
        at,
        description: `removed the drops after ${dropped} peer packets were dropped; TCP resent ${resent} segments meanwhile`,
        data: {
          members: members.map((m) => m.name).join(','),
          droppedPackets: dropped,
          retransmittedSegments: resent,
        },
      };
    },
  };
}

/** Removes what an interrupted drill left on the peer links: toxics and loss rules. */
export async function healLeftoverPeerFaults(info: ClusterInfo): Promise<string[]> {
  const undone: string[] = [];
  const state = readState(info.dir);
  const loss = (state?.resources ?? []).filter(
    (r): r is Rule => r.kind === 'iptables' && r.args.some((a) => a.endsWith(':peer-loss')),
  );
  if (loss.length) {
    await removeRecordedRules(info.dir, loss);
    undone.push(`packet loss on etcd peer links (${loss.length} rules)`);
  }
  const layout = layoutOfCluster(info.dir);
  if (layout.config.etcdPeerLinks !== 'proxied') return undone;
  const proxies = (await api(layout, 'GET', '/proxies')) as Record<string, { toxics?: { name: string }[] }>;
  let removed = 0;
  for (const [proxy, p] of Object.entries(proxies))
    for (const t of p.toxics ?? [])
      if (t.name.startsWith(TOXIC_PREFIX)) {
        await api(layout, 'DELETE', `/proxies/${proxy}/toxics/${t.name}`);
        removed++;
      }
  if (removed) undone.push(`latency on etcd peer links (${removed} toxics)`);
  return undone;
}
