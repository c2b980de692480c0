import { defineFaultKind } from '../fault-kind.ts';
import { targetedFault, targetOf } from '../targets.ts';
import { ROLES } from '../../providers/provider.ts';
import { aimedAt } from './aimed-at.ts';

/**
 * SIGKILL of one instance of a role. Nothing is undone by hand: the platform starts it again (the
 * kubelet, or the local provider's supervisor, after its back-off), and the heal waits for that.
 */
export default defineFaultKind({
  kind: 'kill',
  summary:
    'SIGKILL one instance of a role (e.g. `etcd: leader`); the platform starts it again after its back-off',
  schema: targetedFault('kill', ROLES),
  needs: ['kill'],
  roles: ROLES,
  act: (spec, cluster, ctx) => aimedAt(targetOf(spec, ROLES), cluster, ctx, (i) => cluster.verbs.kill!(i)),
});
