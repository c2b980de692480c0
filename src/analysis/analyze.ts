import type { ReadonlyTimeline } from '../observe/timeline.ts';
import {
  expectedBounds,
  serviceFailoverBound,
  type ExpectedBound,
  type FailoverBounds,
  type ServiceFailoverBound,
} from './bounds.ts';
import { controlLoops, type ControlLoopFigures } from './control-loops.ts';
import { crossChecks, type CrossCheck } from './cross-checks.ts';
import { intervalFigures, type IntervalFigures } from './intervals.ts';
import { analyzeLeader, type LeaderAnalysis } from './leader.ts';
import { checkWrites, type WriteCheck } from './lost-writes.ts';
import { outagesPerProbe, type ProbeOutages } from './outages.ts';
import {
  API_AGGREGATE_LABEL,
  apiSamples,
  requestStats,
  statsPerPhase,
  type PhaseStats,
  type RequestStats,
} from './percentiles.ts';
import { isApiProbe } from './probes.ts';
import { runSpan, type RunSpan } from './run-span.ts';
import { serviceHealth, type ServiceHealth } from './service-health.ts';
import { verdicts, type JudgingSettings, type Verdict } from './verdict.ts';

/** What the analysis needs besides the timeline: the thresholds and the settings the run was made with. */
export interface AnalysisSettings extends JudgingSettings {
  bounds: FailoverBounds;
  /** Requests per second asked of the load generator; absent when no load ran. */
  loadRate?: number;
  /** How often HAProxy's stats were polled. */
  lbPollMs: number;
}

export interface FailoverAnalysis {
  bounds: ExpectedBound[];
  serviceBound?: ServiceFailoverBound;
  /** The leader election against its own bound. */
  leaderElection?: { measuredMs: number; boundMs: number; withinBound: boolean };
}

/** Every figure of a run; pure data, safe to serialise. */
export interface AnalysisFigures {
  run: RunSpan;
  /** The rules and resolution the figures were made with. */
  settings: {
    slowMs: number;
    sustainMs: number;
    probeIntervalMs: number;
    lbPollMs: number;
    loadRate: number | null;
  };
  requests: {
    perPhase: PhaseStats[];
    /** API probes over the whole run, every outcome included; reported, not judged by an SLO. */
    apiWholeRun: RequestStats & { probes: string[] };
  };
  /** Failover, recovery and the unavailable windows of the service. */
  service: ServiceHealth;
  /** The intervals P99 and the error rate are judged over. */
  intervals: IntervalFigures[];
  outages: ProbeOutages[];
  failover: FailoverAnalysis;
  leader: LeaderAnalysis;
  writes: WriteCheck;
  crossChecks: CrossCheck[];
  /** Leases of the leader-elected components and new workloads; absent in reports made before them. */
  controlLoops?: ControlLoopFigures;
}

export interface Analysis extends AnalysisFigures {
  verdicts: Verdict[];
}

function failoverAnalysis(leader: LeaderAnalysis, bounds: ExpectedBound[]): FailoverAnalysis {
  const serviceBound = serviceFailoverBound(bounds);
  const analysis: FailoverAnalysis = { bounds };
  if (serviceBound) analysis.serviceBound = serviceBound;
  const election = bounds.find((b) => b.id === 'etcd-leader-election');
  if (election && leader.newLeaderAfterInjectionMs !== undefined) {
    analysis.leaderElection = {
      measuredMs: leader.newLeaderAfterInjectionMs,
      boundMs: election.ms,
      withinBound: leader.newLeaderAfterInjectionMs <= election.ms,
    };
  }
  return analysis;
}

export function analyzeFigures(timeline: ReadonlyTimeline, s: AnalysisSettings): AnalysisFigures {
  const run = runSpan(timeline);
  const apiProbes = [...new Set(timeline.samples.map((x) => x.probe).filter(isApiProbe))].sort();
  const leader = analyzeLeader(timeline.etcdStatus, run.faultInjectedAt);
  const service = serviceHealth(timeline.samples, run, s.health);
  return {
    run,
    settings: {
      slowMs: s.health.slowMs,
      sustainMs: s.health.sustainMs,
      probeIntervalMs: s.probeIntervalMs,
      lbPollMs: s.lbPollMs,
      loadRate: s.loadRate ?? null,
    },
    requests: {
      perPhase: statsPerPhase(timeline.samples, run),
      apiWholeRun: { ...requestStats(API_AGGREGATE_LABEL, apiSamples(timeline.samples)), probes: apiProbes },
    },
    service,
    intervals: intervalFigures(service.intervals, timeline.samples, s.loadRate),
    outages: outagesPerProbe(timeline.samples, run, s.health),
    failover: failoverAnalysis(leader, expectedBounds(s.bounds)),
    leader,
    writes: checkWrites(timeline.writes, timeline.readBack, timeline.etcdReadBack),
    controlLoops: controlLoops(timeline, run.faultInjectedAt, faultPhaseEnd(timeline), s.bounds),
    crossChecks: crossChecks(timeline, run, leader, {
      probeIntervalMs: s.probeIntervalMs,
      lbPollMs: s.lbPollMs,
      bounds: s.bounds,
    }),
  };
}

function faultPhaseEnd(t: ReadonlyTimeline): number | undefined {
  return t.phases.find((p) => p.name === 'fault')?.end;
}

/** Everything a drill's timeline says, and the verdict of each SLO. Pure: data in, figures out. */
export function analyze(timeline: ReadonlyTimeline, s: AnalysisSettings): Analysis {
  const figures = analyzeFigures(timeline, s);
  return {
    ...figures,
    verdicts: verdicts(
      {
        span: figures.run,
        outages: figures.outages,
        health: figures.service,
        intervals: figures.intervals,
        writes: figures.writes,
        crossChecks: figures.crossChecks,
      },
      s,
    ),
  };
}
