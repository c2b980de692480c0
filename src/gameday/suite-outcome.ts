/**
 * What a game day did, drill by drill, and what it comes to: the data index.json holds and index.md
 * and the suite's junit.xml are rendered from. Pure.
 */
import type { DrillSummary } from '../report/drill-summary.ts';
import type { Trends } from './trends.ts';

export type DrillVerdict = 'passed' | 'failed' | 'insufficient-evidence' | 'could-not-run' | 'not-run';

export interface DrillOutcome {
  /** 1-based place in the suite, and in the run order. */
  position: number;
  ranAs: number;
  scenario: string;
  verdict: DrillVerdict;
  /** The drill's own exit code; absent when it did not run. */
  exitCode?: number;
  /** Its report directory, relative to the game day's. */
  dir?: string;
  /** Which cluster of the game day it ran on (1, 2, ...), and whether that cluster was started for it. */
  cluster?: { number: number; started: boolean };
  figures?: DrillSummary['figures'];
  /** Failed verdicts, by SLO (and interval). */
  failedVerdicts?: string[];
  /** Why it did not run, or could not finish. */
  why?: string;
  /** settingsDigest() of the drill as it ran: earlier nights compare only when it is the same. */
  settingsDigest: string;
}

export interface GamedayIndex {
  suite: { name: string; description: string; file: string | null; sha256: string | null };
  provider: string;
  host: string;
  /** ISO 8601, UTC. */
  startedAt: string;
  endedAt: string;
  exitCode: number;
  clustersStarted: number;
  drills: DrillOutcome[];
  /** Shipped drills the default suite left out, and why (the provider cannot do what they need). */
  leftOut: { scenario: string; why: string }[];
  /** Tonight's failover and P99 beside earlier game days'. */
  trends: Trends;
}

export function verdictOfExitCode(code: number): DrillVerdict {
  if (code === 0) return 'passed';
  if (code === 1) return 'failed';
  if (code === 4) return 'insufficient-evidence';
  return 'could-not-run';
}

/** A figure worse than earlier nights' beyond the tolerance, while no SLO failed. */
const REGRESSION_EXIT_CODE = 5;

/**
 * 3 when a drill could not run or the game day was interrupted, else 1 when an SLO failed, else 5
 * when a figure regressed against earlier nights, else 4 when a verdict lacked evidence, else 0.
 * Drills left out after a failure (stopOnFailure) add nothing: the failure that stopped the suite
 * says it.
 */
export function gamedayExitCode(
  drills: readonly DrillOutcome[],
  interrupted: boolean,
  regressed = false,
): number {
  const v = new Set(drills.map((d) => d.verdict));
  if (interrupted || v.has('could-not-run')) return 3;
  if (v.has('failed')) return 1;
  if (regressed) return REGRESSION_EXIT_CODE;
  if (v.has('insufficient-evidence')) return 4;
  return 0;
}
