/**
 * A game day: the suite's drills one after another, each with its own reports, on as few clusters
 * as their needs allow (drills that need the same cluster share one, started by the first of them
 * and kept between them). Before each drill on a kept cluster its health is checked; a cluster that
 * is not healthy, or that a drill stopped on, is replaced by a new one. Ctrl-C ends the game day
 * after the drill in progress has healed its faults; the last cluster is always removed.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Components } from '../components/components.ts';
import { writeDrillReports } from '../drill/drill-report.ts';
import { runDrill } from '../drill/run-drill.ts';
import type { Provider } from '../providers/provider.ts';
import type { Report } from '../report/report-model.ts';
import type { Scenario } from '../scenario/types.ts';
import { errorMessage } from '../util/errors.ts';
import { progress } from '../util/progress.ts';
import { runOrder } from './plan.ts';
import { settingsDigest } from './trends.ts';
import { verdictOfExitCode, type DrillOutcome } from './suite-outcome.ts';

export interface PlannedDrill {
  position: number;
  scenario: Scenario;
  scenarioFile: string;
  scenarioSha256: string;
  clusterKey: string;
}

export interface GamedayRequest {
  provider: Provider;
  drills: PlannedDrill[];
  components: Components;
  reportDir: string;
  stopOnFailure: boolean;
}

export interface GamedayRun {
  startedAt: Date;
  endedAt: Date;
  drills: DrillOutcome[];
  /** Each drill's report, by its position in the suite. */
  reports: Map<number, Report>;
  clustersStarted: number;
  /** Ctrl-C (or a TERM or HUP) ended it early. */
  interrupted: boolean;
}

/** How long a kept cluster may take to be healthy before the next drill; else it is replaced. */
const HEALTH_WAIT_MS = 30_000;

async function healthyCluster(provider: Provider): Promise<{ ok: boolean; why: string }> {
  const deadline = Date.now() + HEALTH_WAIT_MS;
  let why = 'no cluster is running';
  for (;;) {
    const { cluster, absent } = await provider.attached();
    if (!cluster) return { ok: false, why: absent ?? why };
    const status = await cluster.status().catch((err: unknown) => {
      why = `its status could not be read: ${errorMessage(err)}`;
      return undefined;
    });
    const unhealthy = status?.rows.filter((r) => !r.healthy).map((r) => `${r.id} (${r.detail})`) ?? [];
    if (status && status.loadBalancerReady && unhealthy.length === 0) return { ok: true, why: '' };
    if (status)
      why = `not healthy: ${[...(status.loadBalancerReady ? [] : ['load balancer']), ...unhealthy].join(', ')}`;
    if (Date.now() > deadline) return { ok: false, why };
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function removeCluster(provider: Provider): Promise<void> {
  if (!(await provider.attached()).cluster) return;
  progress('game day: removing the cluster');
  const { left } = await provider.remove();
  if (left.length) progress(`game day: left behind: ${left.join(', ')}`);
}

export async function runGameday(req: GamedayRequest): Promise<GamedayRun> {
  const startedAt = new Date();
  const ordered = runOrder(req.drills);
  const drills: DrillOutcome[] = [];
  const reports = new Map<number, Report>();
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (s: NodeJS.Signals) => {
    interrupted ??= s;
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  let clusterKey: string | undefined;
  let clusterNumber = 0;
  let stopped: string | undefined;
  try {
    for (const [i, d] of ordered.entries()) {
      const name = d.scenario.name;
      const base = {
        position: d.position,
        ranAs: i + 1,
        scenario: name,
        settingsDigest: settingsDigest(d.scenario),
      };
      if (interrupted || stopped) {
        drills.push({
          ...base,
          verdict: 'not-run',
          why: interrupted ? `interrupted by ${interrupted}` : stopped!,
        });
        continue;
      }
      // A kept cluster serves the next drill only if it has what the drill needs and is healthy.
      let reuse = clusterKey === d.clusterKey;
      if (reuse) {
        const health = await healthyCluster(req.provider);
        if (!health.ok) {
          progress(`game day: the cluster is ${health.why}; starting a new one for ${name}`);
          reuse = false;
        }
      }
      if (!reuse) {
        await removeCluster(req.provider);
        clusterNumber++;
      }
      const dir = `${String(d.position).padStart(2, '0')}-${name}`;
      const reportDir = path.join(req.reportDir, dir);
      mkdirSync(reportDir, { recursive: true });
      progress(
        `game day: drill ${i + 1} of ${ordered.length}: ${name} (${reuse ? 'on the running cluster' : 'on a new cluster'})`,
      );
      const run = await runDrill({
        provider: req.provider,
        scenario: d.scenario,
        scenarioFile: d.scenarioFile,
        scenarioSha256: d.scenarioSha256,
        components: req.components,
        keepCluster: true,
        reuseCluster: reuse,
        reportDir,
        clusterOwner: 'drill',
      });
      const { exitCode, summary, json, report } = await writeDrillReports(run);
      console.error(summary);
      reports.set(d.position, report);
      const verdict = verdictOfExitCode(exitCode);
      drills.push({
        ...base,
        verdict,
        exitCode,
        dir,
        cluster: { number: clusterNumber, started: !reuse },
        figures: json.figures,
        failedVerdicts: report.verdicts
          .filter((v) => v.result === 'fail')
          .map((v) => (v.interval ? `${v.slo} (${v.interval})` : v.slo)),
        ...(report.abortReason ? { why: report.abortReason } : {}),
      });
      // A drill that stopped may have left its cluster in any state: the next one starts afresh.
      clusterKey = run.status === 'completed' ? d.clusterKey : undefined;
      if (req.stopOnFailure && (verdict === 'failed' || verdict === 'could-not-run'))
        stopped = `not run: ${name} ${verdict === 'failed' ? 'failed an SLO' : 'could not run'} and the suite stops on failure`;
    }
  } finally {
    await removeCluster(req.provider).catch((err: unknown) =>
      progress(`game day: removing the cluster failed: ${errorMessage(err)}`),
    );
    for (const s of signals) process.off(s, onSignal);
  }
  return {
    startedAt,
    endedAt: new Date(),
    drills,
    reports,
    clustersStarted: clusterNumber,
    interrupted: interrupted !== undefined,
  };
}
