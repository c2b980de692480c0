/**
 * The local provider: a kubeadm-style stacked HA control plane on this
 * machine, each node a network namespace, every part a real upstream binary.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Components } from '../../components/components.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { EnvironmentError, errorMessage } from '../../util/errors.ts';
import { portFree } from '../../util/net.ts';
import { isAlive, type ProcessIdentity } from '../../util/proc.ts';
import { progress } from '../../util/progress.ts';
import { loadTls } from '../../util/tls-client.ts';
import { waitUntil } from '../../util/wait-until.ts';
import { apiserverReady, etcdStatus, httpOk, leaseHolder } from '../../cluster/health.ts';
import { pkiDirOf, pkiSpecOf } from './pki-spec.ts';
import { makePki, writeKubeconfig, type Pki } from '../../cluster/pki.ts';
import type { ClusterInfo } from '../../cluster/topology.ts';
import { applyManifest, bootstrapManifest } from './bootstrap.ts';
import {
  boundsOf,
  binaryOf,
  COMPONENTS,
  clientAddress,
  inClusterAddress,
  layoutOf,
  resolveLocalConfig,
  type Layout,
  type LocalClusterConfig,
} from './config.ts';
import { corefile, kwokStages } from './config-files.ts';
import { loadBalancerSpecs, loadBalancerWords, writeLoadBalancerFiles } from './load-balancers.ts';
import { lbStatsSocketOf, logFileOf, specId } from './process-spec.ts';
import { addRule, checkNetworkFree, createNetwork } from './network.ts';
import { peerLinkRules, toxiproxyApi, toxiproxyConfig, toxiproxyReady } from './peer-links.ts';
import * as specs from './specs.ts';
import { clusterDirState, createClusterDir, MARKER_FILE } from './secure-dir.ts';
import { readState, recordResource, writeState, type ClusterState } from './state.ts';
import { addProcesses, readProcessTable, startSupervisor } from './supervisor-client.ts';
import { remnants, teardown } from './teardown.ts';

export interface UpOptions {
  config?: Partial<LocalClusterConfig>;
  /**
   * "cluster-up" and "drill-kept" (--keep-cluster) clusters stay until `down`; "drill" clusters are
   * removed by the drill, or by the next one when the drill was killed.
   */
  owner: 'cluster-up' | 'drill' | 'drill-kept';
  components: Components;
  readyTimeoutMs?: number;
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(
      'the local provider needs root: it makes network namespaces, a bridge and iptables rules',
      'run the command as root (e.g. `sudo -E npm run cluster -- up`)',
    );
  }
}

/** Brings the cluster up and returns when every component is healthy; on failure removes what it made. */
export async function up(opts: UpOptions): Promise<ClusterInfo> {
  requireRoot();
  const config = resolveLocalConfig(opts.config);
  const layout = layoutOf(config);
  await clearOrRefuse(layout);
  if (config.loadBalancers !== 'vrrp-pair' && !(await portFree(config.lbAddress, config.lbPort))) {
    throw new EnvironmentError(
      `port ${config.lbAddress}:${config.lbPort} (the load balancer) is in use`,
      'stop what listens there, or choose another port with --lb-port',
    );
  }
  await checkNetworkFree(layout);

  const id = createClusterDir(layout.dir);
  const state: ClusterState = {
    schema: 2,
    name: config.name,
    id,
    createdAt: new Date().toISOString(),
    owner: { command: opts.owner, pid: process.pid },
    status: 'creating',
    config,
    programs: [...COMPONENTS.map((c) => opts.components.path(binaryOf(c))), opts.components.path('k6')],
    resources: [],
  };
  recordResource(layout.dir, state, { kind: 'dir', path: layout.dir });
  const t0 = Date.now();
  // Ctrl-C, a kill or a closed terminal while the cluster is being made: stop making it and remove it.
  const interrupt = new UpInterrupt();
  try {
    const info = await build(layout, state, opts, interrupt);
    state.status = 'running';
    writeState(layout.dir, state);
    progress(
      `cluster ${config.name} is up in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${info.endpoints.apiServer}`,
    );
    return info;
  } catch (err) {
    progress(`cluster ${config.name} failed to come up; removing what was made`);
    // An interrupted start is not a failure to investigate: its logs go with it.
    const logs = interrupt.signalled ? undefined : keepLogs(layout.dir, config.name);
    const left = await teardown(layout.dir, config.name)
      .then(() => remnants(layout.dir, config.name))
      .catch((e: unknown) => [`teardown failed: ${errorMessage(e)}`]);
    if (left.length) progress(`could not remove: ${left.join(', ')}; run \`npm run cluster -- down\``);
    if (logs && err instanceof EnvironmentError) err.message += `\n  component logs kept at ${logs}`;
    throw err;
  } finally {
    interrupt.dispose();
  }
}

/** Copies the component logs of a failed start out of the cluster directory, which teardown removes. */
function keepLogs(dir: string, name: string): string | undefined {
  const logs = path.join(dir, 'logs');
  if (!existsSync(logs)) return undefined;
  const target = mkdtempSync(path.join(os.tmpdir(), `kube-ha-drill-${name}-failed-start-`));
  cpSync(logs, target, { recursive: true });
  return target;
}

/** A leftover of a killed drill is removed; a cluster somebody brought up on purpose is not touched. */
async function clearOrRefuse(layout: Layout): Promise<void> {
  // Anything at the cluster's path that we did not make is refused here, and never removed.
  if (clusterDirState(layout.dir) === 'absent') return;
  const prior = readState(layout.dir);
  const ownerGone = !prior || !isAlive(prior.owner.pid);
  if (!prior || (prior.owner.command === 'drill' && ownerGone)) {
    progress(
      prior
        ? `removing the leftovers of an earlier drill (pid ${prior.owner.pid}, ${prior.createdAt})`
        : 'removing a cluster directory without a state file (its start was interrupted)',
    );
    await teardown(layout.dir, layout.config.name);
    return;
  }
  if (prior.status === 'creating' && ownerGone) {
    progress(`removing a cluster whose start was interrupted (${prior.createdAt})`);
    await teardown(layout.dir, layout.config.name);
    return;
  }
  throw new EnvironmentError(
    `a cluster named "${layout.config.name}" is already up (made by ${prior.owner.command} at ${prior.createdAt})`,
    'use it (drills: --reuse-cluster), or remove it with `npm run cluster -- down`',
  );
}

/**
 * Signals that arrive while the cluster is being made: each step checks in, and the first one after
 * a signal throws, so that up()'s failure path removes what was made. Without this a Ctrl-C would end
 * the process mid-way and leave a half-made cluster.
 */
class UpInterrupt {
  private signal?: NodeJS.Signals;
  private readonly onSignal = (s: NodeJS.Signals) => {
    this.signal ??= s;
    progress(`${s}: stopping the start of the cluster and removing what was made`);
  };
  private static readonly SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

  constructor() {
    for (const s of UpInterrupt.SIGNALS) process.on(s, this.onSignal);
  }

  get signalled(): boolean {
    return this.signal !== undefined;
  }

  check(): void {
    if (this.signal)
      throw new EnvironmentError(`interrupted by ${this.signal} while the cluster was being made`);
  }

  dispose(): void {
    for (const s of UpInterrupt.SIGNALS) process.off(s, this.onSignal);
  }
}

/** toxiproxy with every link's proxy, then the rules that send each member's peer connections to them. */
async function startPeerLinkProxies(
  layout: Layout,
  state: ClusterState,
  bin: specs.Binaries,
  supervisor: ProcessIdentity,
  interrupt: UpInterrupt,
): Promise<void> {
  const configFile = path.join(layout.dir, 'toxiproxy.json');
  writeFileAtomic(configFile, toxiproxyConfig(layout));
  const api = new URL(toxiproxyApi(layout));
  addProcesses(layout.dir, '05-peer-links', [specs.toxiproxySpec(layout, bin, configFile, api)], supervisor);
  await waitFor('toxiproxy', Date.now() + 30_000, () => toxiproxyReady(layout), layout.dir, interrupt);
  for (const rule of peerLinkRules(layout)) await addRule(layout.dir, state, rule);
}

function binaries(c: Components): specs.Binaries {
  return Object.fromEntries(COMPONENTS.map((n) => [n, c.path(binaryOf(n))])) as unknown as specs.Binaries;
}

async function build(
  layout: Layout,
  state: ClusterState,
  opts: UpOptions,
  interrupt: UpInterrupt,
): Promise<ClusterInfo> {
  const { config, dir } = layout;
  const bin = binaries(opts.components);
  const kubectl = opts.components.path('kubectl');
  const lbUrl = `https://${clientAddress(layout)}:${config.lbPort}`;
  const lbUrlInCluster = `https://${inClusterAddress(layout)}:${config.lbPort}`;

  interrupt.check();
  progress(
    layout.vip
      ? 'network: bridge, three node namespaces, two load-balancer namespaces'
      : 'network: bridge, three node namespaces',
  );
  await createNetwork(layout, state);

  interrupt.check();
  progress('pki: certificate authorities and certificates');
  const pki = await makePki(pkiDirOf(layout), pkiSpecOf(layout));
  const paths = await writeFiles(layout, pki, lbUrl, lbUrlInCluster);

  // One DNS address for clients: iptables spreads queries over the two CoreDNS replicas, as kube-proxy would.
  const replicas = corednsNodes(layout);
  for (const proto of ['udp', 'tcp']) {
    const match = [
      '-d',
      `${layout.dnsVip}/32`,
      '-p',
      proto,
      '--dport',
      '53',
      '-m',
      'comment',
      '--comment',
      `kube-ha-drill:${config.name}`,
    ];
    await addRule(dir, state, {
      kind: 'iptables',
      table: 'nat',
      chain: 'OUTPUT',
      args: [
        ...match,
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        '0.5',
        '-j',
        'DNAT',
        '--to-destination',
        `${replicas[0]!.ip}:53`,
      ],
    });
    await addRule(dir, state, {
      kind: 'iptables',
      table: 'nat',
      chain: 'OUTPUT',
      args: [...match, '-j', 'DNAT', '--to-destination', `${replicas[1]!.ip}:53`],
    });
  }

  interrupt.check();
  progress('supervisor: starting');
  const supervisor = await startSupervisor(dir, {
    backoffMs: config.restartBackoffMs,
    backoffMaxMs: config.restartBackoffMaxMs,
  });
  recordResource(dir, state, { kind: 'supervisor', ...supervisor });

  if (config.etcdPeerLinks === 'proxied') {
    interrupt.check();
    progress('toxiproxy: a proxy on each etcd peer link');
    await startPeerLinkProxies(layout, state, bin, supervisor, interrupt);
  }

  interrupt.check();
  progress('etcd x3, kube-apiserver x3: starting');
  addProcesses(
    dir,
    '10-control-plane',
    [
      ...layout.nodes.map((n) => specs.etcdSpec(layout, bin, paths, n)),
      ...layout.nodes.map((n) => specs.apiserverSpec(layout, bin, paths, n)),
    ],
    supervisor,
  );

  const adminTls = loadTls({ ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key });
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  await waitFor(
    'every apiserver ready',
    deadline,
    async () => {
      const ready = await Promise.all(
        layout.nodes.map((n) => apiserverReady(`https://${n.ip}:6443`, adminTls)),
      );
      return ready.every(Boolean);
    },
    dir,
    interrupt,
  );
  // Started once its backends answer: HAProxy takes a server as up until its checks fail, so it
  // serves at once, instead of marking every backend down first and waiting out `rise` checks.
  interrupt.check();
  progress(`${loadBalancerWords(layout)}: starting`);
  addProcesses(dir, '15-load-balancer', loadBalancerSpecs(layout, bin), supervisor);
  await waitFor(
    layout.vip ? `virtual IP ${layout.vip} /readyz` : 'load balancer /readyz',
    deadline,
    () => apiserverReady(lbUrl, adminTls),
    dir,
    interrupt,
  );

  interrupt.check();
  progress('bootstrap: CoreDNS RBAC, fake worker nodes');
  const adminKubeconfig = path.join(dir, 'admin.kubeconfig');
  await applyManifest(kubectl, adminKubeconfig, bootstrapManifest(config.fakeNodes));

  interrupt.check();
  progress('controller-manager x3, scheduler x3, CoreDNS x2, kwok: starting');
  addProcesses(
    dir,
    '20-addons',
    [
      ...layout.nodes.map((n) => specs.controllerManagerSpec(layout, bin, paths, n)),
      ...layout.nodes.map((n) => specs.schedulerSpec(layout, bin, paths, n)),
      ...replicas.map((n, i) => specs.corednsSpec(layout, bin, n, i, path.join(dir, `Corefile-${i}`))),
      specs.kwokSpec(layout, bin, path.join(dir, 'kwok.kubeconfig'), path.join(dir, 'kwok-stages.yaml')),
    ],
    supervisor,
  );

  await waitFor(
    'CoreDNS replicas ready',
    deadline,
    async () => (await Promise.all(replicas.map((n) => httpOk(`http://${n.ip}:8181/ready`)))).every(Boolean),
    dir,
    interrupt,
  );
  await waitFor(
    'controller-manager and scheduler leases held',
    deadline,
    async () =>
      !!(await leaseHolder(lbUrl, adminTls, 'kube-controller-manager')) &&
      !!(await leaseHolder(lbUrl, adminTls, 'kube-scheduler')),
    dir,
    interrupt,
  );
  const etcdTls = loadTls({
    ca: pki.etcdCa.cert,
    cert: pki.etcdProbeClient.cert,
    key: pki.etcdProbeClient.key,
  });
  await waitFor(
    'etcd members agree on a leader',
    deadline,
    async () => {
      const s = await Promise.all(
        layout.nodes.map((n) => etcdStatus(`https://${n.ip}:2379`, etcdTls).catch(() => undefined)),
      );
      return s.every((x) => x && x.leader !== '0' && x.leader === s[0]!.leader);
    },
    dir,
    interrupt,
  );

  const info: ClusterInfo = {
    name: config.name,
    provider: 'local',
    nodes: layout.nodes.map(({ name, ip }) => ({ name, ip })),
    endpoints: {
      apiServer: lbUrl,
      apiServerOf: Object.fromEntries(layout.nodes.map((n) => [n.name, `https://${n.ip}:6443`])),
      etcdOf: Object.fromEntries(layout.nodes.map((n) => [n.name, `https://${n.ip}:2379`])),
      dns: `${layout.dnsVip}:53`,
      dnsReplicas: replicas.map((n) => `${n.ip}:53`),
      kubernetesServiceIp: specs.KUBERNETES_SERVICE_IP,
      kubeconfig: adminKubeconfig,
    },
    etcdClient: { ca: pki.etcdCa.cert, cert: pki.etcdProbeClient.cert, key: pki.etcdProbeClient.key },
    adminTls: { ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key },
    loadTls: { ca: pki.ca.cert, cert: pki.load.cert, key: pki.load.key },
    bounds: boundsOf(config),
    ...(config.fakeNodes > 0 ? { workloads: { image: 'registry.k8s.io/pause:3.10' } } : {}),
    etcdTopology: config.etcdTopology,
    dir,
    evidence: {
      // A pair's two stats sockets are not read: which one serves changes with the fault.
      ...(layout.vip ? {} : { lbStatsSocket: lbStatsSocketOf(dir) }),
      etcdLogOf: Object.fromEntries(
        layout.nodes.map((n) => [n.name, logFileOf(dir, specId('etcd', n.name))]),
      ),
      // On the TLS client port, with client certificates: no plain-HTTP listener on the node address.
      etcdMetricsOf: Object.fromEntries(layout.nodes.map((n) => [n.name, `https://${n.ip}:2379/metrics`])),
    },
  };
  writeFileAtomic(path.join(dir, 'cluster.json'), JSON.stringify(info, null, 2));
  return info;
}

/** CoreDNS runs on the first two nodes, as two replicas of a Deployment spread over masters would. */
function corednsNodes(layout: Layout) {
  return layout.nodes.slice(0, 2);
}

async function writeFiles(
  layout: Layout,
  pki: Pki,
  lbUrl: string,
  lbUrlInCluster: string,
): Promise<specs.ClusterPaths> {
  const { dir, config } = layout;
  const kc = (
    file: string,
    server: string,
    cert: { cert: string; key: string },
    user: string,
    ca = pki.ca.cert,
  ) =>
    writeKubeconfig(path.join(dir, file), {
      server,
      caFile: ca,
      certFile: cert.cert,
      keyFile: cert.key,
      user,
      clusterName: config.name,
    });
  await kc('admin.kubeconfig', lbUrl, pki.admin, 'kubernetes-admin');
  await kc('kwok.kubeconfig', lbUrl, pki.kwok, 'kwok');
  await kc('coredns.kubeconfig', lbUrlInCluster, pki.coredns, 'coredns');
  const node: Record<string, specs.NodePaths> = {};
  for (const n of layout.nodes) {
    const nodeDir = path.join(dir, n.name);
    mkdirSync(nodeDir, { mode: 0o700 });
    const local = `https://${n.ip}:6443`;
    await kc(
      `${n.name}/controller-manager.kubeconfig`,
      local,
      pki.controllerManager,
      'system:kube-controller-manager',
    );
    await kc(`${n.name}/scheduler.kubeconfig`, local, pki.scheduler, 'system:kube-scheduler');
    const m = pki.etcdMembers[n.name]!;
    node[n.name] = {
      etcdData: path.join(nodeDir, 'etcd'),
      etcdServerCert: m.server.cert,
      etcdServerKey: m.server.key,
      etcdPeerCert: m.peer.cert,
      etcdPeerKey: m.peer.key,
      controllerManagerKubeconfig: path.join(nodeDir, 'controller-manager.kubeconfig'),
      schedulerKubeconfig: path.join(nodeDir, 'scheduler.kubeconfig'),
    };
  }
  writeLoadBalancerFiles(layout, pki);
  corednsNodes(layout).forEach((n, i) =>
    writeFileAtomic(
      path.join(dir, `Corefile-${i}`),
      corefile({
        listenIp: n.ip,
        kubeconfig: path.join(dir, 'coredns.kubeconfig'),
        apiServer: lbUrlInCluster,
        domain: specs.CLUSTER_DOMAIN,
      }),
    ),
  );
  writeFileAtomic(path.join(dir, 'kwok-stages.yaml'), kwokStages());
  return {
    caCert: pki.ca.cert,
    caKey: pki.ca.key,
    etcdCaCert: pki.etcdCa.cert,
    apiserverCert: pki.apiserver.cert,
    apiserverKey: pki.apiserver.key,
    apiserverEtcdClientCert: pki.apiserverEtcdClient.cert,
    apiserverEtcdClientKey: pki.apiserverEtcdClient.key,
    saKey: pki.serviceAccount.key,
    saPub: pki.serviceAccount.pub,
    node,
  };
}

async function waitFor(
  what: string,
  deadline: number,
  check: () => Promise<boolean>,
  dir: string,
  interrupt: UpInterrupt,
): Promise<void> {
  const t0 = Date.now();
  let lastReport = t0;
  await waitUntil(
    async () => {
      interrupt.check();
      if (await check().catch(() => false)) return true;
      if (Date.now() - lastReport > 10_000) {
        progress(`waiting: ${what} (${((Date.now() - t0) / 1000).toFixed(0)}s)`);
        lastReport = Date.now();
      }
      return false;
    },
    {
      timeoutMs: Math.max(0, deadline - t0),
      intervalMs: 200,
      description: what,
      error: (message) => {
        const crashed = (readProcessTable(dir)?.processes ?? [])
          .filter((p) => p.restarts > 0)
          .map((p) => `${p.id} (${p.restarts} restarts)`);
        return new EnvironmentError(
          `${message}${crashed.length ? `; crashing: ${crashed.join(', ')}` : ''}`,
          'read the component logs named below',
        );
      },
    },
  );
  progress(`${what} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
}

/** Removes the cluster and everything it made; returns what was removed and anything that could not be. */
export async function down(
  config: Partial<LocalClusterConfig> = {},
): Promise<{ removed: string[]; left: string[] }> {
  requireRoot();
  const c = resolveLocalConfig(config);
  const { dir } = layoutOf(c);
  // A directory that is not ours makes clusterDirState throw: nothing is removed then.
  let prior: ClusterState | undefined;
  try {
    prior = clusterDirState(dir) === 'ours' ? readState(dir) : undefined;
  } catch (err) {
    if (!(err instanceof EnvironmentError) || !existsSync(path.join(dir, MARKER_FILE))) throw err;
    // Our directory with a damaged state file: teardown removes what it finds by name.
  }
  if (prior) writeState(dir, { ...prior, status: 'removing' });
  const removed = await teardown(dir, c.name);
  return { removed, left: await remnants(dir, c.name) };
}

/**
 * What the state directory says of a cluster of this name, whatever its status (a start in
 * progress or interrupted shows as "creating"); undefined when there is none.
 */
export function clusterOnDisk(config: Partial<LocalClusterConfig> = {}): ClusterState | undefined {
  const { dir } = layoutOf(resolveLocalConfig(config));
  return clusterDirState(dir) === 'ours' ? readState(dir) : undefined;
}

/** The ClusterInfo of a running cluster, for drills that reuse it. */
export function runningCluster(config: Partial<LocalClusterConfig> = {}): ClusterInfo | undefined {
  const { dir } = layoutOf(resolveLocalConfig(config));
  const state = clusterDirState(dir) === 'ours' ? readState(dir) : undefined;
  if (state?.status !== 'running') return undefined;
  try {
    return JSON.parse(readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as ClusterInfo;
  } catch {
    return undefined;
  }
}
