import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseGamedayArgs } from '../../src/cli/gameday-args.ts';
import { clustersNeeded, runOrder } from '../../src/gameday/plan.ts';
import { loadSuite, suiteNames, validateSuite } from '../../src/gameday/suite.ts';
import type { UsageError } from '../../src/util/errors.ts';
import { gamedayExitCode, type DrillOutcome, type GamedayIndex } from '../../src/gameday/suite-outcome.ts';
import { renderIndexMarkdown, renderSuiteJunit } from '../../src/gameday/suite-reports.ts';
import { clusterKeyOf } from '../../src/drill/scenario-cluster.ts';
import { trendsOf } from '../../src/gameday/trends.ts';
import { parseReport } from '../../src/report/json.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { expectValidAgainst } from '../report-schema.ts';
import { usageErrorOf } from './helpers.ts';

const recorded = (name: string) =>
  parseReport(
    gunzipSync(
      readFileSync(new URL(`../fixtures/recordings/${name}.report.json.gz`, import.meta.url)),
    ).toString('utf8'),
  );

describe('game day suites', () => {
  it('takes names, files and entries with overrides, and fills in stopOnFailure', () => {
    expect(
      validateSuite(
        {
          name: 'n',
          description: 'd',
          drills: ['etcd-partition', { scenario: './x.json', holdSeconds: '30s', rate: 20 }],
        },
        'suite',
      ),
    ).to.deep.equal({
      name: 'n',
      description: 'd',
      drills: [{ scenario: 'etcd-partition' }, { scenario: './x.json', holdSeconds: 30, rate: 20 }],
      stopOnFailure: false,
    });
  });

  it('names every problem by its path, with what it must be', () => {
    const err = usageErrorOf(() =>
      validateSuite({ name: 'Bad Name', drills: [], stopOnFailure: 'yes', extra: 1 }, 'my.json'),
    );
    expect(err.message).to.match(/^my\.json is not a valid suite \(\d problems\):/);
    for (const line of [
      'name: "Bad Name" must be lower-case letters, digits and dashes',
      'description: missing; must be one line saying what the suite shows',
      'drills: [] must be a list of 1 to 100 drills',
      'stopOnFailure: "yes" must be true or false',
    ])
      expect(err.message).to.include(line);
    expect(err.message).to.match(/extra/);
  });

  it('runs drills that need the same cluster one after another, in the order the suite first names them', async () => {
    const names = [
      'apiserver-kill',
      'apiserver-graceful-healthz',
      'etcd-follower-kill',
      'lb-failover',
      'coredns-kill',
    ];
    const drills = await Promise.all(
      names.map(async (name, i) => ({
        position: i + 1,
        name,
        clusterKey: clusterKeyOf((await loadScenario(name)).scenario),
      })),
    );
    const ordered = runOrder(drills);
    expect(ordered.map((d) => d.name)).to.deep.equal([
      'apiserver-kill',
      'etcd-follower-kill',
      'coredns-kill',
      'apiserver-graceful-healthz',
      'lb-failover',
    ]);
    expect(clustersNeeded(ordered)).to.equal(3);
  });

  it('says by its exit code whether a drill could not run, an SLO failed, or evidence was short', () => {
    const d = (verdict: DrillOutcome['verdict']): DrillOutcome => ({
      position: 1,
      ranAs: 1,
      scenario: 's',
      verdict,
      settingsDigest: 'd',
    });
    expect(gamedayExitCode([d('passed'), d('passed')], false)).to.equal(0);
    expect(gamedayExitCode([d('passed'), d('insufficient-evidence')], false)).to.equal(4);
    expect(gamedayExitCode([d('insufficient-evidence'), d('failed')], false)).to.equal(1);
    expect(gamedayExitCode([d('failed'), d('could-not-run')], false)).to.equal(3);
    // Left out after a failure with stopOnFailure: the failure says it.
    expect(gamedayExitCode([d('failed'), d('not-run')], false)).to.equal(1);
    expect(gamedayExitCode([d('passed'), d('not-run')], true)).to.equal(3);
    // A regression against earlier nights: 5, above insufficient evidence, below a failed SLO.
    expect(gamedayExitCode([d('passed'), d('insufficient-evidence')], false, true)).to.equal(5);
    expect(gamedayExitCode([d('failed')], false, true)).to.equal(1);
  });

  it('renders the index and the suite junit.xml from recorded drills, one testsuite each', () => {
    const kill = recorded('apiserver-kill');
    const partition = recorded('etcd-partition');
    const index: GamedayIndex = {
      suite: { name: 'nightly', description: 'two | drills', file: 'suites/nightly.json', sha256: 'ab' },
      provider: 'local',
      host: 'vm',
      startedAt: '2026-11-24T01:00:00.000Z',
      endedAt: '2026-11-24T01:03:00.000Z',
      exitCode: 1,
      clustersStarted: 1,
      drills: [
        {
          position: 1,
          ranAs: 1,
          scenario: 'apiserver-kill',
          verdict: 'failed',
          exitCode: 1,
          dir: '01-apiserver-kill',
          cluster: { number: 1, started: true },
          failedVerdicts: ['api-p99-latency (baseline)'],
          settingsDigest: 'd1',
        },
        {
          position: 2,
          ranAs: 2,
          scenario: 'etcd-partition',
          verdict: 'passed',
          exitCode: 0,
          dir: '02-etcd-partition',
          cluster: { number: 1, started: false },
          settingsDigest: 'd2',
        },
        {
          position: 3,
          ranAs: 3,
          scenario: 'coredns-kill',
          verdict: 'not-run',
          why: 'interrupted by SIGINT',
          settingsDigest: 'd3',
        },
      ],
      leftOut: [{ scenario: 'lb-failover', why: 'the kind provider cannot lb-down' }],
      trends: trendsOf({ drills: [], provider: 'local', startedAt: '2026-11-24T01:00:00.000Z' }, [], {
        historyDir: '/r',
        tolerancePercent: 50,
      }),
    };
    expectValidAgainst('gameday-index.schema.json', index, 'the index');
    const markdown = renderIndexMarkdown(index);
    expect(markdown).to.include('| 1 | [apiserver-kill](01-apiserver-kill/report.md) | **FAIL** (exit 1) |');
    expect(markdown).to.include('| 3 | coredns-kill | **NOT RUN** |');
    expect(markdown).to.include('two \\| drills');
    expect(markdown).to.include('| lb-failover | the kind provider cannot lb-down |');
    const junit = renderSuiteJunit(
      index,
      new Map([
        [1, kill],
        [2, partition],
      ]),
    );
    expect(junit.match(/<testsuite /g)?.length).to.equal(3);
    expect(junit).to.include('<testsuite name="1. apiserver-kill"');
    expect(junit).to.include('<skipped message="interrupted by SIGINT"/>');
    const tests = kill.verdicts.length + partition.verdicts.length + 1;
    expect(junit).to.match(new RegExp(`<testsuites name="kube-ha-drill game day nightly" tests="${tests}"`));
  });
});

describe('gameday arguments', () => {
  it('runs the default suite with no options, and reads every option', () => {
    expect(parseGamedayArgs([])).to.deep.equal({
      command: 'run',
      options: {
        suite: 'default',
        provider: 'local',
        providerOptions: {},
        overrides: {},
        stopOnFailure: false,
        json: false,
        regressionTolerancePercent: 50,
      },
    });
    const parsed = parseGamedayArgs([
      '--suite',
      './n.json',
      '--hold',
      '30s',
      '--stop-on-failure',
      '--json',
      '--report-dir',
      'out',
      '--history',
      'old',
      '--regression-tolerance',
      '25%',
    ]);
    expect(parsed).to.deep.equal({
      command: 'run',
      options: {
        suite: './n.json',
        provider: 'local',
        providerOptions: {},
        overrides: { holdSeconds: 30 },
        stopOnFailure: true,
        json: true,
        reportDir: 'out',
        historyDir: 'old',
        regressionTolerancePercent: 25,
      },
    });
  });

  it('refuses a tolerance that is not a percentage, naming the flag and the value', () => {
    for (const bad of ['-5', 'x', '2000', '']) {
      const err = usageErrorOf(() => parseGamedayArgs(['--regression-tolerance', bad]));
      expect(err.message).to.include(`--regression-tolerance: ${JSON.stringify(bad)}`);
      expect(err.fix).to.include('--regression-tolerance 50%');
    }
  });

  it('refuses an operand, naming --suite as the way to choose a suite', () => {
    const err = usageErrorOf(() => parseGamedayArgs(['nightly']));
    expect(err.message).to.equal('gameday takes no operands (got nightly)');
    expect(err.fix).to.include('--suite');
  });
});

describe('shipped suites', () => {
  it('each loads by its name, and every drill it names loads', async () => {
    const names = suiteNames();
    expect(names).to.include('core');
    for (const name of names) {
      const loaded = await loadSuite(name);
      expect(loaded?.suite.name).to.equal(name);
      for (const d of loaded!.suite.drills) await loadScenario(d.scenario);
    }
  });

  it('names an unknown suite and lists the known ones', async () => {
    const err = await loadSuite('nightlly').catch((e: unknown) => e as UsageError);
    expect((err as UsageError).message).to.equal('unknown suite "nightlly"; known: default, core');
  });
});
