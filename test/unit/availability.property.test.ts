import { expect } from 'chai';
import fc from 'fast-check';
import { firstSustainedHealthy, serviceSource, unavailableWindows } from '../../src/analysis/availability.ts';
import { runSpan } from '../../src/analysis/run-span.ts';
import { serviceHealth } from '../../src/analysis/service-health.ts';
import type { Outcome, Sample } from '../../src/observe/timeline.ts';
import { phasedTimeline, SETTINGS, T } from './helpers.ts';

/**
 * Properties of the availability analysis on generated timelines: outages of a known length and
 * shape, written into probes that issue a request every interval, must come out at that length,
 * to the resolution the probes allow, whatever the probes' phases, the outage's position or the
 * order the samples arrive in.
 */
const HOLD_MS = 30_000;
const INJECT_MS = 10_000;
const RUN_END_MS = INJECT_MS + HOLD_MS + 10_000;
const SOURCES = ['api-read', 'api-write', 'api-read-keepalive', 'dns', 'watch'];

interface Shape {
  sources: number;
  intervalMs: number;
  offsets: number[];
  /** The outage, from the injection: [startMs, startMs + lengthMs). */
  startMs: number;
  lengthMs: number;
}

const shape: fc.Arbitrary<Shape> = fc
  .record({
    sources: fc.integer({ min: 1, max: SOURCES.length }),
    intervalMs: fc.constantFrom(50, 100, 250),
    offsets: fc.array(fc.integer({ min: 0, max: 249 }), {
      minLength: SOURCES.length,
      maxLength: SOURCES.length,
    }),
    startMs: fc.integer({ min: 0, max: 3_000 }),
    lengthMs: fc.integer({ min: 300, max: 15_000 }),
  })
  .map((s) => ({ ...s, offsets: s.offsets.map((o) => o % s.intervalMs) }));

type Fate = (source: number, startMs: number, i: number) => { outcome: Outcome; latency: number };

function timeline(s: Shape, fate: Fate): Sample[] {
  const out: Sample[] = [];
  for (let k = 0; k < s.sources; k++) {
    for (let t = s.offsets[k]!, i = 0; t < RUN_END_MS; t += s.intervalMs, i++) {
      const { outcome, latency } = fate(k, t, i);
      out.push({ probe: SOURCES[k]!, start: T + t, end: T + t + latency, outcome });
    }
  }
  return out;
}

const inOutage = (s: Shape, t: number) =>
  t >= INJECT_MS + s.startMs && t < INJECT_MS + s.startMs + s.lengthMs;
const fast = { outcome: 'ok' as const, latency: 5 };

function healthOf(samples: Sample[]) {
  const t = phasedTimeline(samples, [INJECT_MS / 1000, HOLD_MS / 1000, 10]);
  return serviceHealth(samples, runSpan(t), SETTINGS.health);
}

/** Where the outage truly ends for the probes: the first request any source sends after it. */
function firstStartAfter(s: Shape, samples: Sample[]): number {
  const end = T + INJECT_MS + s.startMs + s.lengthMs;
  return Math.min(...samples.filter((x) => x.start >= end).map((x) => x.start));
}

describe('availability properties (fast-check)', () => {
  it('a full outage of known length: failover ends at the first request after it; one window of its length', () => {
    fc.assert(
      fc.property(shape, fc.constantFrom<Outcome>('error', 'timeout'), (s, outcome) => {
        const samples = timeline(s, (_, t) =>
          inOutage(s, t) ? { outcome, latency: outcome === 'timeout' ? 2_000 : 3 } : fast,
        );
        const h = healthOf(samples);
        expect(h.failover?.healthyFrom).to.equal(firstStartAfter(s, samples));
        const failover = h.failover!.failoverMs!;
        expect(failover).to.be.within(s.startMs + s.lengthMs, s.startMs + s.lengthMs + s.intervalMs);
        expect(h.windows).to.have.length(1);
        expect(h.windows[0]!.durationMs).to.be.within(s.lengthMs - s.intervalMs, s.lengthMs + s.intervalMs);
      }),
      { numRuns: 150 },
    );
  });

  it('a slow period counts like an outage of the same length', () => {
    fc.assert(
      fc.property(shape, fc.integer({ min: 1, max: 1_400 }), (s, extraMs) => {
        const slow = SETTINGS.health.slowMs + extraMs;
        const samples = timeline(s, (_, t) => (inOutage(s, t) ? { outcome: 'ok', latency: slow } : fast));
        const h = healthOf(samples);
        expect(h.failover?.healthyFrom).to.equal(firstStartAfter(s, samples));
        expect(h.failover!.badRequests).to.be.greaterThan(0);
      }),
      { numRuns: 100 },
    );
  });

  it('a partial outage, one request in k failing, lasts as long as the last failure, not one window', () => {
    fc.assert(
      fc.property(shape, fc.integer({ min: 2, max: 5 }), (s, k) => {
        const samples = timeline(s, (source, t, i) =>
          source === 0 && inOutage(s, t) && i % k === 0 ? { outcome: 'error', latency: 3 } : fast,
        );
        const bad = samples.filter((x) => x.outcome !== 'ok');
        fc.pre(bad.length > 0);
        const lastBad = Math.max(...bad.map((x) => x.start));
        const h = healthOf(samples);
        const expected = Math.min(...samples.filter((x) => x.start > lastBad).map((x) => x.start));
        expect(h.failover?.healthyFrom).to.equal(expected);
        expect(h.failover!.failoverMs!).to.be.at.least(s.startMs + s.lengthMs - k * s.intervalMs);
      }),
      { numRuns: 150 },
    );
  });

  it('the order the samples arrive in changes nothing, probes sending at the same millisecond included', () => {
    fc.assert(
      fc.property(shape, fc.integer(), (s, seed) => {
        const samples = timeline(s, (k, t, i) =>
          inOutage(s, t) && (k + i) % 2 === 0 ? { outcome: 'error', latency: 4 } : fast,
        );
        const shuffled = fc.sample(fc.shuffledSubarray(samples, { minLength: samples.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        expect(healthOf(shuffled)).to.deep.equal(healthOf(samples));
      }),
      { numRuns: 40 },
    );
  });

  it('a healthy service fails over in 0 and has no unavailable window', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const h = healthOf(timeline(s, () => fast));
        expect(h.failover?.failoverMs).to.equal(0);
        expect(h.windows).to.deep.equal([]);
        expect(h.recovery?.recoveryMs).to.equal(0);
      }),
      { numRuns: 50 },
    );
  });

  it('one more bad request never makes the failover shorter', () => {
    fc.assert(
      fc.property(shape, fc.integer({ min: 0, max: HOLD_MS - 6_000 }), (s, at) => {
        const base = timeline(s, (_, t) => (inOutage(s, t) ? { outcome: 'error', latency: 3 } : fast));
        const extra: Sample = {
          probe: SOURCES[0]!,
          start: T + INJECT_MS + at,
          end: T + INJECT_MS + at + 3,
          outcome: 'error',
        };
        const before = firstSustainedHealthy(
          base,
          serviceSource,
          T + INJECT_MS,
          T + INJECT_MS + HOLD_MS,
          SETTINGS.health,
        );
        const after = firstSustainedHealthy(
          [...base, extra],
          serviceSource,
          T + INJECT_MS,
          T + INJECT_MS + HOLD_MS,
          SETTINGS.health,
        );
        expect(after.healthyFrom ?? Infinity).to.be.at.least(before.healthyFrom ?? Infinity);
      }),
      { numRuns: 100 },
    );
  });

  it('unavailable windows never overlap and cover every bad request', () => {
    fc.assert(
      fc.property(shape, fc.integer({ min: 2, max: 4 }), (s, k) => {
        const samples = timeline(s, (src, t, i) =>
          inOutage(s, t) && (src + i) % k === 0 ? { outcome: 'timeout', latency: 2_000 } : fast,
        );
        const windows = unavailableWindows(samples, serviceSource, SETTINGS.health.slowMs, T + RUN_END_MS);
        for (let i = 1; i < windows.length; i++)
          expect(windows[i]!.start).to.be.greaterThan(windows[i - 1]!.end!);
        for (const b of samples.filter((x) => x.outcome !== 'ok'))
          expect(windows.some((w) => b.start >= w.start && b.start < (w.end ?? Infinity))).to.equal(true);
      }),
      { numRuns: 100 },
    );
  });
});
