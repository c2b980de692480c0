import { expect } from 'chai';
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { parseReport } from '../../src/report/json.ts';
import { decodeTimeline } from '../../src/report/report-model.ts';
import path from 'node:path';
import { down } from '../../src/cluster/local/provider.ts';
import { layoutOf, resolveLocalConfig } from '../../src/cluster/local/config.ts';
import { remnants } from '../../src/cluster/local/teardown.ts';
import { markDowns } from '../../src/analysis/cross-checks.ts';
import { drill, eventsOf, phase, SHORT, type DrillResult } from './drill-report.ts';
import { repo, testComponents } from './helpers.ts';

/** SHORT with a hold long enough to interrupt the drill inside it. */
const LONG_HOLD = SHORT.map((a, i) => (SHORT[i - 1] === '--hold' ? '60s' : a));

/** Starts etcd-partition with a long hold and returns once the partition is in place. */
async function partitionInProgress(reportDir: string): Promise<{ child: ResultPromise }> {
  const child = execa(
    process.execPath,
    ['--import', 'tsx', 'src/cli/drill.ts', 'etcd-partition', '--report-dir', reportDir, ...LONG_HOLD],
    { cwd: repo, reject: false, env: { KHD_NO_LAZY_SETUP: '1' } },
  );
  await untilOutput(child, /fault: partition/);
  // Wrapped: an async function returning the (thenable) child would wait for it to exit.
  return { child };
}

/** Resolves when the child's stderr matches (the drill prints each step there). */
function untilOutput(child: ResultPromise, re: RegExp, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${re} within ${timeoutMs} ms:\n${seen.slice(-2000)}`)),
      timeoutMs,
    );
    void child.then((r) =>
      reject(new Error(`exited (${r.exitCode}) before ${re}:\n${String(r.stderr).slice(-2000)}`)),
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (re.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

const layout = layoutOf(resolveLocalConfig());

/** What every drill must show, whatever its fault. */
async function expectSoundRun(r: DrillResult): Promise<void> {
  expect(r.code, r.stderr.slice(-3000)).to.be.oneOf([0, 1, 4]);
  expect(r.report.status).to.equal('completed');
  expect(r.files).to.include.members(['report.json', 'report.md', 'junit.xml']);
  expect(r.report.audit.components.map((c) => c.name)).to.include.members([
    'kube-apiserver',
    'etcd',
    'haproxy',
  ]);
  const healthy = r.report.verdicts.find((v) => v.slo === 'cluster-healthy-after');
  expect(healthy?.result, healthy?.detail).to.equal('pass');
  // The report's figures agree with etcd's, HAProxy's, the apiservers' and k6's own records.
  const cross = r.report.verdicts.find((v) => v.slo === 'cross-checks');
  expect(cross?.result, cross?.detail).to.equal('pass');
  expect(r.files).to.include('k6-summary.json');
  expect(r.junit).to.include('<testcase');
  // The drill removed the cluster it made, and everything with it.
  expect(await remnants(layout.dir, layout.config.name)).to.deep.equal([]);
}

function injectedAt(r: DrillResult): number {
  const e = eventsOf(r.timeline, 'fault-inject')[0];
  expect(e, 'a fault-inject event').to.not.equal(undefined);
  return e!.at;
}

describe('drills end to end on the local provider', function () {
  this.timeout(600_000);

  before(async function () {
    // On a fresh machine the first use builds every component (about 15 minutes).
    this.timeout(3_600_000);
    await testComponents();
    await down();
  });

  it('apiserver-kill: the killed apiserver is replaced, and reads through HAProxy recover once it is marked down', async () => {
    const r = await drill('apiserver-kill');
    await expectSoundRun(r);
    const inject = eventsOf(r.timeline, 'fault-inject')[0]!;
    const killedPid = Number(inject.data?.pid);
    expect(inject.data?.component).to.equal('kube-apiserver');
    const exit = r.timeline.events.find((e) => e.kind === 'process-exit' && e.data?.pid === killedPid);
    expect(exit?.message, 'the killed pid exited').to.include('SIGKILL');
    const heal = eventsOf(r.timeline, 'fault-heal')[0]!;
    expect(Number(heal.data?.newPid)).to.be.above(0).and.not.equal(killedPid);
    expect(
      r.timeline.events.some((e) => e.kind === 'process-start' && e.data?.pid === Number(heal.data?.newPid)),
    ).to.equal(true);

    // HAProxy marks the dead backend down after fall x inter; after that, reads through it do not fail.
    const b = r.report.cluster.bounds;
    const markedDownBy = inject.at + (b.haproxyInterMs ?? 2000) * ((b.haproxyFall ?? 3) + 1) + 1000;
    const reads = r.timeline.samples.filter((s) => s.probe === 'api-read' && s.start >= inject.at);
    const lateFailures = reads.filter((s) => s.outcome !== 'ok' && s.start > markedDownBy);
    expect(lateFailures, JSON.stringify(lateFailures.slice(0, 3))).to.deep.equal([]);
    expect(reads.filter((s) => s.outcome === 'ok').length).to.be.above(reads.length / 2);

    // Held against independent records of the same run: the supervisor saw the kill when the report
    // says it was injected, and the service was not healthy before HAProxy, by its own account, took
    // the dead backend out (less a poll of its stats and a probe interval).
    expect(exit!.at - inject.at, 'supervisor saw the exit').to.be.within(0, 500);
    const down = markDowns(r.timeline).find((d) => d.server === inject.data?.node && d.at >= inject.at);
    expect(down, 'HAProxy marked node-1 down').to.not.equal(undefined);
    const f = r.report.analysis!.service.failover!;
    expect(f.healthyFrom, 'failover reached within the hold').to.not.equal(null);
    expect(f.healthyFrom!).to.be.at.least(down!.at - 600);
  });

  it('etcd-leader-kill: kills the member etcd names as leader, and a new leader is elected', async () => {
    const r = await drill('etcd-leader-kill');
    await expectSoundRun(r);
    const at = injectedAt(r);
    const inject = eventsOf(r.timeline, 'fault-inject')[0]!;
    expect(inject.data?.component).to.equal('etcd');
    const leader = r.report.analysis!.leader;
    const killedNode = String(inject.data?.node);
    expect(leader.leaderAtInjection, 'leader known at injection').to.be.a('string');
    expect(leader.members[leader.leaderAtInjection!], 'the member killed was the leader').to.equal(
      killedNode,
    );
    const after = leader.changes.filter((c) => c.at >= at);
    expect(after.length, 'a leader change after the kill').to.be.above(0);
    expect(after[0]!.toMember).to.not.equal(killedNode);
    const heal = eventsOf(r.timeline, 'fault-heal')[0]!;
    expect(Number(heal.data?.newPid)).to.not.equal(Number(inject.data?.pid));
    // etcd's own log names the same new leader, elected at most 400 ms before polling saw it.
    const elected = r.timeline.etcdLog.find((l) => l.at >= at && / became leader at term /.test(l.message));
    expect(elected?.member, 'etcd logged the election').to.equal(after[0]!.toMember);
    expect(after[0]!.at - elected!.at).to.be.within(-50, 400);
  });

  it('etcd-partition: the majority elects a new leader and a follower-side apiserver stays writable', async () => {
    const r = await drill('etcd-partition');
    await expectSoundRun(r);
    const at = injectedAt(r);
    const fault = phase(r.timeline, 'fault');
    const isolated = String(eventsOf(r.timeline, 'fault-inject')[0]!.data?.node);
    const leader = r.report.analysis!.leader;
    const change = leader.changes.find((c) => c.at >= at);
    expect(change, 'leader changed after the partition').to.not.equal(undefined);
    expect(change!.toMember).to.not.equal(isolated);
    // etcd elects within a few election timeouts; writes on the majority side go on.
    const settled = at + 5000;
    const majority = ['node-1', 'node-2', 'node-3'].filter((n) => n !== isolated);
    const sideWrites = r.timeline.writes.filter(
      (w) =>
        w.probe?.startsWith('member:api-write@') &&
        !w.probe.endsWith(isolated) &&
        w.start > settled &&
        w.start < fault.end,
    );
    expect(sideWrites.length, 'writes on the majority side during the partition').to.be.above(10);
    const acked = sideWrites.filter((w) => w.outcome === 'acked').length;
    expect(
      acked / sideWrites.length,
      `${acked} of ${sideWrites.length} acked (${majority.join(', ')})`,
    ).to.be.above(0.9);
    // The isolated member's own apiserver cannot commit: its direct writes stop succeeding.
    const isolatedWrites = r.timeline.writes.filter(
      (w) => w.probe === `member:api-write@${isolated}` && w.start > settled && w.start < fault.end,
    );
    expect(isolatedWrites.filter((w) => w.outcome === 'acked').length).to.equal(0);
    // Failover covers the whole degraded period: requests HAProxy still sent to the isolated apiserver
    // failed until it took that backend out, by its own account, so the service was not healthy before.
    const down = markDowns(r.timeline).find((d) => d.server === isolated && d.at >= at);
    expect(down, `HAProxy marked ${isolated} down`).to.not.equal(undefined);
    const f = r.report.analysis!.service.failover!;
    expect(f.healthyFrom, 'failover reached within the hold').to.not.equal(null);
    expect(f.healthyFrom!).to.be.at.least(down!.at - 600);
  });

  it('coredns-kill: one replica dies and is restarted; lookups at the DNS address recover', async () => {
    const r = await drill('coredns-kill');
    await expectSoundRun(r);
    const at = injectedAt(r);
    const replica = r.timeline.samples.filter((s) => s.probe === 'member:dns@replica-0' && s.start > at);
    expect(
      replica.some((s) => s.outcome !== 'ok'),
      'the killed replica stopped answering',
    ).to.equal(true);
    expect(replica.at(-1)?.outcome, 'and answers again at the end').to.equal('ok');
    const vip = r.report.analysis!.outages.find((o) => o.probe === 'dns')!;
    expect(vip.recovered).to.equal(true);
    const other = r.timeline.samples.filter((s) => s.probe === 'member:dns@replica-1' && s.start > at);
    expect(
      other.every((s) => s.outcome === 'ok'),
      'the other replica kept answering',
    ).to.equal(true);
    // The DNS address kept sending lookups to the dead replica: the service was healthy again only
    // once the supervisor (by its own record) had started it again.
    const restarted = r.timeline.events.find(
      (e) => e.kind === 'process-start' && e.at > at && String(e.data?.component) === 'coredns',
    );
    expect(restarted, 'the supervisor restarted the replica').to.not.equal(undefined);
    const f = r.report.analysis!.service.failover!;
    expect(f.badBySource.dns, 'lookups at the DNS address failed').to.be.above(0);
    expect(f.healthyFrom, 'failover reached within the hold').to.not.equal(null);
    expect(f.healthyFrom!).to.be.within(restarted!.at, restarted!.at + 2000);
  });

  it('etcd-snapshot-restore: the lost-write check catches a real loss and names the lost objects', async () => {
    const r = await drill('etcd-snapshot-restore');
    await expectSoundRun(r);
    expect(r.code).to.equal(1);
    const at = injectedAt(r);
    const lost = r.report.analysis!.writes.lost;
    const verdict = r.report.verdicts.find((v) => v.slo === 'lost-writes')!;
    expect(verdict.result).to.equal('fail');
    expect(verdict.measured).to.equal(lost.length);
    expect(lost.length).to.be.above(10);
    // Only writes acknowledged after the snapshot can be lost; each lost one is named in the report.
    const byKey = new Map(r.timeline.writes.map((w) => [w.key, w]));
    for (const l of lost) {
      expect(byKey.get(l.key)!.outcome).to.equal('acked');
      expect(byKey.get(l.key)!.end).to.be.above(at - 1000);
    }
    expect(r.markdown).to.include(lost[0]!.key);
    expect(r.junit).to.include('lost-writes');
    // Independent of the read-back: the snapshot's own revision (from etcdutl) splits the keys. A key
    // whose last acknowledged write got a revision the snapshot holds is intact; a create acknowledged
    // at a later revision is gone, through the API and in etcd.
    const revision = Number(eventsOf(r.timeline, 'fault-inject')[0]!.data?.revision);
    const lostKeys = new Set(lost.map((l) => l.key));
    const last = new Map<string, (typeof r.timeline.writes)[number]>();
    for (const w of [...r.timeline.writes].filter((x) => x.outcome === 'acked').sort((a, b) => a.end - b.end))
      last.set(w.key, w);
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
    expect(lost.filter((l) => l.reason === 'missing').every((l) => l.sources.includes('etcd'))).to.equal(
      true,
    );
  });

  it('Ctrl-C during the fault heals it, writes a report that says why it stopped, and removes the cluster', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-sigint-'));
    const { child } = await partitionInProgress(dir);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, String(r.stderr).slice(-2000)).to.equal(3);
    const report = parseReport(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(report.status).to.equal('aborted');
    expect(report.abortReason).to.include('interrupted by SIGINT');
    const timeline = decodeTimeline(report.timeline);
    expect(timeline.events.some((e) => e.kind === 'fault-heal' && e.message.includes('healed'))).to.equal(
      true,
    );
    expect(timeline.samples.length, 'what was measured so far is kept').to.be.above(100);
    expect(await remnants(layout.dir, layout.config.name)).to.deep.equal([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('after a kill -9 of a drill, the next drill removes what it left and runs', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-kill9-'));
    const { child } = await partitionInProgress(dir);
    child.kill('SIGKILL');
    await child;
    expect(
      await remnants(layout.dir, layout.config.name),
      'the killed drill left its cluster',
    ).to.not.deep.equal([]);
    const r = await drill('apiserver-kill');
    expect(r.stderr).to.include('removing the leftovers of an earlier drill');
    await expectSoundRun(r);
    const k6 = await execa('pgrep', ['-x', 'k6'], { reject: false });
    expect(k6.stdout.trim(), 'no k6 left running').to.equal('');
    rmSync(dir, { recursive: true, force: true });
  });
});
