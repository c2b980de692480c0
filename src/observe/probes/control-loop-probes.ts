/**
 * Probes of the control loops that run behind a leader election: who holds the controller-manager's
 * and the scheduler's leases, and whether a new Deployment gets a Running pod (the controller-manager
 * makes its ReplicaSet and pod, the scheduler binds it, kwok or a kubelet runs it). Their samples are
 * "control:" probes: reported and analysed on their own, not part of the API's service health.
 */
import type { ApiClient } from '../../util/api-client.ts';
import { now } from '../clock.ts';
import type { Recorder } from '../recorder.ts';
import { PROBE_NAMESPACE, RUN_LABEL } from './api-probes.ts';
import { isTimeout, shortError, type Probe, type ProbeResult } from './probe-loop.ts';

/** The leases the two leader-elected components hold in kube-system. */
export const LEADER_LEASES = ['kube-controller-manager', 'kube-scheduler'] as const;
export type LeaderLease = (typeof LEADER_LEASES)[number];

/** How long a Deployment may take to have a Running pod before its sample is a timeout. */
export const WORKLOAD_TIMEOUT_MS = 30_000;
/** How often a Deployment is created. */
export const WORKLOAD_INTERVAL_MS = 2_000;
const POLL_MS = 200;

/**
 * Reads one lease and records a 'leader-change' event whenever its holder differs from the one seen
 * before (the first reading too, with `from: null`). A holder identity is "<hostname>_<uuid>": a
 * restarted instance on the same node is a new holder.
 */
export function leaseProbe(
  lease: LeaderLease,
  client: ApiClient,
  timeoutMs: number,
  recorder: Recorder,
): Probe {
  let last: string | undefined;
  // Reads overlap (one every interval, each up to the timeout): an answer to an older read that
  // arrives after a newer one's says nothing new, and must not read as the lease moving back.
  let newestSeq = -1;
  return {
    name: `control:lease/${lease}`,
    async once(seq: number): Promise<ProbeResult> {
      try {
        const r = await client.request(
          `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${lease}`,
          { timeoutMs },
        );
        if (r.status !== 200) return { outcome: 'error', detail: `HTTP ${r.status}` };
        const at = now();
        if (seq < newestSeq) return { outcome: 'ok' };
        newestSeq = seq;
        const spec = (JSON.parse(r.body) as { spec?: { holderIdentity?: string } }).spec;
        const holder = spec?.holderIdentity ?? '';
        if (holder !== last) {
          recorder.event(
            'leader-change',
            `lease ${lease}: ${last === undefined ? 'held by' : `${last || 'nobody'} ->`} ${holder || 'nobody'}`,
            {
              lease,
              from: last ?? null,
              to: holder,
              hostname: holder.split('_')[0] ?? '',
            },
            at,
          );
          last = holder;
        }
        return { outcome: 'ok' };
      } catch (err) {
        return { outcome: isTimeout(err) ? 'timeout' : 'error', detail: shortError(err) };
      }
    },
    close: () => client.close(),
  };
}

interface PodList {
  items: { spec?: { nodeName?: string }; status?: { phase?: string } }[];
}

/**
 * Creates a one-replica Deployment and waits until its pod runs: the sample lasts from the create to
 * the first Running pod, its detail says how far it got when (created, scheduled, running). The
 * Deployment is deleted afterwards, whatever the outcome.
 */
export function workloadProbe(client: ApiClient, image: string, runId: string, timeoutMs: number): Probe {
  const base = `/apis/apps/v1/namespaces/${PROBE_NAMESPACE}/deployments`;
  return {
    name: 'control:workload',
    async once(seq: number): Promise<ProbeResult> {
      const name = `khd-wl-${runId}-${seq}`;
      const start = now();
      const since = () => `${((now() - start) / 1000).toFixed(1)}s`;
      const steps: string[] = [];
      const deadline = start + WORKLOAD_TIMEOUT_MS;
      try {
        const created = await client.request(base, {
          method: 'POST',
          contentType: 'application/json',
          body: deployment(name, image, runId),
          timeoutMs,
        });
        if (created.status !== 201) return { outcome: 'error', detail: `create: HTTP ${created.status}` };
        steps.push(`created ${since()}`);
        let scheduled = false;
        for (;;) {
          const remaining = deadline - now();
          if (remaining <= 0)
            return {
              outcome: 'timeout',
              detail: `no Running pod in ${WORKLOAD_TIMEOUT_MS / 1000}s: ${steps.join(', ')}`,
            };
          const r = await client
            .request(`/api/v1/namespaces/${PROBE_NAMESPACE}/pods?labelSelector=khd-workload%3D${name}`, {
              timeoutMs: Math.min(timeoutMs, remaining),
            })
            .catch(() => undefined);
          const pods = r?.status === 200 ? (JSON.parse(r.body) as PodList).items : [];
          if (!scheduled && pods.some((p) => p.spec?.nodeName)) {
            scheduled = true;
            steps.push(`scheduled ${since()}`);
          }
          if (pods.some((p) => p.status?.phase === 'Running')) {
            steps.push(`running ${since()}`);
            return { outcome: 'ok', detail: steps.join(', ') };
          }
          await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - now()))));
        }
      } catch (err) {
        return {
          outcome: isTimeout(err) ? 'timeout' : 'error',
          detail: [...steps, shortError(err)].join(', '),
        };
      } finally {
        await client
          .request(`${base}/${name}?propagationPolicy=Background`, { method: 'DELETE', timeoutMs })
          .catch(() => undefined);
      }
    },
    close: () => client.close(),
  };
}

function deployment(name: string, image: string, runId: string): string {
  const labels = { 'khd-workload': name, [RUN_LABEL]: runId };
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'khd-workload': name } },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'app', image }],
          tolerations: [{ operator: 'Exists' }],
          terminationGracePeriodSeconds: 0,
        },
      },
    },
  });
}
