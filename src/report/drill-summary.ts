/**
 * The verdict summary `drill --json` prints on stdout: what a CI job branches on, without reading
 * report.json. Rendered from the report alone, like the other formats; its JSON Schema is
 * schemas/drill-summary.schema.json.
 */
import type { Verdict } from '../analysis/verdict.ts';
import type { Report } from './report-model.ts';

export interface DrillSummary {
  scenario: string;
  status: Report['status'];
  abortReason?: string;
  /** The process's exit code: 0 pass, 1 an SLO failed, 3 could not run, 4 insufficient evidence. */
  exitCode: number;
  /** ISO 8601, UTC. */
  startedAt: string;
  endedAt: string;
  /** Each fault as the report describes it. */
  faults: string[];
  /** The headline figures in milliseconds; null when not reached (or no analysis). */
  figures: {
    failoverMs: number | null;
    recoveryMs: number | null;
    unavailableMs: number | null;
    /** The highest P99 of API requests over the judged intervals (baseline, degraded, recovered). */
    apiP99Ms: number | null;
    lostWrites: number | null;
  };
  verdicts: Verdict[];
  /** The files written (absolute paths), and those that could not be. */
  reports: { written: string[]; failed: { file: string; error: string }[] };
}

function worstP99(verdicts: readonly Verdict[]): number | null {
  const measured = verdicts
    .filter((v) => v.slo === 'api-p99-latency' && v.measured !== null)
    .map((v) => v.measured!);
  return measured.length === 0 ? null : Math.max(...measured);
}

export function drillSummary(
  report: Report,
  reports: DrillSummary['reports'],
  exitCode = report.exitCode,
): DrillSummary {
  const a = report.analysis;
  const faults = report.cluster.topology.faults;
  return {
    scenario: report.scenario.name,
    status: report.status,
    ...(report.abortReason !== undefined ? { abortReason: report.abortReason } : {}),
    exitCode,
    startedAt: report.audit.startedAt,
    endedAt: report.audit.endedAt,
    faults: Array.isArray(faults) ? faults.map(String) : [],
    figures: {
      failoverMs: a?.service.failover?.failoverMs ?? null,
      recoveryMs: a?.service.recovery?.recoveryMs ?? null,
      unavailableMs: a?.service.failover?.unavailableMs ?? null,
      apiP99Ms: worstP99(report.verdicts),
      lostWrites: a ? a.writes.lost.length : null,
    },
    verdicts: report.verdicts,
    reports,
  };
}
