/** What a scenario asks of the cluster it runs on. */
import { scenarioNeeds } from '../faults/registry.ts';
import type { AcquireRequest, ClusterSettings, Provider } from '../providers/provider.ts';
import { UsageError } from '../util/errors.ts';
import type { Scenario } from '../scenario/types.ts';

/** The cluster settings a scenario asks for beyond its topology; absent ones are the provider's. */
export function clusterSettingsOf(
  s: Scenario,
): Pick<AcquireRequest, 'lbCheck' | 'apiserverShutdownDelayMs' | 'etcdPeerLinks' | 'loadBalancers'> {
  const { lbHealthCheck, apiserverShutdownDelaySeconds } = s.cluster;
  const needs = scenarioNeeds(s.faults).map((n) => n.capability);
  // A fault that slows peer links needs the links to run through proxies; one that takes a load
  // balancer down needs a pair of them.
  const loadBalancers = s.cluster.loadBalancers ?? (needs.includes('lb-down') ? 'vrrp-pair' : undefined);
  return {
    ...(needs.includes('peer-delay') ? { etcdPeerLinks: 'proxied' as const } : {}),
    ...(loadBalancers ? { loadBalancers } : {}),
    ...(lbHealthCheck ? { lbCheck: lbHealthCheck } : {}),
    ...(apiserverShutdownDelaySeconds !== undefined
      ? { apiserverShutdownDelayMs: Math.round(apiserverShutdownDelaySeconds * 1000) }
      : {}),
  };
}

/**
 * Scenarios with the same key can run one after another on one cluster: the same topology and
 * settings. A game day groups its drills by it.
 */
export function clusterKeyOf(s: Scenario): string {
  const settings = scenarioClusterSettings(s);
  return JSON.stringify(Object.fromEntries(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b))));
}

/** Everything a scenario asks of its cluster: its topology and settings. */
export function scenarioClusterSettings(s: Scenario): ClusterSettings {
  return { etcdTopology: s.cluster.etcdTopology, ...clusterSettingsOf(s) };
}

/** Refuses, before anything starts, a scenario whose cluster the provider cannot give. */
export function requireClusterSettings(provider: Provider, s: Scenario): void {
  const refused = provider.refusal(scenarioClusterSettings(s));
  if (refused)
    throw new UsageError(
      `the ${provider.name} provider cannot run scenario ${s.name}: ${refused.problem}`,
      refused.fix,
    );
}
