import { defineFaultKind } from '../fault-kind.ts';
import { targetedFault, targetOf } from '../targets.ts';
import { ROLES } from '../../providers/provider.ts';
import { aimedAt } from './aimed-at.ts';

/**
 * SIGSTOP of one instance until the heal sends SIGCONT: a grey failure. The process keeps its
 * listening sockets, so connections are accepted by the kernel and then answered by nobody; a health
 * check sees timeouts, not refusals.
 */
export default defineFaultKind({
  kind: 'freeze',
  summary:
    'SIGSTOP one instance of a role until the heal resumes it: a hang with open sockets (a grey failure)',
  schema: targetedFault('freeze', ROLES),
  needs: ['freeze'],
  roles: ROLES,
  act: (spec, cluster, ctx) => aimedAt(targetOf(spec, ROLES), cluster, ctx, (i) => cluster.verbs.freeze!(i)),
});
