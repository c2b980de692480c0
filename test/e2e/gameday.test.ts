import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { layoutOf, resolveLocalConfig } from '../../src/providers/local/config.ts';
import { down } from '../../src/providers/local/provider.ts';
import { remnants } from '../../src/providers/local/teardown.ts';
import type { GamedayIndex } from '../../src/gameday/suite-outcome.ts';
import { parseReport } from '../../src/report/json.ts';
import { expectValidAgainst, expectValidReport } from '../report-schema.ts';
import { cli, repo, testComponents } from './helpers.ts';
import { ARTIFACT_DIR, closeSharedBrowser, openReportHtml, sharedBrowser } from '../browser.ts';

const layout = layoutOf(resolveLocalConfig());

/**
 * The game day compared every drill with the recorded earlier one: each trend holds that night's
 * figures, index.md and index.html show them, and each drill's report.html has its "Earlier nights",
 * opens in Chromium without errors and links the earlier night's report.
 */
async function expectTrendsFilled(index: GamedayIndex, reportDir: string, history: string): Promise<void> {
  const [earlierDir] = readdirSync(history);
  const earlier = JSON.parse(
    readFileSync(path.join(history, earlierDir!, 'index.json'), 'utf8'),
  ) as GamedayIndex;
  expect(index.trends.nights.map((n) => n.startedAt)).to.deep.equal([earlier.startedAt]);
  expect(index.trends.drills).to.have.length(3);
  for (const t of index.trends.drills) {
    const before = earlier.drills.find((d) => d.scenario === t.scenario)!;
    expect(t.failoverMs.earlier, t.scenario).to.deep.equal([
      { startedAt: earlier.startedAt, value: before.figures!.failoverMs },
    ]);
    expect(t.apiP99Ms.earlier.map((e) => e.value)).to.deep.equal([before.figures!.apiP99Ms]);
    expect(t.failoverMs.change).to.not.equal('no-history');
  }
  const markdown = readFileSync(path.join(reportDir, 'index.md'), 'utf8');
  expect(markdown).to.include('Failover, earlier nights');
  expect(markdown).to.not.include('no earlier night');
  const browser = await sharedBrowser();
  const html = await openReportHtml(browser, path.join(reportDir, 'index.html'));
  expect(html.errors).to.deep.equal([]);
  expect(html.text).to.include('P99, earlier nights');
  for (const d of index.drills) {
    const file = path.join(reportDir, d.dir!, 'report.html');
    const opened = await openReportHtml(
      browser,
      file,
      path.join(ARTIFACT_DIR, 'report-html', `gameday-${d.scenario}.png`),
    );
    expect(opened.errors, d.scenario).to.deep.equal([]);
    expect(opened.text).to.include('Earlier nights');
    expect(readFileSync(file, 'utf8')).to.include(`${encodeURI(earlierDir!)}/`);
  }
}

describe('game day', function () {
  this.timeout(900_000);

  before(async function () {
    this.timeout(3_600_000);
    await testComponents();
    await down();
  });
  after(closeSharedBrowser);

  it('refuses a suite with a mistake in any drill before anything starts, naming the drill and the fix', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-suite-'));
    try {
      const file = path.join(dir, 'typo.json');
      const suite = {
        name: 'typo',
        description: 'a typo in the last drill',
        drills: ['apiserver-kill', 'etcd-partiton'],
      };
      writeFileSync(file, JSON.stringify(suite));
      const r = await cli('gameday', ['--suite', file], 120_000);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include('suite typo, drills[1] (etcd-partiton): unknown scenario "etcd-partiton"');
      expect(r.stderr).to.include('fix:');
      expect(await remnants(layout.dir, layout.config.name), 'nothing was started').to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a suite on as few clusters as its drills allow and writes each report, the index and one junit.xml', async () => {
    const reportDir = mkdtempSync(path.join(os.tmpdir(), 'khd-gameday-'));
    try {
      const suite = path.join(repo, 'test', 'fixtures', 'suites', 'two-clusters.json');
      // A real earlier game day of the same suite: the trends have a night to compare with.
      const history = path.join(repo, 'test', 'fixtures', 'gamedays');
      const r = await cli(
        'gameday',
        [
          '--suite',
          suite,
          '--baseline',
          '5s',
          '--hold',
          '12s',
          '--recovery',
          '8s',
          '--rate',
          '20',
          '--report-dir',
          reportDir,
          '--history',
          history,
          '--json',
        ],
        900_000,
      );
      expect(r.code, r.stderr.slice(-3000)).to.be.oneOf([0, 1, 4, 5]);
      // --json: stdout is the index alone, as index.json has it.
      const index = JSON.parse(r.stdout) as GamedayIndex;
      expectValidAgainst('gameday-index.schema.json', index, 'gameday --json');
      expect(JSON.parse(readFileSync(path.join(reportDir, 'index.json'), 'utf8'))).to.deep.equal(index);
      expect(index.exitCode).to.equal(r.code);
      // The two drills that need the default cluster ran on one, the per-node balancers' drill on a second.
      expect(index.drills.map((d) => [d.scenario, d.cluster?.number, d.cluster?.started])).to.deep.equal([
        ['apiserver-kill', 1, true],
        ['etcd-follower-kill', 1, false],
        ['lb-per-node', 2, true],
      ]);
      expect(index.clustersStarted).to.equal(2);
      for (const d of index.drills) {
        const report = parseReport(readFileSync(path.join(reportDir, d.dir!, 'report.json'), 'utf8'));
        expectValidReport(report, d.scenario);
        expect(report.exitCode, d.scenario).to.equal(d.exitCode);
        expect(report.status).to.equal('completed');
        const healthy = report.verdicts.find((v) => v.slo === 'cluster-healthy-after');
        expect(healthy?.result, `${d.scenario}: ${healthy?.detail}`).to.equal('pass');
      }
      // The drill on the kept cluster found it as the one before left it: no leftovers to undo.
      const second = parseReport(
        readFileSync(path.join(reportDir, index.drills[1]!.dir!, 'report.json'), 'utf8'),
      );
      expect(second.cluster.bounds.lbCheck).to.equal('readyz');
      const junit = readFileSync(path.join(reportDir, 'junit.xml'), 'utf8');
      // A testsuite per drill, and the trends.
      expect(junit.match(/<testsuite /g)?.length).to.equal(4);
      expect(junit).to.match(/<testsuite name="trends" tests="6"/);
      expect(junit).to.include('<testsuite name="3. lb-per-node"');
      const markdown = readFileSync(path.join(reportDir, 'index.md'), 'utf8');
      expect(markdown).to.include('[etcd-follower-kill](03-etcd-follower-kill/report.md)');
      expect(readdirSync(reportDir).sort()).to.deep.equal([
        '01-apiserver-kill',
        '02-lb-per-node',
        '03-etcd-follower-kill',
        'index.html',
        'index.json',
        'index.md',
        'junit.xml',
      ]);
      await expectTrendsFilled(index, reportDir, history);
      expect(await remnants(layout.dir, layout.config.name), 'the last cluster was removed').to.deep.equal(
        [],
      );
    } finally {
      rmSync(reportDir, { recursive: true, force: true });
    }
  });
});
