import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { analyze } from '../../src/analysis/analyze.ts';
import { isApiProbe } from '../../src/analysis/probes.ts';
import { phaseOf } from '../../src/analysis/run-span.ts';
import { emptyTimeline, type Timeline } from '../../src/observe/timeline.ts';
import { SETTINGS, verdictOf } from './helpers.ts';

/**
 * Synthetic timelines (test/fixtures/synthetic/generate.ts): simulations of two drills written by
 * hand, shaped like the recorders' output. They test the analysis on known shapes; what a real
 * cluster does is tested on the recordings (recordings.test.ts).
 */
function loadSynthetic(name: string): Timeline {
  const url = new URL(`../fixtures/synthetic/${name}.json`, import.meta.url);
  return { ...emptyTimeline(), ...(JSON.parse(readFileSync(url, 'utf8')) as Partial<Timeline>) };
}

/** Nearest rank, computed the slow, obvious way. */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.floor((p / 100) * sorted.length + 0.5));
  return sorted[rank - 1] ?? NaN;
}

describe('synthetic: etcd leader partition', () => {
  const timeline = loadSynthetic('etcd-leader-partition');
  const a = analyze(timeline, SETTINGS);

  it('is a 60 s run of seven probes at 100 ms', () => {
    expect(a.run.phases.map((p) => [p.name, p.end - p.start])).to.deep.equal([
      ['baseline', 20_000],
      ['fault', 20_000],
      ['recovery', 20_000],
    ]);
    expect(a.outages.map((p) => p.probe)).to.deep.equal([
      'api-read',
      'api-write',
      'dns',
      'etcd:node-1',
      'etcd:node-2',
      'etcd:node-3',
      'watch',
    ]);
  });

  it('counts every request in exactly one phase', () => {
    const total = a.requests.perPhase.reduce((n, p) => n + p.probes.reduce((m, s) => m + s.requests, 0), 0);
    expect(total).to.equal(timeline.samples.length);
    expect(a.requests.apiWholeRun.requests).to.equal(
      timeline.samples.filter((s) => isApiProbe(s.probe)).length,
    );
  });

  it('HDR percentiles agree with exact nearest-rank ones within 0.1 %', () => {
    for (const phase of a.requests.perPhase) {
      for (const stats of phase.probes) {
        const durations = timeline.samples
          .filter((s) => s.probe === stats.label && phaseOf(s.start, a.run.phases) === phase.phase)
          .map((s) => s.end - s.start);
        for (const [p, got] of [
          [50, stats.latency?.p50Ms],
          [95, stats.latency?.p95Ms],
          [99, stats.latency?.p99Ms],
        ] as const) {
          const exact = exactPercentile(durations, p);
          expect(got, `${stats.label} P${p} in ${phase.phase}`).to.be.within(exact, exact * 1.001 + 0.001);
        }
        expect(stats.latency?.maxMs).to.equal(Math.max(...durations));
      }
    }
  });

  it('outage windows open on a bad request, close on a later good one, and do not overlap', () => {
    for (const p of a.outages) {
      const samples = timeline.samples.filter((s) => s.probe === p.probe);
      let previousEnd = -Infinity;
      for (const w of p.windows) {
        expect(w.start, p.probe).to.be.greaterThan(previousEnd);
        expect(samples.some((s) => s.start === w.start)).to.equal(true);
        if (w.end !== null)
          expect(samples.some((s) => s.end === w.end && s.outcome === 'ok' && s.start > w.start)).to.equal(
            true,
          );
        previousEnd = w.end ?? Infinity;
      }
      expect(p.longestWindowMs).to.equal(Math.max(0, ...p.windows.map((w) => w.durationMs)));
      expect(p.windows.reduce((n, w) => n + w.failedRequests, 0)).to.equal(p.failed + p.slow);
    }
  });

  it('the majority elects node-2 within 2 x election timeout of the injection', () => {
    expect(a.leader.initialLeaderMember).to.equal('node-1');
    expect(a.leader.changes.map((c) => [c.fromMember, c.toMember, c.raftTerm])).to.deep.equal([
      ['node-1', 'node-2', 3],
    ]);
    expect(a.leader.newLeaderAfterInjectionMs).to.be.within(1000, 2000);
    expect(a.failover.leaderElection?.withinBound).to.equal(true);
  });

  it('fails over when HAProxy takes the isolated apiserver out; the isolated member speaks for no part of the service', () => {
    // The simulation: reads sent to node-1's apiserver hang until HAProxy marks it down at +27.9 s.
    const f = a.service.failover!;
    expect(f.healthyFrom! - a.run.faultInjectedAt!).to.be.within(7_000, 8_500);
    expect(verdictOf(a.verdicts, 'failover').result).to.equal('pass');
    expect(a.outages.find((p) => p.probe === 'etcd:node-1')?.failoverMs).to.equal(null);
    expect(f.sources).to.not.include('etcd:node-1');
  });

  it('loses no acknowledged write; stalled writes were partly acknowledged late, partly indeterminate', () => {
    const w = a.writes;
    expect(w.lost).to.deep.equal([]);
    const keysWithAck = new Set(timeline.writes.filter((x) => x.outcome === 'acked').map((x) => x.key)).size;
    expect(w.readBack.api.verified + w.unverified.length).to.equal(keysWithAck);
    const i = w.indeterminate;
    expect(i.present + i.absent + i.notReadBack).to.equal(i.count);
    expect(i.present).to.be.greaterThan(0);
    expect(i.absent).to.be.greaterThan(0);
    expect(w.resourceVersionOrder.violations).to.deep.equal([]);
    expect(verdictOf(a.verdicts, 'lost-writes').result).to.equal('pass');
  });

  it('judges the baseline and the recovered interval; two probes are too few to resolve 0.1 %', () => {
    const baseline = verdictOf(a.verdicts, 'api-error-rate', 'baseline');
    expect(baseline.evidence?.count).to.equal(400);
    expect(baseline.result).to.equal('insufficient-evidence');
    expect(verdictOf(a.verdicts, 'api-p99-latency', 'baseline').result).to.equal('pass');
    expect(a.requests.apiWholeRun.latency?.p99Ms).to.equal(2000);
  });
});

describe('synthetic: etcd power loss with lost writes', () => {
  const timeline = loadSynthetic('etcd-power-loss-lost-writes');
  const a = analyze(timeline, SETTINGS);
  const injectedAt = a.run.faultInjectedAt ?? NaN;

  it('names exactly the acknowledged writes missing on read-back', () => {
    const missing = new Set(timeline.readBack.filter((r) => !r.found).map((r) => r.key));
    const expected = timeline.writes
      .filter((w) => w.outcome === 'acked' && missing.has(w.key))
      .map((w) => w.key);
    expect(expected.length).to.be.greaterThan(0);
    expect(a.writes.lost.map((l) => l.key)).to.deep.equal(expected);
    for (const l of a.writes.lost) {
      expect(l.reason).to.equal('missing');
      expect(injectedAt - l.ackedAt).to.be.within(0, 800);
    }
    const v = verdictOf(a.verdicts, 'lost-writes');
    expect(v).to.include({ measured: expected.length, result: 'fail' });
    for (const key of expected.slice(0, 20)) expect(v.detail).to.contain(key);
  });

  it('sees the revision go back after the restart', () => {
    const violations = a.writes.resourceVersionOrder.violations;
    expect(violations.length).to.be.greaterThan(0);
    const lost = new Set(a.writes.lost.map((l) => l.key));
    for (const v of violations) {
      expect(v.ackedAt).to.be.greaterThan(a.run.faultHealedAt ?? Infinity);
      expect(lost.has(v.earlierKey)).to.equal(true);
    }
    expect(verdictOf(a.verdicts, 'resource-version-order').result).to.equal('fail');
  });

  it('counts the k6 stream as API traffic and finds node-3 elected after the restart', () => {
    expect(a.requests.apiWholeRun.probes).to.deep.equal(['api-read', 'api-write', 'k6:get']);
    expect(a.leader.changes.map((c) => c.toMember)).to.deep.equal(['node-3']);
    expect(a.leader.roundsWithoutLeader).to.be.greaterThan(0);
    expect(a.failover.leaderElection?.withinBound).to.equal(false);
  });
});
