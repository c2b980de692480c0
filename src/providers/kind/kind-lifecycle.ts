/**
 * Making and removing the kind provider's cluster: `kind create cluster` from kind-configs/ with the
 * tool's own images, the pod network, a wait for every node and kube-system pod to be Ready, and
 * the record (cluster.json) a later command attaches with. The record and the cluster's files live
 * in a directory of ours under the state root; the cluster itself is found by kind's labels, so
 * `down` removes it after a kill -9 too.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_FAILOVER_BOUNDS, type FailoverBounds } from '../../analysis/bounds.ts';
import type { Components } from '../../components/components.ts';
import { apiserverReady } from '../../cluster/health.ts';
import type { ClusterInfo, EtcdClientTls } from '../../cluster/topology.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { EnvironmentError } from '../../util/errors.ts';
import { run } from '../../util/exec.ts';
import { isAlive } from '../../util/proc.ts';
import { progress } from '../../util/progress.ts';
import { loadTls } from '../../util/tls-client.ts';
import { waitUntil } from '../../util/wait-until.ts';
import { clusterDirState, createClusterDir } from '../local/secure-dir.ts';
import { DEFAULT_STATE_ROOT } from '../local/state-root.ts';
import type { AcquireRequest } from '../provider.ts';
import { hostNeeds } from './host-needs.ts';
import { ensureKindImages } from './images/kind-images.ts';
import { deleteKindCluster, kindClusters, kindWithProgress } from './kind-cli.ts';
import { controlPlaneCount, DEFAULT_KIND_CONFIG, kindClusterConfig, readKindConfig } from './kind-config.ts';
import { inNode, kindNodes, netnsOf, type KindNode } from './node-exec.ts';
import { wirePodNetwork } from './pod-network.ts';
import { dockerMaybe } from './docker.ts';

/** kind's cluster name: its containers are khd-control-plane, khd-control-plane2, ... */
export const KIND_CLUSTER = 'khd';
export const KIND_DIR = path.join(DEFAULT_STATE_ROOT, `kind-${KIND_CLUSTER}`);
const READY_TIMEOUT_S = 180;

/** What kind's configuration gives (kubeadm's defaults): the report prints these beside the figures. */
export const KIND_BOUNDS: FailoverBounds = {
  ...DEFAULT_FAILOVER_BOUNDS, // etcd heartbeat 100 ms, election 1000 ms; kind's HAProxy `check`: inter 2 s, fall 3, rise 2
  lbCheck: 'healthz', // kind's load balancer config: option httpchk GET /healthz
  apiserverShutdownDelayMs: 0,
};

export interface KindRecord {
  owner: AcquireRequest['owner'];
  pid: number;
  createdAt: string;
  status: 'creating' | 'ready';
  nodeImage: string;
  info?: ClusterInfo;
  /** CoreDNS pods by replica index: name and node container. */
  coredns?: { pod: string; container: string }[];
}

/** A record of a cluster that came up: it describes the cluster. */
export type ReadyRecord = KindRecord & { status: 'ready'; info: ClusterInfo };

export function isReady(record: KindRecord | undefined): record is ReadyRecord {
  return record?.status === 'ready' && record.info !== undefined;
}

export function readRecord(dir = KIND_DIR): KindRecord | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as KindRecord;
  } catch {
    return undefined;
  }
}

function writeRecord(dir: string, record: KindRecord): void {
  writeFileAtomic(path.join(dir, 'cluster.json'), JSON.stringify(record, null, 2) + '\n');
}

export interface UpOptions {
  owner: AcquireRequest['owner'];
  components: Components;
  /** A node image to use instead of the one built from pinned sources (registry-backed, e.g. kindest/node). */
  nodeImage?: string;
  kindConfig?: string;
}

async function kubectlJson<T>(kubectl: string, kubeconfig: string, args: string[]): Promise<T> {
  const r = await run(kubectl, ['--kubeconfig', kubeconfig, ...args, '-o', 'json'], { timeoutMs: 60_000 });
  return JSON.parse(r.stdout) as T;
}

interface NodeList {
  items: { metadata: { name: string }; spec: { podCIDR?: string } }[];
}
interface PodList {
  items: { metadata: { name: string }; spec: { nodeName?: string }; status: { podIP?: string } }[];
}

/** The admin's certificate and key from the kubeconfig kind wrote, as files the probes load. */
function writeAdminTls(kubeconfig: string, dir: string): EtcdClientTls {
  const doc = parse(readFileSync(kubeconfig, 'utf8')) as {
    clusters: { cluster: { 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const files = {
    ca: path.join(dir, 'ca.crt'),
    cert: path.join(dir, 'admin.crt'),
    key: path.join(dir, 'admin.key'),
  };
  const b64 = (s: string) => Buffer.from(s, 'base64');
  writeFileSync(files.ca, b64(doc.clusters[0]!.cluster['certificate-authority-data']), { mode: 0o600 });
  writeFileSync(files.cert, b64(doc.users[0]!.user['client-certificate-data']), { mode: 0o600 });
  writeFileSync(files.key, b64(doc.users[0]!.user['client-key-data']), { mode: 0o600 });
  return files;
}

/** The apiserver's etcd client certificate, copied from the first node: it is valid for every member. */
async function writeEtcdTls(node: KindNode, dir: string): Promise<EtcdClientTls> {
  const files = {
    ca: path.join(dir, 'etcd-ca.crt'),
    cert: path.join(dir, 'etcd-client.crt'),
    key: path.join(dir, 'etcd-client.key'),
  };
  const from = { ca: 'etcd/ca.crt', cert: 'apiserver-etcd-client.crt', key: 'apiserver-etcd-client.key' };
  for (const k of ['ca', 'cert', 'key'] as const)
    writeFileSync(files[k], await inNode(node.container, ['cat', `/etc/kubernetes/pki/${from[k]}`]), {
      mode: 0o600,
    });
  return files;
}

/** Binaries that run in and around a kind cluster (those inside the node image only when we built it). */
const AROUND = ['kind', 'kubectl', 'k6', 'haproxy', 'dockerd', 'etcdctl'];
const INSIDE = [
  ...['kubeadm', 'kubelet', 'kube-proxy', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'],
  ...['etcd', 'etcdutl', 'coredns', 'containerd', 'containerd-shim-runc-v2', 'ctr', 'runc', 'crictl'],
  ...['host-local', 'loopback', 'ptp', 'portmap'],
];

/** The binaries that run in and around the kind cluster, and its two images by id, for the audit. */
async function componentsOf(
  components: Components,
  images: { node: string; loadBalancer: string; ours: boolean },
): Promise<NonNullable<ClusterInfo['components']>> {
  const names = images.ours ? [...AROUND, ...INSIDE] : AROUND;
  const used = components.records
    .filter((r) => names.includes(r.name))
    .map((r) => ({ name: r.name, version: r.version, sha256: r.sha256 }));
  for (const [name, ref] of [
    ['kind node image', images.node],
    ['kind load balancer image', images.loadBalancer],
  ] as const) {
    const id = await dockerMaybe(['image', 'inspect', '--format', '{{.Id}}', ref]);
    used.push({ name, version: ref, sha256: id.stdout.trim().replace(/^sha256:/, '') });
  }
  return used;
}

async function describe(
  dir: string,
  kubeconfig: string,
  kubectl: string,
): Promise<{ info: ClusterInfo; coredns: { pod: string; container: string }[] }> {
  const nodes = await kindNodes(KIND_CLUSTER);
  const pki = path.join(dir, 'pki');
  mkdirSync(pki, { recursive: true, mode: 0o700 });
  const adminTls = writeAdminTls(kubeconfig, pki);
  const etcdClient = await writeEtcdTls(nodes[0]!, pki);
  const server = (parse(readFileSync(kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[] })
    .clusters[0]!.cluster.server;
  const pods = await kubectlJson<PodList>(kubectl, kubeconfig, [
    '-n',
    'kube-system',
    'get',
    'pods',
    '-l',
    'k8s-app=kube-dns',
  ]);
  const coredns = pods.items
    .map((p) => ({ pod: p.metadata.name, container: p.spec.nodeName ?? '', ip: p.status.podIP ?? '' }))
    .sort((a, b) => a.pod.localeCompare(b.pod));
  const byName = Object.fromEntries(nodes.map((n) => [n.name, n]));
  const info: ClusterInfo = {
    name: KIND_CLUSTER,
    provider: 'kind',
    nodes: nodes.map((n) => ({ name: n.name, ip: n.ip })),
    endpoints: {
      apiServer: server,
      apiServerOf: Object.fromEntries(nodes.map((n) => [n.name, `https://${n.ip}:6443`])),
      etcdOf: Object.fromEntries(nodes.map((n) => [n.name, `https://${n.ip}:2379`])),
      dns: '10.96.0.10',
      dnsReplicas: coredns.map((c) => `${c.ip}:53`),
      dnsNetns: netnsOf(byName['node-1']!),
      kubernetesServiceIp: '10.96.0.1',
      kubeconfig,
    },
    etcdClient,
    adminTls,
    bounds: KIND_BOUNDS,
    etcdTopology: 'stacked',
    dir,
  };
  return { info, coredns: coredns.map(({ pod, container }) => ({ pod, container })) };
}

/** Makes the cluster; removes what it made when it fails. */
export async function up(opts: UpOptions): Promise<{ info: ClusterInfo; record: ReadyRecord }> {
  const kind = opts.components.path('kind');
  const kubectl = opts.components.path('kubectl');
  await refuseRunning(kind);
  const built = await ensureKindImages(opts.components, { node: opts.nodeImage === undefined });
  const nodeImage = opts.nodeImage ?? built.node;
  const images = {
    node: nodeImage,
    loadBalancer: built.kindLoadBalancer,
    ours: opts.nodeImage === undefined,
  };
  const configFile = opts.kindConfig ?? DEFAULT_KIND_CONFIG;
  const base = readKindConfig(configFile);
  createClusterDir(KIND_DIR);
  const etcdDir = (i: number) => path.join(KIND_DIR, `etcd-${i + 1}`);
  const config = kindClusterConfig(
    base,
    hostNeeds(),
    opts.components.manifest.goBuilds.find((b) => b.name === 'coredns')!.version,
    etcdDir,
  );
  const record: KindRecord = {
    owner: opts.owner,
    pid: process.pid,
    createdAt: new Date().toISOString(),
    status: 'creating',
    nodeImage,
  };
  writeRecord(KIND_DIR, record);
  try {
    for (let i = 0; i < controlPlaneCount(base); i++) mkdirSync(etcdDir(i), { mode: 0o700 });
    const configPath = path.join(KIND_DIR, 'kind-config.yaml');
    writeFileSync(configPath, config, { mode: 0o600 });
    const kubeconfig = path.join(KIND_DIR, 'kubeconfig');
    const log = path.join(KIND_DIR, 'kind.log');
    progress(`kind: creating cluster ${KIND_CLUSTER} from ${configFile} with ${nodeImage} (log: ${log})`);
    await kindWithProgress(
      kind,
      [
        'create',
        'cluster',
        '--name',
        KIND_CLUSTER,
        '--image',
        nodeImage,
        '--config',
        configPath,
        '--kubeconfig',
        kubeconfig,
      ],
      log,
    );
    const nodes = await kindNodes(KIND_CLUSTER);
    const list = await kubectlJson<NodeList>(kubectl, kubeconfig, ['get', 'nodes']);
    const cidrs = new Map(list.items.map((n) => [n.metadata.name, n.spec.podCIDR ?? '']));
    if ([...cidrs.values()].some((c) => c === ''))
      throw new EnvironmentError(`a node has no pod subnet yet: ${JSON.stringify([...cidrs])}`);
    progress('kind: writing the pod network (CNI configuration and routes) on each node');
    await wirePodNetwork(nodes, cidrs);
    progress('kind: waiting for every node and kube-system pod to be Ready');
    for (const args of [
      ['wait', '--for=condition=Ready', 'nodes', '--all'],
      ['-n', 'kube-system', 'wait', '--for=condition=Ready', 'pods', '--all'],
    ])
      await run(kubectl, ['--kubeconfig', kubeconfig, ...args, `--timeout=${READY_TIMEOUT_S}s`], {
        timeoutMs: (READY_TIMEOUT_S + 10) * 1000,
      });
    const { info, coredns } = await describe(KIND_DIR, kubeconfig, kubectl);
    await waitUntil(() => apiserverReady(info.endpoints.apiServer, loadTls(info.adminTls)), {
      timeoutMs: 60_000,
      intervalMs: 500,
      description: 'the API to answer /readyz through the load balancer',
    });
    info.components = await componentsOf(opts.components, images);
    const ready: ReadyRecord = { ...record, status: 'ready', info, coredns };
    writeRecord(KIND_DIR, ready);
    return { info, record: ready };
  } catch (err) {
    progress(`kind: the cluster did not come up (${(err as Error).message.split('\n')[0]}); removing it`);
    await down(kind).catch(() => undefined);
    throw err;
  }
}

/** A cluster that is there already is refused, unless it was a drill's whose process is gone. */
async function refuseRunning(kind: string): Promise<void> {
  const record = readRecord();
  const exists = (await kindClusters(kind)).includes(KIND_CLUSTER);
  if (!exists && !record) return;
  if (record && record.owner === 'drill' && !isAlive(record.pid)) {
    progress(`removing the kind cluster an interrupted drill left (pid ${record.pid}, ${record.createdAt})`);
    await removeAll(kind);
    return;
  }
  throw new EnvironmentError(
    `a kind cluster ${KIND_CLUSTER} is already there${record ? ` (made by pid ${record.pid} for ${record.owner} at ${record.createdAt})` : ' (not made by this tool, or its record is gone)'}`,
    'use it with --reuse-cluster, or remove it with `npm run cluster -- down --provider kind`',
  );
}

/** The containers of our kind cluster, by kind's label. */
async function clusterContainers(): Promise<string[]> {
  const r = await dockerMaybe(['ps', '-a', '-q', '--filter', `label=io.x-k8s.kind.cluster=${KIND_CLUSTER}`]);
  return r.stdout.split('\n').filter(Boolean);
}

/**
 * Removes the cluster with `kind delete cluster`, or, where kind is not built (a machine that never
 * finished `setup -- kind`), its containers by kind's label; then kind's network and our directory.
 */
async function removeAll(kind: string | undefined): Promise<{ removed: string[]; left: string[] }> {
  const removed: string[] = [];
  const left: string[] = [];
  const before = await clusterContainers();
  if (before.length > 0) {
    if (kind) await deleteKindCluster(kind, KIND_CLUSTER);
    else await dockerMaybe(['rm', '-f', '-v', ...before]);
    removed.push(`kind cluster ${KIND_CLUSTER} (${before.length} containers)`);
  }
  const after = await clusterContainers();
  if (after.length > 0) left.push(`containers of kind cluster ${KIND_CLUSTER}: ${after.join(' ')}`);
  // kind's Docker network (a bridge) outlives its clusters; Docker refuses while another cluster uses it.
  const network = await dockerMaybe(['network', 'rm', 'kind']);
  if (network.exitCode === 0) removed.push('Docker network kind');
  if (existsSync(KIND_DIR)) {
    if (clusterDirState(KIND_DIR) === 'ours') {
      rmSync(KIND_DIR, { recursive: true, force: true });
      removed.push(KIND_DIR);
    } else left.push(KIND_DIR);
  }
  return { removed, left };
}

/** Removes the cluster (found by kind's labels) and its directory. */
export function down(kind: string | undefined): Promise<{ removed: string[]; left: string[] }> {
  return removeAll(kind);
}
