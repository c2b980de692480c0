/** The report's account of the service: verdicts, failover, recovery, judged intervals, requests. */
import type { AnalysisFigures } from '../analysis/analyze.ts';
import { millis, offset, percent, plural, seconds } from '../analysis/format.ts';
import type { RequestStats } from '../analysis/percentiles.ts';
import type { BadRequest } from '../analysis/service-health.ts';
import type { Verdict } from '../analysis/verdict.ts';
import { code, cut, md, table } from './md.ts';
import type { Report } from './report-model.ts';

const RESULT_TEXT: Record<Verdict['result'], string> = {
  pass: 'PASS',
  fail: '**FAIL**',
  'insufficient-evidence': '**INSUFFICIENT EVIDENCE**',
};

function threshold(v: Verdict): string {
  return `at most ${v.unit === 'ms' ? millis(v.threshold) : `${v.threshold} ${v.unit}`}`;
}

export function verdictSection(report: Report): string {
  if (report.verdicts.length === 0) return '## Verdicts\n\nNo verdicts: the analysis did not run.';
  const rows = report.verdicts.map((v) => [
    `${code(v.slo)}: ${md(v.description)}`,
    v.interval ?? '',
    md(v.shown),
    threshold(v),
    RESULT_TEXT[v.result],
    v.evidence ? md(`${v.evidence.count} ${v.evidence.of}; resolution: ${v.evidence.resolution}`) : '',
    md(v.detail),
  ]);
  return [
    '## Verdicts',
    'INSUFFICIENT EVIDENCE is never a pass: the run could not decide the check (too few requests to resolve ' +
      'its threshold, a hold too short to show the failover, load not delivered as asked); its detail says ' +
      'what would decide it.',
    table(['Check', 'Interval', 'Measured', 'Threshold', 'Result', 'Evidence', 'Detail'], rows),
  ].join('\n\n');
}

function bad(b: BadRequest | undefined, origin: number): string {
  if (!b) return 'none';
  const what = b.slow
    ? `slow, ${millis(b.end - b.start)}`
    : `${b.outcome}${b.detail ? ` ${code(b.detail)}` : ''}`;
  return `${md(b.probe)} at ${offset(b.start, origin)} (${what})`;
}

export function serviceSection(a: AnalysisFigures): string {
  const { service: h, run } = a;
  const o = run.origin;
  const { slowMs, sustainMs, probeIntervalMs } = a.settings;
  const lines = [
    `A request is **bad** when it fails, times out, or takes longer than ${slowMs} ms. The service is ` +
      `**healthy again** from the start of the first ${seconds(sustainMs)} in which every request of every ` +
      `source succeeded within ${slowMs} ms, each source issuing at least one. Sources: ` +
      `${h.sources.map(code).join(', ') || 'none'} (k6's streams together as ${code('k6')}, its long-poll ` +
      'watches left out; per-member probes speak for no part of the service).',
    `Resolution: a moment of health is known to the gap between the last bad and the first good request, ` +
      `at most one probe interval (${probeIntervalMs} ms), less where sources interleave.`,
  ];
  const facts: string[] = [];
  const f = h.failover;
  if (!f) facts.push('- No fault was injected.');
  else {
    facts.push(
      `- Fault injected at ${offset(f.injectedAt, o)}; ` +
        (f.healed
          ? `healed at ${offset(f.until, o)} (fault window ${seconds(f.until - f.injectedAt)}).`
          : 'never healed.'),
      f.healthyFrom === null
        ? `- **Failover: not reached** before the ${f.healed ? 'heal' : 'end of the run'}; last bad request: ${bad(f.lastBad, o)}.`
        : `- **Failover: ${seconds(f.failoverMs ?? 0)}**, healthy from ${offset(f.healthyFrom, o)}; last bad request ` +
            `before it: ${bad(f.lastBad, o)}.`,
      `- In the fault window the service was unavailable for ${seconds(f.unavailableMs)} in all ` +
        `(${plural(f.badRequests, 'bad request')}` +
        (f.badRequests > 0
          ? `: ${Object.entries(f.badBySource)
              .map(([src, n]) => `${code(src)} ${n}`)
              .join(', ')}`
          : '') +
        ').',
    );
  }
  const r = h.recovery;
  if (r) {
    facts.push(
      r.brokenAtHeal.length === 0
        ? `- **Recovery: ${seconds(0)}**: no source had a bad request in the ${seconds(sustainMs)} before the heal.`
        : r.healthyFrom === null
          ? `- **Recovery: not reached** before the run ended (broken at the heal: ${r.brokenAtHeal.map(code).join(', ')}; ` +
            `last bad request: ${bad(r.lastBad, o)}).`
          : `- **Recovery: ${seconds(r.recoveryMs ?? 0)}**, healthy from ${offset(r.healthyFrom, o)} (broken at the ` +
            `heal: ${r.brokenAtHeal.map(code).join(', ')}; last bad request: ${bad(r.lastBad, o)}).`,
    );
  }
  return [
    '## Service health: failover, degraded and recovered',
    ...lines,
    facts.join('\n'),
    intervalsTable(a),
    windowsList(a),
  ].join('\n\n');
}

function intervalsTable(a: AnalysisFigures): string {
  const o = a.run.origin;
  const rows = a.intervals.map((i) => {
    if (i.start === null || i.end === null)
      return [i.name, 'n/a', 'n/a', 'n/a', md(`absent: ${i.absent ?? ''}`), '', '', '', '', '', '', ''];
    const api = i.api;
    const l = api.latency;
    return [
      i.name,
      offset(i.start, o),
      offset(i.end, o),
      seconds(i.end - i.start),
      String(api.requests),
      String(api.failed),
      api.errorRatePercent === null ? 'n/a' : percent(api.errorRatePercent),
      api.requests === 0 ? 'n/a' : percent(100 / api.requests),
      l ? millis(l.p50Ms) : 'n/a',
      l ? millis(l.p99Ms) : 'n/a',
      l ? millis(l.maxMs) : 'n/a',
      i.load ? `${i.load.delivered} / ${i.load.asked}` : 'no load',
    ];
  });
  return [
    '### Judged intervals',
    'P99 and the error rate are judged per interval: the baseline (before the injection), the degraded interval ' +
      '(from the end of failover to the heal: the cluster running without the faulted member) and the recovered ' +
      'interval (from the end of recovery to the end of the run). An API request counts in the interval it ' +
      'started in; in the baseline and the degraded interval only if it also ended before the injection or ' +
      'the heal (one still in flight then met the change, and counts towards failover or recovery).',
    table(
      [
        'Interval',
        'From',
        'To',
        'Length',
        'API requests',
        'Failed',
        'Error rate',
        'One failure =',
        'P50',
        'P99',
        'Max',
        'k6 sent / asked',
      ],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ].join('\n\n');
}

function windowsList(a: AnalysisFigures): string {
  const ws = a.service.windows;
  if (ws.length === 0)
    return '### Unavailable windows of the service\n\nNone: no request of the service was bad.';
  const { shown, note } = cut(ws);
  return [
    '### Unavailable windows of the service',
    'From the start of a bad request to the start of the next good request of the same source, joined over ' +
      'all sources. A full outage is one window of its length; a partial one (some requests routed to a broken ' +
      'member) shows as many short windows.',
    shown
      .map(
        (w) =>
          `- ${offset(w.start, a.run.origin)} to ${w.end === null ? 'the end of the run (still bad)' : offset(w.end, a.run.origin)}: ` +
          `${seconds(w.durationMs)}, ${plural(w.badRequests, 'bad request')}; ${w.sources.map(code).join(', ')}`,
      )
      .join('\n') + note,
  ].join('\n\n');
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

export function requestsSection(a: AnalysisFigures): string {
  const header = ['Probe', 'Requests', 'Failed', 'Timeouts', 'Error rate', 'P50', 'P95', 'P99', 'Max'];
  const align: ('l' | 'r')[] = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'];
  const parts = [
    '## Requests per phase',
    'Latency is the time each caller waited, connection and TLS set-up included, to 1 ms (k6: to 1 µs, ' +
      'rounded to 1 ms in the timeline); percentiles are nearest-rank from an HDR histogram, at most 0.1 % high.',
  ];
  const whole = a.requests.apiWholeRun;
  parts.push(
    `Whole run, API probes (${whole.probes.map(code).join(', ') || 'none'}), fault window included; ` +
      'reported, not judged (the SLOs judge the intervals above):',
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
  return parts.join('\n\n');
}

export function runSection(a: AnalysisFigures): string {
  const run = a.run;
  const rows = run.phases.map((p) => [
    p.name +
      (run.openPhase === p.name && p === run.phases.at(-1) ? ' (still open when the run stopped)' : ''),
    offset(p.start, run.origin),
    offset(p.end, run.origin),
    seconds(p.end - p.start),
  ]);
  const facts = [
    `Times are seconds from the start of the first phase (${new Date(run.origin).toISOString()}), measured on ` +
      "the drill's monotonic clock.",
    run.faultInjectedAt === undefined
      ? '- Fault injected: never.'
      : `- Fault injected: ${offset(run.faultInjectedAt, run.origin)}.`,
    run.faultHealedAt === undefined
      ? '- Fault healed: not recorded.'
      : `- Fault healed: ${offset(run.faultHealedAt, run.origin)}.`,
  ];
  const phases =
    rows.length === 0
      ? 'No phases were recorded.'
      : table(['Phase', 'From', 'To', 'Length'], rows, ['l', 'r', 'r', 'r']);
  return ['## Run and phases', facts.join('\n'), phases].join('\n\n');
}
