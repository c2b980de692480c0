import type { ClusterInfo } from '../cluster/topology.ts';
import { K6Load } from '../observe/k6-runner.ts';
import { apiReadProbe, apiWriteProbe, PROBE_NAMESPACE } from '../observe/probes/api-probes.ts';
import { dnsProbe } from '../observe/probes/dns-probe.ts';
import { etcdMemberProbe } from '../observe/probes/etcd-probe.ts';
import { ProbeLoop } from '../observe/probes/probe-loop.ts';
import { WatchProbe } from '../observe/probes/watch-probe.ts';
import type { Recorder } from '../observe/recorder.ts';
import type { Scenario } from '../scenario/types.ts';
import { loadTls } from '../util/tls-client.ts';
import { KUBERNETES_SERVICE_IP } from '../cluster/local/specs.ts';

/**
 * Everything that watches the cluster during a drill: the service probes
 * (through the load balancer and the one DNS address, as users reach the
 * cluster), per-member probes (each apiserver, each CoreDNS replica, each etcd
 * member directly, to show which side of a fault saw what), and k6's load.
 */
export class Observers {
  private readonly loops: ProbeLoop[] = [];
  private readonly watch: WatchProbe;
  private readonly k6: K6Load;

  constructor(
    private readonly cluster: ClusterInfo,
    private readonly recorder: Recorder,
    scenario: Scenario,
    runId: string,
    k6Binary: string,
    workDir: string,
  ) {
    const { probeIntervalMs: every, probeTimeoutMs: timeout } = scenario.load;
    const admin = loadTls(cluster.adminTls);
    const etcd = loadTls(cluster.etcdClient);
    const lb = cluster.endpoints.apiServer;
    const add = (p: Parameters<typeof this.addLoop>[0]) => this.addLoop(p, every);
    add(apiReadProbe('api-read', lb, admin, timeout));
    add(apiWriteProbe('api-write', lb, admin, timeout, recorder, runId));
    add(dnsProbe('dns', cluster.endpoints.dns, timeout, KUBERNETES_SERVICE_IP));
    for (const n of cluster.nodes) {
      const direct = cluster.endpoints.apiServerOf[n.name]!;
      add(
        apiWriteProbe(
          `member:api-write@${n.name}`,
          direct,
          admin,
          timeout,
          recorder,
          `${runId}-${n.name.replace('node-', 'n')}`,
        ),
      );
      add(
        etcdMemberProbe(n.name, cluster.endpoints.etcdOf[n.name]!, etcd, Math.min(timeout, 1000), recorder),
      );
    }
    cluster.endpoints.dnsReplicas.forEach((addr, i) =>
      add(dnsProbe(`member:dns@replica-${i}`, addr.replace(/:53$/, ''), timeout, KUBERNETES_SERVICE_IP)),
    );
    this.watch = new WatchProbe(lb, admin, recorder, runId, timeout, every);
    const { baselineSeconds, holdSeconds, recoverySeconds } = scenario.phases;
    this.k6 = new K6Load({
      k6: k6Binary,
      baseUrl: lb,
      cert: cluster.adminTls.cert,
      key: cluster.adminTls.key,
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

  private addLoop(probe: ConstructorParameters<typeof ProbeLoop>[0], every: number): void {
    this.loops.push(new ProbeLoop(probe, this.recorder, every));
  }

  start(): void {
    this.k6.start();
    for (const l of this.loops) l.start();
    this.watch.start();
  }

  /** Stops probes and load; k6's per-request results join the timeline. */
  async stop(): Promise<void> {
    const load = this.k6.finish();
    await Promise.all(this.loops.map((l) => l.stop()));
    await this.watch.stop();
    const { samples, exitCode } = await load;
    for (const s of samples) this.recorder.sample(s);
    if (samples.length === 0) {
      this.recorder.event(
        'error',
        `k6 made no requests (exit code ${exitCode}); see k6.log beside the report`,
      );
    }
  }
}
