/**
 * `bench drills`: each drill run several times the way a user runs it (default phases, a cluster of
 * its own each time), and the median of its figures: failover, recovery, unavailable time, API P99 per
 * judged interval, and what its fault is about (a leader election, a lease take-over, new pods).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnalysisFigures } from '../src/analysis/analyze.ts';
import type { TimelineEvent } from '../src/observe/timeline.ts';
import { median } from '../src/analysis/median.ts';
import { repoRoot } from '../src/components/manifest.ts';
import { parseReport } from '../src/report/json.ts';
import { listScenarios } from '../src/scenario/load.ts';
import { UsageError } from '../src/util/errors.ts';
import { run } from '../src/util/exec.ts';
import { progress } from '../src/util/progress.ts';

interface RunFigures {
  exitCode: number;
  failoverS: number | null;
  recoveryS: number | null;
  unavailableS: number | null;
  p99Ms: (number | null)[];
  lostWrites: number;
  /** What the fault is about, in seconds from the injection: a new etcd leader, a lease moved, new pods. */
  own: Record<string, number | null>;
}

/** Each of the fault's own figures the run has: absent where it does not apply, null where not reached. */
function ownFigures(a: AnalysisFigures): Record<string, number | null> {
  const own: Record<string, number | null> = {};
  const s = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : ms / 1000);
  if (a.leader.newLeaderAfterInjectionMs !== undefined)
    own['new etcd leader'] = s(a.leader.newLeaderAfterInjectionMs);
  // A lease the fault moved (a frozen apiserver moves its node's controller-manager's too).
  for (const l of a.controlLoops?.leases ?? [])
    if (l.newHolderAfterMs !== undefined) own[`${l.lease} lease moved`] = s(l.newHolderAfterMs);
  const w = a.controlLoops?.workloads;
  if (w) own['new pod running'] = s(w.runningAgainAfterMs);
  return own;
}

/** What a fault reported of itself at its heal: when a pair's virtual IP moved. */
function faultFigures(events: readonly TimelineEvent[]): Record<string, number | null> {
  const moved = events.find((e) => e.kind === 'fault-heal' && e.data && 'virtualIpMovedAfterMs' in e.data);
  if (!moved) return {};
  const ms = moved.data!.virtualIpMovedAfterMs;
  return { 'virtual IP moved': typeof ms === 'number' ? ms / 1000 : null };
}

function figuresOf(reportFile: string, exitCode: number): RunFigures {
  const report = parseReport(readFileSync(reportFile, 'utf8'));
  const a = report.analysis;
  const s = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : ms / 1000);
  return {
    exitCode,
    failoverS: s(a?.service.failover?.failoverMs),
    recoveryS: s(a?.service.recovery?.recoveryMs),
    unavailableS: s(a?.service.failover?.unavailableMs),
    p99Ms: ['baseline', 'degraded', 'recovered'].map(
      (name) => a?.intervals.find((i) => i.name === name)?.api.latency?.p99Ms ?? null,
    ),
    lostWrites: a?.writes.lost.length ?? 0,
    own: { ...(a ? ownFigures(a) : {}), ...faultFigures(report.timeline.events) },
  };
}

/** "4.2 (3.9-5.1)" over the runs that reached a figure; "-" when none did, "n of m" when some did not. */
function summary(values: (number | null)[], digits = 1): string {
  const got = values.filter((v): v is number => v !== null);
  if (got.length === 0) return '-';
  const range =
    got.length > 1 ? ` (${Math.min(...got).toFixed(digits)}-${Math.max(...got).toFixed(digits)})` : '';
  const missing =
    got.length < values.length ? `, ${values.length - got.length} of ${values.length} not reached` : '';
  return `${median(got)!.toFixed(digits)}${range}${missing}`;
}

/** Each own figure any run had, over all runs (a run without it: not reached), in seconds. */
function ownSummary(results: RunFigures[]): string {
  const labels = [...new Set(results.flatMap((r) => Object.keys(r.own)))];
  if (labels.length === 0) return '-';
  return labels.map((l) => `${l} (s): ${summary(results.map((r) => r.own[l] ?? null))}`).join('; ');
}

export async function drillFigures(names: readonly string[], runs: number): Promise<void> {
  const shipped = (await listScenarios()).map((s) => s.name);
  const unknown = names.filter((n) => !shipped.includes(n));
  if (unknown.length)
    throw new UsageError(
      `bench drills: unknown scenario ${unknown.join(', ')}`,
      `name shipped ones, comma-separated: ${shipped.join(', ')}`,
    );
  const scenarios = names.length > 0 ? names : shipped;
  const rows: string[] = [];
  for (const scenario of scenarios) {
    const results: RunFigures[] = [];
    for (let i = 1; i <= runs; i++) {
      progress(`drills: ${scenario}, run ${i} of ${runs}`);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-bench-drills-'));
      try {
        const r = await run('npm', ['run', '-s', 'drill', '--', scenario, '--report-dir', dir], {
          cwd: repoRoot,
          allowFailure: true,
        });
        results.push(figuresOf(path.join(dir, 'report.json'), r.exitCode ?? -1));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const row = [
      `\`${scenario}\``,
      results.map((r) => r.exitCode).join(', '),
      summary(results.map((r) => r.failoverS)),
      summary(results.map((r) => r.unavailableS)),
      summary(results.map((r) => r.recoveryS)),
      [0, 1, 2]
        .map((i) =>
          summary(
            results.map((r) => r.p99Ms[i] ?? null),
            0,
          ),
        )
        .join(' / '),
      String(results.reduce((n, r) => n + r.lostWrites, 0)),
      ownSummary(results),
    ];
    rows.push(`| ${row.join(' | ')} |`);
    console.log(rows.at(-1));
  }
  console.log(
    [
      `\ndrills: median (min-max) over ${runs} runs each, default phases, a new cluster per run`,
      '| drill | exit codes | failover (s) | unavailable (s) | recovery (s) | API P99 baseline / degraded / recovered (ms) | lost writes (all runs) | own figure |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
}
