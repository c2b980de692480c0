import type { LeaderRole } from '../providers/provider.ts';
import { EnvironmentError } from '../util/errors.ts';
import { loadTls } from '../util/tls-client.ts';
import { currentEtcdLeader } from './etcd-leader.ts';
import { leaseHolder } from './health.ts';
import type { ClusterInfo } from './topology.ts';

/** The lease each leader-electing component holds while it leads. */
export const LEASE_OF = {
  'controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
} as const;

/**
 * The node whose instance leads a role right now, as the role itself reports it: etcd's leader as a
 * majority of the members name it, or the holder of the component's lease. `nodeOfHolder` maps a
 * holder identity ("<hostname>_<uuid>") to the node's name in scenarios. Throws when none leads.
 */
export async function currentLeader(
  info: ClusterInfo,
  role: LeaderRole,
  nodeOfHolder: (holder: string) => string | undefined,
): Promise<{ node: string; why: string }> {
  if (role === 'etcd') {
    const leader = await currentEtcdLeader(info);
    return { node: leader.node, why: `the etcd leader (member ${leader.id}) at this moment` };
  }
  const holder = await leaseHolder(info.endpoints.apiServer, loadTls(info.adminTls), LEASE_OF[role]);
  const node = holder === undefined ? undefined : nodeOfHolder(holder);
  if (!node)
    throw new EnvironmentError(
      `no ${role} holds the ${LEASE_OF[role]} lease right now (holder: ${holder ?? 'none'})`,
    );
  return { node, why: `the ${role} holding the ${LEASE_OF[role]} lease at this moment` };
}
