import { z } from 'zod';
import type { AcquiredCluster, Disruption, Instance } from '../../providers/provider.ts';
import type { FaultContext } from '../fault-kind.ts';
import { PICKS } from '../targets.ts';
import { aimedAt } from './aimed-at.ts';

/** One member picked as faults pick (leader, follower, any, a name), or every member: `all`. */
export const PEER_LINK_MEMBERS = z
  .union([z.literal('all'), PICKS.etcd])
  .describe('Whose peer links: "all" members, or one: "leader", "follower", "any" or a member name.');

/** Applies `verb` to the links of one picked member, or of every member for "all". */
export function onPeerLinksOf(
  pick: z.output<typeof PEER_LINK_MEMBERS>,
  cluster: AcquiredCluster,
  ctx: FaultContext,
  verb: (members: Instance[]) => Promise<Disruption>,
): Promise<Disruption> {
  if (pick === 'all') return verb(cluster.instances('etcd'));
  return aimedAt({ role: 'etcd', pick }, cluster, ctx, (member) => verb([member]));
}
