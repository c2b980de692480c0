import type { CoreV1Api } from '@kubernetes/client-node';
import type { EtcdClientTls } from '../cluster/topology.ts';
import { PROBE_NAMESPACE } from '../observe/probes/api-probes.ts';
import type { EtcdReadBack, ReadBack, WriteRecord } from '../observe/timeline.ts';
import { run } from '../util/exec.ts';
import { storedConfigMapValue } from './stored-configmap.ts';

/**
 * The Kubernetes client takes a second to load: it is loaded when this module is, in the background,
 * while the cluster starts, instead of before anything else.
 */
const clientNode = import('@kubernetes/client-node');

async function client(kubeconfig: string): Promise<CoreV1Api> {
  const { CoreV1Api: Api, KubeConfig } = await clientNode;
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc.makeApiClient(Api);
}

/** Creates the namespace the probes and the load write into (already there is fine). */
export async function ensureProbeNamespace(kubeconfig: string): Promise<void> {
  try {
    await (await client(kubeconfig)).createNamespace({ body: { metadata: { name: PROBE_NAMESPACE } } });
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
  }
}

/** The keys the write probes wrote, each once, in the order first written. */
function keysOf(writes: readonly WriteRecord[]): string[] {
  return [...new Set(writes.map((w) => w.key))];
}

/**
 * Reads back every object the write probes wrote, with a quorum read
 * (a LIST without resourceVersion is served from etcd, not from a cache),
 * through the load balancer with the real Kubernetes client.
 */
export async function readBack(kubeconfig: string, writes: readonly WriteRecord[]): Promise<ReadBack[]> {
  const api = await client(kubeconfig);
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
  return keysOf(writes).map((key) => {
    const f = found.get(key);
    return f
      ? {
          key,
          found: true,
          ...(f.value !== undefined ? { value: f.value } : {}),
          ...(f.resourceVersion ? { resourceVersion: f.resourceVersion } : {}),
        }
      : { key, found: false };
  });
}

const ETCD_PREFIX = `/registry/configmaps/${PROBE_NAMESPACE}/`;

/**
 * The same objects read straight from etcd with etcdctl (a linearizable read by default): each key's
 * stored value and mod revision, independent of the apiserver and its caches.
 */
export async function etcdReadBack(
  etcdctl: string,
  endpoints: readonly string[],
  tls: EtcdClientTls,
  writes: readonly WriteRecord[],
): Promise<EtcdReadBack[]> {
  const r = await run(
    etcdctl,
    [
      `--endpoints=${endpoints.join(',')}`,
      `--cacert=${tls.ca}`,
      `--cert=${tls.cert}`,
      `--key=${tls.key}`,
      'get',
      ETCD_PREFIX,
      '--prefix',
      '-w',
      'json',
    ],
    { timeoutMs: 60_000 },
  );
  const kvs =
    (JSON.parse(r.stdout) as { kvs?: { key: string; value?: string; mod_revision?: number | string }[] })
      .kvs ?? [];
  const found = new Map<string, { value?: string; modRevision?: string }>();
  for (const kv of kvs) {
    const name = Buffer.from(kv.key, 'base64').toString('utf8').slice(ETCD_PREFIX.length);
    const value = kv.value === undefined ? undefined : storedConfigMapValue(Buffer.from(kv.value, 'base64'));
    found.set(`${PROBE_NAMESPACE}/${name}`, {
      ...(value !== undefined ? { value } : {}),
      ...(kv.mod_revision !== undefined ? { modRevision: String(kv.mod_revision) } : {}),
    });
  }
  return keysOf(writes).map((key) => {
    const f = found.get(key);
    return f ? { key, found: true, ...f } : { key, found: false };
  });
}
