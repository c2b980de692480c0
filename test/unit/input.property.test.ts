import { expect } from 'chai';
import fc from 'fast-check';
import path from 'node:path';
import { parseClusterArgs } from '../../src/cli/cluster-args.ts';
import { parseDrillArgs } from '../../src/cli/drill-args.ts';
import {
  LOCAL_DEFAULTS,
  resolveLocalConfig,
  type LocalClusterConfig,
} from '../../src/providers/local/config.ts';
import { parseDuration, tryParseDuration } from '../../src/scenario/duration.ts';
import { loadScenario, shippedScenariosDir } from '../../src/scenario/load.ts';
import { applyOverrides } from '../../src/scenario/overrides.ts';
import { FAULT_KINDS, OPERATIONS, type Scenario } from '../../src/scenario/types.ts';
import { checkScenario, validateScenario } from '../../src/scenario/validate.ts';
import { UsageError } from '../../src/util/errors.ts';

/**
 * Hostile input for every parser of user input: each input yields a clean result or a UsageError
 * (exit code 2), never another exception, and a clean result never holds a value outside the
 * documented bounds. The bounds are written out here as documented, not taken from the code.
 */
const DAY_S = 86_400;
const MINUTE_MS = 60_000;
/** Node fires a timer set above this after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Runs `fn`; a UsageError with exit code 2 is a clean refusal, any other exception fails the property. */
function refusedOr<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    expect(err.exitCode).to.equal(2);
    expect(err.message).to.be.a('string').and.not.equal('');
    return undefined;
  }
}

function expectNoPollution(): void {
  expect(Object.keys(Object.prototype)).to.deep.equal([]);
  expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
}

const durationText = fc.stringMatching(/^\s?(\d{1,25}(\.\d{1,6})?(h|m|s|ms|d|us|µs|H)){1,4}\s?$/);
const numberText = fc.oneof(
  fc.stringMatching(/^-?\d{1,400}(\.\d{1,5})?$/),
  fc.constantFrom('1e15', '1e400', 'NaN', 'Infinity', '-0', '0x10', '2147483648', ' 20 ', '٣'),
);
const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(NaN, Infinity, -Infinity, 1e15, -0, -1, 2 ** 31, 2 ** 53, 1e308, 0.1, 10_000, 10_001),
);
const hostileString = fc.oneof(
  durationText,
  numberText,
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '600h',
    '24h',
    '24h0m0.001s',
    '60s',
    '60001ms',
    '9ms',
    '1e400h',
    '',
    ' ',
    '\n',
    '__proto__',
  ),
);
/** Any value a JSON file or a module could hold, with prototype-polluting keys among the object keys. */
const anything = fc.anything({
  key: fc.oneof(fc.string(), fc.constantFrom(...POLLUTING_KEYS)),
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
  stringUnit: 'grapheme',
  maxDepth: 3,
});
const hostile = fc.oneof(hostileNumber, hostileString, anything);

/** Mostly `fair`, sometimes anything at all: most inputs then get deep, and some pass. */
function mostly<T>(fair: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 30, arbitrary: fair }, { weight: 1, arbitrary: hostile });
}

/** Now and then own (not inherited) polluting keys on the object, as JSON.parse would make them. */
function withPollution(fields: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const extra = fc.oneof(
    { weight: 8, arbitrary: fc.constant({}) },
    fc.dictionary(fc.constantFrom(...POLLUTING_KEYS), hostile, { minKeys: 1, maxKeys: 2 }),
  );
  return fc.tuple(fields, extra).map(([obj, keys]) => {
    for (const [key, value] of Object.entries(keys))
      Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
    return obj;
  });
}

/** An optional section whose fields are each absent, fair or hostile. */
function section(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const each = Object.fromEntries(Object.entries(fields).map(([key, arb]) => [key, mostly(arb)]));
  return mostly(withPollution(fc.record(each, { requiredKeys: [] })));
}

/** Around a bound: mostly inside it, sometimes just beyond, sometimes as a duration string. */
const ms = (min: number, max: number) =>
  fc.oneof(
    { weight: 30, arbitrary: fc.integer({ min, max }) },
    fc.integer({ min: 0, max: 2 * max }),
    fc.constantFrom('100ms', '2s', '1m', '60s', '60001ms', '600h'),
  );
const seconds = fc.oneof(
  { weight: 30, arbitrary: fc.integer({ min: 6, max: DAY_S }) },
  fc.double({ min: 0, max: 2 * DAY_S, noNaN: true }),
  fc.constantFrom('20s', '24h', '25h', '1m30s', '600h'),
);
const fault = fc.oneof(
  { weight: 20, arbitrary: fc.record({ kind: fc.constantFrom(...FAULT_KINDS) }) },
  fc.record({ kind: fc.constant('kill'), apiserver: fc.constantFrom('node-1', 'any', 'leader', 'Node 9') }),
  fc.record({ kind: fc.constant('kill'), coredns: fc.constantFrom(0, 1, 12, '0') }),
  fc.record({
    kind: fc.constant('isolate'),
    etcd: fc.constantFrom('leader', 'follower', 'any', 'node-2', 7),
  }),
  anything,
);
const scenarioInput: fc.Arbitrary<unknown> = mostly(
  withPollution(
    fc.record(
      {
        name: mostly(
          fc.oneof(
            { weight: 10, arbitrary: fc.constant('my-drill') },
            fc.stringMatching(/^[a-z0-9-]{1,70}$/),
          ),
        ),
        description: mostly(fc.constant('Kills the etcd leader.')),
        cluster: section({
          etcdTopology: fc.constantFrom('stacked', 'external-all'),
          controlPlanes: fc.constant(3),
        }),
        load: section({
          rate: fc.oneof(
            { weight: 20, arbitrary: fc.integer({ min: 1, max: 300 }) },
            fc.integer({ min: 1, max: 12_000 }),
            hostileNumber,
          ),
          mix: section(Object.fromEntries(OPERATIONS.map((op) => [op, fc.integer({ min: 0, max: 100 })]))),
          probeIntervalMs: ms(10, 1000),
          memberProbeIntervalMs: ms(10, 1000),
          probeTimeoutMs: ms(501, 60_000),
        }),
        phases: section({ baselineSeconds: seconds, holdSeconds: seconds, recoverySeconds: seconds }),
        faults: mostly(fc.array(fault, { minLength: 1, maxLength: 11 })),
        slos: section({
          failoverSeconds: seconds,
          apiP99Ms: ms(1, 500),
          errorRatePercent: fc.double({ min: 0, max: 120, noNaN: true }),
          lostWrites: fc.nat(),
        }),
        health: section({ slowRequestMs: ms(1, 500), sustainSeconds: fc.integer({ min: 1, max: 5 }) }),
      },
      { requiredKeys: ['name', 'description', 'faults'] },
    ),
  ),
);

/** Every documented bound of a validated scenario. */
function expectScenarioInBounds(s: Scenario): void {
  const { load, phases, slos, health } = s;
  expect(s.name).to.match(/^[a-z0-9][a-z0-9-]{0,62}$/);
  expect(Number.isInteger(load.rate) && load.rate >= 1 && load.rate <= 10_000, `rate ${load.rate}`).to.equal(
    true,
  );
  expect(load.rate * (load.probeTimeoutMs / 1000)).to.be.at.most(20_000);
  for (const interval of [load.probeIntervalMs, load.memberProbeIntervalMs])
    expect(interval).to.be.within(10, MINUTE_MS);
  for (const timeout of [load.probeTimeoutMs, slos.apiP99Ms, health.slowRequestMs])
    expect(timeout > 0 && timeout <= MINUTE_MS, `timeout ${timeout}`).to.equal(true);
  for (const phase of [
    phases.baselineSeconds,
    phases.holdSeconds,
    phases.recoverySeconds,
    health.sustainSeconds,
  ]) {
    expect(phase > 0 && phase <= DAY_S, `phase ${phase}`).to.equal(true);
    expect(phase * 1000).to.be.at.most(MAX_TIMER_MS);
  }
  expect(slos.failoverSeconds).to.be.within(0, DAY_S);
  expect(slos.errorRatePercent).to.be.within(0, 100);
  expect(Number.isInteger(slos.lostWrites) && slos.lostWrites >= 0).to.equal(true);
  const weights = OPERATIONS.map((op) => load.mix[op]);
  for (const w of weights) expect(w).to.be.within(0, 1_000_000);
  expect(weights.some((w) => w > 0)).to.equal(true);
  expect(s.faults.length).to.be.within(1, 10);
  for (const f of s.faults) expect(FAULT_KINDS).to.include(f.kind);
}

const PHASE_FLAGS = ['--baseline', '--hold', '--recovery'];
const drillValue: Record<string, fc.Arbitrary<string>> = {
  '--provider': fc.constantFrom('local', 'kind', 'eks'),
  '--rate': fc.oneof(fc.integer({ min: 0, max: 12_000 }).map(String), numberText),
  '--report-dir': fc.constantFrom('out/x', '', ' '),
  ...Object.fromEntries(
    PHASE_FLAGS.map((flag) => [
      flag,
      fc.oneof(
        fc.integer({ min: 0, max: 100_000 }).map(String),
        fc.stringMatching(/^\d{1,3}(\.\d)?(h|m|s|ms)$/),
        durationText,
        numberText,
      ),
    ]),
  ),
};
/** A scenario, then flags with values fit for each (joined by "=" or not), then now and then a stray word. */
const drillArgv = fc
  .tuple(
    mostly(fc.constantFrom('etcd-partition', './my.json')),
    fc
      .uniqueArray(fc.constantFrom(...Object.keys(drillValue)), { maxLength: 5 })
      .chain((flags) =>
        fc.tuple(...flags.map((flag) => fc.tuple(fc.constant(flag), drillValue[flag]!, fc.boolean()))),
      ),
    fc.oneof(
      { weight: 6, arbitrary: fc.constant([]) },
      fc.array(fc.oneof(hostileString, fc.constantFrom('--keep-cluster', '--list', '--', '-', '--hold')), {
        maxLength: 3,
      }),
    ),
  )
  .map(([scenario, pairs, stray]) => [
    ...(typeof scenario === 'string' ? [scenario] : []),
    ...pairs.flatMap(([flag, value, joined]) => (joined ? [`${flag}=${value}`] : [flag, value])),
    ...stray,
  ]);

const octet = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 0, max: 255 }) },
  fc.integer({ min: 256, max: 999 }),
);
const pathText = fc.oneof(
  { weight: 10, arbitrary: fc.stringMatching(/^(\/[a-z0-9._-]{1,8}){1,4}$/) },
  fc.stringMatching(/^\/?([A-Za-z0-9._ "'\n-]{0,8}\/?){0,4}$/),
  fc.constantFrom('/', '/etc', '/tmp', '/dev/shm', '/dev/shm/x', '/proc/x', '/srv/../etc', '//srv', '/srv/'),
);
const intText = (min: number, max: number) =>
  fc
    .oneof(
      { weight: 20, arbitrary: fc.integer({ min, max }) },
      fc.integer({ min: Math.max(0, min - 100), max: max + 100 }),
    )
    .map(String);
/** Values fit for each flag, and some beyond what it allows. */
const clusterValue: Record<string, fc.Arbitrary<string>> = {
  '--name': fc.oneof(
    { weight: 10, arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/) },
    fc.constantFrom('../x', 'KHD', 'a-b', ''),
  ),
  '--subnet': fc.oneof(
    {
      weight: 10,
      arbitrary: fc
        .tuple(fc.constantFrom('10', '172.16', '192.168', '100.64', '8.8'), fc.integer({ min: 14, max: 29 }))
        .map(([net, prefix]) => `${net}${'.0'.repeat(4 - net.split('.').length)}/${prefix}`),
    },
    fc
      .tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 40 }))
      .map((p) => `${p.slice(0, 4).join('.')}/${p[4]}`),
  ),
  '--lb-address': fc
    .tuple(fc.constantFrom(127, 127, 127, 127, 10), octet, octet, octet)
    .map((p) => p.join('.')),
  '--etcd-topology': fc.constantFrom('stacked', 'external-all', 'x'),
  '--no-restart': fc.subarray(['etcd', 'haproxy', 'kwok', 'bogus']).map((names) => names.join(',')),
  '--state-root': pathText,
  '--lb-port': intText(1024, 65535),
  '--etcd-heartbeat-ms': intText(10, 200),
  '--etcd-election-timeout-ms': intText(1000, 50000),
  '--haproxy-inter-ms': intText(100, 60000),
  '--haproxy-fall': intText(1, 100),
  '--haproxy-rise': intText(1, 100),
  '--cert-lifetime-days': intText(1, 3650),
  '--restart-backoff-ms': intText(100, 20000),
  '--restart-backoff-max-ms': intText(20000, 600000),
  '--fake-nodes': intText(0, 100),
};
const CLUSTER_FLAGS = Object.keys(clusterValue);
/** A verb, flags with values fit for each, and now and then a stray word or a value for another flag. */
const clusterArgv = fc
  .tuple(
    fc.constantFrom('up', 'down', 'status'),
    fc
      .uniqueArray(fc.constantFrom(...CLUSTER_FLAGS), { maxLength: 4 })
      .chain((flags) =>
        fc.tuple(...flags.map((flag) => fc.tuple(fc.constant(flag), clusterValue[flag]!, fc.boolean()))),
      ),
    fc.oneof(
      { weight: 6, arbitrary: fc.constant([]) },
      fc.array(fc.oneof(hostileString, fc.constantFrom(...CLUSTER_FLAGS, ...POLLUTING_KEYS)), {
        maxLength: 3,
      }),
    ),
  )
  .map(([verb, pairs, stray]) => [
    verb,
    ...pairs.flatMap(([flag, value, joined]) => (joined ? [`${flag}=${value}`] : [flag, value])),
    ...stray,
  ]);

const INTS: [keyof LocalClusterConfig, number, number][] = [
  ['lbPort', 1024, 65535],
  ['etcdHeartbeatMs', 10, 5000],
  ['etcdElectionTimeoutMs', 50, 50000],
  ['haproxyInterMs', 100, 60000],
  ['haproxyFall', 1, 100],
  ['haproxyRise', 1, 100],
  ['certLifetimeDays', 1, 3650],
  ['restartBackoffMs', 100, 600000],
  ['restartBackoffMaxMs', 100, 600000],
  ['fakeNodes', 0, 100],
];
const SYSTEM_DIRS = [
  '/',
  '/etc',
  '/root',
  '/usr',
  '/bin',
  '/boot',
  '/dev',
  '/proc',
  '/sys',
  '/var',
  '/home',
  '/tmp',
];

/** Every documented bound of a resolved cluster config. */
function expectConfigInBounds(c: LocalClusterConfig): void {
  expect(c.name).to.match(/^[a-z][a-z0-9]{0,5}$/);
  const lb = c.lbAddress.split('.');
  expect(lb).to.have.length(4);
  expect(lb[0]).to.equal('127');
  for (const part of lb) expect(Number(part)).to.be.within(0, 255);
  const [address, prefix] = c.subnet.split('/') as [string, string];
  expect(Number(prefix)).to.be.within(16, 27);
  const [a, b] = address.split('.').map(Number) as [number, number];
  expect(
    a === 10 ||
      (a === 172 && b >= 16 && b < 32) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b < 128),
    c.subnet,
  ).to.equal(true);
  for (const [key, min, max] of INTS) {
    const v = c[key] as number;
    expect(Number.isInteger(v) && v >= min && v <= max, `${key} ${v}`).to.equal(true);
  }
  expect(c.restartBackoffMaxMs).to.be.at.least(c.restartBackoffMs);
  expect(c.stateRoot).to.match(/^\/[A-Za-z0-9._/-]+$/);
  expect(c.stateRoot.split('/').slice(1)).to.not.include.members(['', '.', '..']);
  expect(SYSTEM_DIRS).to.not.include(c.stateRoot);
}

/** A shipped scenario, to apply drill overrides onto. */
const base = validateScenario({
  name: 'my-drill',
  description: 'Kills the etcd leader.',
  faults: [{ kind: 'kill', etcd: 'leader' }],
});

describe('hostile input (fast-check)', function () {
  // Thousands of generated inputs each: seconds on a busy 2-core machine, not mocha's default 2 s.
  this.timeout(60_000);
  afterEach(expectNoPollution);

  it('the duration parser gives a finite, non-negative duration or a problem naming the text', () => {
    fc.assert(
      fc.property(fc.oneof(durationText, hostileString), (text) => {
        const parsed = tryParseDuration(text);
        if ('problem' in parsed) {
          expect(parsed.problem.startsWith(JSON.stringify(text))).to.equal(true);
          expect(() => parseDuration(text)).to.throw(UsageError);
        } else {
          expect(
            Number.isFinite(parsed.ms) && parsed.ms >= 0 && parsed.ms <= Number.MAX_SAFE_INTEGER,
          ).to.equal(true);
          expect(parseDuration(text)).to.equal(parsed.ms);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('the scenario validator lists problems or gives a scenario inside every bound', () => {
    fc.assert(
      fc.property(scenarioInput, (input) => {
        const check = checkScenario(input);
        if (check.ok) expectScenarioInBounds(check.scenario);
        else expect(check.problems).to.have.length.greaterThan(0);
        const validated = refusedOr(() => validateScenario(input, 'input'));
        expect(validated === undefined).to.equal(!check.ok);
      }),
      { numRuns: 1000 },
    );
  });

  it('a scenario from JSON with __proto__ keys is refused for the key, and pollutes nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom('', 'load', 'phases', 'slos', 'health'), fc.jsonValue(), (at, value) => {
        const polluter = JSON.stringify({ polluted: value, rate: 5, holdSeconds: 1 });
        const entry = at === '' ? `"__proto__": ${polluter}` : `"${at}": {"__proto__": ${polluter}}`;
        const text = `{"name": "x", "description": "x", "faults": [{"kind": "etcd-leader-kill"}], ${entry}}`;
        const check = checkScenario(JSON.parse(text));
        expect(check.ok).to.equal(false);
        if (!check.ok) expect(check.problems.join('\n')).to.include('__proto__: unknown key');
      }),
    );
  });

  it('the drill arguments parse to a command inside every bound, or to a usage error', () => {
    fc.assert(
      fc.property(drillArgv, (argv) => {
        const cmd = refusedOr(() => parseDrillArgs(argv));
        if (cmd?.command !== 'run') return;
        const { rate, ...phases } = cmd.options.overrides;
        if (rate !== undefined) expect(Number.isInteger(rate) && rate >= 1 && rate <= 10_000).to.equal(true);
        for (const s of Object.values(phases)) expect(s > 0 && s <= DAY_S, `phase ${s}`).to.equal(true);
        const applied = refusedOr(() => applyOverrides(base, cmd.options.overrides));
        if (applied) expectScenarioInBounds(applied);
      }),
      { numRuns: 2000 },
    );
  });

  it('the cluster flags parse to a config inside every bound, or to a usage error', () => {
    fc.assert(
      fc.property(clusterArgv, (argv) => {
        const parsed = refusedOr(() => parseClusterArgs(argv));
        if (parsed && parsed.command !== 'help')
          expectConfigInBounds(resolveLocalConfig(parsed.options.overrides));
      }),
      { numRuns: 2000 },
    );
  });

  it('the cluster config takes hostile values and keys without another exception', () => {
    /** The value type the config holds, from what the flag would give. */
    const valueOf = (key: string) => {
      const flag = CLUSTER_FLAGS.find((f) => f.slice(2).replaceAll('-', '') === key.toLowerCase());
      if (!flag) return hostileString;
      const text = clusterValue[flag]!;
      if (key === 'noRestart') return text.map((t): unknown => t.split(','));
      return typeof LOCAL_DEFAULTS[key as keyof LocalClusterConfig] === 'number'
        ? text.map((t): unknown => Number(t))
        : text;
    };
    const keys = Object.keys(LOCAL_DEFAULTS);
    const overrides = withPollution(
      fc.record(Object.fromEntries(keys.map((k) => [k, mostly(valueOf(k))])), { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(overrides, (o) => {
        const config = refusedOr(() => resolveLocalConfig(o as Partial<LocalClusterConfig>));
        if (config) expectConfigInBounds(config);
      }),
      { numRuns: 1000 },
    );
  });

  it('a scenario name loads a shipped scenario or is refused; nothing outside scenarios/ is read', async () => {
    const noFile = hostileString.filter((s) => !['.ts', '.js', '.json'].includes(path.extname(s)));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(noFile, fc.constantFrom('etcd-partition', '../../tmp/x', '../scenarios/etcd-partition')),
        async (name) => {
          const loaded = await loadScenario(name).catch((err: unknown) => {
            if (!(err instanceof UsageError)) throw err;
            return undefined;
          });
          if (loaded) expect(path.dirname(loaded.file)).to.equal(shippedScenariosDir);
        },
      ),
      { numRuns: 300 },
    );
  });
});
