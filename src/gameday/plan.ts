/**
 * The order a game day runs its drills in: drills that need the same cluster (topology and
 * settings) one after another on one cluster, groups in the order the suite first names them, the
 * suite's order kept within a group. Pure.
 */
export interface Plannable {
  /** 1-based place in the suite. */
  position: number;
  clusterKey: string;
}

export function runOrder<D extends Plannable>(drills: readonly D[]): D[] {
  const keys = [...new Set(drills.map((d) => d.clusterKey))];
  return keys.flatMap((k) => drills.filter((d) => d.clusterKey === k));
}

/** How many clusters the order needs at least: one per change of key. */
export function clustersNeeded(ordered: readonly Plannable[]): number {
  return ordered.filter((d, i) => i === 0 || ordered[i - 1]!.clusterKey !== d.clusterKey).length;
}
