import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readHistory } from '../../src/gameday/history.ts';
import { drillTrendMarkdown, renderIndexHtml } from '../../src/gameday/suite-html.ts';
import type { DrillOutcome, GamedayIndex } from '../../src/gameday/suite-outcome.ts';
import {
  regressedFigures,
  renderIndexMarkdown,
  renderSuiteJunit,
  trendCell,
} from '../../src/gameday/suite-reports.ts';
import {
  figureTrend,
  settingsDigest,
  TREND_NIGHTS,
  trendsOf,
  type EarlierNight,
} from '../../src/gameday/trends.ts';
import { applyOverrides } from '../../src/scenario/overrides.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { stringifyReadable } from '../../src/report/json.ts';
import { drillSummary } from '../../src/report/drill-summary.ts';
import { parseReport } from '../../src/report/json.ts';
import { expectValidAgainst } from '../report-schema.ts';

const recorded = (name: string) =>
  parseReport(
    gunzipSync(
      readFileSync(new URL(`../fixtures/recordings/${name}.report.json.gz`, import.meta.url)),
    ).toString('utf8'),
  );

/** A drill of a game day with the figures its recorded report gives. */
function outcome(
  position: number,
  name: string,
  figures = drillSummary(recorded(name), { written: [], failed: [] }).figures,
): DrillOutcome {
  return {
    position,
    ranAs: position,
    scenario: name,
    verdict: 'passed',
    exitCode: 0,
    dir: `${String(position).padStart(2, '0')}-${name}`,
    figures,
    settingsDigest: 'default settings',
  };
}

function index(startedAt: string, drills: DrillOutcome[], provider = 'local'): GamedayIndex {
  return {
    suite: { name: 'nightly', description: 'd', file: null, sha256: null },
    provider,
    host: 'vm',
    startedAt,
    endedAt: startedAt,
    exitCode: 0,
    clustersStarted: 1,
    drills,
    leftOut: [],
    trends: trendsOf({ drills, provider, startedAt }, [], { historyDir: '/r', tolerancePercent: 50 }),
  };
}

/** Earlier figures, one night each. */
const on = (...values: (number | null)[]) =>
  values.map((value, i) => ({ startedAt: `2026-11-${String(10 + i).padStart(2, '0')}`, value }));

const night = (startedAt: string, drills: EarlierNight['drills'], provider = 'local'): EarlierNight => ({
  dir: `/reports/${startedAt}-gameday`,
  startedAt,
  provider,
  drills,
});

describe('trends: one figure against earlier nights', () => {
  it('regresses only beyond both the tolerance and the noise floor', () => {
    expect(figureTrend('failoverMs', on(2000, 2200, 2100), 4000, 50).change).to.equal('regressed');
    // 38 % worse: within 50 %.
    expect(figureTrend('failoverMs', on(2000, 2200, 2100), 2900, 50).change).to.equal('steady');
    // 150 % worse, but by 0.3 s: probe-resolution noise, not a regression.
    expect(figureTrend('failoverMs', on(200, 200), 500, 50).change).to.equal('steady');
    expect(figureTrend('apiP99Ms', on(40, 60, 50), 180, 50).change).to.equal('regressed');
    expect(figureTrend('apiP99Ms', on(40, 60, 50), 140, 50).change).to.equal('steady');
    expect(figureTrend('failoverMs', on(9000, 8000), 3000, 50).change).to.equal('improved');
    // A tighter tolerance catches what 50 % lets through.
    expect(figureTrend('failoverMs', on(2000, 2200, 2100), 3200, 10).change).to.equal('regressed');
  });

  it('takes the median, so one bad earlier night does not hide a regression', () => {
    const t = figureTrend('failoverMs', on(2000, 30000, 2100, 2200), 5000, 50);
    expect(t.baseline).to.equal(2150);
    expect(t.change).to.equal('regressed');
    expect(t.detail).to.equal(
      '5.0 s against a median of 2.1 s over 4 earlier nights: more than 50 % and 1.0 s worse',
    );
  });

  it('counts a figure not reached tonight that earlier nights reached as a regression, and the reverse as better', () => {
    expect(figureTrend('failoverMs', on(2000, null), null, 50)).to.deep.include({
      change: 'regressed',
      baseline: 2000,
    });
    expect(figureTrend('failoverMs', on(null, null), 2000, 50).change).to.equal('improved');
    expect(figureTrend('failoverMs', on(null), null, 50).change).to.equal('steady');
    expect(figureTrend('failoverMs', on(), 2000, 50)).to.deep.include({
      change: 'no-history',
      baseline: null,
    });
  });
});

describe('trends of a game day', () => {
  const tonight = '2026-11-24T02:00:00.000Z';
  const kill = outcome(1, 'apiserver-kill');
  const partition = outcome(2, 'etcd-partition');

  it('compares with the newest earlier nights of the same provider, oldest first', () => {
    const nights = [
      ...Array.from({ length: 9 }, (_, i) =>
        night(`2026-11-${String(10 + i).padStart(2, '0')}T02:00:00.000Z`, [outcome(1, 'apiserver-kill')]),
      ),
      night('2026-11-23T02:00:00.000Z', [outcome(1, 'apiserver-kill')], 'kind'),
      night('2026-11-25T02:00:00.000Z', [outcome(1, 'apiserver-kill')]),
    ];
    const t = trendsOf({ drills: [kill, partition], provider: 'local', startedAt: tonight }, nights, {
      historyDir: '/reports',
      tolerancePercent: 50,
    });
    expect(t.nights.map((n) => n.startedAt)).to.deep.equal(
      Array.from(
        { length: TREND_NIGHTS },
        (_, i) => `2026-11-${String(12 + i).padStart(2, '0')}T02:00:00.000Z`,
      ),
    );
    const killTrend = t.drills.find((d) => d.scenario === 'apiserver-kill')!;
    expect(killTrend.nights).to.have.length(TREND_NIGHTS);
    expect(killTrend.nights[0]!.reportDir).to.equal(
      '/reports/2026-11-12T02:00:00.000Z-gameday/01-apiserver-kill',
    );
    // The same recorded run every night: steady.
    expect(killTrend.failoverMs.change).to.equal('steady');
    expect(killTrend.failoverMs.baseline).to.equal(kill.figures!.failoverMs);
    expect(killTrend.apiP99Ms.baseline).to.equal(kill.figures!.apiP99Ms);
    expect(t.drills.find((d) => d.scenario === 'etcd-partition')!.failoverMs.change).to.equal('no-history');
    expect(regressedFigures(t.drills)).to.deep.equal([]);
  });

  it('flags a drill whose failover doubled, in index.md, index.html and as a failed testcase of the suite junit', () => {
    const slow = outcome(1, 'apiserver-kill', {
      ...kill.figures!,
      failoverMs: kill.figures!.failoverMs! + 5000,
    });
    const nights = ['2026-11-21', '2026-11-22', '2026-11-23'].map((d) => night(`${d}T02:00:00.000Z`, [kill]));
    const i = index(tonight, [slow, partition]);
    i.trends = trendsOf(i, nights, { historyDir: '/reports', tolerancePercent: 50 });
    expect(regressedFigures(i.trends.drills)).to.deep.equal(['apiserver-kill: failover']);
    expectValidAgainst('gameday-index.schema.json', i, 'the index');
    const md = renderIndexMarkdown(i);
    expect(md).to.include('**REGRESSED**');
    expect(md).to.include('| Regressions | 1 |');
    expect(renderIndexHtml(i)).to.include('<a href="01-apiserver-kill/report.html">apiserver-kill</a>');
    const junit = renderSuiteJunit(i, new Map());
    expect(junit).to.include('<testsuite name="trends" tests="4" failures="1" errors="0" skipped="2">');
    expect(junit).to.match(
      /name="apiserver-kill: failover against earlier nights"[^]*?<failure message="[^"]*regressed" type="Regression">/,
    );
  });

  it("shows a drill's earlier nights in its report.html section, linking their reports relative to its own", () => {
    const nights = [night('2026-11-23T02:00:00.000Z', [kill])];
    const t = trendsOf({ drills: [kill], provider: 'local', startedAt: tonight }, nights, {
      historyDir: '/reports',
      tolerancePercent: 50,
    });
    const text = drillTrendMarkdown(
      t.drills[0]!,
      `/reports/${tonight}-gameday/01-apiserver-kill`,
      tonight,
      50,
    );
    expect(text).to.include('(../../2026-11-23T02:00:00.000Z-gameday/01-apiserver-kill/report.html)');
    expect(text).to.include(`**${tonight} (tonight)**`);
  });
});

describe('which earlier runs compare', () => {
  const tonight = '2026-11-24T02:00:00.000Z';
  const kill = outcome(1, 'apiserver-kill');

  it('compares only runs with the same settings; others, and indexes from before settings were recorded, are counted', () => {
    const faster = { ...outcome(1, 'apiserver-kill'), settingsDigest: 'rate 60' };
    const { settingsDigest: _gone, ...unrecorded } = outcome(1, 'apiserver-kill');
    const nights = [
      night('2026-11-20T02:00:00.000Z', [kill]),
      night('2026-11-21T02:00:00.000Z', [faster]),
      night('2026-11-22T02:00:00.000Z', [unrecorded]),
      // The same drill twice alike in one night counts as one night.
      night('2026-11-23T02:00:00.000Z', [kill, { ...kill, position: 2 }]),
    ];
    const t = trendsOf({ drills: [kill], provider: 'local', startedAt: tonight }, nights, {
      historyDir: '/reports',
      tolerancePercent: 50,
    }).drills[0]!;
    expect(t.nights.map((n) => n.startedAt)).to.deep.equal([
      '2026-11-20T02:00:00.000Z',
      '2026-11-23T02:00:00.000Z',
    ]);
    expect(t.otherSettings).to.equal(2);
    const none = trendsOf(
      { drills: [{ ...kill, settingsDigest: 'hold 60' }], provider: 'local', startedAt: tonight },
      nights,
      {
        historyDir: '/reports',
        tolerancePercent: 50,
      },
    ).drills[0]!;
    expect(none.failoverMs.change).to.equal('no-history');
    expect(none.otherSettings).to.equal(4);
    expect(trendCell('failoverMs', none.failoverMs, none.otherSettings)).to.equal(
      'no earlier night with these settings (4 with other or unrecorded ones)',
    );
  });

  it('digests what a drill ran with: not its name or description, not the order of its keys', async () => {
    const { scenario } = await loadScenario('apiserver-kill');
    const digest = settingsDigest(scenario);
    expect(settingsDigest({ ...scenario, description: 'reworded' })).to.equal(digest);
    const reordered = Object.fromEntries(Object.entries(scenario).reverse()) as typeof scenario;
    expect(settingsDigest(reordered)).to.equal(digest);
    expect(settingsDigest(applyOverrides(scenario, { rate: 20 }))).to.not.equal(digest);
    expect(settingsDigest(applyOverrides(scenario, { holdSeconds: 12 }))).to.not.equal(digest);
  });
});

describe('earlier game days on disk', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'khd-history-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every folder with an index.json, names the unreadable ones, and skips tonight', () => {
    const write = (name: string, text: string) => {
      mkdirSync(path.join(dir, name), { recursive: true });
      writeFileSync(path.join(dir, name, 'index.json'), text);
    };
    write('a-gameday', stringifyReadable(index('2026-11-22T02:00:00.000Z', [outcome(1, 'apiserver-kill')])));
    // An index written before the P99 figure existed: it reads as not measured.
    const old = JSON.parse(
      stringifyReadable(index('2026-11-21T02:00:00.000Z', [outcome(1, 'apiserver-kill')])),
    ) as {
      drills: { figures: Record<string, unknown> }[];
    };
    delete old.drills[0]!.figures.apiP99Ms;
    write('b-gameday', JSON.stringify(old));
    // (Then its P99 is left out of the trend, not counted as not reached.)
    write('c-gameday', '{"startedAt": 3}');
    write('tonight', stringifyReadable(index('2026-11-24T02:00:00.000Z', [])));
    mkdirSync(path.join(dir, 'a-drill'));
    const h = readHistory(dir, path.join(dir, 'tonight'));
    expect(h.nights.map((n) => n.startedAt).sort()).to.deep.equal([
      '2026-11-21T02:00:00.000Z',
      '2026-11-22T02:00:00.000Z',
    ]);
    const older = h.nights.find((n) => n.startedAt.startsWith('2026-11-21'))!.drills[0]!.figures!;
    expect(older).to.have.property('failoverMs');
    expect(older).to.not.have.property('apiP99Ms');
    const t = trendsOf(
      { drills: [outcome(1, 'apiserver-kill')], provider: 'local', startedAt: '2026-11-24' },
      h.nights,
      { historyDir: dir, tolerancePercent: 50 },
    );
    expect(t.drills[0]!.failoverMs.earlier).to.have.length(2);
    expect(t.drills[0]!.apiP99Ms.earlier.map((e) => e.startedAt)).to.deep.equal(['2026-11-22T02:00:00.000Z']);
    expect(h.unreadable).to.have.length(1);
    expect(h.unreadable[0]!.dir).to.equal(path.join(dir, 'c-gameday'));
    expect(h.unreadable[0]!.why).to.include('startedAt');
    expect(readHistory(path.join(dir, 'none'), dir)).to.deep.equal({ nights: [], unreadable: [] });
  });
});
