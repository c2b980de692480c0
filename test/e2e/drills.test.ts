import { expect } from 'chai';
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import os from 'node:os';
import { parseReport } from '../../src/report/json.ts';
import { decodeTimeline } from '../../src/report/report-model.ts';
import path from 'node:path';
import { down } from '../../src/providers/local/provider.ts';
import { layoutOf, resolveLocalConfig } from '../../src/providers/local/config.ts';
import { certsOf } from '../../src/cluster/pki.ts';
import { servedCertificate } from '../../src/cluster/served-cert.ts';
import { plannedPki } from '../../src/providers/local/pki-spec.ts';
import type { Report } from '../../src/report/report-model.ts';
import { remnants } from '../../src/providers/local/teardown.ts';
import { EXPECTATIONS, expectSoundDrill } from '../drill-expectations.ts';
import type { DrillSummary } from '../../src/report/drill-summary.ts';
import { expectValidReport, expectValidSummary } from '../report-schema.ts';
import { drill, expectHtmlReport, SHORT, type DrillResult } from './drill-report.ts';
import { closeSharedBrowser } from '../browser.ts';
import { cli, startCli, testComponents } from './helpers.ts';

/** SHORT with a hold long enough to interrupt the drill inside it. */
const LONG_HOLD = SHORT.map((a, i) => (SHORT[i - 1] === '--hold' ? '60s' : a));

/** Starts a drill with a long hold and returns once its stderr shows `until` (the fault in place). */
async function drillInProgress(
  scenario: string,
  reportDir: string,
  until: RegExp,
  extra: string[] = [],
): Promise<{ child: ResultPromise; seen: string }> {
  const child = startCli('drill', [scenario, '--report-dir', reportDir, ...LONG_HOLD, ...extra]);
  const seen = await untilOutput(child, until);
  // Wrapped: an async function returning the (thenable) child would wait for it to exit.
  return { child, seen };
}

const partitionInProgress = (reportDir: string) =>
  drillInProgress('etcd-partition', reportDir, /fault: partition/);

/** Resolves with what the child printed so far when its stderr matches (the drill prints each step there). */
function untilOutput(child: ResultPromise, re: RegExp, timeoutMs = 120_000): Promise<string> {
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
        resolve(seen);
      }
    });
  });
}

const layout = layoutOf(resolveLocalConfig());

const LIVE_HTML_CHECKED = new Set(['apiserver-kill', 'etcd-partition', 'freeze-then-partition']);

/** What every drill must show, whatever its fault, and what its own fault must show. */
async function expectSoundRun(r: DrillResult, scenario: string): Promise<void> {
  expect(r.code, r.stderr.slice(-3000)).to.be.oneOf([0, 1, 4]);
  expect(r.files).to.include.members([
    'report.json',
    'report.md',
    'junit.xml',
    'report.html',
    'k6-summary.json',
  ]);
  // Every recording's report.html is opened in report-html.test.ts; of the live runs, those whose
  // charts have something of their own: process restarts, a leader change, overlapping faults.
  if (LIVE_HTML_CHECKED.has(scenario)) await expectHtmlReport(r);
  expect(r.report.audit.components.map((c) => c.name)).to.include.members([
    'kube-apiserver',
    'etcd',
    'haproxy',
  ]);
  expect(r.junit).to.include('<testcase');
  const d = { report: r.report, analysis: r.report.analysis!, timeline: r.timeline };
  expectSoundDrill(d);
  // The report's own verdict on its cross-checks.
  const cross = r.report.verdicts.find((v) => v.slo === 'cross-checks');
  expect(cross?.result, cross?.detail).to.equal('pass');
  EXPECTATIONS[scenario]!(d);
  expectCertificatesListed(r.report);
  // The drill removed the cluster it made, and everything with it.
  expect(await remnants(layout.dir, layout.config.name)).to.deep.equal([]);
}

/**
 * Every report lists the cluster's certificates: each file of its PKI, and what the load balancer's
 * address serves, which is the apiservers' certificate file as it was before the baseline.
 */
function expectCertificatesListed(report: Report): void {
  const inventory = report.cluster.certificates;
  expect(inventory?.unreadable).to.deep.equal([]);
  const names = inventory!.certificates.filter((c) => !c.source.startsWith('served at')).map((c) => c.name);
  expect(names.sort()).to.deep.equal(
    certsOf(plannedPki(layout))
      .map((c) => c.id)
      .sort(),
  );
  const served = inventory!.certificates.find((c) => c.source.startsWith('served at'));
  const file = inventory!.certificates.find((c) => c.name === 'apiserver');
  expect(served?.notAfter).to.equal(file?.notAfter);
  // A new cluster's certificates live a year: none is flagged.
  expect(inventory!.certificates.filter((c) => c.state !== 'valid')).to.deep.equal([]);
}

describe('drills end to end on the local provider', function () {
  this.timeout(600_000);

  before(async function () {
    // On a fresh machine the first use builds every component (about 15 minutes).
    this.timeout(3_600_000);
    await testComponents();
    await down();
  });
  after(closeSharedBrowser);

  /** Drills whose own expectations (test/drill-expectations.ts) say all there is to check. */
  const SOUND: [scenario: string, shows: string][] = [
    [
      'apiserver-kill',
      'the killed apiserver is replaced; the service is healthy once HAProxy has taken it out',
    ],
    ['etcd-leader-kill', 'kills the member etcd names as leader; etcd logs the new leader polling saw'],
    [
      'etcd-partition',
      'the majority elects a new leader, its side stays writable, failover lasts until HAProxy routes around',
    ],
    ['coredns-kill', 'lookups fail until the supervisor restarts the replica; the other keeps answering'],
    [
      'apiserver-freeze',
      'the hung apiserver answers nothing, HAProxy times it out, SIGCONT brings the same process back',
    ],
    ['apiserver-graceful', 'HAProxy drains the apiserver on its failing /readyz before it stops listening'],
    [
      'apiserver-graceful-healthz',
      'checking /healthz, HAProxy sends new connections to it until the port closes',
    ],
    ['etcd-follower-kill', 'no election, writes through the other members go on'],
    [
      'etcd-quorum-loss',
      'two members down, nothing is acknowledged or read until they return; no write lost',
    ],
    ['freeze-then-partition', 'the partition goes in 4 s into the freeze and comes out first'],
    [
      'etcd-latency',
      "every member's own apiserver commits slower by the latency while the leader's links are slow",
    ],
    ['etcd-loss', 'the drops take packets, TCP resends them, nothing acknowledged is lost'],
    ['cert-expiry', 'new connections fail on the expired certificate, open ones go on, the rotation ends it'],
  ];
  for (const [scenario, shows] of SOUND)
    it(`${scenario}: ${shows}`, async () => {
      await expectSoundRun(await drill(scenario), scenario);
    });

  it('lb-failover: the other load balancer takes the virtual IP; a watch through the dead one recovers at its liveness check', async () => {
    // A hold past the watch's 30 s liveness check, so its recovery is in the run.
    const r = await drill('lb-failover', [
      '--baseline',
      '5s',
      '--hold',
      '38s',
      '--recovery',
      '8s',
      '--rate',
      '20',
    ]);
    await expectSoundRun(r, 'lb-failover');
    const broken = r.timeline.samples.find(
      (s) =>
        s.probe === 'watch' &&
        s.outcome === 'error' &&
        s.start > r.timeline.events.find((e) => e.kind === 'fault-inject')!.at,
    );
    expect(broken?.detail, 'the watch broke at its liveness check').to.match(/ECONNRESET|broken/);
  });

  it("lb-per-node: each node's own load balancer takes the killed apiserver out by its own checks", async () => {
    const r = await drill('lb-per-node', [...SHORT, '--keep-cluster']);
    try {
      const d = { report: r.report, analysis: r.report.analysis!, timeline: r.timeline };
      expectSoundDrill(d);
      EXPECTATIONS['lb-per-node']!(d);
      // Each node's balancer, on that node's loopback, saw node-1's apiserver go by itself.
      for (const n of layout.nodes) {
        const log = readFileSync(path.join(layout.dir, 'logs', `haproxy-${n.name}.log`), 'utf8');
        expect(log, n.name).to.match(/Server apiservers\/node-1 is DOWN/);
      }
      const status = await cli('cluster', ['status'], 120_000);
      expect(status.stdout).to.match(/haproxy\s+node-2\s.*node-local, 3 of 3 apiservers up/);
    } finally {
      await cli('cluster', ['down'], 300_000);
    }
  });

  it('etcd-snapshot-restore: the lost-write check names exactly the writes the snapshot did not hold', async () => {
    const r = await drill('etcd-snapshot-restore');
    await expectSoundRun(r, 'etcd-snapshot-restore');
    expect(r.code).to.equal(1);
    const lost = r.report.analysis!.writes.lost;
    expect(r.markdown).to.include(lost[0]!.key);
    expect(r.junit).to.include('lost-writes');
  });

  for (const scenario of ['controller-manager-leader-kill', 'scheduler-leader-kill'])
    it(`${scenario}: the lease moves once it expires, and new pods run again only then`, async () => {
      // The lease expires 13-24 s after the kill: a hold that shows it.
      const hold = SHORT.map((a, i) => (SHORT[i - 1] === '--hold' ? '25s' : a));
      await expectSoundRun(await drill(scenario, hold), scenario);
    });

  it('Ctrl-C during the fault heals it, writes a report that says why it stopped, and removes the cluster', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-sigint-'));
    const { child } = await partitionInProgress(dir);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, String(r.stderr).slice(-2000)).to.equal(3);
    const report = parseReport(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expectValidReport(report, 'the report of an interrupted drill');
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
    const r = await drill('apiserver-kill', [...SHORT, '--json']);
    expect(r.stderr).to.include('removing the leftovers of an earlier drill');
    // --json: stdout is the verdict summary alone, the table went to stderr.
    const summary = JSON.parse(r.stdout) as DrillSummary;
    expectValidSummary(summary);
    expect(summary.exitCode).to.equal(r.code);
    expect(summary.verdicts).to.deep.equal(r.report.verdicts);
    expect(r.stderr).to.match(/exit code \d/);
    await expectSoundRun(r, 'apiserver-kill');
    const k6 = await execa('pgrep', ['-x', 'k6'], { reject: false });
    expect(k6.stdout.trim(), 'no k6 left running').to.equal('');
    rmSync(dir, { recursive: true, force: true });
  });
  it('a drill killed -9 with the serving certificate swapped: the next drill on the cluster rotates it first', async () => {
    const up = await cli('cluster', ['up'], 600_000);
    expect(up.code, up.stderr.slice(-2000)).to.equal(0);
    const lb = `https://${layout.config.lbAddress}:${layout.config.lbPort}`;
    const servedUntil = async () =>
      Date.parse(new X509Certificate((await servedCertificate(lb, 'lb')).pem).validTo);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-kill9-cert-'));
    try {
      const { child } = await drillInProgress(
        'cert-expiry',
        dir,
        /fault: the apiservers' serving certificate/,
        ['--reuse-cluster'],
      );
      child.kill('SIGKILL');
      await child;
      expect(await servedUntil(), 'the killed drill left the expired certificate').to.be.below(Date.now());
      const r = await drill('apiserver-kill', [...SHORT, '--reuse-cluster']);
      expect(r.stderr).to.match(
        /undid what an earlier drill left: rotated the apiservers' serving certificate/,
      );
      expect(await servedUntil(), 'a valid certificate again').to.be.above(Date.now() + 86_400_000);
      expect(r.report.status).to.equal('completed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await cli('cluster', ['down'], 300_000);
    }
  });

  it('a drill killed -9 with a load balancer down: the next drill on the cluster brings it back first', async () => {
    const up = await cli('cluster', ['up', '--load-balancers', 'vrrp-pair'], 600_000);
    expect(up.code, up.stderr.slice(-2000)).to.equal(0);
    const pair = layoutOf(resolveLocalConfig({ loadBalancers: 'vrrp-pair' }));
    const linkOf = async (netns: string) =>
      (await execa('ip', ['-n', netns, '-o', 'link', 'show', 'dev', 'eth0'])).stdout;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-kill9-lb-'));
    try {
      // Whichever of the pair won the first election holds the address: the fault takes that one.
      const { child, seen } = await drillInProgress('lb-failover', dir, /fault: load balancer lb-\d/, [
        '--reuse-cluster',
      ]);
      child.kill('SIGKILL');
      await child;
      const down = pair.lbNodes.find((n) => seen.includes(`fault: load balancer ${n.name} `))!;
      expect(await linkOf(down.netns), `the killed drill left ${down.name} down`).to.include('state DOWN');
      const r = await drill('apiserver-kill', [...SHORT, '--reuse-cluster']);
      expect(r.stderr).to.include(`undid what an earlier drill left: load balancer ${down.name} down`);
      expect(await linkOf(down.netns)).to.not.include('state DOWN');
      expect(r.report.status).to.equal('completed');
      const healthy = r.report.verdicts.find((v) => v.slo === 'cluster-healthy-after');
      expect(healthy?.result, healthy?.detail).to.equal('pass');
      expect(healthy?.detail).to.include(`haproxy@${down.name} (/readyz through it ok)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await cli('cluster', ['down'], 300_000);
    }
  });
});
