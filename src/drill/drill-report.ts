import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expiryWords, flagged } from '../cluster/certificates.ts';
import type { Verdict } from '../analysis/verdict.ts';
import { repoRoot } from '../components/manifest.ts';
import { drillSummary, type DrillSummary } from '../report/drill-summary.ts';
import { buildReport, exitCodeFor, type Report } from '../report/report-model.ts';
import { writeReports } from '../report/write-reports.ts';
import { HEALTH_SETTLE_MS } from './final-health.ts';
import { LB_POLL_MS } from './observers.ts';
import type { DrillRun } from './run-drill.ts';

function toolVersion(): string {
  return (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
}

/**
 * The cluster must be whole again after the drill: every component running
 * and answering its own health check. Not an SLO of the scenario, but a drill
 * that leaves the cluster broken has not shown that it recovers.
 */
export function recoveredHealthVerdict(run: DrillRun): Verdict {
  const unhealthy = run.finalHealth.filter((h) => !h.healthy);
  const late = run.finalHealth.filter((h) => h.healthyAfterMs !== undefined);
  const checked = run.finalHealth.length;
  const waitedFor = late.length
    ? ` ${late.map((h) => `${h.component} became healthy ${(h.healthyAfterMs! / 1000).toFixed(1)} s after the first check`).join('; ')}.`
    : '';
  return {
    slo: 'cluster-healthy-after',
    description: `Every component healthy again after recovery (waiting at most ${HEALTH_SETTLE_MS / 1000} s)`,
    measured: checked === 0 ? null : unhealthy.length,
    threshold: 0,
    unit: 'unhealthy components',
    shown: checked === 0 ? 'not checked' : `${unhealthy.length} of ${checked}`,
    result: checked === 0 ? 'insufficient-evidence' : unhealthy.length === 0 ? 'pass' : 'fail',
    detail:
      checked === 0
        ? 'The health of the components was not checked (the drill did not reach its end).'
        : unhealthy.length === 0
          ? `All ${checked} components running and healthy at the end: ${run.finalHealth.map((h) => `${h.component} (${h.detail})`).join(', ')}.${waitedFor}`
          : `Unhealthy at the end (checked again for up to ${HEALTH_SETTLE_MS / 1000} s): ${unhealthy.map((h) => `${h.component} (${h.detail})`).join(', ')}.${waitedFor}`,
  };
}

export function drillReport(run: DrillRun): Report {
  const { request: req, cluster } = run;
  const abortReason =
    run.status === 'aborted'
      ? run.abortReason
      : run.cleanupErrors.length > 0
        ? `cleanup failed: ${run.cleanupErrors.join('; ')}`
        : undefined;
  const report = buildReport({
    tool: { name: 'kube-ha-drill', version: toolVersion() },
    scenario: {
      name: req.scenario.name,
      description: req.scenario.description,
      file: path.relative(repoRoot, req.scenarioFile) || req.scenarioFile,
      sha256: req.scenarioSha256,
    },
    host: os.hostname(),
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    components:
      cluster?.components ??
      req.components.records.map((r) => ({ name: r.name, version: r.version, sha256: r.sha256 })),
    cluster: {
      provider: req.provider.name,
      topology: cluster
        ? {
            name: cluster.name,
            loadBalancer: cluster.endpoints.apiServer,
            nodes: cluster.nodes.map((n) => `${n.name} ${n.ip}`),
            etcdTopology: cluster.etcdTopology,
            dns: cluster.endpoints.dns,
            dnsReplicas: cluster.endpoints.dnsReplicas,
            faults: run.injections,
            scenario: JSON.parse(JSON.stringify(req.scenario)),
          }
        : { scenario: JSON.parse(JSON.stringify(req.scenario)) },
      bounds: cluster?.bounds ?? req.provider.configuredBounds,
      ...(run.certificates ? { certificates: run.certificates } : {}),
    },
    slos: req.scenario.slos,
    judging: {
      health: {
        slowMs: req.scenario.health.slowRequestMs,
        sustainMs: req.scenario.health.sustainSeconds * 1000,
      },
      probeIntervalMs: req.scenario.load.probeIntervalMs,
      lbPollMs: LB_POLL_MS,
      loadRate: req.scenario.load.rate,
    },
    timeline: run.timeline,
    ...(abortReason !== undefined ? { abortReason } : {}),
  });
  report.verdicts.push(recoveredHealthVerdict(run));
  report.exitCode = exitCodeFor(report.status, report.verdicts, report.analysis !== null);
  return report;
}

const RESULT_WORDS: Record<Verdict['result'], string> = {
  pass: 'PASS',
  fail: 'FAIL',
  'insufficient-evidence': 'INSUFFICIENT EVIDENCE',
};

/** Writes the reports and returns the process exit code, the summary table for the terminal and its JSON. */
export async function writeDrillReports(
  run: DrillRun,
): Promise<{ exitCode: number; summary: string; json: DrillSummary; report: Report }> {
  const report = drillReport(run);
  const { written, failed } = await writeReports(run.request.reportDir, report);
  const rows = report.verdicts.map((v) => [
    RESULT_WORDS[v.result],
    v.interval ? `${v.slo} (${v.interval})` : v.slo,
    v.shown,
    `<= ${v.threshold} ${v.unit}`,
  ]);
  const widths = [4, 0, 0, 0].map((w, i) => Math.max(w, ...rows.map((r) => r[i]!.length)));
  const lines = [
    '',
    `drill ${report.scenario.name}: ${report.status}${report.abortReason ? ` (${report.abortReason})` : ''}`,
    ...(run.injections.length ? run.injections.map((i) => `  fault: ${i}`) : []),
    ...(run.certificates
      ? flagged(run.certificates).map(
          (c) => `  certificate ${c.name} (${c.source}) ${expiryWords(c, run.certificates!.checkedAt)}`,
        )
      : []),
    '',
    ...rows.map((r) => '  ' + r.map((c, i) => c.padEnd(widths[i]!)).join('  ')),
    '',
    ...written.map((f) => `  wrote ${f}`),
    ...failed.map((f) => `  could not write ${f.file}: ${f.error}`),
    `exit code ${report.exitCode}`,
  ];
  const exitCode = failed.some((f) => f.file === 'report.json') ? 3 : report.exitCode;
  const json = drillSummary(report, { written, failed }, exitCode);
  return { exitCode, summary: lines.join('\n'), json, report };
}
