import type { AnalysisFigures } from '../analysis/analyze.ts';
import { FIGURE_DEFINITIONS } from '../analysis/definitions.ts';
import { millis, offset, percent, plural, seconds } from '../analysis/format.ts';
import type { RequestStats } from '../analysis/percentiles.ts';
import type { Verdict } from '../analysis/verdict.ts';
import { code, md, table } from './md.ts';
import type { Report } from './report-model.ts';

/** Long lists are cut in the markdown; report.json always has all of them. */
const LIST_LIMIT = 50;

function cut<T>(items: readonly T[], limit = LIST_LIMIT): { shown: readonly T[]; note: string } {
  if (items.length <= limit) return { shown: items, note: '' };
  return { shown: items.slice(0, limit), note: `\n\n${items.length - limit} more in report.json.` };
}

function measured(v: Verdict): string {
  if (v.measured === null) return 'not measured';
  return v.unit === 'ms' ? millis(v.measured) : `${v.measured} ${v.unit}`;
}

function overallResult(report: Report): string {
  const failed = report.verdicts.filter((v) => !v.pass).length;
  if (report.status === 'aborted') return `**Result: ABORTED** (exit code ${report.exitCode})`;
  if (report.analysis === null) return `**Result: NOT ANALYSED** (exit code ${report.exitCode})`;
  if (failed === 0)
    return `**Result: PASS**: all ${report.verdicts.length} checks passed (exit code ${report.exitCode})`;
  return `**Result: FAIL**: ${failed} of ${report.verdicts.length} checks failed (exit code ${report.exitCode})`;
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
  ];
  return [
    '## Cluster',
    table(['Field', 'Value'], rows),
    '### Timings that bound failover',
    table(['Setting', 'Value'], timings),
  ].join('\n\n');
}

function verdictSection(report: Report): string {
  if (report.verdicts.length === 0) return '## Verdicts\n\nNo verdicts: the analysis did not run.';
  const rows = report.verdicts.map((v) => [
    `${code(v.slo)}: ${md(v.description)}`,
    measured(v),
    `at most ${v.unit === 'ms' ? millis(v.threshold) : `${v.threshold} ${v.unit}`}`,
    v.pass ? 'PASS' : '**FAIL**',
    md(v.detail),
  ]);
  return ['## Verdicts', table(['Check', 'Measured', 'Threshold', 'Result', 'Detail'], rows)].join('\n\n');
}

function runSection(a: AnalysisFigures): string {
  const run = a.run;
  const rows = run.phases.map((p) => [
    p.name +
      (run.openPhase === p.name && p === run.phases.at(-1) ? ' (still open when the run stopped)' : ''),
    offset(p.start, run.origin),
    offset(p.end, run.origin),
    seconds(p.end - p.start),
  ]);
  const facts = [
    `Times are seconds from the start of the first phase (${new Date(run.origin).toISOString()}).`,
    run.faultInjectedAt === undefined
      ? '- Fault injected: never.'
      : `- Fault injected: ${offset(run.faultInjectedAt, run.origin)}.`,
    run.faultHealedAt === undefined
      ? '- Fault healed: not recorded.'
      : `- Fault healed: ${offset(run.faultHealedAt, run.origin)}.`,
  ];
  if (run.faultInjectedAt !== undefined && run.faultHealedAt !== undefined) {
    facts.push(`- Fault window: ${seconds(run.faultHealedAt - run.faultInjectedAt)}.`);
  }
  if (a.recovery) {
    const r = a.recovery;
    facts.push(
      r.recoveryMs === null
        ? `- Recovery: not reached; ${md(r.lastProbe ?? 'a probe')} was still failing when the run ended.`
        : `- Recovery: ${seconds(r.recoveryMs)} after the heal` +
            (r.lastProbe
              ? ` (${md(r.lastProbe)} was the last probe to recover).`
              : ' (no probe was failing).'),
    );
  }
  const phases =
    rows.length === 0
      ? 'No phases were recorded.'
      : table(['Phase', 'From', 'To', 'Length'], rows, ['l', 'r', 'r', 'r']);
  return ['## Run and phases', facts.join('\n'), phases].join('\n\n');
}

function statsRow(s: RequestStats, bold: boolean): string[] {
  const label = bold ? `**${md(s.label)}**` : md(s.label);
  const l = s.latency;
  return [
    label,
    String(s.requests),
    String(s.failed),
    String(s.timeouts),
    s.errorRatePercent === null ? 'n/a' : percent(s.errorRatePercent),
    l ? millis(l.p50Ms) : 'n/a',
    l ? millis(l.p95Ms) : 'n/a',
    l ? millis(l.p99Ms) : 'n/a',
    l ? millis(l.maxMs) : 'n/a',
  ];
}

function requestsSection(a: AnalysisFigures): string {
  const header = ['Probe', 'Requests', 'Failed', 'Timeouts', 'Error rate', 'P50', 'P95', 'P99', 'Max'];
  const align: ('l' | 'r')[] = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'];
  const parts = ['## Requests per phase'];
  const whole = a.requests.apiWholeRun;
  parts.push(
    `Whole run, API probes (${whole.probes.map(code).join(', ') || 'none'}), fault window included; ` +
      'reported, not judged (the SLOs judge API requests outside the fault window, below):',
    table(header, [statsRow(whole, true)], align),
  );
  for (const p of a.requests.perPhase) {
    const span = a.run.phases.find((ph) => ph.name === p.phase);
    const title =
      p.phase === 'outside-phases'
        ? 'Outside every phase'
        : `${p.phase}${span ? ` (${offset(span.start, a.run.origin)} to ${offset(span.end, a.run.origin)})` : ''}`;
    const rows = [
      ...(p.api.requests > 0 ? [statsRow(p.api, true)] : []),
      ...p.probes.map((s) => statsRow(s, false)),
    ];
    parts.push(`### ${title}`, rows.length === 0 ? 'No requests.' : table(header, rows, align));
  }
  const outside = a.requests.apiOutsideFault;
  const l = outside.latency;
  parts.push(
    `API requests outside the fault window (started in the baseline or recovery phase), judged by the P99 and ` +
      `error-rate SLOs: ${outside.failed} failed of ${plural(outside.requests, 'request')}` +
      (outside.errorRatePercent === null ? '' : ` (${percent(outside.errorRatePercent)})`) +
      (l
        ? `, P50 ${millis(l.p50Ms)}, P95 ${millis(l.p95Ms)}, P99 ${millis(l.p99Ms)}, max ${millis(l.maxMs)}`
        : '') +
      `; left out: ${outside.excludedInFault} started in the fault phase, ${outside.excludedOutsidePhases} outside every phase.`,
  );
  return parts.join('\n\n');
}

function failoverSection(a: AnalysisFigures): string {
  const f = a.failover;
  const byProbe = new Map(a.outages.map((p) => [p.probe, p]));
  const rows = f.perProbe.map((p) => {
    const outages = byProbe.get(p.probe);
    return [
      md(p.probe),
      p.service ? 'yes' : 'no (per-member)',
      String(outages?.windows.length ?? 0),
      seconds(p.failoverMs) + (p.recovered ? '' : ' (never recovered; at least)'),
      p.injectionToRecoveryMs === null ? 'n/a' : seconds(p.injectionToRecoveryMs),
      p.boundMs === undefined ? 'n/a' : seconds(p.boundMs),
      p.withinBound === undefined ? 'n/a' : p.withinBound ? 'yes' : '**no**',
    ];
  });
  const parts = [
    '## Outages and failover per probe',
    table(
      [
        'Probe',
        'Counts toward failover',
        'Outage windows',
        'Failover time',
        'Injection to recovery',
        'Bound',
        'Within bound',
      ],
      rows,
      ['l', 'l', 'r', 'r', 'r', 'r', 'l'],
    ),
  ];
  if (f.serviceBound) parts.push(`Bound of a service probe: ${md(f.serviceBound.formula)}.`);

  for (const p of a.outages.filter((o) => o.windows.length > 0)) {
    const { shown, note } = cut(p.windows);
    const lines = shown.map((w) => {
      const first = w.firstFailure;
      const end = w.end === null ? 'still failing at the end of the run' : offset(w.end, a.run.origin);
      return (
        `- ${offset(w.start, a.run.origin)} to ${end}: ${seconds(w.durationMs)}, ${plural(w.failedRequests, 'failed request')}; ` +
        `first: ${first.outcome}${first.detail ? ` ${code(first.detail)}` : ''}`
      );
    });
    parts.push(`### Outage windows of ${md(p.probe)}`, lines.join('\n') + note);
  }

  parts.push(
    '### Expected bounds from the configuration',
    f.bounds.length === 0
      ? 'No bounds: the configuration gave no timings.'
      : table(
          ['Bound', 'Figure', 'How it is computed', 'Why'],
          f.bounds.map((b) => [md(b.label), seconds(b.ms), md(b.formula), md(b.basis)]),
          ['l', 'r', 'l', 'l'],
        ),
  );
  return parts.join('\n\n');
}

function leaderSection(a: AnalysisFigures): string {
  const l = a.leader;
  const name = (id: string | null | undefined) => {
    if (id === null || id === undefined) return 'none known';
    const member = l.members[id];
    return member ? `${md(member)} (${code(id)})` : code(id);
  };
  const facts = [
    `- Status rounds: ${l.rounds}` +
      (l.roundToleranceMs === null
        ? ''
        : ` (samples up to ${millis(l.roundToleranceMs)} apart form one round)`) +
      `, ${l.roundsWithoutLeader} without a majority leader.`,
    `- Leader at the start: ${name(l.initialLeader)}.`,
  ];
  if (a.run.faultInjectedAt !== undefined) {
    facts.push(`- Leader when the fault was injected: ${name(l.leaderAtInjection)}.`);
    const election = a.failover.leaderElection;
    facts.push(
      l.newLeaderAfterInjectionMs === undefined
        ? '- No new leader was reported after the injection.'
        : `- New leader ${name(l.newLeader)} reported ${seconds(l.newLeaderAfterInjectionMs)} after the injection` +
            (election
              ? `; expected within ${seconds(election.boundMs)} (2 x election timeout): ` +
                `${election.withinBound ? 'within' : '**beyond**'} the bound.`
              : '.'),
    );
  }
  const changes =
    l.changes.length === 0
      ? 'No leader changes.'
      : table(
          ['Time', 'From', 'To', 'Raft term'],
          l.changes.map((c) => [
            offset(c.at, a.run.origin),
            name(c.from),
            name(c.to),
            c.raftTerm === undefined ? 'n/a' : String(c.raftTerm),
          ]),
          ['r', 'l', 'l', 'r'],
        );
  return ['## etcd leader', facts.join('\n'), changes].join('\n\n');
}

function writesSection(a: AnalysisFigures): string {
  const w = a.writes;
  const parts = [
    '## Writes',
    table(
      ['Writes', 'Acknowledged', 'Failed', 'Indeterminate', 'Keys confirmed', 'Superseded'],
      [[w.writes, w.acked, w.failed, w.indeterminate.count, w.ackedVerified, w.superseded].map(String)],
      ['r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ];
  if (w.lost.length === 0) {
    parts.push(
      w.acked === 0
        ? '**No acknowledged write was recorded**: there was nothing to check.'
        : '**Lost acknowledged writes: none.** Every acknowledged write was found with its value.',
    );
  } else {
    const { shown, note } = cut(w.lost);
    parts.push(
      `**Lost acknowledged writes: ${w.lost.length}.**`,
      table(
        ['Key', 'Acknowledged at', 'resourceVersion', 'Expected value', 'Read-back'],
        shown.map((l) => [
          code(l.key),
          offset(l.ackedAt, a.run.origin),
          l.resourceVersion ?? 'n/a',
          code(l.expected),
          l.reason === 'missing' ? 'not found' : `found ${code(l.found ?? '')}`,
        ]),
      ) + note,
    );
  }
  if (w.unverified.length > 0) {
    const { shown, note } = cut(w.unverified);
    parts.push(
      `**Unverified: ${plural(w.unverified.length, 'key')}** with an acknowledged write the read-back never looked at: ` +
        shown.map(code).join(', ') +
        note,
    );
  }
  const i = w.indeterminate;
  parts.push(
    `Indeterminate writes (never counted as lost): ${i.count}; value present on read-back: ${i.present}, ` +
      `absent: ${i.absent}, not read back: ${i.notReadBack}.`,
  );
  if (w.failedButPresent.length > 0) {
    parts.push(
      `Writes the API rejected whose value is present anyway: ${w.failedButPresent.map(code).join(', ')}.`,
    );
  }
  const rv = w.resourceVersionOrder;
  parts.push(
    `resourceVersion order: ${plural(rv.checked, 'acknowledged write')} checked, ` +
      `${plural(rv.violations.length, 'violation')}` +
      (rv.unusable.length > 0
        ? `; without a numeric resourceVersion: ${rv.unusable.map(code).join(', ')}`
        : '') +
      '.',
  );
  if (rv.violations.length > 0) {
    const { shown, note } = cut(rv.violations);
    parts.push(
      table(
        [
          'Key',
          'resourceVersion',
          'Acknowledged at',
          'Earlier write',
          'Its resourceVersion',
          'Acknowledged at',
        ],
        shown.map((v) => [
          code(v.key),
          v.resourceVersion,
          offset(v.ackedAt, a.run.origin),
          code(v.earlierKey),
          v.earlierResourceVersion,
          offset(v.earlierAckedAt, a.run.origin),
        ]),
      ) + note,
    );
  }
  return parts.join('\n\n');
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

/** report.md: the run for people, auditors first; everything in it comes from report.json. */
export function renderMarkdown(report: Report): string {
  const a = report.analysis;
  const sections = [
    header(report),
    stopNotice(report, a),
    audit(report),
    cluster(report),
    verdictSection(report),
  ];
  if (a) {
    sections.push(runSection(a), requestsSection(a), failoverSection(a), leaderSection(a), writesSection(a));
  }
  sections.push(eventsSection(report, a?.run.origin ?? fallbackOrigin(report)), definitionsSection());
  return `${sections.filter((s): s is string => s !== undefined).join('\n\n')}\n`;
}
