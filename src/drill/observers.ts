import os from 'node:os';
import type { ClusterInfo } from '../cluster/topology.ts';
import { K6Load, type K6Result } from '../observe/k6-runner.ts';
import { EtcdLogReader } from '../observe/evidence/etcd-log.ts';
import { HarnessMeter } from '../observe/evidence/harness-usage.ts';
import { LbStatusPoller } from '../observe/evidence/lb-status.ts';
import { scrapeCounters } from '../observe/evidence/metrics.ts';
import {
  apiCreateProbe,
  apiDeleteProbe,
  apiReadProbe,
  apiUpdateProbe,
  PROBE_NAMESPACE,
} from '../observe/probes/api-probes.ts';
import {
  LEADER_LEASES,
  leaseProbe,
  WORKLOAD_INTERVAL_MS,
  workloadProbe,
} from '../observe/probes/control-loop-probes.ts';
import { NetnsResolver } from '../observe/probes/netns-dns.ts';
import { dnsProbe } from '../observe/probes/dns-probe.ts';
import { etcdMemberProbe } from '../observe/probes/etcd-probe.ts';
import { ProbeLoop, type Probe } from '../observe/probes/probe-loop.ts';
import { WatchProbe } from '../observe/probes/watch-probe.ts';
import type { Recorder } from '../observe/recorder.ts';
import type { Scenario } from '../scenario/types.ts';
import { apiClient, type ApiClient } from '../util/api-client.ts';
import {
  loadCredentialsFromFiles,
  loadCredentialsFromMaterial,
  type LoadCredentials,
} from '../observe/load-credentials.ts';
import { credentialsFromKubeconfig } from '../util/kubeconfig-credentials.ts';
import { loadTls, type TlsMaterial } from '../util/tls-client.ts';

/** The nice value of the drill process and k6 while they measure (root may lower it below 0). */
export const HARNESS_NICE = -5;

function raisePriority(pid: number): void {
  try {
    os.setPriority(pid, HARNESS_NICE);
  } catch {
    // Not root, or not allowed: the harness measures at normal priority, and its event-loop delay says how late it ran.
  }
}

/** How often HAProxy's own view of the backends is read. */
export const LB_POLL_MS = 250;

/**
 * Everything that watches the cluster during a drill: the service probes
 * (through the load balancer and the one DNS address, as users reach the
 * cluster; API probes in both client styles), per-member probes (each
 * apiserver, each CoreDNS replica, each etcd member directly, to show which
 * side of a fault saw what), k6's load, and the cluster's own records the
 * report cross-checks its figures with (HAProxy's view, etcd's log, counters).
 */
export class Observers {
  private readonly loops: ProbeLoop[] = [];
  private readonly watch: WatchProbe;
  private readonly k6: K6Load;
  private readonly lb?: LbStatusPoller;
  private readonly etcdLog?: EtcdLogReader;
  private readonly meter = new HarnessMeter();
  private readonly scrapeClients: Record<string, ApiClient>;
  private readonly etcdScrapeClients: Record<string, { client: ApiClient; path: string }>;

  /** Probes use the admin kubeconfig's credentials, whatever their form (certificates, token, exec plugin). */
  static async create(
    cluster: ClusterInfo,
    recorder: Recorder,
    scenario: Scenario,
    runId: string,
    k6Binary: string,
    workDir: string,
  ): Promise<Observers> {
    const admin = await credentialsFromKubeconfig(cluster.endpoints.kubeconfig);
    // The load's own least-privilege identity where the provider made one; else the admin's.
    const credentials = cluster.loadTls
      ? loadCredentialsFromFiles(cluster.loadTls)
      : loadCredentialsFromMaterial(admin, workDir);
    return new Observers(cluster, recorder, scenario, runId, k6Binary, workDir, admin, credentials);
  }

  private constructor(
    private readonly cluster: ClusterInfo,
    private readonly recorder: Recorder,
    scenario: Scenario,
    runId: string,
    k6Binary: string,
    workDir: string,
    admin: TlsMaterial,
    credentials: LoadCredentials,
  ) {
    const {
      probeIntervalMs: every,
      memberProbeIntervalMs: memberEvery,
      probeTimeoutMs: timeout,
    } = scenario.load;
    const etcd = loadTls(cluster.etcdClient);
    const lb = cluster.endpoints.apiServer;
    const add = (p: Probe, interval = every) => this.loops.push(new ProbeLoop(p, recorder, interval));
    for (const style of ['new-connection', 'keepalive'] as const) {
      const suffix = style === 'keepalive' ? '-keepalive' : '';
      add(apiReadProbe(`api-read${suffix}`, apiClient(style, lb, admin), timeout));
      add(
        apiCreateProbe(
          `api-write${suffix}`,
          apiClient(style, lb, admin),
          timeout,
          recorder,
          runId,
          `w${suffix ? 'k' : ''}`,
        ),
      );
    }
    add(apiUpdateProbe('api-update', apiClient('keepalive', lb, admin), timeout, recorder, runId));
    add(apiDeleteProbe('api-delete', apiClient('keepalive', lb, admin), timeout, recorder, runId));
    // Where the DNS addresses are routed only inside a node (kind), the lookups are made from there.
    const via = cluster.endpoints.dnsNetns ? new NetnsResolver(cluster.endpoints.dnsNetns) : undefined;
    add(dnsProbe('dns', cluster.endpoints.dns, timeout, cluster.endpoints.kubernetesServiceIp, via));
    for (const n of cluster.nodes) {
      const direct = apiClient('keepalive', cluster.endpoints.apiServerOf[n.name]!, admin);
      add(
        apiCreateProbe(
          `member:api-write@${n.name}`,
          direct,
          timeout,
          recorder,
          `${runId}-${n.name.replace('node-', 'n')}`,
        ),
        memberEvery,
      );
      const member = apiClient('keepalive', cluster.endpoints.etcdOf[n.name]!, etcd);
      add(etcdMemberProbe(n.name, member, Math.min(timeout, 1000), recorder));
    }
    cluster.endpoints.dnsReplicas.forEach((addr, i) =>
      add(
        dnsProbe(
          `member:dns@replica-${i}`,
          addr.replace(/:53$/, ''),
          timeout,
          cluster.endpoints.kubernetesServiceIp,
          via,
        ),
        memberEvery,
      ),
    );
    // The control loops behind leader elections: who holds each lease, and whether new pods run.
    for (const lease of LEADER_LEASES)
      add(leaseProbe(lease, apiClient('keepalive', lb, admin), timeout, recorder), memberEvery);
    // New Deployments only where a fault aims at a loop that runs them: each one costs the API about ten
    // writes (ReplicaSet, pod, binding, status, deletion), load a small cluster feels in its P99.
    const aimsAtLoops = scenario.faults.some((f) => 'controller-manager' in f || 'scheduler' in f);
    if (cluster.workloads && aimsAtLoops)
      add(
        workloadProbe(apiClient('keepalive', lb, admin), cluster.workloads.image, runId, timeout),
        WORKLOAD_INTERVAL_MS,
      );
    this.watch = new WatchProbe(lb, admin, recorder, runId, timeout, every);
    this.scrapeClients = Object.fromEntries(
      cluster.nodes.map((n) => [
        n.name,
        apiClient('keepalive', cluster.endpoints.apiServerOf[n.name]!, admin),
      ]),
    );
    this.etcdScrapeClients = Object.fromEntries(
      Object.entries(cluster.evidence?.etcdMetricsOf ?? {}).map(([member, url]) => {
        const u = new URL(url);
        return [member, { client: apiClient('keepalive', u.origin, etcd), path: u.pathname }];
      }),
    );
    const evidence = cluster.evidence;
    if (evidence?.lbStatsSocket)
      this.lb = new LbStatusPoller(evidence.lbStatsSocket, 'apiservers', recorder, LB_POLL_MS);
    if (evidence) this.etcdLog = new EtcdLogReader(evidence.etcdLogOf);
    const { baselineSeconds, holdSeconds, recoverySeconds } = scenario.phases;
    this.k6 = new K6Load({
      k6: k6Binary,
      baseUrl: lb,
      credentials,
      rate: scenario.load.rate,
      // An upper bound only: the drill stops k6 when the recovery phase ends.
      durationSeconds: Math.ceil(baselineSeconds + holdSeconds + recoverySeconds) + 600,
      runId,
      namespace: PROBE_NAMESPACE,
      mix: scenario.load.mix,
      timeoutMs: timeout,
      workDir,
    });
  }

  /** k6's summary export, to keep beside the report. */
  get loadSummaryFile(): string {
    return this.k6.summaryFile;
  }

  private async scrape(): Promise<void> {
    for (const m of await scrapeCounters(this.etcdScrapeClients, this.scrapeClients))
      this.recorder.metrics(m);
  }

  async start(): Promise<void> {
    // The instrument first: on a busy 2-core machine a probe timer that fires late, or an answer read
    // late, is the harness's error, not the cluster's. The probes use a fifth of a core; a higher
    // priority lets them keep time while the cluster works through a backlog.
    raisePriority(process.pid);
    this.etcdLog?.mark();
    await this.scrape();
    this.meter.start();
    this.k6.start();
    if (this.k6.pid !== undefined) raisePriority(this.k6.pid);
    await this.k6.ready();
    for (const l of this.loops) l.start();
    this.watch.start();
    this.lb?.start();
  }

  /** Stops probes and load; k6's requests, the counters and etcd's log lines join the timeline. */
  async stop(): Promise<void> {
    const load: Promise<K6Result> = this.k6.finish();
    await Promise.all(this.loops.map((l) => l.stop()));
    await this.watch.stop();
    this.lb?.stop();
    const k6 = await load;
    this.recorder.harness(this.meter.stop(k6.cpuSeconds));
    for (const s of k6.samples) this.recorder.sample(s);
    if (k6.summary) this.recorder.load(k6.summary);
    else this.recorder.event('error', `k6 wrote no summary: ${k6.summaryError ?? 'unknown'}`);
    if (k6.samples.length === 0) {
      this.recorder.event(
        'error',
        `k6 made no requests (exit code ${k6.exitCode}); see k6.log beside the report`,
      );
    }
    await this.scrape();
    for (const c of Object.values(this.scrapeClients)) c.close();
    for (const m of Object.values(this.etcdScrapeClients)) m.client.close();
    if (this.etcdLog) this.recorder.etcdLog(this.etcdLog.read());
  }
}
