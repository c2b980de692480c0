/** The report's evidence: each probe, the etcd leader, the cross-checks, the writes, the harness itself. */
import type { AnalysisFigures } from '../analysis/analyze.ts';
import { millis, offset, plural, seconds } from '../analysis/format.ts';
import type { HarnessUsage } from '../observe/timeline.ts';
import type { Report } from './report-model.ts';
import { code, cut, md, table } from './md.ts';

export function probesSection(a: AnalysisFigures): string {
  const f = a.failover;
  const rows = a.outages.map((p) => [
    md(p.probe),
    p.service ? 'yes' : 'no (per-member)',
    String(p.requests),
    String(p.failed),
    String(p.slow),
    String(p.windows.length),
    seconds(p.longestWindowMs) + (p.recovered ? '' : ' (never closed; at least)'),
    p.failoverMs === undefined ? 'n/a' : p.failoverMs === null ? 'not reached' : seconds(p.failoverMs),
  ]);
  const parts = [
    '## Each probe',
    `Every probe issues a request every ${a.settings.probeIntervalMs} ms (the resolution of its windows); the ` +
      '`api-*` probes run in two client styles, a new connection per request and one kept-alive HTTP/2 ' +
      'connection (`-keepalive`), because they fail over differently. An outage window of a probe runs from the ' +
      'start of its first bad request to the end of the first good request after it. "Failover alone" applies ' +
      "the service's definition to the probe by itself.",
    table(
      [
        'Probe',
        'Speaks for the service',
        'Requests',
        'Failed',
        'Slow',
        'Outage windows',
        'Longest window',
        'Failover alone',
      ],
      rows,
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ];
  for (const p of a.outages.filter((o) => o.windows.length > 0)) {
    const { shown, note } = cut(p.windows);
    const lines = shown.map((w) => {
      const first = w.firstFailure;
      const end = w.end === null ? 'still bad at the end of the run' : offset(w.end, a.run.origin);
      return (
        `- ${offset(w.start, a.run.origin)} to ${end}: ${seconds(w.durationMs)}, ${plural(w.failedRequests, 'bad request')}; ` +
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
  if (f.serviceBound)
    parts.push(`The slowest mechanism a client may wait on: ${md(f.serviceBound.formula)}.`);
  return parts.join('\n\n');
}

export function leaderSection(a: AnalysisFigures): string {
  const l = a.leader;
  const name = (id: string | null | undefined) => {
    if (id === null || id === undefined) return 'none known';
    const member = l.members[id];
    return member ? `${md(member)} (${code(id)})` : code(id);
  };
  const facts = [
    `- Each member is asked for its status every ${a.settings.probeIntervalMs} ms and each answer is dated when ` +
      "it arrived: a leader change is known to one polling round (etcd's own log dates it to the microsecond; see " +
      'the cross-checks).',
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

export function crossChecksSection(a: AnalysisFigures): string {
  const rows = a.crossChecks.map((c) => [
    code(c.id),
    md(c.what),
    md(c.ours),
    md(c.theirs),
    md(c.tolerance),
    c.result === 'disagree' ? '**disagree**' : c.result,
    md(c.detail),
  ]);
  return [
    '## Cross-checks',
    "Each figure held against the same quantity from a source the report did not compute it from: etcd's own " +
      `log and counters, HAProxy's own view (polled every ${a.settings.lbPollMs} ms), the apiservers' counters, ` +
      "k6's own summary.",
    table(['Check', 'What', 'This report', 'Independent source', 'Tolerance', 'Result', 'Detail'], rows),
  ].join('\n\n');
}

export function writesSection(a: AnalysisFigures): string {
  const w = a.writes;
  const parts = [
    '## Writes',
    table(
      ['Writes', 'Acknowledged', 'Creates', 'Updates', 'Deletes', 'Failed', 'Indeterminate', 'Superseded'],
      [
        [
          w.writes,
          w.acked,
          w.ackedByOp.create,
          w.ackedByOp.update,
          w.ackedByOp.delete,
          w.failed,
          w.indeterminate.count,
          w.superseded,
        ].map(String),
      ],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    (['api', 'etcd'] as const)
      .map((s) => {
        const c = w.readBack[s];
        const how =
          s === 'api'
            ? 'Read back through the API (a consistent LIST)'
            : 'Read straight from etcd (linearizable, etcdctl)';
        return c.done
          ? `- ${how}: ${c.keys} keys looked at, ${c.verified} with an acknowledged write confirmed (value and revision).`
          : `- ${how}: **not done**; nothing below rests on it.`;
      })
      .join('\n'),
  ];
  const read = w.readBack.api.done || w.readBack.etcd.done;
  if (w.acked === 0) parts.push('**No acknowledged write was recorded**: there was nothing to check.');
  else if (!read) parts.push('**Nothing was read back**: no acknowledged write was checked.');
  else if (w.lost.length === 0)
    parts.push(
      w.unverified.length === 0
        ? '**Lost acknowledged writes: none.** Every acknowledged write was found as acknowledged by every read that was done.'
        : '**Lost acknowledged writes: none found**, but some keys were not looked at (below).',
    );
  else {
    const { shown, note } = cut(w.lost);
    parts.push(
      `**Lost acknowledged writes: ${plural(new Set(w.lost.map((l) => l.key)).size, 'key')}.**`,
      table(
        ['Key', 'Last acknowledged', 'At', 'resourceVersion', 'Expected', 'Found', 'Why', 'Seen by'],
        shown.map((l) => [
          code(l.key),
          l.op,
          offset(l.ackedAt, a.run.origin),
          l.resourceVersion ?? 'n/a',
          l.expected === null ? 'absent' : code(l.expected),
          l.found === undefined
            ? 'nothing'
            : `${code(l.found)}${l.foundRevision ? ` at ${l.foundRevision}` : ''}`,
          l.reason,
          l.sources.join(', '),
        ]),
      ) + note,
    );
  }
  if (w.unverified.length > 0) {
    const { shown, note } = cut(w.unverified);
    parts.push(
      `**Unverified: ${plural(w.unverified.length, 'key')}** with an acknowledged write a read never looked at: ` +
        shown.map(code).join(', ') +
        note,
    );
  }
  const i = w.indeterminate;
  parts.push(
    `Indeterminate writes (never counted as lost): ${i.count}; landed: ${i.present}, did not: ${i.absent}, ` +
      `not read back: ${i.notReadBack}.`,
  );
  if (w.failedButPresent.length > 0)
    parts.push(
      `Writes the API rejected whose value is present anyway: ${w.failedButPresent.map(code).join(', ')}.`,
    );
  const rv = w.resourceVersionOrder;
  parts.push(
    `resourceVersion order: ${plural(rv.checked, 'acknowledged create or update', 'acknowledged creates and updates')} ` +
      `checked, ${plural(rv.violations.length, 'violation')}` +
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

/** Above this event-loop delay the probes fired late enough to colour their latency figures. */
const LATE_TIMERS_MS = 50;

export function harnessSection(report: Report, h: HarnessUsage | undefined): string {
  const load = report.timeline.load;
  const lines: string[] = [];
  if (load) {
    lines.push(
      `- Load: k6 was asked for ${load.rate} requests per second and reports ${load.requests} requests and ` +
        `${plural(load.droppedIterations, 'dropped iteration')} (iterations it could not start for want of a free VU` +
        `${load.droppedIterations > 0 ? ': **the load was not delivered as asked**' : ''})` +
        (load.cancelledAtStop > 0
          ? `; ${plural(load.cancelledAtStop, 'request')} in flight when the drill stopped k6 were cancelled by it and are left out`
          : '') +
        ". k6's own summary is kept beside this report as k6-summary.json.",
    );
  } else lines.push('- Load: no k6 summary was recorded.');
  if (h) {
    const share = (cpu: number) =>
      `${((100 * cpu) / Math.max(h.overSeconds, 1e-9)).toFixed(1)} % of one core`;
    lines.push(
      `- CPU over ${seconds(h.overSeconds * 1000)} of measuring: the drill process (probes, recorder) ` +
        `${h.cpuSeconds.drill.toFixed(2)} s (${share(h.cpuSeconds.drill)}), k6 ` +
        (h.cpuSeconds.k6 === null
          ? 'not measured.'
          : `${h.cpuSeconds.k6.toFixed(2)} s (${share(h.cpuSeconds.k6)}).`),
      `- Event-loop delay of the drill process (how late its probes fired, sampled every 10 ms): P50 ${millis(h.eventLoopDelay.p50Ms)}, ` +
        `P99 ${millis(h.eventLoopDelay.p99Ms)}, max ${millis(h.eventLoopDelay.maxMs)}` +
        (h.eventLoopDelay.p99Ms > LATE_TIMERS_MS
          ? `. **Above ${LATE_TIMERS_MS} ms: the probes' latency figures include the harness's own delay.**`
          : '.'),
    );
  } else lines.push('- The harness did not record its own cost.');
  return ['## The instrument itself', lines.join('\n')].join('\n\n');
}
