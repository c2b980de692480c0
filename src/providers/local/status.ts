import { loadTls } from '../../util/tls-client.ts';
import { apiserverReady, etcdStatus, httpOk, leaseHolder, selfSignedHealthz } from '../../cluster/health.ts';
import type { ClusterInfo } from '../../cluster/topology.ts';
import type { ClusterStatus, ComponentStatus } from '../provider.ts';
import { askHaproxy, parseShowStat } from '../../observe/evidence/lb-status.ts';
import { vipHolder } from './lb-pair.ts';
import { lbStatsSocketOf } from './process-spec.ts';
import { layoutOfCluster } from './state.ts';
import { readProcessTable } from './supervisor-client.ts';

/** Asks every component how it is, the way its own health endpoint answers. */
export async function clusterStatus(info: ClusterInfo): Promise<ClusterStatus> {
  const admin = loadTls(info.adminTls);
  const etcdTls = loadTls(info.etcdClient);
  const table = readProcessTable(info.dir);
  const etcd = new Map(
    await Promise.all(
      info.nodes.map(
        async (n) =>
          [n.name, await etcdStatus(info.endpoints.etcdOf[n.name]!, etcdTls).catch(() => undefined)] as const,
      ),
    ),
  );
  const idToNode = new Map([...etcd].filter(([, s]) => s).map(([node, s]) => [s!.id, node]));
  const leaderId = [...etcd.values()].find((s) => s && s.leader !== '0')?.leader;
  const kcmHolder = await leaseHolder(info.endpoints.apiServer, admin, 'kube-controller-manager');
  const schedHolder = await leaseHolder(info.endpoints.apiServer, admin, 'kube-scheduler');

  const layout = layoutOfCluster(info.dir);
  const holder = layout.vip ? await vipHolder(layout) : undefined;

  const rows: ComponentStatus[] = [];
  for (const p of table?.processes ?? []) {
    const node = info.nodes.find((n) => n.name === p.node);
    let healthy: boolean;
    let detail: string;
    switch (p.component) {
      case 'etcd': {
        const s = etcd.get(p.node);
        healthy = !!s && s.leader !== '0';
        detail = s
          ? s.id === s.leader
            ? 'leader'
            : `follower of ${idToNode.get(s.leader) ?? s.leader}`
          : 'no answer';
        break;
      }
      case 'kube-apiserver':
        healthy = await apiserverReady(info.endpoints.apiServerOf[p.node]!, admin);
        detail = healthy ? '/readyz ok' : '/readyz failing';
        break;
      case 'kube-controller-manager':
      case 'kube-scheduler': {
        const holder = p.component === 'kube-scheduler' ? schedHolder : kcmHolder;
        const port = p.component === 'kube-scheduler' ? 10259 : 10257;
        healthy = await selfSignedHealthz(`https://${node?.ip}:${port}/healthz`);
        const role =
          holder === undefined
            ? 'no lease holder'
            : holder.startsWith(`${p.node}_`)
              ? 'holds the lease'
              : 'standby';
        detail = `/healthz ${healthy ? 'ok' : 'failing'}, ${role}`;
        break;
      }
      case 'haproxy': {
        if (node) {
          // A node's own balancer listens on the node's loopback only: asked for its view instead.
          const up = await backendsUp(lbStatsSocketOf(info.dir, p.node));
          healthy = up > 0;
          detail = `node-local, ${up} of ${info.nodes.length} apiservers up`;
          break;
        }
        // One of a pair is asked at its own address: the virtual IP reaches only the one holding it.
        const lb = layout.lbNodes.find((n) => n.name === p.node);
        const port = new URL(info.endpoints.apiServer).port;
        healthy = await apiserverReady(lb ? `https://${lb.ip}:${port}` : info.endpoints.apiServer, admin);
        detail = healthy ? '/readyz through it ok' : '/readyz through it failing';
        break;
      }
      case 'keepalived':
        healthy = p.state === 'running';
        detail = holder?.name === p.node ? `holds the virtual IP ${layout.vip}` : 'standby';
        break;
      case 'coredns':
        healthy = await httpOk(`http://${node?.ip}:8181/ready`);
        detail = healthy ? '/ready ok' : '/ready failing';
        break;
      default:
        // kwok serves no health endpoint of its own: running is all it can say.
        healthy = p.state === 'running';
        detail = `${p.state} (no health endpoint)`;
    }
    rows.push({
      id: p.id,
      component: p.component,
      node: p.node,
      pid: p.pid,
      state: p.state,
      restarts: p.restarts,
      healthy: healthy && p.state === 'running',
      detail,
    });
  }
  return {
    name: info.name,
    apiServer: info.endpoints.apiServer,
    loadBalancerReady: await apiserverReady(info.endpoints.apiServer, admin),
    etcdLeader: leaderId ? idToNode.get(leaderId) : undefined,
    rows,
  };
}

/** How many apiservers a HAProxy has up, by its own stats; 0 when it does not answer. */
async function backendsUp(socket: string): Promise<number> {
  const stats = await askHaproxy(socket, 'show stat').catch(() => '');
  return parseShowStat(stats).filter((r) => r.proxy === 'apiservers' && r.status.startsWith('UP')).length;
}
