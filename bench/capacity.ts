/**
 * The machine's capacity and the instrument's own cost: a healthy cluster under the drill's
 * probes and k6 at rising rates, each for a while, and for each rate the API P99 and errors
 * (split by who saw them and what they were), and the CPU of the cluster, the drill process and k6.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isApiProbe } from '../src/analysis/probes.ts';
import { latencyStats } from '../src/analysis/percentiles.ts';
import type { Components } from '../src/components/components.ts';
import { down, up } from '../src/providers/local/provider.ts';
import { processesOf } from '../src/providers/local/teardown.ts';
import type { ClusterInfo } from '../src/cluster/topology.ts';
import { Observers } from '../src/drill/observers.ts';
import { ensureProbeNamespace } from '../src/drill/readback.ts';
import { Recorder } from '../src/observe/recorder.ts';
import { validateScenario } from '../src/scenario/validate.ts';
import { cpuSecondsOf, sleep } from '../src/util/proc.ts';

function clusterCpuSeconds(dir: string): number {
  return processesOf(dir).reduce((sum, pid) => sum + (cpuSecondsOf(pid) ?? 0), 0);
}

/** Busy share of both cores from /proc/stat between two readings. */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export interface CapacityStep {
  rate: number;
  seconds: number;
  requests: number;
  failed: number;
  p99Ms: number | null;
  /** Failed API requests by source and what they said. */
  failures: Map<string, number>;
  cpu: { cluster: number; drill: number; k6: number | null; machineBusyPercent: number };
  eventLoopP99Ms: number | null;
  k6Dropped: number;
}

async function step(
  cluster: ClusterInfo,
  components: Components,
  rate: number,
  seconds: number,
): Promise<CapacityStep> {
  const scenario = validateScenario(
    {
      name: 'capacity',
      description: 'capacity benchmark',
      faults: [{ kind: 'kill', apiserver: 'node-1' }],
      load: { rate },
    },
    'the capacity benchmark',
  );
  const recorder = new Recorder();
  const scratch = path.join(cluster.dir, 'drill');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const observers = await Observers.create(
    cluster,
    recorder,
    scenario,
    randomBytes(3).toString('hex'),
    components.path('k6'),
    scratch,
  );
  await observers.start();
  const cpu0 = clusterCpuSeconds(cluster.dir);
  const m0 = machineTicks();
  recorder.beginPhase('baseline');
  await sleep(seconds * 1000);
  recorder.endPhase();
  const cpu1 = clusterCpuSeconds(cluster.dir);
  const m1 = machineTicks();
  await observers.stop();
  const timeline = recorder.finish();
  const phase = timeline.phases[0]!;
  const api = timeline.samples.filter(
    (s) => isApiProbe(s.probe) && s.start >= phase.start && s.start < phase.end,
  );
  const failures = new Map<string, number>();
  for (const s of api.filter((x) => x.outcome !== 'ok')) {
    const key = `${s.probe.startsWith('k6:') ? 'k6' : s.probe}: ${s.outcome} ${s.detail ?? ''}`.trim();
    failures.set(key, (failures.get(key) ?? 0) + 1);
  }
  const h = timeline.harness;
  const overSeconds = h?.overSeconds ?? seconds;
  return {
    rate,
    seconds,
    requests: api.length,
    failed: api.filter((s) => s.outcome !== 'ok').length,
    p99Ms: latencyStats(api.map((s) => s.end - s.start))?.p99Ms ?? null,
    failures,
    cpu: {
      cluster: (cpu1 - cpu0) / seconds,
      drill: (h?.cpuSeconds.drill ?? 0) / overSeconds,
      k6: h?.cpuSeconds.k6 == null ? null : h.cpuSeconds.k6 / overSeconds,
      machineBusyPercent: (100 * (m1.busy - m0.busy)) / Math.max(1, m1.total - m0.total),
    },
    eventLoopP99Ms: h?.eventLoopDelay.p99Ms ?? null,
    k6Dropped: timeline.load?.droppedIterations ?? 0,
  };
}

const pct = (share: number) => `${(100 * share).toFixed(0)} %`;

export async function capacity(components: Components, rates: number[], seconds: number): Promise<void> {
  await down();
  const cluster = await up({ owner: 'cluster-up', components });
  const results: CapacityStep[] = [];
  try {
    await ensureProbeNamespace(cluster.endpoints.kubeconfig);
    console.log(
      `capacity: a healthy cluster under the drill's probes (about 60 API requests/s of their own) and k6 at each rate, ${seconds} s per rate`,
    );
    console.log(
      '  k6 rate  API req/s  P99 ms   errors  cluster CPU  drill CPU  k6 CPU  machine busy  loop P99  k6 dropped',
    );
    for (const rate of rates) {
      const r = await step(cluster, components, rate, seconds);
      results.push(r);
      console.log(
        `  ${String(rate).padStart(7)}  ${(r.requests / seconds).toFixed(0).padStart(9)}  ${(r.p99Ms?.toFixed(1) ?? 'n/a').padStart(6)}  ` +
          `${String(r.failed).padStart(7)}  ${pct(r.cpu.cluster).padStart(11)}  ${pct(r.cpu.drill).padStart(9)}  ` +
          `${(r.cpu.k6 === null ? 'n/a' : pct(r.cpu.k6)).padStart(6)}  ${`${r.cpu.machineBusyPercent.toFixed(0)} %`.padStart(12)}  ` +
          `${(r.eventLoopP99Ms?.toFixed(1) ?? 'n/a').padStart(8)}  ${String(r.k6Dropped).padStart(10)}`,
      );
      for (const [what, n] of [...r.failures].sort((a, b) => b[1] - a[1]).slice(0, 5))
        console.log(`           ${n} x ${what}`);
    }
  } finally {
    await down();
  }
  const good = results.filter((r) => r.failed === 0 && r.p99Ms !== null && r.p99Ms <= 500);
  const best = good.reduce<CapacityStep | undefined>(
    (a, r) => (a === undefined || r.rate > a.rate ? r : a),
    undefined,
  );
  console.log(
    best
      ? `highest k6 rate with API P99 <= 500 ms and no failed request: ${best.rate} req/s (${(best.requests / seconds).toFixed(0)} API requests/s with the probes)`
      : 'no rate tried kept API P99 <= 500 ms with no failed request',
  );
  console.log(
    'CPU columns are shares of one core; cluster = every process of the cluster, drill = the drill process (probes, recorder), machine busy = both cores.',
  );
}
