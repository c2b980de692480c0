import type { Timeline } from '../observe/timeline.ts';
import {
  expectedBounds,
  serviceFailoverBound,
  type ExpectedBound,
  type FailoverBounds,
  type ServiceFailoverBound,
} from './bounds.ts';
import { analyzeLeader, type LeaderAnalysis } from './leader.ts';
import { checkWrites, type WriteCheck } from './lost-writes.ts';
import { outagesPerProbe, recoveryAfterHeal, type ProbeOutages, type Recovery } from './outages.ts';
import {
  API_AGGREGATE_LABEL,
  apiErrorRateOutsideFault,
  apiSamples,
  requestStats,
  statsPerPhase,
  type ErrorRateOutsideFault,
  type PhaseStats,
  type RequestStats,
} from './percentiles.ts';
import { isApiProbe } from './probes.ts';
import { runSpan, type RunSpan } from './run-span.ts';
import { verdicts, type Slos, type Verdict } from './verdict.ts';

/** A probe's failover next to the bound the configuration implies for it. */
export interface FailoverFigure {
  probe: string;
  service: boolean;
  failoverMs: number;
  recovered: boolean;
  injectionToRecoveryMs: number | null;
  /** Only for service probes: per-member probes fail as long as the fault lasts. */
  boundMs?: number;
  withinBound?: boolean;
}

export interface FailoverAnalysis {
  bounds: ExpectedBound[];
  serviceBound?: ServiceFailoverBound;
  perProbe: FailoverFigure[];
  /** The leader election against its own bound. */
  leaderElection?: { measuredMs: number; boundMs: number; withinBound: boolean };
}

/** Every figure of a run; pure data, safe to serialise. */
export interface AnalysisFigures {
  run: RunSpan;
  requests: {
    perPhase: PhaseStats[];
    /** API probes over the whole run, every outcome included; reported, not judged by an SLO. */
    apiWholeRun: RequestStats & { probes: string[] };
    /** API requests started in the baseline and recovery phases: the P99 and error-rate SLOs judge these. */
    apiOutsideFault: ErrorRateOutsideFault;
  };
  outages: ProbeOutages[];
  /** Absent when the run has no heal. */
  recovery?: Recovery;
  failover: FailoverAnalysis;
  leader: LeaderAnalysis;
  writes: WriteCheck;
}

export interface Analysis extends AnalysisFigures {
  verdicts: Verdict[];
}

function failoverAnalysis(
  outages: ProbeOutages[],
  leader: LeaderAnalysis,
  bounds: ExpectedBound[],
): FailoverAnalysis {
  const serviceBound = serviceFailoverBound(bounds);
  const perProbe = outages.map((p): FailoverFigure => {
    const figure: FailoverFigure = {
      probe: p.probe,
      service: p.service,
      failoverMs: p.failoverMs,
      recovered: p.recovered,
      injectionToRecoveryMs: p.injectionToRecoveryMs,
    };
    if (p.service && serviceBound) {
      figure.boundMs = serviceBound.ms;
      figure.withinBound = p.recovered && p.failoverMs <= serviceBound.ms;
    }
    return figure;
  });
  const analysis: FailoverAnalysis = { bounds, perProbe };
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

export function analyzeFigures(timeline: Timeline, bounds: FailoverBounds): AnalysisFigures {
  const run = runSpan(timeline);
  const api = apiSamples(timeline.samples);
  const apiProbes = [...new Set(timeline.samples.map((s) => s.probe).filter(isApiProbe))].sort();
  const outages = outagesPerProbe(timeline.samples, run.end, run.faultInjectedAt);
  const leader = analyzeLeader(timeline.etcdStatus, run.faultInjectedAt);
  const figures: AnalysisFigures = {
    run,
    requests: {
      perPhase: statsPerPhase(timeline.samples, run),
      apiWholeRun: { ...requestStats(API_AGGREGATE_LABEL, api), probes: apiProbes },
      apiOutsideFault: apiErrorRateOutsideFault(timeline.samples, run),
    },
    outages,
    failover: failoverAnalysis(outages, leader, expectedBounds(bounds)),
    leader,
    writes: checkWrites(timeline.writes, timeline.readBack),
  };
  if (run.faultHealedAt !== undefined) figures.recovery = recoveryAfterHeal(outages, run.faultHealedAt);
  return figures;
}

/** Everything a drill's timeline says, and the verdict of each SLO. Pure: data in, figures out. */
export function analyze(timeline: Timeline, slos: Slos, bounds: FailoverBounds): Analysis {
  const figures = analyzeFigures(timeline, bounds);
  return {
    ...figures,
    verdicts: verdicts(
      {
        span: figures.run,
        outages: figures.outages,
        apiWholeRun: figures.requests.apiWholeRun,
        apiOutsideFault: figures.requests.apiOutsideFault,
        writes: figures.writes,
      },
      slos,
    ),
  };
}
