/**
 * A fault kind is one module: the schema of its entry in a scenario's `faults`, what it needs of a
 * provider, and how it acts on a cluster. src/faults/registry.ts lists them.
 */
import type { z } from 'zod';
import type { AcquiredCluster, Capability, Disruption, Role } from '../providers/provider.ts';

export interface FaultContext {
  /** Where a fault may keep files for the report (e.g. a snapshot). */
  workDir: string;
  /** Picks among instances for "any" and "follower"; seeded in tests. */
  random: () => number;
  /** Instances other faults of the drill hold now ("etcd/node-2"); shared by the drill's faults. */
  inEffect: Set<string>;
}

export interface FaultKind<S extends { kind: string } = { kind: string }> {
  readonly kind: S['kind'];
  /** One line for `--list` and the scenario schema: what the fault does. */
  readonly summary: string;
  readonly schema: z.ZodType<S>;
  /** What the provider must be able to do for this fault. */
  readonly needs: readonly Capability[];
  /** The roles a spec of this kind may aim at (one key each); absent: it aims at the whole cluster. */
  readonly roles?: readonly Role[];
  /** Puts the fault in effect; the Disruption says what was done and undoes it. */
  act(spec: S, cluster: AcquiredCluster, ctx: FaultContext): Promise<Disruption>;
}

/** Types a fault kind module's default export. */
export function defineFaultKind<S extends { kind: string }>(kind: FaultKind<S>): FaultKind<S> {
  return kind;
}
