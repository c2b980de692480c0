import { defineFaultKind } from '../fault-kind.ts';
import { targetedFault, targetOf } from '../targets.ts';
import { aimedAt } from './aimed-at.ts';

const ROLES = ['etcd'] as const;

/**
 * Drops every packet between the node of one etcd member and its peers (etcd, apiservers, all of
 * it), as a network partition does; the host still reaches the node, as a load balancer on another
 * network would. The heal removes the drops.
 */
export default defineFaultKind({
  kind: 'isolate',
  summary: 'cut the node of one etcd member (e.g. `etcd: leader`) off from its peers until the heal',
  schema: targetedFault('isolate', ROLES),
  needs: ['isolate'],
  roles: ROLES,
  act: (spec, cluster, ctx) => aimedAt(targetOf(spec, ROLES), cluster, ctx, (i) => cluster.verbs.isolate!(i)),
});
