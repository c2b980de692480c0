/**
 * The order of a drill's fault steps: each fault is injected `at` seconds into the hold and healed
 * `for` seconds later, or when the hold ends. Faults still in at the end are healed in the reverse
 * order of their injection (the last one in is the first one out), as one would unwind them by hand.
 * Pure: scenario data in, steps out.
 */
import type { FaultTiming } from './timing.ts';

export interface FaultStepPlan {
  /** Milliseconds from the start of the hold. */
  atMs: number;
  action: 'inject' | 'heal';
  /** The fault's index in the scenario's `faults`. */
  index: number;
}

export function faultSchedule(faults: readonly FaultTiming[], holdSeconds: number): FaultStepPlan[] {
  const holdMs = Math.round(holdSeconds * 1000);
  const injects = faults
    .map((f, index) => ({ atMs: Math.round((f.at ?? 0) * 1000), action: 'inject' as const, index }))
    .sort((a, b) => a.atMs - b.atMs || a.index - b.index);
  const order = new Map(injects.map((s, rank) => [s.index, rank]));
  const heals = faults.map((f, index) => ({
    atMs: f.for === undefined ? holdMs : Math.min(holdMs, Math.round(((f.at ?? 0) + f.for) * 1000)),
    action: 'heal' as const,
    index,
  }));
  return [...injects, ...heals].sort(
    (a, b) =>
      a.atMs - b.atMs ||
      // At one moment a heal comes first: a fault that ends as another begins is out before it.
      (a.action === b.action ? 0 : a.action === 'heal' ? -1 : 1) ||
      // Heals at one moment in reverse order of injection; injections in their order.
      (a.action === 'heal'
        ? order.get(b.index)! - order.get(a.index)!
        : order.get(a.index)! - order.get(b.index)!),
  );
}
