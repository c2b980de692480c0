import { z } from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { FAULT_TIMING } from '../timing.ts';

/**
 * A botched restore from backup: a snapshot is taken when the fault is injected; at the heal every
 * member is restored from it. Every write acknowledged during the hold is lost on purpose, so a
 * drill with it shows the lost-write check catching a real loss.
 */
export default defineFaultKind({
  kind: 'etcd-snapshot-restore',
  summary:
    'snapshot etcd at injection and restore every member from it at the heal, losing the writes between',
  schema: z.strictObject({ kind: z.literal('etcd-snapshot-restore'), ...FAULT_TIMING }),
  needs: ['etcd-restore'],
  act: (_spec, cluster, ctx) => cluster.verbs.restoreEtcd!(ctx.workDir),
});
