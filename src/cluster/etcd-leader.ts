import { etcdStatus } from './health.ts';
import type { ClusterInfo } from './topology.ts';
import { EnvironmentError } from '../util/errors.ts';
import { loadTls } from '../util/tls-client.ts';

/** The etcd leader as the members report it now: the node whose member id the majority names as leader. */
export async function currentEtcdLeader(info: ClusterInfo): Promise<{ node: string; id: string }> {
  const tls = loadTls(info.etcdClient);
  const views = await Promise.all(
    info.nodes.map(async (n) => ({
      node: n.name,
      s: await etcdStatus(info.endpoints.etcdOf[n.name]!, tls).catch(() => undefined),
    })),
  );
  const votes = new Map<string, number>();
  for (const v of views)
    if (v.s && v.s.leader !== '0') votes.set(v.s.leader, (votes.get(v.s.leader) ?? 0) + 1);
  const [leaderId, count] = [...votes].sort((a, b) => b[1] - a[1])[0] ?? [];
  const node = views.find((v) => v.s?.id === leaderId)?.node;
  if (!leaderId || !node || (count ?? 0) < 2) {
    throw new EnvironmentError(
      `etcd has no leader that a majority agrees on right now (${JSON.stringify(views.map((v) => [v.node, v.s?.leader ?? 'no answer']))})`,
    );
  }
  return { node, id: leaderId };
}
