import type { Sample } from '../observe/timeline.ts';

/**
 * API latency and error figures count requests of the API probes and of the load generator, except
 * k6's short watches: a watch lasts its timeoutSeconds by design, so its length is no request
 * latency (watch health is measured by the watch probe).
 */
export function isApiProbe(probe: string): boolean {
  return probe.startsWith('api-') || (probe.startsWith('k6:') && probe !== 'k6:watch');
}

/**
 * Per-member probes watch one member, not the service: each etcd member ("etcd:node-1"), each
 * apiserver bypassing the load balancer ("member:api-write@node-2"), each CoreDNS replica
 * ("member:dns@replica-0"). A killed or isolated member fails for the whole fault by design, so
 * they are reported but do not count towards failover, API latency or error rate.
 */
export function isMemberProbe(probe: string): boolean {
  return probe.startsWith('etcd:') || probe.startsWith('member:');
}

/**
 * Control-loop probes ("control:lease/kube-scheduler", "control:workload") watch what runs behind a
 * leader election; a workload sample lasts until a pod runs, seconds by design. Reported and analysed
 * on their own (control-loops.ts), never as API requests or service health.
 */
export function isControlProbe(probe: string): boolean {
  return probe.startsWith('control:');
}

export function isServiceProbe(probe: string): boolean {
  return !isMemberProbe(probe) && !isControlProbe(probe);
}

/**
 * Requests in order of their start, then of their end; requests sent at the same millisecond are
 * ordered by probe, outcome and detail, so that no figure depends on the order samples arrived in.
 */
export function byStart(a: Sample, b: Sample): number {
  return (
    a.start - b.start ||
    a.end - b.end ||
    compare(a.probe, b.probe) ||
    compare(a.outcome, b.outcome) ||
    compare(a.detail ?? '', b.detail ?? '') ||
    compare(a.target ?? '', b.target ?? '')
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isFailure(sample: Sample): boolean {
  return sample.outcome !== 'ok';
}

/** Samples grouped by probe, each group in start order, probes in name order. */
export function samplesByProbe(samples: readonly Sample[]): Map<string, Sample[]> {
  const byProbe = new Map<string, Sample[]>();
  for (const s of samples) {
    const group = byProbe.get(s.probe);
    if (group) group.push(s);
    else byProbe.set(s.probe, [s]);
  }
  for (const group of byProbe.values()) group.sort(byStart);
  return new Map([...byProbe.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
