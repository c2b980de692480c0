import { expect } from 'chai';
import { parseDrillArgs } from '../../src/cli/drill-args.ts';
import { shortDuration, tryParseDuration } from '../../src/scenario/duration.ts';
import { checkScenario } from '../../src/scenario/validate.ts';
import { usageErrorOf } from './helpers.ts';

const minimal = {
  name: 'my-drill',
  description: 'Kills the etcd leader.',
  faults: [{ kind: 'kill', etcd: 'leader' }],
};

/** A UsageError's message and fix. */
function usageError(fn: () => unknown): { message: string; fix: string | undefined } {
  const err = usageErrorOf(fn);
  return { message: err.message, fix: err.fix };
}

function problemsOf(changes: Record<string, unknown>): string[] {
  const result = checkScenario({ ...minimal, ...changes });
  if (result.ok) throw new Error('expected the input to be invalid');
  return result.problems;
}

describe('bounds of the drill flags', () => {
  it('refuses --hold 600h, naming the 24h bound (Node would fire such a timer after 1 ms)', () => {
    expect(usageError(() => parseDrillArgs(['etcd-partition', '--hold', '600h']))).to.deep.equal({
      message: '--hold: "600h" must be a duration > 0 and at most 24h',
      fix: 'e.g. --hold 20s, --hold 1m30s or --hold 20 (seconds)',
    });
    expect(usageError(() => parseDrillArgs(['x', '--baseline', '86401'])).message).to.equal(
      '--baseline: "86401" must be a number of seconds > 0 and at most 86400 (24h)',
    );
    const hold = (d: string) => {
      const cmd = parseDrillArgs(['x', '--hold', d]);
      return cmd.command === 'run' ? cmd.options.overrides.holdSeconds : undefined;
    };
    expect(hold('24h')).to.equal(86_400);
    expect(hold('86400')).to.equal(86_400);
  });

  it('refuses a rate beyond 10000 requests per second', () => {
    expect(usageError(() => parseDrillArgs(['x', '--rate', '1000000000000000'])).message).to.equal(
      '--rate: "1000000000000000" must be a whole number from 1 to 10000 (requests per second)',
    );
    expect(usageError(() => parseDrillArgs(['x', '--rate', '1e15'])).message).to.equal(
      '--rate: "1e15" must be a whole number from 1 to 10000 (requests per second)',
    );
  });

  it('refuses a duration of 400 digits instead of reading it as Infinity', () => {
    const huge = `${'9'.repeat(400)}h`;
    expect(usageError(() => parseDrillArgs(['x', '--recovery', huge])).message).to.equal(
      `--recovery: "${huge}" is too long to be a duration; write e.g. "20s", "1m30s" or "500ms" (units: h, m, s, ms)`,
    );
    expect(usageError(() => parseDrillArgs(['x', '--recovery', '9'.repeat(400)])).message).to.match(
      /^--recovery: "9+" must be a number of seconds > 0 and at most 86400 \(24h\)$/,
    );
  });
});

describe('bounds of scenario fields', () => {
  it('refuses probeTimeoutMs "600h", naming the 60s bound', () => {
    expect(problemsOf({ load: { probeTimeoutMs: '600h' } })).to.deep.equal([
      'load.probeTimeoutMs: "600h" must be a duration > 0 and at most 60s',
    ]);
    expect(problemsOf({ load: { probeTimeoutMs: 60_001 } })).to.deep.equal([
      'load.probeTimeoutMs: 60001 must be a number of milliseconds > 0 and at most 60000 (60s)',
    ]);
  });

  it('refuses rate 1e15, NaN, Infinity, a negative rate and a string', () => {
    for (const rate of [1e15, NaN, Infinity, -1, '100']) {
      expect(problemsOf({ load: { rate } }), String(rate)).to.deep.equal([
        `load.rate: ${typeof rate === 'string' ? `"${rate}"` : String(rate)} must be a whole number from 1 to 10000 (requests per second)`,
      ]);
    }
  });

  it('refuses a rate k6 would need more than 20000 virtual users for', () => {
    expect(checkScenario({ ...minimal, load: { rate: 10_000 } }).ok).to.equal(true);
    expect(problemsOf({ load: { rate: 10_000, probeTimeoutMs: '60s' } })).to.deep.equal([
      'load.rate: 10000 with load.probeTimeoutMs 60000 needs 600000 k6 virtual users (rate x timeout), more than the 20000 allowed; lower the rate to at most 333 or shorten the timeout',
    ]);
  });

  it('refuses probe intervals under 10 ms and phases over 24h', () => {
    expect(problemsOf({ load: { probeIntervalMs: 5, memberProbeIntervalMs: '1ms' } })).to.deep.equal([
      'load.probeIntervalMs: 5 must be a number of milliseconds from 10 to 60000 (60s)',
      'load.memberProbeIntervalMs: "1ms" must be a duration from 10ms to 60s',
    ]);
    expect(
      problemsOf({ phases: { baselineSeconds: '25h' }, health: { sustainSeconds: '48h' } }),
    ).to.deep.equal([
      'phases.baselineSeconds: "25h" must be a duration > 0 and at most 24h',
      'health.sustainSeconds: "48h" must be a duration > 0 and at most 24h',
    ]);
    expect(problemsOf({ slos: { failoverSeconds: '1000h', apiP99Ms: '2m' } })).to.deep.equal([
      'slos.failoverSeconds: "1000h" must be a duration from 0 to 24h',
      'slos.apiP99Ms: "2m" must be a duration > 0 and at most 60s',
    ]);
  });

  it('reads a hole in a sparse fault list as a missing fault, and caps the list at 10', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(problemsOf({ faults: [, { kind: 'kill', etcd: 'leader' }] })).to.deep.equal([
      'faults[0]: missing; must be an object with a kind; known kinds: kill, terminate, stop, freeze, isolate, etcd-latency, etcd-loss, etcd-snapshot-restore, cert-expiry, lb-down',
    ]);
    const eleven = Array.from({ length: 11 }, () => ({ kind: 'kill', etcd: 'leader' }));
    expect(problemsOf({ faults: eleven })[0]).to.match(
      /^faults: \[.*\.\.\. must be a list of 1 to 10 faults; /,
    );
  });

  it('refuses a name too long for a directory name part', () => {
    expect(problemsOf({ name: 'a'.repeat(64) })[0]).to.match(/^name: "a{64}" must be up to 63 lower-case/);
    expect(checkScenario({ ...minimal, name: 'a'.repeat(63) }).ok).to.equal(true);
  });
});

describe('duration parser', () => {
  it('says a duration beyond 2^53 ms is too long, whatever its digits', () => {
    for (const text of ['1e400h', `${'9'.repeat(20)}h`, `${'9'.repeat(400)}ms`]) {
      const parsed = tryParseDuration(text);
      expect(parsed, text).to.have.property('problem');
    }
    expect(tryParseDuration(`${'9'.repeat(20)}h`)).to.deep.equal({
      problem: `"${'9'.repeat(20)}h" is too long to be a duration; write e.g. "20s", "1m30s" or "500ms" (units: h, m, s, ms)`,
    });
  });

  it('writes bounds in whole hours, else seconds, else milliseconds', () => {
    expect([0, 10, 1500, 60_000, 86_400_000].map(shortDuration)).to.deep.equal([
      '0',
      '10ms',
      '1500ms',
      '60s',
      '24h',
    ]);
  });
});
