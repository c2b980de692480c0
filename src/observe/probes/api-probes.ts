import { httpsRequest, type TlsMaterial } from '../../util/tls-client.ts';
import type { Recorder } from '../recorder.ts';
import { isTimeout, neverSent, shortError, type Probe, type ProbeResult } from './probe-loop.ts';

export const PROBE_NAMESPACE = 'khd-drill';

/** API read through the load balancer: GET one object, on a new connection each time. */
export function apiReadProbe(name: string, baseUrl: string, tls: TlsMaterial, timeoutMs: number): Probe {
  return {
    name,
    target: baseUrl,
    async once(): Promise<ProbeResult> {
      try {
        const r = await httpsRequest(`${baseUrl}/api/v1/namespaces/${PROBE_NAMESPACE}`, tls, { timeoutMs });
        return r.status === 200 ? { outcome: 'ok' } : { outcome: 'error', detail: `HTTP ${r.status}` };
      } catch (err) {
        return { outcome: isTimeout(err) ? 'timeout' : 'error', detail: shortError(err) };
      }
    },
  };
}

/**
 * API write through the load balancer: creates a ConfigMap per request and
 * records each write's fate for the lost-write check. A 5xx or a broken
 * connection after sending is indeterminate (it may have been committed);
 * only a 4xx or a refused connection is a write that certainly failed.
 */
export function apiWriteProbe(
  name: string,
  baseUrl: string,
  tls: TlsMaterial,
  timeoutMs: number,
  recorder: Recorder,
  runId: string,
): Probe {
  return {
    name,
    target: baseUrl,
    async once(seq: number): Promise<ProbeResult> {
      const objName = `w-${runId}-${String(seq).padStart(6, '0')}`;
      const value = `${seq}:${Date.now()}`;
      const key = `${PROBE_NAMESPACE}/${objName}`;
      const start = Date.now();
      const body = JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: objName, labels: { 'kube-ha-drill/run': runId } },
        data: { value },
      });
      try {
        const r = await httpsRequest(`${baseUrl}/api/v1/namespaces/${PROBE_NAMESPACE}/configmaps`, tls, {
          method: 'POST',
          body,
          timeoutMs,
        });
        const end = Date.now();
        if (r.status === 201) {
          const rv = (JSON.parse(r.body) as { metadata?: { resourceVersion?: string } }).metadata
            ?.resourceVersion;
          recorder.timeline.writes.push({
            probe: name,
            key,
            value,
            outcome: 'acked',
            start,
            end,
            ...(rv ? { resourceVersion: rv } : {}),
          });
          return { outcome: 'ok' };
        }
        const outcome = r.status >= 500 ? 'indeterminate' : 'failed';
        recorder.timeline.writes.push({ probe: name, key, value, outcome, start, end });
        return { outcome: 'error', detail: `HTTP ${r.status} ${statusMessage(r.body)}` };
      } catch (err) {
        const outcome = neverSent(err) ? 'failed' : 'indeterminate';
        recorder.timeline.writes.push({ probe: name, key, value, outcome, start, end: Date.now() });
        return { outcome: isTimeout(err) ? 'timeout' : 'error', detail: shortError(err) };
      }
    },
  };
}

function statusMessage(body: string): string {
  try {
    return ((JSON.parse(body) as { message?: string }).message ?? '').slice(0, 120);
  } catch {
    return body.slice(0, 120);
  }
}
