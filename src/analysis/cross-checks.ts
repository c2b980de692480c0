import type { Sample, ReadonlyTimeline } from '../observe/timeline.ts';
import type { FailoverBounds } from './bounds.ts';
import { millis, offset, plural, seconds } from './format.ts';
import type { LeaderAnalysis, LeaderChange } from './leader.ts';
import { latencyStats } from './percentiles.ts';
import type { RunSpan } from './run-span.ts';

/**
 * A figure of the report held against the same quantity from a source the
 * report did not compute it from: etcd's own log and metrics, HAProxy's own
 * view, the apiservers' own counters, k6's own summary.
 */
export interface CrossCheck {
  id:
    | 'leader-elections-log'
    | 'leader-changes-metric'
    | 'lb-mark-down'
    | 'apiserver-5xx'
    | 'load-requests'
    | 'load-p99';
  /** What is compared, in a line. */
  what: string;
  /** The report's own figure. */
  ours: string;
  /** The independent figure and where it comes from. */
  theirs: string;
  tolerance: string;
  result: 'agree' | 'disagree' | 'not-comparable';
  detail: string;
}

export interface CrossCheckSettings {
  /** How often each probe (the etcd status probe too) issues a request. */
  probeIntervalMs: number;
  /** How often HAProxy's stats socket is polled. */
  lbPollMs: number;
  bounds: FailoverBounds;
}

const BECAME_LEADER = /^([0-9a-f]+) became leader at term (\d+)$/;
/** etcd's log has microseconds and the two clocks are the same machine's: a little slack for rounding. */
const CLOCK_SLACK_MS = 50;

function notComparable(
  base: Omit<CrossCheck, 'result' | 'ours' | 'theirs' | 'detail'>,
  detail: string,
): CrossCheck {
  return { ...base, ours: 'n/a', theirs: 'n/a', result: 'not-comparable', detail };
}

/** No member's answer from `from` until the change named a leader other than the change's. */
function blindFrom(t: ReadonlyTimeline, from: number, c: LeaderChange): boolean {
  return !t.etcdStatus.some((s) => s.ok && s.at > from + CLOCK_SLACK_MS && s.at < c.at && s.leader !== c.to);
}

/** Each leader change the status polling saw, matched with an election in etcd's own log, and no election left over. */
function leaderElectionsLog(
  t: ReadonlyTimeline,
  span: RunSpan,
  leader: LeaderAnalysis,
  s: CrossCheckSettings,
): CrossCheck {
  const lateMs = 2 * s.probeIntervalMs + 200;
  const base = {
    id: 'leader-elections-log' as const,
    what: "each leader change seen by polling the members, against the elections in etcd's own log",
    tolerance:
      `polling sees a new leader 0 to ${lateMs} ms after it logs "became leader" (2 x probe interval + 200 ms), ` +
      'or later only while no member answers with another leader',
  };
  if ((t.etcdLogRead ?? []).length === 0) return notComparable(base, "etcd's log was not read.");
  const firstRound = t.etcdStatus.reduce((a, x) => Math.min(a, x.at), Infinity);
  const lastRound = t.etcdStatus.reduce((a, x) => Math.max(a, x.at), -Infinity);
  if (!Number.isFinite(firstRound)) return notComparable(base, 'no etcd status was polled.');
  const elections = t.etcdLog
    .map((l) => ({ at: l.at, member: l.member, m: BECAME_LEADER.exec(l.message) }))
    .filter((e) => e.m !== null && e.at > firstRound && e.at <= lastRound);
  const changes = leader.changes.filter((c) => c.at > firstRound);
  const unmatched = [...elections];
  const lines: string[] = [];
  let disagree = 0;
  for (const c of changes) {
    const i = unmatched.findIndex((e) => c.at - e.at >= -CLOCK_SLACK_MS && c.at - e.at <= lateMs);
    // Later than that only when polling was blind from the election on: no member answered with any
    // other leader (each was down, still starting, or knew no leader yet), as after a restart.
    const blind = i < 0 ? unmatched.findIndex((e) => e.at <= c.at && blindFrom(t, e.at, c)) : -1;
    if (blind >= 0) {
      const e = unmatched.splice(blind, 1)[0]!;
      lines.push(
        `change to ${c.toMember ?? c.to} at ${offset(c.at, span.origin)}: ${e.member} logged "became leader" at ` +
          `${offset(e.at, span.origin)} (${millis(c.at - e.at)} earlier; until then no member answered ` +
          'with another leader: they were not answering yet)',
      );
      continue;
    }
    if (i < 0) {
      disagree++;
      lines.push(
        `change to ${c.toMember ?? c.to} at ${offset(c.at, span.origin)}: no election in the log before it`,
      );
      continue;
    }
    const e = unmatched.splice(i, 1)[0]!;
    lines.push(
      `change to ${c.toMember ?? c.to} at ${offset(c.at, span.origin)}: ${e.member} logged "became leader" at ` +
        `${offset(e.at, span.origin)} (${millis(c.at - e.at)} earlier)`,
    );
  }
  for (const e of unmatched) {
    disagree++;
    lines.push(
      `${e.member} logged "became leader at term ${e.m![2]}" at ${offset(e.at, span.origin)}: polling saw no change`,
    );
  }
  return {
    ...base,
    ours: plural(changes.length, 'leader change'),
    theirs: `${plural(elections.length, 'election')} in etcd's log`,
    result: disagree === 0 ? 'agree' : 'disagree',
    detail: lines.length === 0 ? 'No leader change and no election while polling.' : `${lines.join('; ')}.`,
  };
}

/** The number of leader changes against etcd_server_leader_changes_seen_total of the members that ran throughout. */
function leaderChangesMetric(t: ReadonlyTimeline, leader: LeaderAnalysis): CrossCheck {
  const base = {
    id: 'leader-changes-metric' as const,
    what: 'leader changes seen by polling, against the growth of etcd_server_leader_changes_seen_total',
    tolerance: 'within the range of the members that ran throughout (each member counts the changes it saw)',
  };
  const deltas = counterDeltas(t, 'etcd', 'leader_changes');
  const usable = deltas.filter((d) => !d.restarted);
  if (usable.length === 0)
    return notComparable(
      base,
      deltas.length === 0 ? 'etcd metrics were not scraped at both ends.' : 'every member restarted.',
    );
  const from = Math.min(...usable.map((d) => d.from));
  const to = Math.max(...usable.map((d) => d.to));
  const ours = leader.changes.filter((c) => c.at > from && c.at <= to).length;
  const lo = Math.min(...usable.map((d) => d.delta));
  const hi = Math.max(...usable.map((d) => d.delta));
  const restarted = deltas.filter((d) => d.restarted).map((d) => d.member);
  return {
    ...base,
    ours: plural(ours, 'change'),
    theirs: lo === hi ? `${lo} on every member that ran throughout` : `${lo} to ${hi} across members`,
    result: ours >= lo && ours <= hi ? 'agree' : 'disagree',
    detail:
      usable.map((d) => `${d.member} +${d.delta}`).join(', ') +
      (restarted.length ? `; left out (restarted, counter reset): ${restarted.join(', ')}` : '') +
      '.',
  };
}

interface CounterDelta {
  member: string;
  from: number;
  to: number;
  delta: number;
  restarted: boolean;
}

/** Per member, the growth of a counter between its first and last good scrape. */
function counterDeltas(
  t: ReadonlyTimeline,
  component: 'etcd' | 'kube-apiserver',
  counter: string,
): CounterDelta[] {
  const byMember = new Map<string, (typeof t.metrics)[number][]>();
  for (const m of t.metrics) {
    if (m.component !== component || !m.ok || m.values[counter] === undefined) continue;
    const list = byMember.get(m.member);
    if (list) list.push(m);
    else byMember.set(m.member, [m]);
  }
  const deltas: CounterDelta[] = [];
  for (const [member, list] of byMember) {
    list.sort((a, b) => a.at - b.at);
    const first = list[0]!;
    const last = list.at(-1)!;
    if (first === last) continue;
    deltas.push({
      member,
      from: first.at,
      to: last.at,
      delta: (last.values[counter] ?? 0) - (first.values[counter] ?? 0),
      restarted: first.processStartSeconds !== last.processStartSeconds,
    });
  }
  return deltas.sort((a, b) => (a.member < b.member ? -1 : 1));
}

/** Each server's changes into DOWN (out of rotation), from HAProxy's recorded view. */
export function markDowns(t: ReadonlyTimeline): { at: number; server: string; check?: string }[] {
  const last = new Map<string, string>();
  const downs: { at: number; server: string; check?: string }[] = [];
  for (const x of t.lbStatus) {
    const before = last.get(x.server);
    last.set(x.server, x.status);
    if (x.status === 'DOWN' && before !== undefined && !before.startsWith('DOWN'))
      downs.push({ at: x.at, server: x.server, ...(x.check ? { check: x.check } : {}) });
  }
  return downs;
}

/**
 * HAProxy's mark-down of a backend against the injection: it takes fall failed checks, one every
 * inter, so it cannot come sooner than (fall - 1) x inter after the backend began to fail. A
 * mark-down sooner than that after the recorded injection means the injection was stamped late.
 */
function lbMarkDown(t: ReadonlyTimeline, span: RunSpan, s: CrossCheckSettings): CrossCheck {
  const { haproxyInterMs: inter, haproxyFall: fall } = s.bounds;
  const earliest = inter === undefined || fall === undefined ? 0 : (fall - 1) * inter - s.lbPollMs;
  const base = {
    id: 'lb-mark-down' as const,
    what: "HAProxy's own mark-down of a backend during the fault, against the recorded injection time",
    tolerance:
      inter === undefined || fall === undefined
        ? 'n/a'
        : `no sooner than (fall - 1) x inter = ${(fall - 1) * inter} ms after the injection, less one poll (${s.lbPollMs} ms)`,
  };
  const injected = span.faultInjectedAt;
  if (inter === undefined || fall === undefined)
    return notComparable(base, 'no HAProxy in front of the apiservers.');
  if (injected === undefined) return notComparable(base, 'no fault was injected.');
  if (t.lbStatus.length === 0) return notComparable(base, "HAProxy's stats were not polled.");
  const until = span.faultHealedAt ?? span.end;
  const downs = markDowns(t).filter((d) => d.at >= injected && d.at <= until);
  if (downs.length === 0) {
    return {
      ...base,
      ours: `injected ${offset(injected, span.origin)}`,
      theirs: 'no backend marked down during the fault',
      result: 'agree',
      detail: 'HAProxy kept every backend in rotation while the fault was in place.',
    };
  }
  const early = downs.filter((d) => d.at - injected < earliest);
  return {
    ...base,
    ours: `injected ${offset(injected, span.origin)}`,
    theirs: downs
      .map((d) => `${d.server} marked down (${d.check ?? 'no check status'}) at ${offset(d.at, span.origin)}`)
      .join(', '),
    result: early.length === 0 ? 'agree' : 'disagree',
    detail:
      downs.map((d) => `${d.server} ${seconds(d.at - injected)} after the injection`).join(', ') +
      ` (HAProxy's configuration: ${fall} failed checks ${inter} ms apart).` +
      (early.length ? ` Sooner than its checks allow: ${early.map((d) => d.server).join(', ')}.` : ''),
  };
}

const HTTP_5XX = /(^|\s)HTTP 5\d\d\b/;

function is5xx(s: Sample): boolean {
  return s.outcome !== 'ok' && s.detail !== undefined && HTTP_5XX.test(s.detail);
}

/** 5xx answers the clients saw against the 5xx the apiservers counted (they count their own; clients see only some). */
function apiserver5xx(t: ReadonlyTimeline): CrossCheck {
  const base = {
    id: 'apiserver-5xx' as const,
    what: "HTTP 5xx answers seen by the probes and k6, against the apiservers' own apiserver_request_total",
    tolerance: 'the apiservers count at least what the clients saw (they also answer other clients)',
  };
  const deltas = counterDeltas(t, 'kube-apiserver', 'requests_5xx');
  if (deltas.length === 0) return notComparable(base, 'apiserver metrics were not scraped at both ends.');
  const clients = t.samples.filter(is5xx).length;
  const server = deltas.reduce((a, d) => a + (d.restarted ? 0 : d.delta), 0);
  const restarted = deltas.filter((d) => d.restarted).map((d) => d.member);
  const perMember = deltas.map((d) => `${d.member} +${d.restarted ? '?' : d.delta}`).join(', ');
  if (server < clients && restarted.length > 0) {
    return {
      ...base,
      ours: `${clients} seen by clients`,
      theirs: `at least ${server} counted (${perMember})`,
      result: 'not-comparable',
      detail: `${restarted.join(', ')} restarted: the counts of the process that died are lost.`,
    };
  }
  return {
    ...base,
    ours: `${clients} seen by clients`,
    theirs: `${server} counted (${perMember})`,
    result: server >= clients ? 'agree' : 'disagree',
    detail:
      server >= clients
        ? 'Every 5xx a client saw can be one an apiserver counted.'
        : `The clients saw ${clients - server} more 5xx than the apiservers counted.`,
  };
}

/** k6's own count and P99 against the requests of k6 in the timeline. */
function loadChecks(t: ReadonlyTimeline): CrossCheck[] {
  const k6 = t.samples.filter((s) => s.probe.startsWith('k6:'));
  const countBase = {
    id: 'load-requests' as const,
    what: "k6's own request count (http_reqs) against the k6 requests in the timeline",
    tolerance:
      'equal, less the lines that could not be read (k6 does not count the requests it cancelled when stopped, ' +
      'and may not count those that finished after the stop signal)',
  };
  const p99Base = {
    id: 'load-p99' as const,
    what: "k6's own P99 of the client-observed request time against the requests of k6 in the timeline",
    tolerance:
      'k6 interpolates between the two requests around the 99th percentile: its figure must lie between them ' +
      '(1 ms either side for the whole milliseconds of the timeline, and as many ranks as requests were cancelled at the stop)',
  };
  const l = t.load;
  if (!l)
    return [
      notComparable(countBase, 'no k6 summary was recorded.'),
      notComparable(p99Base, 'no k6 summary was recorded.'),
    ];
  const counted: CrossCheck = {
    ...countBase,
    ours: plural(k6.length, 'request'),
    theirs:
      `${l.requests} (k6 summary)` +
      (l.unreadable ? `, ${l.unreadable} lines unreadable` : '') +
      (l.cancelledAtStop ? `, ${l.cancelledAtStop} cancelled at the stop` : '') +
      (l.endedAfterStop ? `, ${l.endedAfterStop} finished after the stop signal` : ''),
    result:
      l.requests >= k6.length - l.unreadable - (l.endedAfterStop ?? 0) &&
      l.requests <= k6.length + l.unreadable
        ? 'agree'
        : 'disagree',
    detail: `k6 was asked for ${l.rate} req/s; it dropped ${plural(l.droppedIterations, 'iteration')}.`,
  };
  const durations = k6.map((s) => s.end - s.start).sort((a, b) => a - b);
  const ours = latencyStats(durations)?.p99Ms;
  if (ours === undefined || l.p99Ms === null) return [counted, notComparable(p99Base, 'k6 made no request.')];
  // k6's percentile: sorted[i] + (sorted[i + 1] - sorted[i]) x fraction, i = floor((n - 1) x 0.99).
  const i = Math.floor((durations.length - 1) * 0.99);
  const slack = l.cancelledAtStop + l.unreadable + 1;
  const low = durations[Math.max(0, i - slack)]! - 1;
  const high = durations[Math.min(durations.length - 1, i + slack)]! + 1;
  return [
    counted,
    {
      ...p99Base,
      ours: millis(ours),
      theirs: `${millis(l.p99Ms)} (k6 summary)`,
      result: l.p99Ms >= low && l.p99Ms <= high ? 'agree' : 'disagree',
      detail: `The requests around the 99th percentile took ${millis(low + 1)} to ${millis(high - 1)}.`,
    },
  ];
}

/** Every cross-check the recorded evidence allows. Pure. */
export function crossChecks(
  t: ReadonlyTimeline,
  span: RunSpan,
  leader: LeaderAnalysis,
  s: CrossCheckSettings,
): CrossCheck[] {
  return [
    leaderElectionsLog(t, span, leader, s),
    leaderChangesMetric(t, leader),
    lbMarkDown(t, span, s),
    apiserver5xx(t),
    ...loadChecks(t),
  ];
}
