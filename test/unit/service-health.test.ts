import { expect } from 'chai';
import { analyze } from '../../src/analysis/analyze.ts';
import { firstSustainedHealthy, serviceSource, unavailableWindows } from '../../src/analysis/availability.ts';
import type { Sample } from '../../src/observe/timeline.ts';
import { emptyTimeline } from '../../src/observe/timeline.ts';
import { phasedTimeline, sample, SETTINGS, steady, T, verdictOf } from './helpers.ts';

/**
 * Synthetic timelines: the service's sources, each issuing a request every 100 ms, with the fault of
 * each test written into when their requests fail or are slow. Phases 10 s / 20 s / 20 s.
 */
const PHASES: [number, number, number] = [10, 20, 20];
const END = 50_000;

type Fate = { outcome?: Sample['outcome']; latency?: number; detail?: string };

function service(fate: (probe: string, start: number, i: number) => Fate): Sample[] {
  return ['api-read', 'api-write', 'dns'].flatMap((probe, k) =>
    steady(probe, k * 33, END, 100, (start, i) => fate(probe, start, i)),
  );
}

function judge(samples: Sample[], phases = PHASES) {
  return analyze(phasedTimeline(samples, phases), SETTINGS);
}

describe('service health: failover as the user lived it', () => {
  it('a round-robin to a dead backend, 1 request in 3 failing for 16 s, is a 16 s failover, not 0.1 s', () => {
    const a = judge(
      service((probe, start, i) =>
        probe.startsWith('api-') && start >= 10_000 && start < 26_000 && i % 3 === 0
          ? { outcome: 'error', detail: 'ECONNRESET' }
          : {},
      ),
      [10, 24, 16],
    );
    const f = verdictOf(a.verdicts, 'failover');
    expect(f.result).to.equal('pass');
    // The last request to meet the dead backend left before 26 s: one in three per probe, 300 ms apart.
    expect(f.measured).to.be.within(15.7, 16.1);
    // Every window of each probe is one request long: that was the old headline.
    const longest = Math.max(...a.outages.map((p) => p.longestWindowMs));
    expect(longest).to.be.below(200);
    expect(a.service.failover?.lastBad?.probe).to.match(/^api-/);
  });

  it('a 1.9 s freeze of the API, every request slow and none timed out, is a 1.9 s failover, not 0', () => {
    // Requests sent during the freeze are answered when it ends, at 11.9 s.
    const a = judge(
      service((probe, start) =>
        probe.startsWith('api-') && start >= 10_000 && start < 11_900 ? { latency: 11_900 - start + 5 } : {},
      ),
    );
    const failed = a.outages.filter((p) => p.failed > 0);
    expect(failed, 'nothing failed').to.deep.equal([]);
    const f = verdictOf(a.verdicts, 'failover');
    // The last slow request starts before 11.4 s (slower than 500 ms), the first fast one after it.
    expect(f.measured).to.be.within(1.4, 1.5);
    expect(a.service.windows[0]!.durationMs).to.be.within(1_400, 1_500);
    expect(f.detail).to.contain('slow');
  });

  it('a single DNS timeout a second before the heal does not fail the failover; recovery waits for DNS', () => {
    const a = judge(
      service((probe, start) =>
        probe === 'dns' && start >= 28_966 && start < 29_000 ? { outcome: 'timeout', latency: 2_000 } : {},
      ),
    );
    const f = verdictOf(a.verdicts, 'failover');
    expect(f).to.include({ result: 'pass', measured: 0 });
    expect(a.service.recovery?.brokenAtHeal).to.deep.equal(['dns']);
    expect(verdictOf(a.verdicts, 'recovery')).to.include({ result: 'pass', measured: 0 });
  });

  it('a service still failing at the heal has not failed over: fail when the hold could show the threshold', () => {
    const broken = (probe: string, start: number, i: number) =>
      probe === 'api-read' && start >= 10_000 && start < 46_000 && i % 3 === 0
        ? { outcome: 'error' as const }
        : {};
    const longHold = judge(service(broken), [10, 36, 4]);
    expect(verdictOf(longHold.verdicts, 'failover')).to.include({ result: 'fail', measured: null });
    expect(verdictOf(longHold.verdicts, 'failover').shown).to.match(
      /^not reached \(at least 3[0-9]\.\d+ s\)$/,
    );

    // A 20 s hold cannot tell a 16 s failover from a 31 s one.
    const shortHold = judge(service((p, s, i) => broken(p, s < 30_000 ? s : 99_999, i)));
    const v = verdictOf(shortHold.verdicts, 'failover');
    expect(v.result).to.equal('insufficient-evidence');
    expect(v.detail).to.contain('must last at least 35 s');
    expect(shortHold.service.failover?.healthyFrom).to.equal(null);
    const degraded = verdictOf(shortHold.verdicts, 'api-error-rate', 'degraded');
    expect(degraded.result).to.equal('insufficient-evidence');
    expect(degraded.detail).to.contain('did not fail over before the heal');
  });

  it('still bad beyond the threshold fails however short the hold', () => {
    const slos = { ...SETTINGS.slos, failoverSeconds: 5 };
    const a = analyze(
      phasedTimeline(
        service((probe, start) =>
          probe === 'api-read' && start >= 10_000 && start < 16_000 ? { outcome: 'error' } : {},
        ),
        [10, 8, 20],
      ),
      { ...SETTINGS, slos },
    );
    expect(verdictOf(a.verdicts, 'failover')).to.include({ result: 'fail', measured: null });
  });

  it('a quiet source gives no evidence of health: the interval waits for it', () => {
    const quietWatch = [
      ...service(() => ({})),
      ...steady('watch', 0, 10_000),
      ...steady('watch', 18_000, END),
    ];
    const found = firstSustainedHealthy(quietWatch, serviceSource, T + 10_000, T + 30_000, SETTINGS.health);
    // The first 5 s window holding a request of the watch (at 18 s) starts after 13 s: at api-write's 13.033 s.
    expect(found.healthyFrom).to.equal(T + 13_033);
  });

  it('recovery counts only what was broken at the heal; a later blip is judged in the recovered interval', () => {
    const samples = service((probe, start) => {
      if (probe === 'api-write' && start >= 28_000 && start < 31_000) return { outcome: 'error' };
      if (probe === 'dns' && start >= 40_000 && start < 40_100) return { outcome: 'timeout', latency: 2_000 };
      return {};
    });
    const a = judge(samples);
    expect(a.service.recovery?.brokenAtHeal).to.deep.equal(['api-write']);
    const r = verdictOf(a.verdicts, 'recovery');
    expect(r.result).to.equal('pass');
    expect(r.measured).to.be.within(1.0, 1.1);
    const recovered = a.intervals.find((i) => i.name === 'recovered')!;
    expect(recovered.start! - T).to.be.within(31_000, 31_100);
  });

  it('unavailable windows join the sources: a full outage is one window of its length', () => {
    const samples = service((_, start) => (start >= 12_000 && start < 15_000 ? { outcome: 'error' } : {}));
    const windows = unavailableWindows(samples, serviceSource, 500, T + END);
    expect(windows).to.have.length(1);
    expect(windows[0]!.durationMs).to.be.within(2_900, 3_100);
    expect(windows[0]!.sources).to.deep.equal(['api-read', 'api-write', 'dns']);
  });
});

describe('service health: judged intervals and evidence', () => {
  /** API requests at 120 per second over the whole run: enough to resolve 0.1 % in a 10 s interval. */
  const STREAMS = [
    'api-read',
    'api-write',
    'api-update',
    'api-delete',
    'api-read-keepalive',
    'api-write-keepalive',
  ];
  const K6 = ['k6:get', 'k6:list', 'k6:create', 'k6:update', 'k6:delete', 'k6:get'];
  function loaded(fate: (start: number) => Fate = () => ({})): Sample[] {
    return [...STREAMS, ...K6].flatMap((probe, k) => steady(probe, k * 8, END, 100, fate));
  }

  it('baseline, degraded and recovered are each judged for P99 and errors, with their denominators', () => {
    const a = judge(loaded((start) => (start >= 10_000 && start < 12_000 ? { outcome: 'error' } : {})));
    expect(a.intervals.map((i) => [i.name, i.start! - T, i.end! - T])).to.deep.equal([
      ['baseline', 0, 10_000],
      ['degraded', a.service.failover!.healthyFrom! - T, 30_000],
      ['recovered', 30_000, 50_000],
    ]);
    for (const name of ['baseline', 'degraded', 'recovered'] as const) {
      const e = verdictOf(a.verdicts, 'api-error-rate', name);
      expect(e.result, `${name}: ${e.detail}`).to.equal('pass');
      expect(e.evidence?.count).to.be.at.least(1_000);
      expect(verdictOf(a.verdicts, 'api-p99-latency', name).result).to.equal('pass');
    }
  });

  it('too few requests to resolve the threshold is insufficient evidence, never a pass', () => {
    const a = judge(service(() => ({})).filter((s) => s.probe !== 'dns'));
    const e = verdictOf(a.verdicts, 'api-error-rate', 'baseline');
    expect(e.result).to.equal('insufficient-evidence');
    expect(e.evidence).to.deep.include({ count: 200 });
    expect(e.detail).to.contain('one failure would be 0.500 %');
    expect(e.detail).to.contain('At least 1000 requests are needed');
    // 200 requests are enough for a P99.
    expect(verdictOf(a.verdicts, 'api-p99-latency', 'baseline').result).to.equal('pass');
  });

  it('errors beyond the threshold fail even over few requests', () => {
    const a = judge(
      service((probe, start) => (probe === 'api-read' && start < 1_000 ? { outcome: 'error' } : {})),
    );
    expect(verdictOf(a.verdicts, 'api-error-rate', 'baseline').result).to.equal('fail');
  });

  it('a P99 needs 100 requests', () => {
    const few = judge(steady('api-read', 0, END, 200).concat(steady('dns', 0, END, 200)));
    const v = verdictOf(few.verdicts, 'api-p99-latency', 'baseline');
    expect(v.evidence?.count).to.equal(50);
    expect(v.result).to.equal('insufficient-evidence');
  });

  it('a P99 that passes while the load was not delivered as asked is not valid', () => {
    const samples = loaded().filter(
      (s) => !(s.probe.startsWith('k6:') && s.start < T + 10_000 && s.start % 200 < 100),
    );
    const a = analyze(phasedTimeline(samples, PHASES), { ...SETTINGS, loadRate: 60 });
    const baseline = a.intervals.find((i) => i.name === 'baseline')!;
    expect(baseline.load).to.deep.equal({ asked: 600, delivered: baseline.load!.delivered });
    expect(baseline.load!.delivered).to.be.below(600 * 0.95);
    const v = verdictOf(a.verdicts, 'api-p99-latency', 'baseline');
    expect(v.result).to.equal('insufficient-evidence');
    expect(v.detail).to.contain('Not valid as a pass');
    expect(verdictOf(a.verdicts, 'api-p99-latency', 'recovered').result).to.equal('pass');
  });

  it('a request in flight at the injection counts towards failover, not the baseline', () => {
    const a = judge([...loaded(), sample('api-read', 9_990, 10_040, 'error', 'ECONNRESET')]);
    expect(verdictOf(a.verdicts, 'api-error-rate', 'baseline')).to.include({ result: 'pass', measured: 0 });
  });

  it('an empty run decides nothing: every verdict says insufficient evidence or fails, none passes', () => {
    const a = analyze(emptyTimeline(), SETTINGS);
    for (const v of a.verdicts) {
      expect(v.result, v.slo).to.not.equal('pass');
      expect(v.detail, v.slo).to.not.equal('');
    }
  });
});
