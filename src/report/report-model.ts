import { analyze, type AnalysisFigures, type AnalysisSettings } from '../analysis/analyze.ts';
import type { CertificateInventory } from '../cluster/certificates.ts';
import type { HealthRules } from '../analysis/availability.ts';
import type { FailoverBounds } from '../analysis/bounds.ts';
import type { Slos, Verdict } from '../analysis/verdict.ts';
import type { ReadonlyTimeline } from '../observe/timeline.ts';
import { errorMessage, ExitCode } from '../util/errors.ts';
import { encodeTimeline, type EncodedTimeline } from './timeline-codec.ts';

export { decodeTimeline, encodeTimeline, type EncodedTimeline } from './timeline-codec.ts';

/** Bumped whenever a field changes meaning or goes away; readers refuse versions they do not know. */
export const REPORT_SCHEMA_VERSION = 2;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The rules and settings a run's figures are judged with, besides the SLO thresholds. */
export interface Judging {
  health: HealthRules;
  /** How often each probe issues a request: the resolution of failover and outage figures. */
  probeIntervalMs: number;
  /** How often HAProxy's stats socket was polled. */
  lbPollMs: number;
  /** Requests per second asked of k6; null when no load ran. */
  loadRate: number | null;
}

export interface ComponentRecord {
  name: string;
  version: string;
  sha256: string;
}

/**
 * report.json: the source of truth of one drill. The other reports are rendered from it alone,
 * so a report can be re-rendered later from the JSON.
 */
export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: string; version: string };
  scenario: { name: string; description: string; file: string; sha256: string };
  audit: {
    host: string;
    /** ISO 8601, UTC. */
    startedAt: string;
    endedAt: string;
    toolVersion: string;
    scenarioSha256: string;
    components: ComponentRecord[];
  };
  cluster: {
    provider: string;
    /** Free-form description of the topology: node counts, addresses, load balancer. */
    topology: Record<string, JsonValue>;
    bounds: FailoverBounds;
    /** The cluster's certificates and their expiry, read before the baseline; absent: no cluster. */
    certificates?: CertificateInventory;
  };
  status: 'completed' | 'aborted';
  /** Why the run stopped early; present exactly when status is 'aborted'. */
  abortReason?: string;
  /** The thresholds the verdicts were judged against. */
  slos: Slos;
  judging: Judging;
  timeline: EncodedTimeline;
  /** null only when the analysis itself failed; analysisError then says why and the timeline is still here. */
  analysis: AnalysisFigures | null;
  analysisError?: string;
  verdicts: Verdict[];
  /**
   * 0: every SLO passed; 1: an SLO failed; 3: the drill could not run to its end (aborted, or not
   * analysed); 4: nothing failed, but some verdict had insufficient evidence.
   */
  exitCode: number;
}

export interface ReportInput {
  tool: Report['tool'];
  scenario: Report['scenario'];
  host: string;
  startedAt: Date;
  endedAt: Date;
  components: ComponentRecord[];
  cluster: Report['cluster'];
  slos: Slos;
  judging: Judging;
  timeline: ReadonlyTimeline;
  /** Set when the run stopped before its end: the report then says what was measured so far. */
  abortReason?: string;
}

export function exitCodeFor(
  status: Report['status'],
  verdicts: readonly Verdict[],
  analysed: boolean,
): number {
  if (status === 'aborted' || !analysed) return ExitCode.couldNotRun;
  if (verdicts.some((v) => v.result === 'fail')) return ExitCode.sloFailed;
  return verdicts.every((v) => v.result === 'pass') ? ExitCode.ok : ExitCode.inconclusive;
}

/** What the analysis of a report's timeline is judged with: its SLOs, its rules, its cluster's bounds. */
export function analysisSettingsOf(r: Pick<Report, 'slos' | 'judging' | 'cluster'>): AnalysisSettings {
  const { health, probeIntervalMs, lbPollMs, loadRate } = r.judging;
  return {
    slos: r.slos,
    health,
    probeIntervalMs,
    lbPollMs,
    bounds: r.cluster.bounds,
    ...(loadRate === null ? {} : { loadRate }),
  };
}

/** Analyses the timeline and assembles the report. Never throws on a bad timeline: the recording is kept. */
export function buildReport(input: ReportInput): Report {
  let analysis: AnalysisFigures | null = null;
  let verdicts: Verdict[] = [];
  let analysisError: string | undefined;
  try {
    const { verdicts: judged, ...figures } = analyze(input.timeline, analysisSettingsOf(input));
    analysis = figures;
    verdicts = judged;
  } catch (err) {
    analysisError = errorMessage(err);
  }
  const status: Report['status'] = input.abortReason === undefined ? 'completed' : 'aborted';
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: input.tool,
    scenario: input.scenario,
    audit: {
      host: input.host,
      startedAt: input.startedAt.toISOString(),
      endedAt: input.endedAt.toISOString(),
      toolVersion: input.tool.version,
      scenarioSha256: input.scenario.sha256,
      components: input.components,
    },
    cluster: input.cluster,
    status,
    slos: input.slos,
    judging: input.judging,
    timeline: encodeTimeline(input.timeline),
    analysis,
    verdicts,
    exitCode: exitCodeFor(status, verdicts, analysis !== null),
  };
  if (input.abortReason !== undefined) report.abortReason = input.abortReason;
  if (analysisError !== undefined) report.analysisError = analysisError;
  return report;
}
