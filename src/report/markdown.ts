import { certificatesSection } from './md-certificates.ts';
import { controlLoopsSection } from './md-control-loops.ts';
import type { AnalysisFigures } from '../analysis/analyze.ts';
import { VRRP } from '../analysis/bounds.ts';
import { FIGURE_DEFINITIONS } from '../analysis/definitions.ts';
import { offset, plural } from '../analysis/format.ts';
import { code, md, table } from './md.ts';
import {
  crossChecksSection,
  harnessSection,
  leaderSection,
  probesSection,
  writesSection,
} from './md-evidence.ts';
import { requestsSection, runSection, serviceSection, verdictSection } from './md-service.ts';
import type { Report } from './report-model.ts';

function overallResult(report: Report): string {
  const failed = report.verdicts.filter((v) => v.result === 'fail').length;
  const undecided = report.verdicts.filter((v) => v.result === 'insufficient-evidence').length;
  const n = report.verdicts.length;
  const exit = `(exit code ${report.exitCode})`;
  if (report.status === 'aborted') return `**Result: ABORTED** ${exit}`;
  if (report.analysis === null) return `**Result: NOT ANALYSED** ${exit}`;
  if (failed > 0)
    return `**Result: FAIL**: ${failed} of ${n} checks failed${undecided ? `, ${undecided} undecided` : ''} ${exit}`;
  if (undecided > 0)
    return `**Result: INCONCLUSIVE**: no check failed, but ${undecided} of ${n} had insufficient evidence ${exit}`;
  return `**Result: PASS**: all ${n} checks passed ${exit}`;
}

function header(report: Report): string {
  return [
    `# Drill report: ${md(report.scenario.name)}`,
    md(report.scenario.description),
    overallResult(report),
  ].join('\n\n');
}

/** What a partial run still tells: how far it got, what it measured, why it stopped. */
function stopNotice(report: Report, a: AnalysisFigures | null): string | undefined {
  const lines: string[] = [];
  if (report.status === 'aborted') {
    lines.push(`> **This run was aborted:** ${md(report.abortReason ?? 'no reason was recorded')}`);
    if (a) {
      const run = a.run;
      lines.push(
        '>',
        `> It stopped ${run.openPhase ? `during the ${run.openPhase} phase` : 'after its last recorded phase'}, ` +
          `at ${offset(run.end, run.origin)}. Everything below covers only what was measured until then: ` +
          `${plural(
            a.outages.reduce((n, p) => n + p.requests, 0),
            'request',
          )} ` +
          `of ${plural(a.outages.length, 'probe')}, ${plural(a.writes.writes, 'write')}, ` +
          `${plural(a.leader.rounds, 'etcd status round')}.`,
        `> Phases reached: ${run.phases.map((p) => p.name).join(', ') || 'none'}. ` +
          (run.faultInjectedAt === undefined
            ? 'The fault was never injected.'
            : run.faultHealedAt === undefined
              ? `The fault was injected at ${offset(run.faultInjectedAt, run.origin)} and no heal was recorded.`
              : `The fault was injected at ${offset(run.faultInjectedAt, run.origin)} and healed at ` +
                `${offset(run.faultHealedAt, run.origin)}.`),
        '> The verdicts judge this partial run; a check that needed the rest of the run says so in its detail.',
      );
    }
  }
  if (report.analysis === null) {
    lines.push(
      ...(lines.length > 0 ? ['>'] : []),
      `> **The analysis failed:** ${md(report.analysisError ?? 'no reason was recorded')}. ` +
        'The recorded timeline is kept in report.json; the events are listed below.',
    );
  }
  return lines.length === 0 ? undefined : lines.join('\n');
}

function audit(report: Report): string {
  const a = report.audit;
  const duration = (Date.parse(a.endedAt) - Date.parse(a.startedAt)) / 1000;
  const rows = [
    ['Host', md(a.host)],
    ['Started (UTC)', a.startedAt],
    ['Ended (UTC)', a.endedAt],
    ['Duration', Number.isFinite(duration) ? `${duration.toFixed(3)} s` : 'unknown'],
    ['Tool', `${md(report.tool.name)} ${md(a.toolVersion)}`],
    ['Scenario', `${md(report.scenario.name)} (${code(report.scenario.file)})`],
    ['Scenario SHA-256', code(a.scenarioSha256)],
    ['Status', report.status],
  ];
  const components =
    a.components.length === 0
      ? 'No component versions were recorded.'
      : table(
          ['Component', 'Version', 'SHA-256'],
          a.components.map((c) => [md(c.name), md(c.version), code(c.sha256)]),
        );
  return ['## Audit', table(['Field', 'Value'], rows), '### Components', components].join('\n\n');
}

function topologyValue(value: unknown): string {
  return typeof value === 'string' ? md(value) : code(JSON.stringify(value));
}

function cluster(report: Report): string {
  const c = report.cluster;
  const b = c.bounds;
  const rows = [
    ['Provider', md(c.provider)],
    ...Object.entries(c.topology).map(([k, v]) => [md(k), topologyValue(v)]),
  ];
  const timings = [
    ['etcd election timeout', `${b.etcdElectionTimeoutMs} ms`],
    ['etcd heartbeat', `${b.etcdHeartbeatMs} ms`],
    [
      'HAProxy check interval (inter)',
      b.haproxyInterMs === undefined ? 'no HAProxy' : `${b.haproxyInterMs} ms`,
    ],
    ['HAProxy fall', b.haproxyFall === undefined ? 'no HAProxy' : String(b.haproxyFall)],
    ['HAProxy rise', b.haproxyRise === undefined ? 'no HAProxy' : String(b.haproxyRise)],
    ['Load balancer checks', b.lbCheck === undefined ? 'not known' : code(`/${b.lbCheck}`)],
    ['kube-apiserver shutdown delay', `${b.apiserverShutdownDelayMs ?? 0} ms`],
    ['etcd peer links', b.etcdPeerLinks === 'proxied' ? 'through a proxy per link' : 'direct'],
    [
      'Load balancers',
      b.loadBalancers === 'vrrp-pair'
        ? `two sharing a virtual IP (VRRP, advertisements every ${VRRP.advertMs} ms)`
        : 'one',
    ],
  ];
  return [
    '## Cluster',
    table(['Field', 'Value'], rows),
    '### Timings that bound failover',
    table(['Setting', 'Value'], timings),
  ].join('\n\n');
}

function eventsSection(report: Report, origin: number): string {
  const events = report.timeline.events;
  if (events.length === 0) return '## Events\n\nNo events were recorded.';
  const rows = [...events]
    .sort((x, y) => x.at - y.at)
    .map((e) => [offset(report.timeline.base + e.at, origin), e.kind, md(e.message)]);
  return ['## Events', table(['Time', 'Kind', 'Message'], rows, ['r', 'l', 'l'])].join('\n\n');
}

function definitionsSection(): string {
  return [
    '## How each figure is defined',
    FIGURE_DEFINITIONS.map((d) => `- **${md(d.term)}**: ${md(d.definition)}`).join('\n'),
  ].join('\n\n');
}

/** Time zero when there is no analysis: the first recorded phase, else the earliest recorded time. */
function fallbackOrigin(report: Report): number {
  const t = report.timeline;
  return t.base + (t.phases[0]?.start ?? 0);
}

/** One part of report.md; the HTML report shows the same parts around its chart. */
export interface MarkdownSection {
  id: 'header' | 'stop' | 'audit' | 'verdicts' | 'details';
  text: string;
}

/** report.md's parts in order, each from report.json alone. */
export function markdownSections(report: Report): MarkdownSection[] {
  const a = report.analysis;
  const details: (string | undefined)[] = [];
  if (a) {
    details.push(
      serviceSection(a),
      crossChecksSection(a),
      runSection(a),
      requestsSection(a),
      probesSection(a),
      leaderSection(a),
      controlLoopsSection(a),
      writesSection(a),
    );
  }
  details.push(
    certificatesSection(report.cluster.certificates),
    harnessSection(report, report.timeline.harness),
    eventsSection(report, a?.run.origin ?? fallbackOrigin(report)),
    definitionsSection(),
  );
  const stop = stopNotice(report, a);
  return [
    { id: 'header', text: header(report) },
    ...(stop === undefined ? [] : [{ id: 'stop' as const, text: stop }]),
    { id: 'audit', text: [audit(report), cluster(report)].join('\n\n') },
    { id: 'verdicts', text: verdictSection(report) },
    { id: 'details', text: details.filter((s): s is string => s !== undefined).join('\n\n') },
  ];
}

/** report.md: the run for people, auditors first; everything in it comes from report.json. */
export function renderMarkdown(report: Report): string {
  return `${markdownSections(report)
    .map((s) => s.text)
    .join('\n\n')}\n`;
}
