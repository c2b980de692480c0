/**
 * One drill, start to end: cluster -> observers -> baseline -> fault ->
 * hold -> heal -> recovery -> read-back -> analysis -> reports -> teardown.
 * Whatever happens, faults are healed, load is stopped, the cluster made for
 * the drill is removed, and a report is written.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { CertificateInventory } from '../cluster/certificates.ts';
import { inventoryLines, readCertificates } from '../providers/certificate-inventory.ts';
import { randomBytes } from 'node:crypto';
import type { Components } from '../components/components.ts';
import type { ClusterInfo } from '../cluster/topology.ts';
import { ScenarioFault } from '../faults/fault.ts';
import { faultKindOf } from '../faults/registry.ts';
import { clusterSettingsOf } from './scenario-cluster.ts';
import { faultSchedule } from '../faults/schedule.ts';
import { checkTargetExists, targetOf } from '../faults/targets.ts';
import { ROLES, type AcquiredCluster, type Provider } from '../providers/provider.ts';
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
  provider: Provider;
  scenario: Scenario;
  scenarioFile: string;
  scenarioSha256: string;
  components: Components;
  keepCluster: boolean;
  reuseCluster: boolean;
  reportDir: string;
  /**
   * Who a cluster this drill starts is for; default: `drill-kept` with keepCluster (it stays until
   * `cluster down`), `drill` otherwise (removed by the drill, or by the next one after a crash). A
   * game day keeps its cluster between drills as `drill`, so a crash of the game day leaves nothing.
   */
  clusterOwner?: 'drill' | 'drill-kept';
}

/** Everything a report is made of. */
export interface DrillRun {
  request: DrillRequest;
  runId: string;
  startedAt: Date;
  endedAt: Date;
  cluster?: ClusterInfo;
  /** The cluster's certificates as read before the baseline. */
  certificates?: CertificateInventory;
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
  /** Sleeps until a moment (Date.now() ms), but wakes at once on Ctrl-C (and does not start after one). */
  const sleepUntil = async (deadline: number) => {
    if (!cleanup.interrupted) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now())))),
        new Promise<void>((r) => (interruptWake = r)),
      ]);
      clearTimeout(timer);
    }
    if (cleanup.interrupted) throw new EnvironmentError(`interrupted by ${cleanup.interrupted}`);
  };
  const hold = (seconds: number) => sleepUntil(Date.now() + seconds * 1000);

  try {
    // Cluster
    let acquired: AcquiredCluster;
    if (req.reuseCluster) {
      const { cluster: running, absent } = await req.provider.attached();
      if (!running)
        throw new EnvironmentError(
          `--reuse-cluster: ${absent ?? 'no cluster is running'}`,
          'start one with `npm run cluster -- up`, or leave out --reuse-cluster',
        );
      // The running cluster must have what the scenario asks for; the provider refuses it otherwise.
      acquired = await req.provider.acquire({
        mode: 'attach',
        owner: 'drill',
        ...clusterSettingsOf(scenario),
        components: req.components,
      });
    } else {
      // acquire() removes what it made when it fails; only a cluster this drill made is removed at the end.
      acquired = await req.provider.acquire({
        mode: 'start',
        owner: req.clusterOwner ?? (req.keepCluster ? 'drill-kept' : 'drill'),
        etcdTopology: scenario.cluster.etcdTopology,
        ...clusterSettingsOf(scenario),
        components: req.components,
      });
      cleanup.push('release the cluster', () =>
        acquired.release(!(req.keepCluster && run.status === 'completed')),
      );
    }
    if (cleanup.interrupted) throw new EnvironmentError(`interrupted by ${cleanup.interrupted}`);
    const cluster = acquired.info;
    run.cluster = cluster;
    // A member the cluster does not have is the scenario's mistake: said before any load or fault.
    for (const spec of scenario.faults) {
      // Kinds with fields of their own (etcd-latency) aim with a role key too, checked the same way.
      const roles = faultKindOf(spec).roles ?? ROLES.filter((r) => r in spec);
      if (roles.length) checkTargetExists(targetOf(spec, roles), acquired);
    }
    // Unwound after faults are healed and before the cluster goes: process starts and exits join the timeline.
    cleanup.push('collect process events', async () => mergeProcessEvents(acquired, recorder));
    for (const u of await acquired.healLeftovers()) {
      recorder.event('note', `undid what an earlier drill left on the cluster: ${u}`);
      progress(`undid what an earlier drill left: ${u}`);
    }
    run.certificates = await readCertificates(acquired);
    for (const line of inventoryLines(run.certificates)) progress(line);
    // k6 writes into the cluster's directory, so whatever removes the cluster also stops it.
    const scratch = acquired.scratchDir();
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
    const observers = await Observers.create(
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

    const ctx = { workDir, random: Math.random, inEffect: new Set<string>() };
    const faults = scenario.faults.map((f) => new ScenarioFault(f, ctx));
    // A fault the cluster cannot be healed from (no supervisor, a full disk) is not injected.
    acquired.checkReadyForFaults();
    recorder.beginPhase('fault');
    live.phase('fault', scenario.phases.holdSeconds);
    // Registered before any inject (a half-made fault is healed too); unwound last one first.
    for (const f of faults) cleanup.push(`heal ${f.kind}`, () => f.heal(recorder));
    const holdStart = Date.now();
    for (const step of faultSchedule(scenario.faults, scenario.phases.holdSeconds)) {
      await sleepUntil(holdStart + step.atMs);
      const f = faults[step.index]!;
      if (step.action === 'heal') {
        await f.heal(recorder);
        continue;
      }
      const description = await f.inject(acquired, recorder);
      run.injections.push(description);
      progress(`fault: ${description}`);
    }
    await sleepUntil(holdStart + scenario.phases.holdSeconds * 1000);

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
      settledHealth(acquired, () => cleanup.interrupted !== undefined),
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
function mergeProcessEvents(cluster: AcquiredCluster, recorder: Recorder): void {
  for (const e of cluster.drainEvents()) {
    const data = { component: e.component, node: e.node, pid: e.pid ?? null };
    recorder.event(e.kind, e.message, data, fromWallClock(e.at));
  }
}
