import type { AcquiredCluster, Disruption, Instance } from '../../providers/provider.ts';
import type { FaultContext } from '../fault-kind.ts';
import { instanceKey, resolveTarget, type Target } from '../targets.ts';

/**
 * Resolves the target when the fault goes in (the leader of this moment), then applies the verb to
 * it. The instance counts as held by a fault until the heal, so that other faults pick others.
 */
export async function aimedAt(
  target: Target,
  cluster: AcquiredCluster,
  ctx: FaultContext,
  verb: (instance: Instance) => Promise<Disruption>,
): Promise<Disruption> {
  const { instance, why } = await resolveTarget(target, cluster, ctx.random, ctx.inEffect);
  const d = await verb(instance);
  const key = instanceKey(instance);
  ctx.inEffect.add(key);
  return {
    ...d,
    description: why ? `${d.description}: ${why}` : d.description,
    heal: async () => {
      const step = await d.heal();
      ctx.inEffect.delete(key);
      return step;
    },
  };
}
