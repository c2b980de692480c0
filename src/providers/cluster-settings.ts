/**
 * The cluster settings a scenario may ask for beyond its topology (the load balancer's check, the
 * apiservers' shutdown delay), held against a cluster that cannot change them: one already running
 * (--reuse-cluster), or a provider that does not configure them (kind).
 */
import type { FailoverBounds } from '../analysis/bounds.ts';
import { EnvironmentError } from '../util/errors.ts';
import type { ClusterSettings } from './provider.ts';

/** Throws, naming each setting the cluster lacks and the fix, when it differs from the request. */
export function checkClusterSettings(req: ClusterSettings, has: FailoverBounds, fix: string): void {
  const unmet: string[] = [];
  if (req.lbCheck !== undefined && req.lbCheck !== has.lbCheck)
    unmet.push(
      `the load balancer checks /${has.lbCheck ?? 'an unknown endpoint'}, the scenario needs /${req.lbCheck}`,
    );
  const delay = has.apiserverShutdownDelayMs ?? 0;
  if (req.apiserverShutdownDelayMs !== undefined && req.apiserverShutdownDelayMs !== delay)
    unmet.push(
      `the apiservers' shutdown delay is ${delay} ms, the scenario needs ${req.apiserverShutdownDelayMs} ms`,
    );
  const links = has.etcdPeerLinks ?? 'direct';
  if (req.etcdPeerLinks !== undefined && req.etcdPeerLinks !== links)
    unmet.push(`its etcd peer links are ${links}, the scenario needs them ${req.etcdPeerLinks}`);
  const lbs = has.loadBalancers ?? 'single';
  if (req.loadBalancers !== undefined && req.loadBalancers !== lbs)
    unmet.push(`its load balancers are ${lbs}, the scenario needs ${req.loadBalancers}`);
  if (unmet.length)
    throw new EnvironmentError(`this cluster cannot run the scenario: ${unmet.join('; ')}`, fix);
}
