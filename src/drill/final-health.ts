import type { AcquiredCluster } from '../providers/provider.ts';
import { progress } from '../util/progress.ts';

/**
 * How long the end-of-drill check waits for components that are not healthy yet. A control-plane
 * component that lost its lease during the fault exits and is restarted after the supervisor's
 * back-off (as the kubelet would), which can fall just after the recovery phase; waiting a bounded
 * time and saying how long it took tells "recovering slowly" from "left broken".
 */
export const HEALTH_SETTLE_MS = 30_000;
const POLL_MS = 2_000;

export interface ComponentHealth {
  component: string;
  healthy: boolean;
  detail: string;
  /** Present when it became healthy only during the wait: how long after the first check. */
  healthyAfterMs?: number;
}

/** Checks every component; those not healthy are checked again until healthy or the wait is over. */
export async function settledHealth(
  cluster: AcquiredCluster,
  stopWaiting: () => boolean,
  maxWaitMs = HEALTH_SETTLE_MS,
): Promise<ComponentHealth[]> {
  const started = performance.now();
  const rows = (await cluster.status()).rows;
  const health: ComponentHealth[] = rows.map((r) => ({
    component: r.id,
    healthy: r.healthy,
    detail: r.detail,
  }));
  const waiting = () => health.filter((h) => !h.healthy);
  if (waiting().length > 0) {
    progress(
      `waiting up to ${maxWaitMs / 1000}s for ${waiting()
        .map((h) => `${h.component} (${h.detail})`)
        .join(', ')}`,
    );
  }
  while (waiting().length > 0 && !stopWaiting() && performance.now() - started < maxWaitMs) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const now = new Map((await cluster.status()).rows.map((r) => [r.id, r]));
    for (const h of waiting()) {
      const r = now.get(h.component);
      if (!r) continue;
      h.detail = r.detail;
      if (r.healthy) {
        h.healthy = true;
        h.healthyAfterMs = Math.round(performance.now() - started);
      }
    }
  }
  return health;
}
