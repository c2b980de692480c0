import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { PROBE_NAMESPACE } from '../observe/probes/api-probes.ts';
import type { ReadBack, WriteRecord } from '../observe/timeline.ts';

function client(kubeconfig: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc.makeApiClient(CoreV1Api);
}

/** Creates the namespace the probes and the load write into (already there is fine). */
export async function ensureProbeNamespace(kubeconfig: string): Promise<void> {
  try {
    await client(kubeconfig).createNamespace({ body: { metadata: { name: PROBE_NAMESPACE } } });
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
  }
}

/**
 * Reads back every object the write probes wrote, with a quorum read
 * (a LIST without resourceVersion is served from etcd, not from a cache),
 * through the load balancer with the real Kubernetes client.
 */
export async function readBack(kubeconfig: string, writes: readonly WriteRecord[]): Promise<ReadBack[]> {
  const api = client(kubeconfig);
  const found = new Map<string, { value?: string; resourceVersion?: string }>();
  let cont: string | undefined;
  do {
    const page = await api.listNamespacedConfigMap({
      namespace: PROBE_NAMESPACE,
      limit: 500,
      _continue: cont,
    });
    for (const cm of page.items) {
      found.set(`${PROBE_NAMESPACE}/${cm.metadata?.name}`, {
        value: cm.data?.value,
        resourceVersion: cm.metadata?.resourceVersion,
      });
    }
    cont = page.metadata?._continue || undefined;
  } while (cont);
  return writes.map((w) => {
    const f = found.get(w.key);
    return f
      ? {
          key: w.key,
          found: true,
          ...(f.value !== undefined ? { value: f.value } : {}),
          ...(f.resourceVersion ? { resourceVersion: f.resourceVersion } : {}),
        }
      : { key: w.key, found: false };
  });
}
