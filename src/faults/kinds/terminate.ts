import { defineFaultKind } from '../fault-kind.ts';
import { targetedFault, targetOf } from '../targets.ts';
import { ROLES } from '../../providers/provider.ts';
import { aimedAt } from './aimed-at.ts';

/**
 * SIGTERM of one instance: a graceful shutdown, as a rolling upgrade or a node drain does. An
 * apiserver serves on for its --shutdown-delay-duration with /readyz failing, so a load balancer that
 * checks /readyz can drain it without a failed request. The platform starts it again once it exited.
 */
export default defineFaultKind({
  kind: 'terminate',
  summary:
    'SIGTERM one instance of a role (a graceful shutdown); the platform starts it again once it has exited',
  schema: targetedFault('terminate', ROLES),
  needs: ['terminate'],
  roles: ROLES,
  act: (spec, cluster, ctx) =>
    aimedAt(targetOf(spec, ROLES), cluster, ctx, (i) => cluster.verbs.terminate!(i)),
});
