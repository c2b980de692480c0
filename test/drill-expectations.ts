/**
 * What each shipped drill must show, held against records of the same run that the report did not
 * compute its figures from: the supervisor's log of process starts and exits, HAProxy's own view of
 * its backends, etcd's own log, the snapshot's revision from etcdutl. Used on live drills
 * (test/e2e) and on recordings of real ones (test/unit/recordings.test.ts), whatever the phases.
 */
import { expect } from 'chai';
import type { AnalysisFigures } from '../src/analysis/analyze.ts';
import { markDowns } from '../src/analysis/cross-checks.ts';
import { isApiProbe } from '../src/analysis/probes.ts';
import type { Timeline, TimelineEvent } from '../src/observe/timeline.ts';
import type { Report } from '../src/report/report-model.ts';

export interface Drill {
  report: Report;
  /** The analysis to hold: the report's own, or the recording analysed again by this version. */
  analysis: AnalysisFigures;
  timeline: Timeline;
}

export function eventsOf(t: Timeline, kind: TimelineEvent['kind']): TimelineEvent[] {
  return t.events.filter((e) => e.kind === kind);
}

function injection(d: Drill): TimelineEvent {
  const e = eventsOf(d.timeline, 'fault-inject')[0];
  expect(e, 'a fault-inject event').to.not.equal(undefined);
  return e!;
}

function phaseOf(t: Timeline, name: 'baseline' | 'fault' | 'recovery') {
  const p = t.phases.find((x) => x.name === name);
  if (!p) throw new Error(`no ${name} phase in the timeline`);
  return p;
}

/** Whatever the fault: cross-checks agree, the cluster is whole at the end, k6 did what it says. */
export function expectSoundDrill(d: Drill): void {
  expect(d.report.status).to.equal('completed');
  const healthy = d.report.verdicts.find((v) => v.slo === 'cluster-healthy-after');
  expect(healthy?.result, healthy?.detail).to.equal('pass');
  const disagree = d.analysis.crossChecks.filter((c) => c.result === 'disagree');
  expect(disagree.map((c) => `${c.id}: ${c.detail}`)).to.deep.equal([]);
  const k6 = d.timeline.samples.filter((s) => s.probe.startsWith('k6:')).length;
  expect(d.timeline.load?.requests, "k6's own count").to.equal(k6);
}

/**
 * The service was not healthy before HAProxy, by its own account, took the broken backend out (less
 * a poll of its stats, 250 ms, and the gap between requests). Not reached before the heal satisfies
 * this too: what else kept the service from health is the cluster's business, not this check's.
 */
function expectFailoverNoSoonerThanMarkDown(d: Drill, server: string, at: number): void {
  const down = markDowns(d.timeline).find((x) => x.server === server && x.at >= at);
  expect(down, `HAProxy marked ${server} down`).to.not.equal(undefined);
  const healthyFrom = d.analysis.service.failover!.healthyFrom ?? Infinity;
  expect(healthyFrom).to.be.at.least(down!.at - 600);
}

export function expectApiserverKill(d: Drill): void {
  const inject = injection(d);
  expect(inject.data?.component).to.equal('kube-apiserver');
  const killedPid = Number(inject.data?.pid);
  const exit = d.timeline.events.find((e) => e.kind === 'process-exit' && e.data?.pid === killedPid);
  expect(exit?.message, 'the killed pid exited').to.include('SIGKILL');
  expect(exit!.at - inject.at, 'the supervisor saw the exit as the fault went in').to.be.within(-50, 500);
  const heal = eventsOf(d.timeline, 'fault-heal')[0]!;
  expect(Number(heal.data?.newPid)).to.be.above(0).and.not.equal(killedPid);
  expect(
    d.timeline.events.some((e) => e.kind === 'process-start' && e.data?.pid === Number(heal.data?.newPid)),
  ).to.equal(true);
  expectFailoverNoSoonerThanMarkDown(d, String(inject.data?.node), inject.at);
  // Reads through HAProxy after it marked the dead backend down (plus a check) do not fail.
  const down = markDowns(d.timeline).find((x) => x.server === inject.data?.node && x.at >= inject.at)!;
  const restarted = d.timeline.events.find(
    (e) => e.kind === 'process-start' && e.data?.pid === Number(heal.data?.newPid),
  )!;
  const reads = d.timeline.samples.filter(
    (s) => s.probe === 'api-read' && s.start > down.at + 1000 && s.start < restarted.at,
  );
  expect(reads.filter((s) => s.outcome !== 'ok')).to.deep.equal([]);
}

export function expectEtcdLeaderKill(d: Drill): void {
  const inject = injection(d);
  expect(inject.data?.component).to.equal('etcd');
  const leader = d.analysis.leader;
  const killedNode = String(inject.data?.node);
  expect(leader.leaderAtInjection, 'leader known at injection').to.be.a('string');
  expect(leader.members[leader.leaderAtInjection!], 'the member killed was the leader').to.equal(killedNode);
  const after = leader.changes.filter((c) => c.at >= inject.at);
  expect(after.length, 'a leader change after the kill').to.be.above(0);
  expect(after[0]!.toMember).to.not.equal(killedNode);
  const heal = eventsOf(d.timeline, 'fault-heal')[0]!;
  expect(Number(heal.data?.newPid)).to.not.equal(Number(inject.data?.pid));
  // etcd's own log names the same new leader, elected at most 400 ms before polling saw it.
  const elected = d.timeline.etcdLog.find(
    (l) => l.at >= inject.at && / became leader at term /.test(l.message),
  );
  expect(elected?.member, 'etcd logged the election').to.equal(after[0]!.toMember);
  expect(after[0]!.at - elected!.at).to.be.within(-50, 400);
}

export function expectEtcdPartition(d: Drill): void {
  const inject = injection(d);
  const fault = phaseOf(d.timeline, 'fault');
  const isolated = String(inject.data?.node);
  const change = d.analysis.leader.changes.find((c) => c.at >= inject.at);
  expect(change, 'leader changed after the partition').to.not.equal(undefined);
  expect(change!.toMember).to.not.equal(isolated);
  // etcd elects within a few election timeouts; writes on the majority side go on.
  const settled = inject.at + 5000;
  const sideWrites = d.timeline.writes.filter(
    (w) =>
      w.probe?.startsWith('member:api-write@') &&
      !w.probe.endsWith(isolated) &&
      w.start > settled &&
      w.start < fault.end,
  );
  expect(sideWrites.length, 'writes on the majority side during the partition').to.be.above(10);
  const acked = sideWrites.filter((w) => w.outcome === 'acked').length;
  expect(acked / sideWrites.length, `${acked} of ${sideWrites.length} acked`).to.be.above(0.9);
  // The isolated member's own apiserver cannot commit: none of its direct writes is acknowledged
  // while the partition holds (one sent then may be acknowledged after the heal, once it rejoined).
  const healAt = eventsOf(d.timeline, 'fault-heal')[0]!.at;
  const isolatedWrites = d.timeline.writes.filter(
    (w) => w.probe === `member:api-write@${isolated}` && w.start > settled && w.start < healAt,
  );
  expect(isolatedWrites.length).to.be.above(0);
  expect(isolatedWrites.filter((w) => w.outcome === 'acked' && w.end < healAt).length).to.equal(0);
  // Failover covers the whole degraded period: requests HAProxy still sent to the isolated
  // apiserver failed until it took that backend out.
  expectFailoverNoSoonerThanMarkDown(d, isolated, inject.at);
  expect(d.analysis.writes.lost).to.deep.equal([]);
}

export function expectCorednsKill(d: Drill): void {
  const inject = injection(d);
  const at = inject.at;
  const replica = d.timeline.samples.filter((s) => s.probe === 'member:dns@replica-0' && s.start > at);
  expect(
    replica.some((s) => s.outcome !== 'ok'),
    'the killed replica stopped answering',
  ).to.equal(true);
  expect(replica.at(-1)?.outcome, 'and answers again at the end').to.equal('ok');
  const other = d.timeline.samples.filter((s) => s.probe === 'member:dns@replica-1' && s.start > at);
  expect(
    other.every((s) => s.outcome === 'ok'),
    'the other replica kept answering',
  ).to.equal(true);
  // The DNS address kept sending lookups to the dead replica: the service was healthy again only
  // once the supervisor, by its own record, had started it again.
  const restarted = d.timeline.events.find(
    (e) => e.kind === 'process-start' && e.at > at && String(e.data?.component) === 'coredns',
  );
  expect(restarted, 'the supervisor restarted the replica').to.not.equal(undefined);
  const f = d.analysis.service.failover!;
  expect(f.badBySource.dns, 'lookups at the DNS address failed').to.be.above(0);
  // The DNS address picks a replica at random: a run of lookups can all reach the live one just
  // before the restart (ten in a row: one time in a thousand), hence a second of slack.
  expect(f.healthyFrom ?? Infinity).to.be.at.least(restarted!.at - 1000);
  // ... and stopped failing once it answered again (CoreDNS is ready within a second of its start).
  const lastBadLookup = Math.max(
    ...d.timeline.samples
      .filter((s) => s.probe === 'dns' && s.start >= at && s.outcome !== 'ok')
      .map((s) => s.start),
  );
  expect(lastBadLookup).to.be.below(restarted!.at + 1000);
}

export function expectEtcdSnapshotRestore(d: Drill): void {
  const lost = d.analysis.writes.lost;
  const verdict = d.report.verdicts.find((v) => v.slo === 'lost-writes')!;
  expect(verdict.result).to.equal('fail');
  expect(lost.length).to.be.above(10);
  // Independent of the read-back: the snapshot's own revision (from etcdutl) splits the keys written
  // before the restore. A key whose last acknowledged write got a revision the snapshot holds is
  // intact; a create acknowledged at a later revision is gone, through the API and in etcd. (After
  // the restore, revisions start again from the snapshot's: those writes are left out.)
  const revision = Number(injection(d).data?.revision);
  const restoredAt = eventsOf(d.timeline, 'fault-heal')[0]!.at;
  const lostKeys = new Set(lost.map((l) => l.key));
  const last = new Map<string, Timeline['writes'][number]>();
  for (const w of d.timeline.writes.filter((x) => x.outcome === 'acked').sort((a, b) => a.end - b.end))
    last.set(w.key, w);
  for (const [key, w] of last) if (w.end >= restoredAt) last.delete(key);
  // A write that may or may not have landed (a timeout, a 5xx) makes either state right: left out.
  for (const w of d.timeline.writes) if (w.outcome !== 'acked') last.delete(w.key);
  let before = 0;
  let after = 0;
  for (const [key, w] of last) {
    const rv = Number(w.resourceVersion);
    if (w.op === 'delete' || !Number.isFinite(rv)) continue;
    if (rv <= revision) {
      before++;
      expect(lostKeys.has(key), `${key} at ${rv} <= ${revision}`).to.equal(false);
    } else if ((w.op ?? 'create') === 'create') {
      after++;
      expect(lostKeys.has(key), `${key} at ${rv} > ${revision}`).to.equal(true);
    }
  }
  expect(before).to.be.above(10);
  expect(after).to.be.above(10);
  expect(lost.filter((l) => l.reason === 'missing').every((l) => l.sources.includes('etcd'))).to.equal(true);
}

/** The frozen process never exited: a freeze is a hang, not a crash. */
function expectNoExit(d: Drill, pid: number): void {
  const exits = d.timeline.events.filter((e) => e.kind === 'process-exit' && Number(e.data?.pid) === pid);
  expect(
    exits.map((e) => e.message),
    `pid ${pid} never exited`,
  ).to.deep.equal([]);
}

export function expectApiserverFreeze(d: Drill): void {
  const inject = injection(d);
  expect(inject.data?.component).to.equal('kube-apiserver');
  const node = String(inject.data?.node);
  const pid = Number(inject.data?.pid);
  const heal = eventsOf(d.timeline, 'fault-heal')[0]!;
  expect(heal.data?.resumed, 'SIGCONT reached the frozen process').to.equal(true);
  expect(Number(heal.data?.pid)).to.equal(pid);
  expectNoExit(d, pid);
  // Its own apiserver answered nothing while frozen, and answers again once resumed.
  const direct = d.timeline.samples.filter((s) => s.probe === `member:api-write@${node}`);
  const frozen = direct.filter((s) => s.start > inject.at + 100 && s.start < heal.at);
  expect(frozen.length).to.be.above(5);
  expect(frozen.filter((s) => s.outcome === 'ok' && s.end < heal.at)).to.deep.equal([]);
  expect(
    direct.some((s) => s.start > heal.at && s.outcome === 'ok'),
    'answers after SIGCONT',
  ).to.equal(true);
  // HAProxy's /readyz check timed out against the hung backend and took it out.
  expectFailoverNoSoonerThanMarkDown(d, node, inject.at);
  expect(d.analysis.writes.lost).to.deep.equal([]);
}

export function expectEtcdFollowerKill(d: Drill): void {
  const inject = injection(d);
  expect(inject.data?.component).to.equal('etcd');
  const killed = String(inject.data?.node);
  const leader = d.analysis.leader;
  expect(leader.members[leader.leaderAtInjection!], 'the killed member was not the leader').to.not.equal(
    killed,
  );
  // The leader kept its quorum: no election, and writes through the other apiservers went on.
  expect(leader.changes.filter((c) => c.at >= inject.at)).to.deep.equal([]);
  const heal = eventsOf(d.timeline, 'fault-heal')[0]!;
  const others = d.timeline.writes.filter(
    (w) =>
      w.probe?.startsWith('member:api-write@') &&
      !w.probe.endsWith(`@${killed}`) &&
      w.start > inject.at &&
      w.start < heal.at,
  );
  expect(others.length).to.be.above(10);
  const acked = others.filter((w) => w.outcome === 'acked').length;
  expect(acked / others.length, `${acked} of ${others.length} acked`).to.be.at.least(0.95);
  expect(d.analysis.writes.lost).to.deep.equal([]);
}

export function expectEtcdQuorumLoss(d: Drill): void {
  const injects = eventsOf(d.timeline, 'fault-inject');
  expect(injects.map((e) => e.data?.component)).to.deep.equal(['etcd', 'etcd']);
  const stopped = injects.map((e) => String(e.data?.node));
  expect(new Set(stopped).size, 'two different members').to.equal(2);
  const leader = d.analysis.leader;
  expect(stopped).to.not.include(leader.members[leader.leaderAtInjection!]);
  const heals = eventsOf(d.timeline, 'fault-heal');
  expect(heals.length).to.equal(2);
  // From the second stop (and the supervisor's kill after it) to the first restart, nothing commits:
  // no write is acknowledged, and reads, which are quorum reads, fail too.
  const from = injects[1]!.at + 500;
  const until = heals[0]!.at;
  const writes = d.timeline.writes.filter((w) => w.start > from && w.start < until);
  expect(writes.length).to.be.above(10);
  expect(writes.filter((w) => w.outcome === 'acked' && w.end < until)).to.deep.equal([]);
  const reads = d.timeline.samples.filter((s) => s.probe === 'api-read' && s.start > from && s.start < until);
  expect(reads.length).to.be.above(10);
  expect(reads.filter((s) => s.outcome === 'ok' && s.end < until)).to.deep.equal([]);
  // Both members came back, writes were acknowledged again, and none acknowledged was lost.
  expect(heals.every((h) => Number(h.data?.newPid) > 0)).to.equal(true);
  expect(d.timeline.writes.some((w) => w.start > heals[1]!.at && w.outcome === 'acked')).to.equal(true);
  expect(d.analysis.writes.lost).to.deep.equal([]);
  const failover = d.report.verdicts.find((v) => v.slo === 'failover');
  expect(failover?.result, 'the outage lasted the hold: no failover before the heal').to.not.equal('pass');
}

export function expectFreezeThenPartition(d: Drill): void {
  const [freeze, partition] = eventsOf(d.timeline, 'fault-inject');
  expect(freeze?.data?.fault).to.equal('freeze');
  expect(partition?.data?.fault).to.equal('isolate');
  // The partition went in 4 s into the hold and was healed 6 s later, before the freeze (reverse order).
  expect(partition!.at - freeze!.at).to.be.within(3800, 4800);
  const heals = eventsOf(d.timeline, 'fault-heal');
  expect(heals.map((h) => h.data?.fault)).to.deep.equal(['isolate', 'freeze']);
  expect(heals[0]!.at - partition!.at).to.be.within(5800, 6800);
  expect(heals[1]!.data?.resumed).to.equal(true);
  expectNoExit(d, Number(freeze!.data?.pid));
  const isolated = String(partition!.data?.node);
  const change = d.analysis.leader.changes.find((c) => c.at >= partition!.at);
  expect(change?.toMember, 'the majority elected a leader').to.not.equal(isolated);
  expect(d.analysis.writes.lost).to.deep.equal([]);
}

/**
 * A killed lease holder: the lease stays with the dead identity until it expires, then another
 * instance (or the restarted one, under a new identity) takes it; new pods wait for that.
 */
function expectLeaseHolderKill(component: string, lease: string, other: string) {
  return (d: Drill): void => {
    const inject = injection(d);
    expect(inject.data?.component).to.equal(component);
    const loops = d.analysis.controlLoops!;
    const l = loops.leases.find((x) => x.lease === lease)!;
    expect(l.holderAtInjection, 'the killed one held the lease').to.match(
      new RegExp(`^${inject.data?.node}_`),
    );
    expect(l.newHolder, 'another identity took the lease')
      .to.be.a('string')
      .and.not.equal(l.holderAtInjection);
    // Not released: taken over only once it expired (a lease duration after a renewal at most a retry
    // period before the kill), and within the bound the settings give (plus a reading of the lease).
    expect(l.newHolderAfterMs).to.be.within(10_000, loops.bound.ms + 500);
    // The other component's lease did not move.
    const o = loops.leases.find((x) => x.lease === other)!;
    expect(o.changes.filter((c) => c.at >= inject.at)).to.deep.equal([]);
    // New Deployments ran before the fault, and the first one after it ran only once the lease moved.
    const w = loops.workloads!;
    expect(w.baselineMedianMs).to.be.a('number');
    expect(w.runningAgainAfterMs, 'a new Deployment ran again').to.be.a('number');
    expect(w.runningAgainAfterMs!).to.be.within(l.newHolderAfterMs! - 500, l.newHolderAfterMs! + 10_000);
    expect(d.analysis.writes.lost).to.deep.equal([]);
  };
}

/** A graceful shutdown: SIGTERM, the process exits cleanly after its shutdown delay, and runs again. */
function gracefulShutdown(d: Drill) {
  const inject = injection(d);
  expect(inject.data?.signal).to.equal('SIGTERM');
  const pid = Number(inject.data?.pid);
  const delay = d.report.cluster.bounds.apiserverShutdownDelayMs ?? 0;
  expect(delay, 'the scenario set a shutdown delay').to.be.above(0);
  const exit = d.timeline.events.find((e) => e.kind === 'process-exit' && Number(e.data?.pid) === pid);
  expect(exit?.message, 'it exited by itself, cleanly').to.include('code 0');
  expect(exit!.at - inject.at, 'not before its shutdown delay').to.be.at.least(delay);
  const heal = eventsOf(d.timeline, 'fault-heal')[0]!;
  expect(Number(heal.data?.newPid)).to.be.above(0).and.not.equal(pid);
  const node = String(inject.data?.node);
  const down = markDowns(d.timeline).find((x) => x.server === node && x.at >= inject.at);
  expect(down, `HAProxy marked ${node} down`).to.not.equal(undefined);
  const bad = d.timeline.samples.filter(
    (s) => isServiceSample(s.probe) && s.outcome !== 'ok' && s.start >= inject.at && s.start < exit!.at,
  );
  expect(d.analysis.writes.lost).to.deep.equal([]);
  return { inject, delay, down: down!, bad };
}

function isServiceSample(probe: string): boolean {
  return isApiProbe(probe) || probe === 'dns' || probe === 'watch';
}

export function expectApiserverGraceful(d: Drill): void {
  const { inject, delay, down, bad } = gracefulShutdown(d);
  // /readyz failed during the delay: HAProxy took the backend out while it still served ...
  expect(down.check, 'marked down by a failing /readyz').to.equal('L7STS');
  expect(down.at - inject.at).to.be.below(delay);
  // ... so no request sent after that failed (HAProxy's shutdown-sessions cuts those in flight then).
  expect(bad.filter((s) => s.start > down.at + 500).map((s) => `${s.probe} ${s.detail ?? ''}`)).to.deep.equal(
    [],
  );
}

export function expectApiserverGracefulHealthz(d: Drill): void {
  const { inject, delay, down, bad } = gracefulShutdown(d);
  // /healthz stayed 200 through the delay: HAProxy saw only the closed listener, after it ...
  expect(down.check, 'marked down only once the port closed').to.equal('L4CON');
  expect(down.at - inject.at).to.be.at.least(delay);
  // ... and new connections it sent there in between failed.
  expect(bad.filter((s) => s.start > inject.at + delay - 500 && s.start < down.at + 500).length).to.be.above(
    0,
  );
}

/**
 * An expired serving certificate: every new connection of a verifying client fails, connections
 * opened before the swap go on, and the rotation ends it. HAProxy's check resumes a cached TLS
 * session, which skips the certificate: as a rule it keeps every backend in rotation, but a check
 * that makes a full handshake fails and takes its backend out (which cuts that backend's connections).
 */
export function expectCertExpiry(d: Drill): void {
  const inject = injection(d);
  expect(inject.data?.certificate).to.equal('apiserver');
  expect(Date.parse(String(inject.data?.notAfter)), 'the certificate had expired').to.be.below(inject.at);
  const heal = eventsOf(d.timeline, 'fault-heal')[0]!;
  expect(Date.parse(String(heal.data?.notAfter)), 'the rotated one is valid').to.be.above(
    heal.at + 86_400_000,
  );
  const within = (probe: string, from: number, to: number) =>
    d.timeline.samples.filter((s) => s.probe === probe && s.start > from && s.start < to);
  // Probes that open a connection per request: every one fails on the certificate, until the rotation.
  for (const probe of ['api-read', 'api-write']) {
    const cut = within(probe, inject.at + 500, heal.at - 100);
    expect(cut.length, probe).to.be.above(5);
    expect(
      cut.filter((s) => s.outcome === 'ok' || !/CERT_HAS_EXPIRED/.test(s.detail ?? '')).map((s) => s.detail),
      `${probe} fails on the expired certificate`,
    ).to.deep.equal([]);
    const after = within(probe, heal.at + 500, Infinity);
    expect(
      after.filter((s) => s.outcome !== 'ok').map((s) => s.detail),
      `${probe} after the rotation`,
    ).to.deep.equal([]);
  }
  // A connection opened before the swap is not checked again: the keep-alive probe goes on, and once
  // its connection is lost (if it is) it meets the certificate and fails until the rotation.
  const kept = within('api-read-keepalive', inject.at + 500, heal.at - 100);
  expect(kept[0]?.outcome, 'the open connection still answers').to.equal('ok');
  const firstBad = kept.findIndex((s) => s.outcome !== 'ok');
  if (firstBad >= 0)
    expect(kept.slice(firstBad).filter((s) => s.outcome === 'ok' && s.end < heal.at)).to.deep.equal([]);
  // What HAProxy took out, it took out on the certificate (an SSL handshake failure: L6RSP).
  const downs = markDowns(d.timeline).filter((m) => m.at >= inject.at && m.at <= heal.at);
  expect(downs.filter((m) => m.check !== 'L6RSP')).to.deep.equal([]);
  expect(
    d.analysis.service.failover?.failoverMs ?? null,
    'no failover: the outage lasts until the rotation',
  ).to.equal(null);
  expect(d.analysis.writes.lost).to.deep.equal([]);
}

/** Median start-to-end time of a probe's requests that started in [from, to). */
function medianMs(d: Drill, probe: string, from: number, to: number): number {
  const times = d.timeline.samples
    .filter((s) => s.probe === probe && s.start >= from && s.start < to)
    .map((s) => s.end - s.start)
    .sort((a, b) => a - b);
  expect(times.length, `${probe} requests between the two times`).to.be.above(5);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * A slow peer link: each member's own apiserver, written to directly, commits slower by at least the
 * added latency while the toxics are in (a commit needs a round trip between the leader and a
 * follower), and no slower than before a little after they are out.
 */
export function expectEtcdLatency(d: Drill): void {
  const inject = injection(d);
  const heal = eventsOf(d.timeline, 'fault-heal')[0]!;
  const latency = Number(inject.data?.latencyMs);
  expect(latency).to.be.above(0);
  const leader = d.analysis.leader;
  expect(inject.data?.members, "the leader's links").to.equal(leader.members[leader.leaderAtInjection!]);
  expect(inject.data?.links, 'every link to and from the member').to.equal(4);
  expect(heal.data?.removed, 'a toxic each way on each link, all removed').to.equal(8);
  const baseline = phaseOf(d.timeline, 'baseline');
  const end = Math.max(...d.timeline.phases.map((p) => p.end ?? 0));
  for (const node of ['node-1', 'node-2', 'node-3']) {
    const probe = `member:api-write@${node}`;
    const before = medianMs(d, probe, baseline.start, inject.at);
    const slow = medianMs(d, probe, inject.at + 1000, heal.at);
    const after = medianMs(d, probe, heal.at + 3000, end);
    expect(slow - before, `${probe}: slower while the link is slow`).to.be.at.least(latency);
    expect(after, `${probe}: fast again after the heal`).to.be.below(before + latency / 2);
  }
  expect(d.analysis.writes.lost).to.deep.equal([]);
}

/**
 * A lossy peer link: the rules dropped packets and TCP in the members' namespaces resent segments
 * meanwhile; nothing acknowledged was lost. (How much the API's tail grows depends on which packets
 * were lost: Linux recovers most within milliseconds, a lost tail only after 200 ms or more.)
 */
export function expectEtcdLoss(d: Drill): void {
  injection(d);
  const heal = eventsOf(d.timeline, 'fault-heal')[0]!;
  expect(Number(heal.data?.droppedPackets), 'peer packets dropped').to.be.above(0);
  expect(Number(heal.data?.retransmittedSegments), 'TCP resent what was dropped').to.be.above(0);
  expect(d.analysis.writes.lost).to.deep.equal([]);
}

/**
 * The active load balancer went down: the other took the virtual IP within the VRRP bound; clients
 * that open a connection per request failed only until then; the watch held through the dead one
 * broke only at its liveness check; nothing acknowledged was lost.
 */
export function expectLbFailover(d: Drill): void {
  const inject = injection(d);
  expect(inject.data?.heldVirtualIp, 'the one taken down held the virtual IP').to.equal(true);
  const heal = eventsOf(d.timeline, 'fault-heal')[0]!;
  const moved = Number(heal.data?.virtualIpMovedAfterMs);
  const vrrp = d.analysis.failover.bounds.find((b) => b.id === 'vrrp-takeover');
  // Three advertisements unheard, counted from the last one heard (up to one interval before the cut).
  expect(moved, 'the virtual IP moved').to.be.within(vrrp!.ms - 1000 - 100, vrrp!.ms + 500);
  expect(heal.data?.virtualIpHolder).to.not.equal(inject.data?.loadBalancer);
  const movedAt = inject.at + moved;
  for (const probe of ['api-read', 'api-write']) {
    const during = d.timeline.samples.filter((s) => s.probe === probe && s.start > inject.at);
    expect(
      during.some((s) => s.outcome !== 'ok' && s.start < movedAt),
      `${probe} failed before the move`,
    ).to.equal(true);
    expect(
      during
        .filter((s) => s.start > movedAt + 1000 && s.end < heal.at && s.outcome !== 'ok')
        .map((s) => s.detail),
      `${probe} answered through the other one`,
    ).to.deep.equal([]);
  }
  // The watch hears nothing through the dead one until its liveness check after 30 s of silence.
  const broken = d.timeline.samples.find(
    (s) => s.probe === 'watch' && s.outcome === 'error' && s.start > inject.at,
  );
  if (broken) expect(broken.start - inject.at, broken.detail).to.be.within(29_000, 33_000);
  expect(d.analysis.writes.lost).to.deep.equal([]);
}

/** An apiserver killed with no central load balancer: the host's own routes around it as one would. */
export function expectLbPerNode(d: Drill): void {
  expect(d.report.cluster.bounds.loadBalancers).to.equal('per-node');
  expectApiserverKill(d);
}

export const EXPECTATIONS: Record<string, (d: Drill) => void> = {
  'lb-failover': expectLbFailover,
  'lb-per-node': expectLbPerNode,
  'etcd-latency': expectEtcdLatency,
  'etcd-loss': expectEtcdLoss,
  'cert-expiry': expectCertExpiry,
  'apiserver-freeze': expectApiserverFreeze,
  'apiserver-graceful': expectApiserverGraceful,
  'apiserver-graceful-healthz': expectApiserverGracefulHealthz,
  'apiserver-kill': expectApiserverKill,
  'controller-manager-leader-kill': expectLeaseHolderKill(
    'kube-controller-manager',
    'kube-controller-manager',
    'kube-scheduler',
  ),
  'coredns-kill': expectCorednsKill,
  'etcd-follower-kill': expectEtcdFollowerKill,
  'etcd-leader-kill': expectEtcdLeaderKill,
  'etcd-partition': expectEtcdPartition,
  'etcd-quorum-loss': expectEtcdQuorumLoss,
  'etcd-snapshot-restore': expectEtcdSnapshotRestore,
  'freeze-then-partition': expectFreezeThenPartition,
  'scheduler-leader-kill': expectLeaseHolderKill(
    'kube-scheduler',
    'kube-scheduler',
    'kube-controller-manager',
  ),
};
