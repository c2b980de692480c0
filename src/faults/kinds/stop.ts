import { defineFaultKind } from '../fault-kind.ts';
import { targetedFault, targetOf } from '../targets.ts';
import { ROLES } from '../../providers/provider.ts';
import { aimedAt } from './aimed-at.ts';

/**
 * SIGKILL of one instance that the platform may not restart until the heal: an outage that lasts
 * the whole hold, as a node that stays down does. Two `stop`s of etcd members take quorum away.
 */
export default defineFaultKind({
  kind: 'stop',
  summary: 'SIGKILL one instance of a role and keep it down until the heal (e.g. `etcd: node-2`)',
  schema: targetedFault('stop', ROLES),
  needs: ['stop'],
  roles: ROLES,
  act: (spec, cluster, ctx) => aimedAt(targetOf(spec, ROLES), cluster, ctx, (i) => cluster.verbs.stop!(i)),
});
