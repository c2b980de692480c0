import type { AcquiredCluster, Disruption, Instance } from '../../providers/provider.ts';
import type { FaultContext } from '../fault-kind.ts';
import { resolveTarget, type Target } from '../targets.ts';

/** Resolves the target when the fault goes in (the leader of this moment), then applies the verb to it. */
export async function aimedAt(
  target: Target,
  cluster: AcquiredCluster,
  ctx: FaultContext,
  verb: (instance: Instance) => Promise<Disruption>,
): Promise<Disruption> {
  const { instance, why } = await resolveTarget(target, cluster, ctx.random);
  const d = await verb(instance);
  return why ? { ...d, description: `${d.description}: ${why}` } : d;
}
