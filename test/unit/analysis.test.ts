import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { analyze } from '../../src/analysis/analyze.ts';
import { DEFAULT_FAILOVER_BOUNDS, expectedBounds, serviceFailoverBound } from '../../src/analysis/bounds.ts';
import { FIGURE_DEFINITIONS } from '../../src/analysis/definitions.ts';
import { analyzeLeader, majorityLeader, statusRounds } from '../../src/analysis/leader.ts';
import { checkWrites, resourceVersionViolations } from '../../src/analysis/lost-writes.ts';
import { outageWindows, probeOutages, recoveryAfterHeal } from '../../src/analysis/outages.ts';
import {
  apiErrorRateOutsideFault,
  latencyStats,
  requestStats,
  statsPerPhase,
} from '../../src/analysis/percentiles.ts';
import { isApiProbe, isServiceProbe } from '../../src/analysis/probes.ts';
import { phaseOf, runSpan } from '../../src/analysis/run-span.ts';
import { DEFAULT_SLOS, slosWithDefaults, type Verdict } from '../../src/analysis/verdict.ts';
import {
  emptyTimeline,
  type EtcdStatusSample,
  type Outcome,
  type ReadBack,
  type Sample,
  type Timeline,
  type WriteRecord,
} from '../../src/observe/timeline.ts';

/** Every hand-made timeline starts here, so relative times read as written. */
const T = 1_767_225_600_000;

function sample(probe: string, start: number, end: number, outcome: Outcome = 'ok', detail?: string): Sample {
  return { probe, start: T + start, end: T + end, outcome, ...(detail ? { detail } : {}) };
}

function write(
  key: string,
  value: string,
  outcome: WriteRecord['outcome'],
  start: number,
  end: number,
  rv?: string,
) {
  return { key, value, outcome, start: T + start, end: T + end, ...(rv ? { resourceVersion: rv } : {}) };
}

function status(
  at: number,
  member: string,
  leader: string | undefined,
  extra: Partial<EtcdStatusSample> = {},
) {
  const s: EtcdStatusSample = { at: T + at, member, ok: leader !== undefined && leader !== '0', ...extra };
  if (leader !== undefined) s.leader = leader;
  return s;
}

/** Three phases of 10 s each, the fault injected at 10 s and healed at 20 s. */
function phasedTimeline(samples: Sample[]): Timeline {
  return {
    ...emptyTimeline(),
    phases: [
      { name: 'baseline', start: T, end: T + 10_000 },
      { name: 'fault', start: T + 10_000, end: T + 20_000 },
      { name: 'recovery', start: T + 20_000, end: T + 30_000 },
    ],
    events: [
      { at: T + 10_000, kind: 'fault-inject', message: 'inject' },
      { at: T + 20_000, kind: 'fault-heal', message: 'heal' },
    ],
    samples,
  };
}

function loadFixture(name: string): Timeline {
  const url = new URL(`../fixtures/timelines/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Timeline;
}

function verdictOf(all: Verdict[], slo: Verdict['slo']): Verdict {
  const v = all.find((x) => x.slo === slo);
  if (!v) throw new Error(`no verdict ${slo}`);
  return v;
}

/** Nearest rank, computed the slow, obvious way. */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.floor((p / 100) * sorted.length + 0.5));
  return sorted[rank - 1] ?? NaN;
}

describe('analysis: probes and phases', () => {
  it('API probes are api-* and k6:* but k6:watch; per-member etcd probes are not service probes', () => {
    expect(
      ['api-read', 'api-write', 'k6:get', 'k6:watch', 'watch', 'dns', 'etcd:node-1'].map(isApiProbe),
    ).to.deep.equal([true, true, true, false, false, false, false]);
    expect(isServiceProbe('watch')).to.equal(true);
    expect(isServiceProbe('etcd:node-1')).to.equal(false);
    expect(isServiceProbe('member:api-write@node-2')).to.equal(false);
    expect(isApiProbe('member:api-write@node-2')).to.equal(false);
  });

  it('a request belongs to the phase it started in; phases are half-open except the last', () => {
    const { phases } = runSpan(phasedTimeline([]));
    expect(phaseOf(T - 1, phases)).to.equal('outside-phases');
    expect(phaseOf(T, phases)).to.equal('baseline');
    expect(phaseOf(T + 9_999, phases)).to.equal('baseline');
    expect(phaseOf(T + 10_000, phases)).to.equal('fault');
    expect(phaseOf(T + 30_000, phases)).to.equal('recovery');
    expect(phaseOf(T + 30_001, phases)).to.equal('outside-phases');
  });

  it('the run span covers every recorded time and finds injection and heal', () => {
    const span = runSpan(phasedTimeline([sample('dns', -500, -400), sample('dns', 29_900, 31_000)]));
    expect(span.start).to.equal(T - 500);
    expect(span.end).to.equal(T + 31_000);
    expect(span.origin).to.equal(T);
    expect(span.faultInjectedAt).to.equal(T + 10_000);
    expect(span.faultHealedAt).to.equal(T + 20_000);
  });

  it('a last phase still open (end equal to start) is closed at the end of the run', () => {
    const timeline = phasedTimeline([sample('api-read', 21_000, 25_000)]);
    timeline.phases[2] = { name: 'recovery', start: T + 20_000, end: T + 20_000 };
    const span = runSpan(timeline);
    expect(span.openPhase).to.equal('recovery');
    expect(span.phases[2]?.end).to.equal(T + 25_000);
    expect(timeline.phases[2]?.end, 'input untouched').to.equal(T + 20_000);
  });
});

describe('analysis: latency percentiles and error rates', () => {
  it('P50/P95/P99 of 1..100 ms are 50/95/99 ms within the histogram precision, max exact', () => {
    const stats = latencyStats(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(stats?.count).to.equal(100);
    expect(stats?.p50Ms).to.be.closeTo(50, 50 * 0.001);
    expect(stats?.p50Ms).to.be.at.least(50);
    expect(stats?.p95Ms).to.be.closeTo(95, 95 * 0.001);
    expect(stats?.p99Ms).to.be.closeTo(99, 99 * 0.001);
    expect(stats?.maxMs).to.equal(100);
  });

  it('percentiles are nearest-rank and never exceed the exact maximum', () => {
    const stats = latencyStats([10, 20, 30, 40]);
    expect(stats?.p50Ms).to.be.closeTo(20, 0.02);
    expect(stats?.p99Ms).to.equal(40);
    expect(stats?.maxMs).to.equal(40);
  });

  it('sub-millisecond latencies keep microsecond resolution', () => {
    const stats = latencyStats([0.25, 0.5, 0.75, 1]);
    expect(stats?.p50Ms).to.equal(0.5);
    expect(stats?.p95Ms).to.equal(1);
  });

  it('no samples, no latency; a negative duration counts as 0 and is counted', () => {
    expect(latencyStats([])).to.equal(null);
    const stats = latencyStats([-3, 5]);
    expect(stats?.negativeCountedAsZero).to.equal(1);
    expect(stats?.p50Ms).to.equal(0);
  });

  it('refuses durations no clock can measure instead of answering nonsense', () => {
    expect(() => latencyStats([1, Infinity])).to.throw(RangeError);
    expect(() => latencyStats([NaN])).to.throw(RangeError);
  });

  it('error rate counts errors and timeouts alike', () => {
    const stats = requestStats('api-read', [
      sample('api-read', 0, 5),
      sample('api-read', 100, 2100, 'timeout'),
      sample('api-read', 200, 210, 'error', 'HTTP 500'),
      sample('api-read', 300, 305),
    ]);
    expect(stats).to.include({ requests: 4, failed: 2, timeouts: 1, errorRatePercent: 50 });
    expect(requestStats('none', []).errorRatePercent).to.equal(null);
  });

  it('figures per phase: each probe, and the API probes together', () => {
    const timeline = phasedTimeline([
      sample('api-read', -100, -90),
      sample('api-read', 0, 10),
      sample('k6:get', 5_000, 5_020, 'error'),
      sample('dns', 6_000, 6_001),
      sample('api-read', 10_000, 12_000, 'timeout'),
      sample('api-write', 25_000, 25_008),
    ]);
    const perPhase = statsPerPhase(timeline.samples, runSpan(timeline));
    expect(perPhase.map((p) => p.phase)).to.deep.equal(['baseline', 'fault', 'recovery', 'outside-phases']);
    const baseline = perPhase[0];
    expect(baseline?.probes.map((p) => p.label)).to.deep.equal(['api-read', 'dns', 'k6:get']);
    expect(baseline?.api).to.include({ requests: 2, failed: 1, errorRatePercent: 50 });
    expect(perPhase[1]?.api).to.include({ requests: 1, failed: 1, timeouts: 1 });
    expect(perPhase[1]?.api.latency?.maxMs).to.equal(2000);
    expect(perPhase[3]?.api.requests).to.equal(1);
  });

  it('the API figures outside the fault window leave out the fault phase and say how much', () => {
    const timeline = phasedTimeline([
      ...Array.from({ length: 999 }, (_, i) => sample('api-read', i, i + 1)),
      sample('api-write', 9_999, 10_500, 'error'),
      sample('api-read', 10_000, 12_000, 'timeout'),
      sample('api-read', 19_999, 21_999, 'timeout'),
      sample('dns', 25_000, 26_000, 'timeout'),
      sample('api-read', 31_000, 31_001),
    ]);
    const rate = apiErrorRateOutsideFault(timeline.samples, runSpan(timeline));
    // 999 reads of 1 ms and the failed 501 ms write, all started in the baseline; the 2000 ms timeouts
    // started in the fault phase and the last read after every phase are left out of the latency too.
    expect(rate).to.deep.equal({
      requests: 1000,
      failed: 1,
      errorRatePercent: 0.1,
      excludedInFault: 2,
      excludedOutsidePhases: 1,
      latency: { count: 1000, p50Ms: 1, p95Ms: 1, p99Ms: 1, maxMs: 501 },
    });
  });

  it('k6:watch samples count in neither API latency nor API errors, but are still reported per probe', () => {
    const timeline = phasedTimeline([
      ...Array.from({ length: 50 }, (_, i) => sample('k6:get', i * 100, i * 100 + 4)),
      // Short watches last their timeoutSeconds; a few end in an error.
      ...Array.from({ length: 5 }, (_, i) => sample('k6:watch', i * 1_000, i * 1_000 + 5_000)),
      sample('k6:watch', 6_000, 6_010, 'error', 'watch HTTP 500'),
      ...Array.from({ length: 50 }, (_, i) => sample('k6:get', 20_000 + i * 100, 20_000 + i * 100 + 4)),
      sample('k6:watch', 21_000, 26_000),
    ]);
    const a = analyze(timeline, DEFAULT_SLOS, DEFAULT_FAILOVER_BOUNDS);
    expect(a.requests.apiWholeRun.probes).to.deep.equal(['k6:get']);
    expect(a.requests.apiWholeRun).to.include({ requests: 100, failed: 0 });
    expect(a.requests.apiWholeRun.latency?.maxMs).to.equal(4);
    expect(a.requests.apiOutsideFault).to.include({ requests: 100, failed: 0, errorRatePercent: 0 });
    expect(a.requests.apiOutsideFault.latency?.maxMs).to.equal(4);
    const baseline = a.requests.perPhase.find((p) => p.phase === 'baseline');
    expect(baseline?.api).to.include({ requests: 50, failed: 0 });
    expect(baseline?.probes.find((p) => p.label === 'k6:watch')).to.include({ requests: 6, failed: 1 });
    expect(verdictOf(a.verdicts, 'api-p99-latency')).to.include({ measured: 4, pass: true });
    expect(verdictOf(a.verdicts, 'api-error-rate')).to.include({ measured: 0, pass: true });
  });
});

describe('analysis: outage windows and failover', () => {
  const probe = [
    sample('api-read', 0, 10),
    sample('api-read', 100, 200, 'error', 'HTTP 500'),
    sample('api-read', 200, 300, 'timeout'),
    sample('api-read', 300, 310),
    sample('api-read', 400, 410),
    sample('api-read', 500, 1500, 'timeout'),
    // Started after the timeout above but answered first: it closes that window.
    sample('api-read', 600, 605),
    sample('api-read', 700, 705),
  ];

  it('a window runs from the start of the first failure to the end of the first success after it', () => {
    const windows = outageWindows(probe, T + 2_000);
    expect(windows).to.deep.equal([
      {
        start: T + 100,
        end: T + 310,
        durationMs: 210,
        failedRequests: 2,
        firstFailure: { outcome: 'error', detail: 'HTTP 500' },
      },
      {
        start: T + 500,
        end: T + 605,
        durationMs: 105,
        failedRequests: 1,
        firstFailure: { outcome: 'timeout' },
      },
    ]);
  });

  it('a failure sent before the closing success came back continues the window: windows never overlap', () => {
    const windows = outageWindows(
      [
        sample('api-read', 0, 1000, 'timeout'),
        sample('api-read', 100, 1500),
        sample('api-read', 200, 1200, 'timeout'),
        sample('api-read', 300, 1500),
        sample('api-read', 1600, 1605),
        sample('api-read', 1700, 1701, 'error'),
        sample('api-read', 1800, 1805),
      ],
      T + 2_000,
    );
    expect(
      windows.map((w) => [w.start - T, w.end === null ? null : w.end - T, w.failedRequests]),
    ).to.deep.equal([
      [0, 1500, 2],
      [1700, 1805, 1],
    ]);
  });

  it('order of the input does not matter: requests are taken by start', () => {
    expect(outageWindows([...probe].reverse(), T + 2_000)).to.deep.equal(outageWindows(probe, T + 2_000));
  });

  it('failover time is the longest window; time from injection runs to the end of the last window', () => {
    const p = probeOutages('api-read', probe, T + 2_000, T + 450);
    expect(p.failoverMs).to.equal(210);
    expect(p.recovered).to.equal(true);
    expect(p.injectionToRecoveryMs).to.equal(155);
    expect(p.service).to.equal(true);
    expect(
      probeOutages('api-read', probe, T + 2_000, T + 700).injectionToRecoveryMs,
      'no failure after it',
    ).to.equal(null);
  });

  it('a probe that never failed has failover 0 and no time from injection', () => {
    const p = probeOutages('dns', [sample('dns', 0, 1), sample('dns', 100, 101)], T + 200, T + 50);
    expect(p).to.include({ failoverMs: 0, recovered: true, injectionToRecoveryMs: null, failed: 0 });
    expect(p.windows).to.deep.equal([]);
  });

  it('a window still open at the end counts to the end of the run, as a lower bound, and never recovered', () => {
    const p = probeOutages(
      'watch',
      [sample('watch', 0, 5), sample('watch', 900, 1900, 'timeout'), sample('watch', 1000, 2000, 'timeout')],
      T + 5_000,
      T + 800,
    );
    expect(p.windows).to.have.length(1);
    expect(p.windows[0]).to.include({ end: null, durationMs: 4_100, failedRequests: 2 });
    expect(p).to.include({ failoverMs: 4_100, recovered: false, injectionToRecoveryMs: null });
  });

  it('recovery runs from the heal to the end of the last window open at or after it', () => {
    const a = probeOutages('api-read', probe, T + 2_000, T + 50);
    const b = probeOutages('dns', [sample('dns', 0, 1)], T + 2_000, T + 50);
    expect(recoveryAfterHeal([a, b], T + 550)).to.deep.equal({
      healedAt: T + 550,
      allHealthyAt: T + 605,
      recoveryMs: 55,
      lastProbe: 'api-read',
    });
    expect(recoveryAfterHeal([a, b], T + 1_000)).to.deep.equal({
      healedAt: T + 1_000,
      allHealthyAt: T + 1_000,
      recoveryMs: 0,
    });
  });
});

describe('analysis: etcd leader', () => {
  const A = 'aaaa000000000001';
  const B = 'bbbb000000000002';
  const C = 'cccc000000000003';
  /** Round k at 100 ms x k, members 1-2 ms apart; views[k] = [node-1, node-2, node-3] leaders. */
  function rounds(views: (string | undefined)[][]): EtcdStatusSample[] {
    return views.flatMap((view, k) =>
      view.map((leader, m) =>
        status(k * 100 + m, `node-${m + 1}`, leader, { id: [A, B, C][m], raftTerm: leader === B ? 3 : 2 }),
      ),
    );
  }

  it('groups samples of one polling round together', () => {
    const samples = rounds([
      [A, A, A],
      [A, A, A],
      [A, A, A],
    ]);
    const grouped = statusRounds(samples, 50);
    expect(grouped.map((r) => r.samples.length)).to.deep.equal([3, 3, 3]);
    expect(grouped.map((r) => r.at)).to.deep.equal([T, T + 100, T + 200]);
  });

  it('the leader is what more than half of the ok samples say; "no leader" is a vote too', () => {
    const round = (leaders: (string | undefined)[]) => ({
      at: T,
      samples: leaders.map((l, i) => status(i, `node-${i + 1}`, l)),
    });
    expect(majorityLeader(round([A, A, B])).leader).to.equal(A);
    expect(majorityLeader(round([A, B, undefined])).leader, 'split of two ok samples').to.equal(null);
    expect(majorityLeader(round(['0', B, B])).leader, 'a member without leader is not ok').to.equal(B);
    expect(majorityLeader(round([undefined, undefined, undefined])).leader).to.equal(null);
  });

  it('records each change with its time, and the time from injection to a new leader', () => {
    const samples = rounds([
      [A, A, A],
      [A, A, A],
      [A, A, A], // fault injected at 250 ms
      ['0', A, A],
      ['0', undefined, undefined],
      ['0', B, B],
      [B, B, B],
    ]);
    const l = analyzeLeader(samples, T + 250);
    expect(l.rounds).to.equal(7);
    expect(l.roundsWithoutLeader).to.equal(1);
    expect(l.roundToleranceMs).to.equal(50);
    expect(l.initialLeader).to.equal(A);
    expect(l.initialLeaderMember).to.equal('node-1');
    expect(l.leaderAtInjection).to.equal(A);
    expect(l.changes).to.deep.equal([
      { at: T + 500, from: A, to: B, fromMember: 'node-1', toMember: 'node-2', raftTerm: 3 },
    ]);
    expect(l.newLeaderAfterInjectionMs).to.equal(250);
    expect(l.newLeader).to.equal(B);
  });

  it('no change after the injection: no time to a new leader', () => {
    const l = analyzeLeader(
      rounds([
        [A, A, A],
        [A, A, A],
      ]),
      T + 50,
    );
    expect(l.changes).to.deep.equal([]);
    expect(l.newLeaderAfterInjectionMs).to.equal(undefined);
    expect(analyzeLeader([], T).initialLeader).to.equal(null);
  });
});

describe('analysis: lost writes', () => {
  it('an acknowledged write must be read back with its value', () => {
    const check = checkWrites(
      [
        write('ns/a', '1', 'acked', 0, 5, '10'),
        write('ns/b', '2', 'acked', 100, 105, '11'),
        write('ns/c', '3', 'acked', 200, 205, '12'),
        write('ns/d', '4', 'acked', 300, 305, '13'),
      ],
      [
        { key: 'ns/a', found: true, value: '1' },
        { key: 'ns/b', found: false },
        { key: 'ns/c', found: true, value: 'other' },
      ],
    );
    expect(check.ackedVerified).to.equal(1);
    expect(check.lost).to.deep.equal([
      { key: 'ns/b', expected: '2', reason: 'missing', ackedAt: T + 105, resourceVersion: '11' },
      {
        key: 'ns/c',
        expected: '3',
        reason: 'different-value',
        found: 'other',
        ackedAt: T + 205,
        resourceVersion: '12',
      },
    ]);
    expect(check.unverified).to.deep.equal(['ns/d']);
  });

  it('indeterminate writes are never lost; the report says whether they landed', () => {
    const check = checkWrites(
      [
        write('ns/a', '1', 'indeterminate', 0, 1000),
        write('ns/b', '2', 'indeterminate', 100, 1100),
        write('ns/c', '3', 'indeterminate', 200, 1200),
        write('ns/d', '4', 'failed', 300, 301),
        write('ns/e', '5', 'failed', 400, 401),
      ],
      [
        { key: 'ns/a', found: true, value: '1' },
        { key: 'ns/b', found: false },
        { key: 'ns/d', found: false },
        { key: 'ns/e', found: true, value: '5' },
      ],
    );
    expect(check.lost).to.deep.equal([]);
    expect(check.indeterminate).to.deep.include({ count: 3, present: 1, absent: 1, notReadBack: 1 });
    expect(check.indeterminate.writes.map((w) => w.result)).to.deep.equal([
      'present',
      'absent',
      'not-read-back',
    ]);
    expect(check.failed).to.equal(2);
    expect(check.failedButPresent).to.deep.equal(['ns/e']);
  });

  it('a key written twice must hold its last acknowledged value, or one that may have landed after it', () => {
    const writes = [write('ns/k', 'v1', 'acked', 0, 5, '10'), write('ns/k', 'v2', 'acked', 100, 105, '11')];
    const read = (value: string): ReadBack[] => [{ key: 'ns/k', found: true, value }];
    expect(checkWrites(writes, read('v2'))).to.deep.include({ ackedVerified: 1, superseded: 1, lost: [] });
    expect(checkWrites(writes, read('v1')).lost).to.deep.equal([
      {
        key: 'ns/k',
        expected: 'v2',
        reason: 'different-value',
        found: 'v1',
        ackedAt: T + 105,
        resourceVersion: '11',
      },
    ]);
    const withTimeout = [...writes, write('ns/k', 'v3', 'indeterminate', 200, 1200)];
    expect(checkWrites(withTimeout, read('v3')).lost).to.deep.equal([]);
  });

  it('resourceVersions compare as integers and must rise after each acknowledgement', () => {
    const order = resourceVersionViolations([
      write('ns/a', '1', 'acked', 0, 5, '9'),
      write('ns/b', '2', 'acked', 100, 105, '10'),
      write('ns/c', '3', 'acked', 200, 205, '9007199254740993'),
      write('ns/d', '4', 'acked', 300, 305, '9007199254740992'),
      write('ns/e', '5', 'indeterminate', 400, 1400),
      write('ns/f', '6', 'acked', 500, 505),
      write('ns/g', '7', 'acked', 600, 605, 'abc'),
    ]);
    expect(order.checked).to.equal(4);
    expect(order.violations).to.deep.equal([
      {
        key: 'ns/d',
        resourceVersion: '9007199254740992',
        ackedAt: T + 305,
        earlierKey: 'ns/c',
        earlierResourceVersion: '9007199254740993',
        earlierAckedAt: T + 205,
      },
    ]);
    expect(order.unusable).to.deep.equal(['ns/f', 'ns/g']);
  });

  it('overlapping writes may commit in either order', () => {
    const order = resourceVersionViolations([
      write('ns/a', '1', 'acked', 0, 50, '20'),
      write('ns/b', '2', 'acked', 10, 40, '21'),
      write('ns/c', '3', 'acked', 30, 60, '19'),
      write('ns/d', '4', 'acked', 100, 105, '30'),
    ]);
    expect(order.violations).to.deep.equal([]);
  });
});

describe('analysis: bounds and verdicts', () => {
  it('the configured timings give the expected bounds, each with its arithmetic', () => {
    const bounds = expectedBounds(DEFAULT_FAILOVER_BOUNDS);
    expect(bounds.map((b) => [b.id, b.ms])).to.deep.equal([
      ['etcd-leader-election', 2000],
      ['etcd-stuck-request', 7000],
      ['haproxy-mark-down', 6000],
      ['haproxy-mark-up', 4000],
    ]);
    expect(bounds[0]?.formula).to.equal('2 x election timeout 1000 ms = 2000 ms (heartbeat 100 ms)');
    expect(bounds[2]?.formula).to.equal('inter 2000 ms x fall 3 = 6000 ms');
    expect(serviceFailoverBound(bounds)?.ms).to.equal(7000);
    const withoutHaproxy = expectedBounds({ etcdElectionTimeoutMs: 500, etcdHeartbeatMs: 50 });
    expect(withoutHaproxy.map((b) => b.ms)).to.deep.equal([1000, 6000]);
  });

  it('SLO defaults are 30 s, 500 ms, 0.1 % and 0 lost writes', () => {
    expect(DEFAULT_SLOS).to.deep.equal({
      failoverSeconds: 30,
      apiP99Ms: 500,
      errorRatePercent: 0.1,
      lostWrites: 0,
    });
    expect(slosWithDefaults({ apiP99Ms: 1000 }).apiP99Ms).to.equal(1000);
  });

  function judged(timeline: Timeline): Verdict[] {
    return analyze(timeline, DEFAULT_SLOS, DEFAULT_FAILOVER_BOUNDS).verdicts;
  }

  it('an empty run fails every verdict, each saying why, rather than passing silently', () => {
    const all = judged(emptyTimeline());
    expect(all.map((v) => v.slo)).to.deep.equal([
      'failover',
      'api-p99-latency',
      'api-error-rate',
      'lost-writes',
      'resource-version-order',
    ]);
    for (const v of all) {
      expect(v.pass, v.slo).to.equal(false);
      expect(v.measured, v.slo).to.equal(null);
      expect(v.detail, v.slo).to.not.equal('');
    }
    expect(verdictOf(all, 'api-error-rate').detail).to.contain('no phases');
  });

  it('failover: measured over service probes, in seconds, per-member probes named but not counted', () => {
    const timeline = phasedTimeline([
      sample('api-read', 9_900, 9_905),
      sample('api-read', 10_000, 12_000, 'timeout'),
      sample('api-read', 10_100, 12_600),
      sample('etcd:node-1', 10_000, 10_001, 'error'),
      sample('etcd:node-1', 25_000, 25_001),
    ]);
    const v = verdictOf(judged(timeline), 'failover');
    expect(v).to.include({ measured: 2.6, threshold: 30, unit: 's', pass: true });
    expect(v.detail).to.contain('Longest: api-read, 2.600 s from +10.000 s to +12.600 s');
    expect(v.detail).to.contain('etcd:node-1 15.001 s');
  });

  it('failover: a probe that never recovered fails, whatever the threshold', () => {
    const timeline = phasedTimeline([sample('api-read', 0, 5), sample('api-read', 29_000, 29_500, 'error')]);
    const v = verdictOf(judged(timeline), 'failover');
    expect(v.pass).to.equal(false);
    expect(v.measured).to.equal(1);
    expect(v.detail).to.contain('Never recovered: api-read');
  });

  it('failover: a run without injection did not exercise failover', () => {
    const timeline = { ...phasedTimeline([sample('api-read', 0, 5)]), events: [] };
    const v = verdictOf(judged(timeline), 'failover');
    expect(v).to.include({ measured: 0, pass: false });
    expect(v.detail).to.contain('No fault-inject event');
  });

  it('failover: a service still failing just before the heal has not failed over, however short its windows', () => {
    // Every third request of the fault window goes to a backend that is never taken out.
    const reads = Array.from({ length: 100 }, (_, i) => {
      const start = i * 300;
      const broken = start >= 10_000 && start < 20_000 && i % 3 === 0;
      return sample('api-read', start, start + 20, broken ? 'error' : 'ok');
    });
    const v = verdictOf(judged(phasedTimeline(reads)), 'failover');
    expect(v.measured, 'each window is short').to.be.below(1);
    expect(v.pass).to.equal(false);
    expect(v.detail).to.contain('Still failing some requests in the last 2.500 s before the heal: api-read.');
  });

  it('failover: a service that stopped failing well before the heal passes', () => {
    const reads = Array.from({ length: 100 }, (_, i) => {
      const start = i * 300;
      const broken = start >= 10_000 && start < 13_000;
      return sample('api-read', start, start + 20, broken ? 'error' : 'ok');
    });
    const v = verdictOf(judged(phasedTimeline(reads)), 'failover');
    expect(v.pass, v.detail).to.equal(true);
    expect(v.measured).to.be.closeTo(3.02, 0.31);
  });

  it('leader: a killed leader restarted before the others campaigned and elected again is a leader change', () => {
    // Recorded: etcd-leader-kill with a 1 s restart back-off; node-3 came back in 1.1 s and won term 3.
    const t = loadFixture('etcd-leader-kill-reelected');
    const injected = t.events.find((e) => e.kind === 'fault-inject')!.at;
    const l = analyzeLeader(t.etcdStatus, injected);
    expect(l.leaderAtInjection).to.equal('a7d2fa296de02eeb');
    expect(l.changes).to.have.length(1);
    expect(l.changes[0]).to.include({ fromMember: 'node-3', toMember: 'node-3', raftTerm: 3 });
    expect(l.newLeaderAfterInjectionMs).to.be.within(1000, 1200);
  });

  it('API P99 covers the API requests outside the fault window and says what it included', () => {
    const timeline = phasedTimeline([
      ...Array.from({ length: 98 }, (_, i) => sample('api-read', i * 100, i * 100 + 10)),
      sample('k6:get', 10_000, 12_000, 'timeout'),
      sample('api-write', 10_100, 10_700),
      sample('api-write', 20_100, 20_700),
      sample('k6:get', 25_000, 27_000, 'timeout'),
      sample('dns', 5_000, 9_000),
    ]);
    const v = verdictOf(judged(timeline), 'api-p99-latency');
    // Outside the fault: 98 x 10 ms, 600 ms, 2000 ms; the 99th of 100 is the 600 ms write.
    expect(v.measured).to.be.closeTo(600, 0.6);
    expect(v.pass).to.equal(false);
    expect(v.description).to.contain('outside the fault window');
    expect(v.detail).to.contain(
      '100 requests of api-read, api-write, k6:get started in the baseline and recovery phases',
    );
    // Whole run: 98 x 10 ms, 600 ms twice, 2000 ms twice; the 101st of 102 is a timeout.
    expect(v.detail).to.contain(
      'Over the whole run, fault window included: P99 2000.00 ms, max 2000.00 ms (not judged',
    );
  });

  it('API P99: a slow fault window alone does not fail it, slow requests in the recovery phase do', () => {
    const baseline = Array.from({ length: 100 }, (_, i) => sample('api-read', i * 100, i * 100 + 5));
    const fault = Array.from({ length: 20 }, (_, i) =>
      sample('api-read', 10_000 + i * 500, 12_000 + i * 500, 'timeout'),
    );
    const slowFault = analyze(phasedTimeline([...baseline, ...fault]), DEFAULT_SLOS, DEFAULT_FAILOVER_BOUNDS);
    expect(slowFault.requests.apiWholeRun.latency?.p99Ms, 'the whole run is slow').to.equal(2000);
    const passed = verdictOf(slowFault.verdicts, 'api-p99-latency');
    expect(passed.measured).to.be.closeTo(5, 0.005);
    expect(passed.pass).to.equal(true);

    const slowRecovery = [sample('api-write', 20_000, 20_900), sample('api-write', 21_000, 21_900)];
    const failed = verdictOf(
      judged(phasedTimeline([...baseline, ...fault, ...slowRecovery])),
      'api-p99-latency',
    );
    // 100 x 5 ms and 2 x 900 ms outside the fault: the 101st of 102 is a slow write.
    expect(failed.measured).to.be.closeTo(900, 0.9);
    expect(failed.pass).to.equal(false);
    expect(failed.detail).to.contain(
      '102 requests of api-read, api-write started in the baseline and recovery',
    );
  });

  it('error rate: at most the threshold passes', () => {
    const ok = Array.from({ length: 999 }, (_, i) => sample('api-read', i * 10, i * 10 + 1));
    const v = verdictOf(
      judged(phasedTimeline([...ok, sample('api-read', 25_000, 25_001, 'error')])),
      'api-error-rate',
    );
    expect(v).to.include({ measured: 0.1, threshold: 0.1, unit: '%', pass: true });
    const worse = [
      ...ok.slice(1),
      sample('api-read', 25_000, 25_001, 'error'),
      sample('api-read', 25_100, 25_101, 'error'),
    ];
    expect(verdictOf(judged(phasedTimeline(worse)), 'api-error-rate')).to.include({
      measured: 0.2,
      pass: false,
    });
  });

  it('lost writes: names the lost keys; unverified keys keep the check from passing', () => {
    const timeline: Timeline = {
      ...phasedTimeline([]),
      writes: [write('ns/a', '1', 'acked', 0, 5, '1'), write('ns/b', '2', 'acked', 100, 105, '2')],
      readBack: [
        { key: 'ns/a', found: true, value: '1' },
        { key: 'ns/b', found: false },
      ],
    };
    const v = verdictOf(judged(timeline), 'lost-writes');
    expect(v).to.include({ measured: 1, pass: false });
    expect(v.detail).to.contain('Lost: ns/b');
    const unverified = verdictOf(
      judged({ ...timeline, readBack: [{ key: 'ns/a', found: true, value: '1' }] }),
      'lost-writes',
    );
    expect(unverified).to.include({ measured: 0, pass: false });
    expect(unverified.detail).to.contain('never looked at 1 key');
  });
});

describe('analysis of recorded drills', () => {
  it('every definition the report prints has a term and a text', () => {
    for (const d of FIGURE_DEFINITIONS) expect(d.definition.length, d.term).to.be.greaterThan(20);
  });

  describe('etcd leader partition', () => {
    const timeline = loadFixture('etcd-leader-partition');
    const a = analyze(timeline, DEFAULT_SLOS, DEFAULT_FAILOVER_BOUNDS);

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
      const api = timeline.samples.filter((s) => isApiProbe(s.probe)).length;
      const r = a.requests.apiOutsideFault;
      expect(r.requests + r.excludedInFault + r.excludedOutsidePhases).to.equal(api);
      expect(a.requests.apiWholeRun.requests).to.equal(api);
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

    it('outage windows open on a failure, close on a later success, and do not overlap', () => {
      for (const p of a.outages) {
        const samples = timeline.samples.filter((s) => s.probe === p.probe);
        let previousEnd = -Infinity;
        for (const w of p.windows) {
          expect(w.start, p.probe).to.be.greaterThan(previousEnd);
          expect(samples.some((s) => s.start === w.start && s.outcome !== 'ok')).to.equal(true);
          expect(samples.some((s) => s.end === w.end && s.outcome === 'ok' && s.start > w.start)).to.equal(
            true,
          );
          previousEnd = w.end ?? Infinity;
        }
        expect(p.failoverMs).to.equal(Math.max(0, ...p.windows.map((w) => w.durationMs)));
        expect(p.windows.reduce((n, w) => n + w.failedRequests, 0)).to.equal(p.failed);
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

    it('the isolated member fails for the whole fault, but only service probes count towards failover', () => {
      const member = a.outages.find((p) => p.probe === 'etcd:node-1');
      expect(member?.failoverMs).to.be.greaterThan(15_000);
      const v = verdictOf(a.verdicts, 'failover');
      expect(v.pass).to.equal(true);
      expect(v.measured).to.be.lessThan(7);
      const worstService = Math.max(...a.outages.filter((p) => p.service).map((p) => p.failoverMs));
      expect(v.measured).to.equal(worstService / 1000);
      for (const f of a.failover.perProbe.filter((p) => p.service))
        expect(f.withinBound, f.probe).to.equal(true);
    });

    it('loses no acknowledged write; stalled writes were partly acknowledged late, partly indeterminate', () => {
      const w = a.writes;
      expect(w.lost).to.deep.equal([]);
      expect(w.acked).to.equal(w.ackedVerified + w.lost.length + w.unverified.length + w.superseded);
      const i = w.indeterminate;
      expect(i.present + i.absent + i.notReadBack).to.equal(i.count);
      expect(i.present).to.be.greaterThan(0);
      expect(i.absent).to.be.greaterThan(0);
      const inFault = timeline.writes.filter((x) => phaseOf(x.start, a.run.phases) === 'fault');
      expect(inFault.some((x) => x.outcome === 'acked' && x.end - x.start > 500)).to.equal(true);
      expect(w.resourceVersionOrder.violations).to.deep.equal([]);
      expect(verdictOf(a.verdicts, 'lost-writes').pass).to.equal(true);
    });

    it('judges P99 and the error rate outside the fault window; the whole-run P99 is only reported', () => {
      // Reads HAProxy sent to the isolated apiserver timed out at 2000 ms during the fault, which the
      // failover SLO judges. Requests started in the baseline and recovery phases have a P99 of 14 ms,
      // 14.007 ms at the top of its histogram bucket.
      expect(a.requests.apiWholeRun.latency?.p99Ms).to.equal(2000);
      const outside = timeline.samples
        .filter((s) => isApiProbe(s.probe))
        .filter((s) => ['baseline', 'recovery'].includes(phaseOf(s.start, a.run.phases)))
        .map((s) => s.end - s.start);
      expect(outside).to.have.length(800);
      expect(exactPercentile(outside, 99)).to.equal(14);
      expect(a.requests.apiOutsideFault.latency?.count).to.equal(800);
      const p99 = verdictOf(a.verdicts, 'api-p99-latency');
      expect(p99).to.include({ measured: 14.007, pass: true });
      expect(p99.detail).to.contain('Over the whole run, fault window included: P99 2000.00 ms');
      expect(verdictOf(a.verdicts, 'api-error-rate')).to.include({ measured: 0, pass: true });
      expect(a.recovery?.recoveryMs).to.be.within(0, 1000);
    });
  });

  describe('etcd power loss with lost writes', () => {
    const timeline = loadFixture('etcd-power-loss-lost-writes');
    const a = analyze(timeline, DEFAULT_SLOS, DEFAULT_FAILOVER_BOUNDS);
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
      expect(v).to.include({ measured: expected.length, pass: false });
      for (const key of expected) expect(v.detail).to.contain(key);
    });

    it('sees the revision go back after the restart', () => {
      const violations = a.writes.resourceVersionOrder.violations;
      expect(violations.length).to.be.greaterThan(0);
      const lost = new Set(a.writes.lost.map((l) => l.key));
      for (const v of violations) {
        expect(v.ackedAt).to.be.greaterThan(a.run.faultHealedAt ?? Infinity);
        expect(lost.has(v.earlierKey)).to.equal(true);
      }
      expect(verdictOf(a.verdicts, 'resource-version-order').pass).to.equal(false);
    });

    it('counts the k6 stream as API traffic and finds node-3 elected after the restart', () => {
      expect(a.requests.apiWholeRun.probes).to.deep.equal(['api-read', 'api-write', 'k6:get']);
      expect(a.leader.changes.map((c) => c.toMember)).to.deep.equal(['node-3']);
      expect(a.leader.roundsWithoutLeader).to.be.greaterThan(0);
      expect(a.failover.leaderElection?.withinBound).to.equal(false);
    });

    it('service failover exceeds the configured bounds but stays within the 30 s SLO', () => {
      const v = verdictOf(a.verdicts, 'failover');
      expect(v.pass).to.equal(true);
      expect(v.measured).to.be.greaterThan(7);
      expect(
        a.failover.perProbe
          .filter((p) => p.service && p.failoverMs > 0)
          .every((p) => p.withinBound === false),
      ).to.equal(true);
    });
  });
});
