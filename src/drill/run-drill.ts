/**
 * One drill, start to end: cluster -> observers -> baseline -> fault ->
 * hold -> heal -> recovery -> read-back -> analysis -> reports -> teardown.
 * Whatever happens, faults are healed, load is stopped, the cluster made for
 * the drill is removed, and a report is written.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Components } from '../components/components.ts';
import { LocalControl } from '../cluster/local/control.ts';
import { down, runningCluster, up } from '../cluster/local/provider.ts';
import type { ClusterInfo } from '../cluster/topology.ts';
import { faultFor } from '../faults/catalog.ts';
import type { Fault } from '../faults/fault.ts';
import { fromWallClock } from '../observe/clock.ts';
import { Recorder } from '../observe/recorder.ts';
import type { ReadonlyTimeline } from '../observe/timeline.ts';
import type { Scenario } from '../scenario/types.ts';
import { CleanupStack } from '../util/cleanup-stack.ts';
import { EnvironmentError, errorMessage } from '../util/errors.ts';
import { progress } from '../util/progress.ts';
import { settledHealth, type ComponentHealth } from './final-health.ts';
import { LiveStatus } from './live-status.ts';
import { Observers } from './observers.ts';
import { ensureProbeNamespace, etcdReadBack, readBack } from './readback.ts';

export interface DrillRequest {
  scenario: Scenario;
  scenarioFile: string;
  scenarioSha256: string;
  components: Components;
  keepCluster: boolean;
  reuseCluster: boolean;
  reportDir: string;
}

/** Everything a report is made of. */
export interface DrillRun {
  request: DrillRequest;
  runId: string;
  startedAt: Date;
  endedAt: Date;
  cluster?: ClusterInfo;
  /** Everything observed, frozen once the cleanup (which adds the process events) is done. */
  timeline: ReadonlyTimeline;
  injections: string[];
  /** Health of every component after recovery, one line each; empty when not checked. */
  finalHealth: ComponentHealth[];
  status: 'completed' | 'aborted';
  abortReason?: string;
  cleanupErrors: string[];
}

export async function runDrill(req: DrillRequest): Promise<DrillRun> {
  const cleanup = new CleanupStack();
  const recorder = new Recorder();
  const run: Omit<DrillRun, 'timeline'> = {
    request: req,
    runId: randomBytes(3).toString('hex'),
    startedAt: new Date(),
    endedAt: new Date(),
    injections: [],
    finalHealth: [],
    status: 'completed',
    cleanupErrors: [],
  };
  const { scenario } = req;
  const workDir = path.join(req.reportDir, 'work');
  mkdirSync(workDir, { recursive: true });
  let interruptWake: (() => void) | undefined;
  cleanup.onInterrupt(() => interruptWake?.());
  /** Sleeps through a phase, but wakes at once on Ctrl-C (and does not start after one). */
  const hold = async (seconds: number) => {
    if (!cleanup.interrupted) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((r) => (timer = setTimeout(r, seconds * 1000))),
        new Promise<void>((r) => (interruptWake = r)),
      ]);
      clearTimeout(timer);
    }
    if (cleanup.interrupted) throw new EnvironmentError(`interrupted by ${cleanup.interrupted}`);
  };

  try {
    // Cluster
    let cluster: ClusterInfo | undefined;
    if (req.reuseCluster) {
      cluster = runningCluster();
      if (!cluster)
        throw new EnvironmentError(
          '--reuse-cluster: no cluster is running',
          'start one with `npm run cluster -- up`, or leave out --reuse-cluster',
        );
      progress(`reusing cluster ${cluster.name} at ${cluster.endpoints.apiServer}`);
    } else {
      // up() removes what it made when it fails; only a cluster this drill made is removed at the end.
      cluster = await up({
        owner: req.keepCluster ? 'drill-kept' : 'drill',
        components: req.components,
        config: { etcdTopology: scenario.cluster.etcdTopology },
      });
      cleanup.push('remove the cluster', async () => {
        if (req.keepCluster && run.status === 'completed')
          return progress('cluster kept running (--keep-cluster); remove it with `npm run cluster -- down`');
        progress('removing the cluster');
        const { left } = await down();
        if (left.length) throw new Error(`left behind: ${left.join(', ')}`);
      });
    }
    if (cleanup.interrupted) throw new EnvironmentError(`interrupted by ${cleanup.interrupted}`);
    run.cluster = cluster;
    const ctl = new LocalControl(cluster, {
      etcdctl: req.components.path('etcdctl'),
      etcdutl: req.components.path('etcdutl'),
    });
    // Unwound after faults are healed and before the cluster goes: process starts and exits join the timeline.
    cleanup.push('collect process events', async () => mergeProcessEvents(ctl, recorder));
    for (const u of await ctl.healLeftovers()) {
      recorder.event('note', `undid what an earlier drill left on the cluster: ${u}`);
      progress(`undid what an earlier drill left: ${u}`);
    }
    // k6 writes into the cluster's directory, so whatever removes the cluster also stops it.
    const scratch = ctl.drillDir();
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    cleanup.push("keep k6's log and summary", async () => {
      for (const file of ['k6.log', 'k6-summary.json']) {
        const from = path.join(scratch, file);
        if (existsSync(from))
          copyFileSync(from, path.join(file === 'k6.log' ? workDir : req.reportDir, file));
      }
    });
    await ensureProbeNamespace(cluster.endpoints.kubeconfig);

    // Observers
    const observers = new Observers(
      cluster,
      recorder,
      scenario,
      run.runId,
      req.components.path('k6'),
      scratch,
    );
    let observersStopped = false;
    cleanup.push('stop probes and load', async () => {
      if (!observersStopped) await observers.stop();
    });
    const live = new LiveStatus(recorder);
    cleanup.push('stop the progress display', async () => live.stop());
    await observers.start();
    live.start();

    // Phases
    recorder.beginPhase('baseline');
    live.phase('baseline', scenario.phases.baselineSeconds);
    await hold(scenario.phases.baselineSeconds);

    const faults: Fault[] = scenario.faults.map((f) => faultFor(f, workDir));
    // A fault the cluster cannot be healed from (no supervisor, a full disk) is not injected.
    ctl.checkReadyForFaults();
    recorder.beginPhase('fault');
    live.phase('fault', scenario.phases.holdSeconds);
    for (const f of faults) {
      // Registered before inject: a half-made fault is healed too.
      cleanup.push(`heal ${f.kind}`, () => f.heal(ctl, recorder));
      const rec = await f.inject(ctl, recorder);
      run.injections.push(rec.description);
      progress(`fault: ${rec.description}`);
    }
    await hold(scenario.phases.holdSeconds);
    for (const f of faults) await f.heal(ctl, recorder);

    recorder.beginPhase('recovery');
    live.phase('recovery', scenario.phases.recoverySeconds);
    await hold(scenario.phases.recoverySeconds);
    recorder.endPhase();
    live.stop();

    progress('stopping probes and load');
    await observers.stop();
    observersStopped = true;

    progress(
      'reading back every write (through the API and straight from etcd) and checking every component',
    );
    const writes = recorder.writesSoFar();
    const [api, etcd, health] = await Promise.all([
      readBack(cluster.endpoints.kubeconfig, writes),
      etcdReadBack(
        req.components.path('etcdctl'),
        Object.values(cluster.endpoints.etcdOf),
        cluster.etcdClient,
        writes,
      ),
      settledHealth(cluster, () => cleanup.interrupted !== undefined),
    ]);
    recorder.readBack(api, etcd);
    run.finalHealth = health;
  } catch (err) {
    run.status = 'aborted';
    run.abortReason = errorMessage(err);
    recorder.event('error', `drill stopped: ${run.abortReason}`);
    progress(`drill stopped: ${run.abortReason}`);
  } finally {
    recorder.endPhase();
    run.cleanupErrors = await cleanup.unwind();
    run.endedAt = new Date();
  }
  return { ...run, timeline: recorder.finish() };
}

/** The supervisor stamps its events with its own wall clock: moved onto the drill's clock here. */
function mergeProcessEvents(ctl: LocalControl, recorder: Recorder): void {
  for (const e of ctl.drainProcessEvents()) {
    const data = { component: e.component, node: e.node, pid: e.pid ?? null };
    recorder.event(e.kind, e.message, data, fromWallClock(e.at));
  }
}
