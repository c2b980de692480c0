import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDuration, tryParseDuration } from '../../src/scenario/duration.ts';
import { listScenarios, loadScenario, shippedScenariosDir } from '../../src/scenario/load.ts';
import { applyOverrides } from '../../src/scenario/overrides.ts';
import { defineScenario, type Scenario } from '../../src/scenario/types.ts';
import { checkScenario, validateScenario } from '../../src/scenario/validate.ts';
import { UsageError } from '../../src/util/errors.ts';

const minimal = {
  name: 'my-drill',
  description: 'Kills the etcd leader.',
  faults: [{ kind: 'kill', etcd: 'leader' }],
};

/** The problems of an invalid input, or a failure when it is valid. */
function problemsOf(input: unknown): string[] {
  const result = checkScenario(input);
  if (result.ok) throw new Error('expected the input to be invalid');
  return result.problems;
}

function withChanges(changes: Record<string, unknown>): unknown {
  return { ...minimal, ...changes };
}

describe('scenario validation', () => {
  it('fills in every default', () => {
    expect(validateScenario(minimal)).to.deep.equal({
      name: 'my-drill',
      description: 'Kills the etcd leader.',
      cluster: { controlPlanes: 3, etcdTopology: 'stacked', corednsReplicas: 2 },
      load: {
        rate: 60,
        mix: { get: 50, list: 15, create: 10, update: 10, delete: 5, watch: 10 },
        probeIntervalMs: 100,
        memberProbeIntervalMs: 250,
        probeTimeoutMs: 2000,
      },
      phases: { baselineSeconds: 10, holdSeconds: 20, recoverySeconds: 20 },
      faults: [{ kind: 'kill', etcd: 'leader' }],
      slos: { failoverSeconds: 30, apiP99Ms: 500, errorRatePercent: 0.1, lostWrites: 0 },
      health: { slowRequestMs: 500, sustainSeconds: 5 },
    } satisfies Scenario);
  });

  it('schedules a fault within the hold with at and for, in seconds or as durations', () => {
    const chained = validateScenario(
      withChanges({
        faults: [
          { kind: 'freeze', apiserver: 'any' },
          { kind: 'isolate', etcd: 'leader', at: '4s', for: 6 },
        ],
      }),
    );
    expect(chained.faults[1]).to.deep.equal({ kind: 'isolate', etcd: 'leader', at: 4, for: 6 });
    expect(problemsOf(withChanges({ faults: [{ kind: 'kill', etcd: 'leader', at: '20s' }] }))).to.deep.equal([
      'faults[0].at: 20s must be before the end of the hold (phases.holdSeconds is 20s); lower it or lengthen the hold',
    ]);
    expect(
      problemsOf(withChanges({ faults: [{ kind: 'kill', etcd: 'leader', at: 15, for: '10s' }] })),
    ).to.deep.equal([
      'faults[0].for: 10s from at 15s ends at 25s, after the hold (phases.holdSeconds is 20s); make it at most 5s, or leave it out to heal when the hold ends',
    ]);
    expect(problemsOf(withChanges({ faults: [{ kind: 'kill', etcd: 'leader', for: 0 }] }))).to.have.length(1);
  });

  it('the slow threshold follows the P99 SLO unless given', () => {
    expect(validateScenario(withChanges({ slos: { apiP99Ms: 800 } })).health.slowRequestMs).to.equal(800);
    const own = validateScenario(
      withChanges({ slos: { apiP99Ms: 800 }, health: { slowRequestMs: '250ms', sustainSeconds: '3s' } }),
    );
    expect(own.health).to.deep.equal({ slowRequestMs: 250, sustainSeconds: 3 });
  });

  it('a slow request must be tellable from a timed-out one', () => {
    expect(problemsOf(withChanges({ health: { slowRequestMs: 2000 } }))).to.deep.equal([
      'load.probeTimeoutMs: 2000 must be above health.slowRequestMs (2000): a request is slow before it times out; raise the timeout or lower the slow threshold',
    ]);
  });

  it('the hold and the recovery must hold one sustained healthy interval', () => {
    expect(problemsOf(withChanges({ phases: { holdSeconds: 5, recoverySeconds: 4 } }))).to.deep.equal([
      'phases.holdSeconds: 5s must be longer than health.sustainSeconds (5s), or no sustained healthy interval fits in it; make it at least 35s to decide a failover of up to slos.failoverSeconds (30s)',
      'phases.recoverySeconds: 4s must be longer than health.sustainSeconds (5s), or no sustained healthy interval fits in it; make it at least 35s to decide a failover of up to slos.failoverSeconds (30s)',
    ]);
  });

  it('takes a load balancer down only where there is a pair of them', () => {
    const lbDown = { faults: [{ kind: 'lb-down' }] };
    expect(problemsOf(withChanges({ ...lbDown, cluster: { loadBalancers: 'per-node' } }))).to.deep.equal([
      'cluster.loadBalancers: "per-node" has no load balancer an lb-down fault can take down: it needs "vrrp-pair" (or leave it out)',
    ]);
    expect(checkScenario(withChanges({ ...lbDown, cluster: { loadBalancers: 'vrrp-pair' } })).ok).to.equal(
      true,
    );
    expect(checkScenario(withChanges(lbDown)).ok).to.equal(true);
    expect(problemsOf(withChanges({ cluster: { loadBalancers: 'keepalived' } }))).to.deep.equal([
      'cluster.loadBalancers: "keepalived" is not a known load-balancer setup; known: single, vrrp-pair, per-node',
    ]);
  });

  it('aims each fault at one role, picked by keyword or by name', () => {
    const faults = [
      { kind: 'kill', apiserver: 'any' },
      { kind: 'kill', etcd: 'follower' },
      { kind: 'kill', 'controller-manager': 'leader' },
      { kind: 'kill', coredns: 1 },
      { kind: 'isolate', etcd: 'node-2' },
    ];
    expect(validateScenario(withChanges({ faults })).faults).to.deep.equal(faults);
  });

  it('names a fault without a role, with two roles, or with a role its kind cannot aim at', () => {
    expect(
      problemsOf(
        withChanges({
          faults: [
            { kind: 'kill' },
            { kind: 'kill', etcd: 'leader', apiserver: 'any' },
            { kind: 'isolate', apiserver: 'node-1' },
            { kind: 'kill', apiserver: 'leader' },
            { kind: 'kill', coredns: 'node-1' },
          ],
        }),
      ),
    ).to.deep.equal([
      "faults[0]: names no role; name exactly one of etcd, apiserver, controller-manager, scheduler, coredns, e.g. { kind: 'kill', etcd: 'leader' }",
      "faults[1]: names 2 roles (etcd, apiserver); name exactly one of etcd, apiserver, controller-manager, scheduler, coredns, e.g. { kind: 'kill', etcd: 'leader' }",
      'faults[2].apiserver: unknown field; an isolate fault names one role to aim at (etcd) and may say when: at, for',
      "faults[2]: names no role; name exactly one of etcd, e.g. { kind: 'isolate', etcd: 'leader' }",
      'faults[3].apiserver: "leader" must be "any" or a member name such as "node-2"',
      'faults[4].coredns: "node-1" must be "any" or a replica number such as 0',
    ]);
  });

  it('reads durations as numbers in the field unit or as duration strings', () => {
    const s = validateScenario(
      withChanges({
        load: { probeIntervalMs: '0.25s', probeTimeoutMs: 1500 },
        phases: { baselineSeconds: '500ms', holdSeconds: '1m30s', recoverySeconds: 45 },
        slos: { failoverSeconds: '1m', apiP99Ms: '0.3s' },
      }),
    );
    expect(s.load.probeIntervalMs).to.equal(250);
    expect(s.load.probeTimeoutMs).to.equal(1500);
    expect(s.phases).to.deep.equal({ baselineSeconds: 0.5, holdSeconds: 90, recoverySeconds: 45 });
    expect(s.slos.failoverSeconds).to.equal(60);
    expect(s.slos.apiP99Ms).to.equal(300);
  });

  it('takes a given mix as written, leaving out operations at weight 0', () => {
    const s = validateScenario(withChanges({ load: { mix: { get: 3, create: 1 } } }));
    expect(s.load.mix).to.deep.equal({ get: 3, list: 0, create: 1, update: 0, delete: 0, watch: 0 });
  });

  it('accepts what defineScenario types and returns it unchanged', () => {
    const input = defineScenario({
      name: 'typed',
      description: 'Partitions node-2.',
      cluster: { etcdTopology: 'external-all' },
      faults: [{ kind: 'isolate', etcd: 'node-2' }],
    });
    expect(validateScenario(input).cluster.etcdTopology).to.equal('external-all');
  });

  it('names a typo in a fault kind and lists the known kinds', () => {
    expect(problemsOf(withChanges({ faults: [{ kind: 'etcd-partiton' }] }))).to.deep.equal([
      'faults[0].kind: "etcd-partiton" is not a known fault; known: kill, terminate, stop, freeze, isolate, etcd-latency, etcd-loss, etcd-snapshot-restore, cert-expiry, lb-down',
    ]);
  });

  it('rejects a negative hold', () => {
    expect(problemsOf(withChanges({ phases: { holdSeconds: -5 } }))).to.deep.equal([
      'phases.holdSeconds: -5 must be a number of seconds > 0 and at most 86400 (24h)',
    ]);
  });

  it('rejects unknown keys at every level with the known ones', () => {
    expect(
      problemsOf(
        withChanges({
          slo: {},
          phases: { hold: 20 },
          faults: [{ kind: 'etcd-snapshot-restore', target: 'leader' }],
        }),
      ),
    ).to.deep.equal([
      'phases.hold: unknown key; known: baselineSeconds, holdSeconds, recoverySeconds',
      'faults[0].target: unknown key; known: kind, at, for',
      'slo: unknown key; known: $schema, name, description, cluster, load, phases, faults, slos, health',
    ]);
  });

  it('explains a bad duration string', () => {
    expect(
      problemsOf(
        withChanges({ phases: { baselineSeconds: '20', holdSeconds: '20 sec', recoverySeconds: '20secs' } }),
      ),
    ).to.deep.equal([
      'phases.baselineSeconds: "20" has no unit; write "20s", "20ms" or "20m"',
      'phases.holdSeconds: "20 sec" is not a duration; write e.g. "20s", "1m30s" or "500ms" (units: h, m, s, ms)',
      'phases.recoverySeconds: "20secs" has an unknown unit "secs"; units: h, m, s, ms',
    ]);
    expect(problemsOf(withChanges({ phases: { holdSeconds: '0s', recoverySeconds: true } }))).to.deep.equal([
      'phases.holdSeconds: "0s" must be a duration > 0 and at most 24h',
      'phases.recoverySeconds: true must be a number of seconds > 0 and at most 86400 (24h), or a duration such as "20s"',
    ]);
  });

  it('names missing required fields and what they must be', () => {
    expect(problemsOf({})).to.deep.equal([
      'name: missing; must be up to 63 lower-case letters, digits and dashes, e.g. "etcd-partition"',
      'description: missing; must be one line saying what the drill does and what a pass proves',
      'faults: missing; must be a list of 1 to 10 faults; known kinds: kill, terminate, stop, freeze, isolate, etcd-latency, etcd-loss, etcd-snapshot-restore, cert-expiry, lb-down',
    ]);
    expect(problemsOf(42)).to.deep.equal([
      'scenario: 42 must be an object with keys $schema, name, description, cluster, load, phases, faults, slos, health',
    ]);
  });

  it('names input that is no object at all, null and a list included', () => {
    for (const input of [null, [], 'x'])
      expect(problemsOf(input)).to.deep.equal([
        `scenario: ${JSON.stringify(input)} must be an object with keys $schema, name, description, cluster, load, phases, faults, slos, health`,
      ]);
  });

  it('checks every field against what it allows', () => {
    expect(
      problemsOf({
        name: 'Etcd Partition',
        description: 'two\nlines',
        cluster: { controlPlanes: 5, etcdTopology: 'external', corednsReplicas: 3 },
        load: { rate: 2.5, mix: { get: -1, put: 1 }, probeTimeoutMs: 0 },
        faults: [
          'kill',
          { apiserver: 'node-1' },
          { kind: 'kill', apiserver: 'Node 4' },
          { kind: 'isolate', etcd: 'Leader' },
          { kind: 'kill', coredns: 12 },
        ],
        slos: { failoverSeconds: -1, apiP99Ms: '1x', errorRatePercent: 120, lostWrites: 0.5 },
      }),
    ).to.deep.equal([
      'name: "Etcd Partition" must be up to 63 lower-case letters, digits and dashes, e.g. "etcd-partition"',
      'description: "two\\nlines" must be one line saying what the drill does and what a pass proves',
      'cluster.controlPlanes: 5 is not supported; the cluster has exactly 3',
      'cluster.etcdTopology: "external" is not a known etcd topology; known: stacked, external-all',
      'cluster.corednsReplicas: 3 is not supported; the cluster has exactly 2',
      'load.rate: 2.5 must be a whole number from 1 to 10000 (requests per second)',
      'load.mix.get: -1 must be a number from 0 to 1000000',
      'load.mix.put: unknown key; known: get, list, create, update, delete, watch',
      'load.probeTimeoutMs: 0 must be a number of milliseconds > 0 and at most 60000 (60s)',
      'faults[0]: "kill" must be an object with a kind; known kinds: kill, terminate, stop, freeze, isolate, etcd-latency, etcd-loss, etcd-snapshot-restore, cert-expiry, lb-down',
      'faults[1].kind: missing; known: kill, terminate, stop, freeze, isolate, etcd-latency, etcd-loss, etcd-snapshot-restore, cert-expiry, lb-down',
      'faults[2].apiserver: "Node 4" must be "any" or a member name such as "node-2"',
      'faults[3].etcd: "Leader" must be "leader", "follower", "any" or a member name such as "node-2"',
      'faults[4].coredns: 12 must be "any" or a replica number such as 0',
      'slos.failoverSeconds: -1 must be a number of seconds from 0 to 86400 (24h)',
      'slos.apiP99Ms: "1x" has an unknown unit "x"; units: h, m, s, ms',
      'slos.errorRatePercent: 120 must be a number from 0 to 100',
      'slos.lostWrites: 0.5 must be a whole number >= 0',
    ]);
  });

  it('rejects a mix that weighs nothing and an empty fault list', () => {
    expect(problemsOf(withChanges({ load: { mix: { get: 0 } }, faults: [] }))).to.deep.equal([
      'load.mix: {"get":0} gives no operation a weight; give at least one a weight > 0',
      'faults: [] must be a list of 1 to 10 faults; known kinds: kill, terminate, stop, freeze, isolate, etcd-latency, etcd-loss, etcd-snapshot-restore, cert-expiry, lb-down',
    ]);
  });

  it('rejects a probe interval no phase would sample', () => {
    expect(
      problemsOf(withChanges({ load: { probeIntervalMs: '5s' }, phases: { baselineSeconds: 3 } })),
    ).to.deep.equal([
      'load.probeIntervalMs: 5000 must be shorter than every phase, and phases.baselineSeconds is 3s',
    ]);
  });

  it('throws one UsageError listing every problem under the source, with a fix', () => {
    const bad = withChanges({ phases: { holdSeconds: -5 }, faults: [{ kind: 'etcd-partiton' }] });
    expect(() => validateScenario(bad, 'my-scenario.ts'))
      .to.throw(UsageError)
      .that.satisfies((err: UsageError) => {
        expect(err.message).to.equal(
          'my-scenario.ts is not a valid scenario (2 problems):\n' +
            '  phases.holdSeconds: -5 must be a number of seconds > 0 and at most 86400 (24h)\n' +
            '  faults[0].kind: "etcd-partiton" is not a known fault; known: kill, terminate, stop, freeze, isolate, etcd-latency, etcd-loss, etcd-snapshot-restore, cert-expiry, lb-down',
        );
        expect(err.fix).to.include('scenario.schema.json');
        expect(err.exitCode).to.equal(2);
        return true;
      });
  });
});

describe('parseDuration', () => {
  const good: [string, number][] = [
    ['20s', 20_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['1h2m3s4ms', 3_723_004],
    [' 2m ', 120_000],
    ['1.1s', 1100],
    ['0s', 0],
  ];
  for (const [text, ms] of good) {
    it(`reads ${JSON.stringify(text)} as ${ms} ms`, () => expect(parseDuration(text)).to.equal(ms));
  }

  const bad: [string, string][] = [
    ['', '"" is empty; write e.g. "20s", "1m30s" or "500ms" (units: h, m, s, ms)'],
    ['20', '"20" has no unit; write "20s", "20ms" or "20m"'],
    ['-5s', '"-5s" is negative; a duration has no sign, e.g. "5s"'],
    ['5d', '"5d" has an unknown unit "d"; units: h, m, s, ms'],
    ['30s1m', '"30s1m" repeats or misorders its units; write largest first, each once, e.g. "1m30s"'],
    ['1m1m', '"1m1m" repeats or misorders its units; write largest first, each once, e.g. "1m30s"'],
    ['1m30', '"1m30" is not a duration; write e.g. "20s", "1m30s" or "500ms" (units: h, m, s, ms)'],
    ['soon', '"soon" is not a duration; write e.g. "20s", "1m30s" or "500ms" (units: h, m, s, ms)'],
  ];
  for (const [text, problem] of bad) {
    it(`explains why ${JSON.stringify(text)} is not a duration`, () => {
      expect(tryParseDuration(text)).to.deep.equal({ problem });
      expect(() => parseDuration(text)).to.throw(UsageError, problem);
    });
  }
});

/** What each shipped drill aims at: its name says it, its faults do it. */
const SHIPPED_FAULTS: Record<string, unknown[]> = {
  'apiserver-freeze': [{ kind: 'freeze', apiserver: 'any' }],
  'apiserver-graceful': [{ kind: 'terminate', apiserver: 'node-1' }],
  'apiserver-graceful-healthz': [{ kind: 'terminate', apiserver: 'node-1' }],
  'apiserver-kill': [{ kind: 'kill', apiserver: 'node-1' }],
  'cert-expiry': [{ kind: 'cert-expiry', certificate: 'apiserver-serving' }],
  'controller-manager-leader-kill': [{ kind: 'kill', 'controller-manager': 'leader' }],
  'coredns-kill': [{ kind: 'kill', coredns: 0 }],
  'etcd-follower-kill': [{ kind: 'kill', etcd: 'follower' }],
  'etcd-latency': [{ kind: 'etcd-latency', etcd: 'leader', latency: 200, jitter: 50 }],
  'etcd-leader-kill': [{ kind: 'kill', etcd: 'leader' }],
  'etcd-loss': [{ kind: 'etcd-loss', etcd: 'leader', percent: 5 }],
  'etcd-partition': [{ kind: 'isolate', etcd: 'leader' }],
  'etcd-quorum-loss': [
    { kind: 'stop', etcd: 'follower' },
    { kind: 'stop', etcd: 'follower' },
  ],
  'etcd-snapshot-restore': [{ kind: 'etcd-snapshot-restore' }],
  'freeze-then-partition': [
    { kind: 'freeze', apiserver: 'any' },
    { kind: 'isolate', etcd: 'leader', at: 4, for: 6 },
  ],
  'lb-failover': [{ kind: 'lb-down', loadBalancer: 'active' }],
  'lb-per-node': [{ kind: 'kill', apiserver: 'node-1' }],
  'scheduler-leader-kill': [{ kind: 'kill', scheduler: 'leader' }],
};

describe('shipped scenarios', () => {
  const names = Object.keys(SHIPPED_FAULTS);

  it('are listed by name with their descriptions, and all are valid', async () => {
    const listing = await listScenarios();
    expect(listing.map((l) => l.name)).to.deep.equal(names);
    for (const l of listing) {
      expect(l.problem, l.name).to.equal(undefined);
      expect(l.description, l.name).to.match(/^[A-Z].{40,}\.$/);
    }
  });

  for (const name of names) {
    it(`${name} loads by name with its file and the sha256 of its bytes`, async () => {
      const loaded = await loadScenario(name);
      const file = path.join(shippedScenariosDir, `${name}.ts`);
      expect(loaded.file).to.equal(file);
      expect(loaded.sha256).to.equal(createHash('sha256').update(readFileSync(file)).digest('hex'));
      expect(loaded.scenario.name).to.equal(name);
      expect(loaded.scenario.faults).to.have.length.greaterThan(0);
      expect(loaded.scenario.faults).to.deep.equal(SHIPPED_FAULTS[name]);
    });
  }
});

describe('loadScenario', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'khd-scenario-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  it('names an unknown scenario and lists the known ones', async () => {
    const err = await loadScenario('etcd-partiton').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(UsageError);
    expect((err as UsageError).message).to.equal(
      'unknown scenario "etcd-partiton"; known: apiserver-freeze, apiserver-graceful, apiserver-graceful-healthz, apiserver-kill, cert-expiry, controller-manager-leader-kill, coredns-kill, etcd-follower-kill, etcd-latency, etcd-leader-kill, etcd-loss, etcd-partition, etcd-quorum-loss, etcd-snapshot-restore, freeze-then-partition, lb-failover, lb-per-node, scheduler-leader-kill',
    );
    expect((err as UsageError).fix).to.include('npm run drill -- --list');
  });

  it('loads a JSON file, resolving a relative path against cwd', async () => {
    const text = JSON.stringify({ ...minimal, phases: { holdSeconds: '30s' } });
    write('drill.json', text);
    const loaded = await loadScenario('./drill.json', { cwd: dir });
    expect(loaded.file).to.equal(path.join(dir, 'drill.json'));
    expect(loaded.scenario.phases.holdSeconds).to.equal(30);
    expect(loaded.sha256).to.equal(createHash('sha256').update(text).digest('hex'));
  });

  it('loads the default export of a module', async () => {
    const file = write('drill.ts', `export default ${JSON.stringify(minimal)};\n`);
    expect((await loadScenario(file)).scenario.name).to.equal('my-drill');
  });

  it('names the file when its scenario is invalid', async () => {
    const file = write('typo.json', JSON.stringify(withChanges({ faults: [{ kind: 'etcd-partiton' }] })));
    const err = await loadScenario(file).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(UsageError);
    expect((err as Error).message).to.match(
      /typo\.json is not a valid scenario \(1 problem\):\n {2}faults\[0\]\.kind: /,
    );
  });

  it('explains a missing file, bad JSON, a missing default export and an unsupported extension', async () => {
    const failure = (nameOrPath: string) =>
      loadScenario(nameOrPath, { cwd: dir }).then(
        () => expect.fail(`${nameOrPath} loaded`),
        (err: unknown) => {
          expect(err).to.be.instanceOf(UsageError);
          return (err as Error).message;
        },
      );
    expect(await failure('./absent.ts')).to.match(/^cannot read scenario file .*absent\.ts: ENOENT/);
    write('broken.json', '{ "name": ');
    expect(await failure('./broken.json')).to.match(/broken\.json is not valid JSON: /);
    write('named.ts', `export const scenario = ${JSON.stringify(minimal)};\n`);
    expect(await failure('./named.ts')).to.match(/named\.ts has no default export$/);
    expect(await failure('./drill.yaml')).to.match(
      /drill\.yaml: unsupported extension "\.yaml"; use \.ts, \.js or \.json$/,
    );
  });

  it('requires a scenario run by name to be named after its file', async () => {
    write('renamed.ts', `export default ${JSON.stringify(minimal)};\n`);
    const err = await loadScenario('renamed', { scenariosDir: dir }).catch((e: unknown) => e);
    expect((err as Error).message).to.match(
      /renamed\.ts: name: "my-drill" differs from the file name; name it "renamed"$/,
    );
  });
});

describe('applyOverrides', () => {
  const base = validateScenario(minimal);

  it('replaces the rate and phase lengths and keeps the rest', () => {
    const s = applyOverrides(base, { rate: 50, holdSeconds: 45 });
    expect(s.load.rate).to.equal(50);
    expect(s.phases).to.deep.equal({ baselineSeconds: 10, holdSeconds: 45, recoverySeconds: 20 });
    expect(s.faults).to.deep.equal(base.faults);
    expect(applyOverrides(base, {})).to.equal(base);
  });

  it('validates the result again, naming the overrides', () => {
    expect(() => applyOverrides(base, { holdSeconds: 0.05 })).to.throw(
      UsageError,
      'scenario my-drill with phases.holdSeconds=0.05 is not a valid scenario (2 problems):\n' +
        '  load.probeIntervalMs: 100 must be shorter than every phase, and phases.holdSeconds is 0.05s\n' +
        '  load.memberProbeIntervalMs: 250 must be shorter than every phase, and phases.holdSeconds is 0.05s',
    );
  });
});
