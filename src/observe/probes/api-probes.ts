import type { ApiClient } from '../../util/api-client.ts';
import { now } from '../clock.ts';
import type { Recorder } from '../recorder.ts';
import type { WriteRecord } from '../timeline.ts';
import { isTimeout, neverSent, shortError, type Probe, type ProbeResult } from './probe-loop.ts';

import { PROBE_NAMESPACE } from '../../cluster/topology.ts';

export { PROBE_NAMESPACE };
/** Every object a write probe makes carries this label with the run id; the watch probe selects by it. */
export const RUN_LABEL = 'kube-ha-drill/run';
const CONFIGMAPS = `/api/v1/namespaces/${PROBE_NAMESPACE}/configmaps`;

/** API read through the load balancer: GET one object. */
export function apiReadProbe(name: string, client: ApiClient, timeoutMs: number): Probe {
  return {
    name,
    target: client.target,
    async once(): Promise<ProbeResult> {
      try {
        const r = await client.request(`/api/v1/namespaces/${PROBE_NAMESPACE}`, { timeoutMs });
        return r.status === 200 ? { outcome: 'ok' } : { outcome: 'error', detail: `HTTP ${r.status}` };
      } catch (err) {
        return { outcome: isTimeout(err) ? 'timeout' : 'error', detail: shortError(err) };
      }
    },
    close: () => client.close(),
  };
}

function configMap(name: string, value: string, runId: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { [RUN_LABEL]: runId } },
    data: { value },
  });
}

/**
 * Sends one write and records its fate for the lost-write check. A 5xx or a broken connection after
 * sending is indeterminate (it may have been committed); only a 4xx or a connection that never came
 * up is a write that certainly failed.
 */
async function recordedWrite(
  recorder: Recorder,
  client: ApiClient,
  w: { probe: string; key: string; op: NonNullable<WriteRecord['op']>; value: string },
  req: { path: string; method: string; body?: string; contentType?: string; timeoutMs: number },
  acked: (status: number) => boolean,
): Promise<ProbeResult & { write: WriteRecord['outcome']; status?: number }> {
  const start = now();
  try {
    const r = await client.request(req.path, req);
    const end = now();
    const rv = w.op === 'delete' ? undefined : resourceVersionOf(r.body);
    if (acked(r.status) && w.op !== 'delete' && rv === undefined) {
      // A success status with an object the client cannot read (cut off, not JSON): client-go would
      // fail to decode it and return an error, so the caller does not know whether it was written.
      recorder.write({ ...w, outcome: 'indeterminate', start, end });
      const detail = `HTTP ${r.status} without a readable object (${r.body.length} bytes)`;
      return { outcome: 'error', detail, write: 'indeterminate', status: r.status };
    }
    if (acked(r.status)) {
      recorder.write({ ...w, outcome: 'acked', start, end, ...(rv ? { resourceVersion: rv } : {}) });
      return { outcome: 'ok', write: 'acked', status: r.status };
    }
    const write = r.status >= 500 ? 'indeterminate' : 'failed';
    recorder.write({ ...w, outcome: write, start, end });
    return { outcome: 'error', detail: `HTTP ${r.status} ${statusMessage(r.body)}`, write, status: r.status };
  } catch (err) {
    const write = neverSent(err) ? 'failed' : 'indeterminate';
    recorder.write({ ...w, outcome: write, start, end: now() });
    return { outcome: isTimeout(err) ? 'timeout' : 'error', detail: shortError(err), write };
  }
}

/** What a probe reports of a write: the outcome and detail, not the bookkeeping. */
function asResult(r: ProbeResult): ProbeResult {
  return r.detail === undefined ? { outcome: r.outcome } : { outcome: r.outcome, detail: r.detail };
}

/** API create through the load balancer (or one apiserver): a new ConfigMap per request. */
export function apiCreateProbe(
  name: string,
  client: ApiClient,
  timeoutMs: number,
  recorder: Recorder,
  runId: string,
  prefix = 'w',
): Probe {
  return {
    name,
    target: client.target,
    once(seq: number): Promise<ProbeResult> {
      const objName = `${prefix}-${runId}-${String(seq).padStart(6, '0')}`;
      const value = `${seq}:${now()}`;
      return recordedWrite(
        recorder,
        client,
        { probe: name, key: `${PROBE_NAMESPACE}/${objName}`, op: 'create', value },
        { path: CONFIGMAPS, method: 'POST', body: configMap(objName, value, runId), timeoutMs },
        (status) => status === 201,
      ).then(asResult);
    },
    close: () => client.close(),
  };
}

/**
 * Updates a small set of ConfigMaps round-robin (creating each on its first turn), so that a lost
 * update, an acknowledged value later replaced by an older one, is caught on read-back.
 */
export function apiUpdateProbe(
  name: string,
  client: ApiClient,
  timeoutMs: number,
  recorder: Recorder,
  runId: string,
  keys = 10,
): Probe {
  const created = new Set<number>();
  return {
    name,
    target: client.target,
    async once(seq: number): Promise<ProbeResult> {
      const slot = seq % keys;
      const objName = `u-${runId}-${slot}`;
      const key = `${PROBE_NAMESPACE}/${objName}`;
      const value = `${seq}:${now()}`;
      if (!created.has(slot)) {
        // Taken as made from the moment it is sent (requests overlap), unless it certainly failed.
        created.add(slot);
        const r = await recordedWrite(
          recorder,
          client,
          { probe: name, key, op: 'create', value },
          { path: CONFIGMAPS, method: 'POST', body: configMap(objName, value, runId), timeoutMs },
          (status) => status === 201,
        );
        if (r.write === 'failed' && r.status !== 409) created.delete(slot);
        return asResult(r);
      }
      const r = await recordedWrite(
        recorder,
        client,
        { probe: name, key, op: 'update', value },
        {
          path: `${CONFIGMAPS}/${objName}`,
          method: 'PATCH',
          body: JSON.stringify({ data: { value } }),
          contentType: 'application/merge-patch+json',
          timeoutMs,
        },
        (status) => status === 200,
      );
      // Never created after all (an indeterminate create that did not land): create it next turn.
      if (r.status === 404) created.delete(slot);
      return asResult(r);
    },
    close: () => client.close(),
  };
}

/**
 * Creates a ConfigMap, then deletes it on the next turn: every acknowledged delete must stay
 * deleted, so a delete undone (the object back on read-back) is caught.
 */
export function apiDeleteProbe(
  name: string,
  client: ApiClient,
  timeoutMs: number,
  recorder: Recorder,
  runId: string,
): Probe {
  let pending: string | undefined;
  return {
    name,
    target: client.target,
    async once(seq: number): Promise<ProbeResult> {
      if (pending === undefined) {
        const objName = `d-${runId}-${String(seq).padStart(6, '0')}`;
        const value = `${seq}:${now()}`;
        const r = await recordedWrite(
          recorder,
          client,
          { probe: name, key: `${PROBE_NAMESPACE}/${objName}`, op: 'create', value },
          { path: CONFIGMAPS, method: 'POST', body: configMap(objName, value, runId), timeoutMs },
          (status) => status === 201,
        );
        if (r.write === 'acked') pending = objName;
        return asResult(r);
      }
      // One delete per object, never repeated: requests overlap, and a repeat would race the first.
      const objName = pending;
      pending = undefined;
      return asResult(
        await recordedWrite(
          recorder,
          client,
          { probe: name, key: `${PROBE_NAMESPACE}/${objName}`, op: 'delete', value: '' },
          { path: `${CONFIGMAPS}/${objName}`, method: 'DELETE', timeoutMs },
          (status) => status === 200 || status === 202,
        ),
      );
    },
    close: () => client.close(),
  };
}

/** The object's resourceVersion; undefined when the body is not one whole JSON object that has one. */
function resourceVersionOf(body: string): string | undefined {
  try {
    const rv = (JSON.parse(body) as { metadata?: { resourceVersion?: unknown } } | null)?.metadata
      ?.resourceVersion;
    return typeof rv === 'string' && rv !== '' ? rv : undefined;
  } catch {
    return undefined;
  }
}

function statusMessage(body: string): string {
  try {
    return ((JSON.parse(body) as { message?: string }).message ?? '').slice(0, 120);
  } catch {
    return body.slice(0, 120);
  }
}
