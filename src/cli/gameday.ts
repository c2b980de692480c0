import { writeFileSync } from 'node:fs';
import { ensureWritableReportDir } from './report-dir.ts';
import os from 'node:os';
import path from 'node:path';
import { ensureComponents } from '../components/components.ts';
import { repoRoot } from '../components/manifest.ts';
import { clusterKeyOf, requireClusterSettings, scenarioClusterSettings } from '../drill/scenario-cluster.ts';
import { scenarioNeeds } from '../faults/registry.ts';
import { runGameday, type PlannedDrill } from '../gameday/run-gameday.ts';
import { DEFAULT_SUITE, loadSuite, type Suite } from '../gameday/suite.ts';
import { readHistory } from '../gameday/history.ts';
import { drillTrendMarkdown, renderIndexHtml } from '../gameday/suite-html.ts';
import { regressedFigures, renderIndexMarkdown, renderSuiteJunit } from '../gameday/suite-reports.ts';
import { gamedayExitCode, type GamedayIndex } from '../gameday/suite-outcome.ts';
import { trendsOf, type Trends } from '../gameday/trends.ts';
import { renderHtml } from '../report/html/drill-html.ts';
import type { Report } from '../report/report-model.ts';
import { providerFor, requireCapabilities } from '../providers/registry.ts';
import type { Provider } from '../providers/provider.ts';
import { stringifyReadable } from '../report/json.ts';
import { applyOverrides } from '../scenario/overrides.ts';
import { listScenarios, loadScenario } from '../scenario/load.ts';
import { ExitCode, UsageError } from '../util/errors.ts';
import { progress } from '../util/progress.ts';
import { defaultGamedayDir, GAMEDAY_USAGE, parseGamedayArgs } from './gameday-args.ts';

/** The default suite: every shipped drill the provider can run; the others, with why, are left out. */
async function defaultSuite(provider: Provider): Promise<{ suite: Suite; leftOut: GamedayIndex['leftOut'] }> {
  const drills: Suite['drills'] = [];
  const leftOut: GamedayIndex['leftOut'] = [];
  for (const listing of await listScenarios()) {
    if (listing.problem)
      throw new UsageError(`shipped scenario ${listing.name} does not load: ${listing.problem}`);
    const { scenario } = await loadScenario(listing.name);
    const missing = scenarioNeeds(scenario.faults).filter((n) => !provider.capabilities.has(n.capability));
    const refused = provider.refusal(scenarioClusterSettings(scenario));
    if (missing.length)
      leftOut.push({
        scenario: listing.name,
        why: `the ${provider.name} provider cannot ${[...new Set(missing.map((m) => m.capability))].join(', ')}`,
      });
    else if (refused) leftOut.push({ scenario: listing.name, why: refused.problem });
    else drills.push({ scenario: listing.name });
  }
  const suite: Suite = {
    name: DEFAULT_SUITE,
    description: `Every shipped drill the ${provider.name} provider can run.`,
    drills,
    stopOnFailure: false,
  };
  return { suite, leftOut };
}

/** Every drill of the suite loaded and checked before the first one starts: a mistake in the last is said at once. */
async function planDrills(
  suite: Suite,
  suiteFile: string | undefined,
  provider: Provider,
  overrides: Parameters<typeof applyOverrides>[1],
): Promise<PlannedDrill[]> {
  const planned: PlannedDrill[] = [];
  for (const [i, entry] of suite.drills.entries()) {
    const where = `suite ${suite.name}, drills[${i}] (${entry.scenario})`;
    try {
      // A scenario file named in a suite file is found beside it.
      const loaded = await loadScenario(entry.scenario, suiteFile ? { cwd: path.dirname(suiteFile) } : {});
      const { scenario: _name, ...own } = entry;
      const scenario = applyOverrides(applyOverrides(loaded.scenario, own), overrides);
      requireCapabilities(provider, scenarioNeeds(scenario.faults));
      requireClusterSettings(provider, scenario);
      planned.push({
        position: i + 1,
        scenario,
        scenarioFile: loaded.file,
        scenarioSha256: loaded.sha256,
        clusterKey: clusterKeyOf(scenario),
      });
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError(`${where}: ${err.message}`, err.fix);
      throw err;
    }
  }
  return planned;
}

/** `gameday`: a suite of drills, each with its reports, an index of them and one junit.xml. */
export async function gamedayCommand(argv: readonly string[]): Promise<number> {
  const cmd = parseGamedayArgs(argv);
  if (cmd.command === 'help') {
    console.log(GAMEDAY_USAGE);
    return ExitCode.ok;
  }
  const { options } = cmd;
  const provider = providerFor(options.provider, options.providerOptions);
  const loaded = await loadSuite(options.suite);
  const { suite, leftOut } = loaded ? { suite: loaded.suite, leftOut: [] } : await defaultSuite(provider);
  const drills = await planDrills(suite, loaded?.file, provider, options.overrides);
  provider.preflight();
  const startedAt = new Date();
  const cwd = process.env.INIT_CWD ?? repoRoot;
  const reportDir = path.resolve(cwd, options.reportDir ?? path.join(repoRoot, defaultGamedayDir(startedAt)));
  const historyDir = path.resolve(cwd, options.historyDir ?? path.dirname(reportDir));
  ensureWritableReportDir(reportDir);
  const components = await ensureComponents();
  const run = await provider.withLock(`gameday ${suite.name}`, () =>
    runGameday({
      provider,
      drills,
      components,
      reportDir,
      stopOnFailure: options.stopOnFailure || suite.stopOnFailure,
    }),
  );
  const history = readHistory(historyDir, reportDir);
  for (const u of history.unreadable) progress(`game day: earlier game day ${u.dir} not read: ${u.why}`);
  const trends = trendsOf(
    { drills: run.drills, provider: provider.name, startedAt: run.startedAt.toISOString() },
    history.nights,
    {
      historyDir,
      tolerancePercent: options.regressionTolerancePercent,
      unreadable: history.unreadable,
    },
  );
  const regressed = regressedFigures(trends.drills);
  const exitCode = gamedayExitCode(run.drills, run.interrupted, regressed.length > 0);
  const index: GamedayIndex = {
    suite: {
      name: suite.name,
      description: suite.description,
      file: loaded?.file ? path.relative(repoRoot, loaded.file) || loaded.file : null,
      sha256: loaded?.sha256 ?? null,
    },
    provider: provider.name,
    host: os.hostname(),
    startedAt: run.startedAt.toISOString(),
    endedAt: run.endedAt.toISOString(),
    exitCode,
    clustersStarted: run.clustersStarted,
    drills: run.drills,
    leftOut,
    trends,
  };
  addTrendsToDrillReports(index, trends, run.reports, reportDir);
  const files: [string, string][] = [
    ['index.json', `${stringifyReadable(index)}\n`],
    ['index.md', renderIndexMarkdown(index)],
    ['junit.xml', renderSuiteJunit(index, run.reports)],
    ['index.html', renderIndexHtml(index)],
  ];
  for (const [name, text] of files) writeFileSync(path.join(reportDir, name), text);
  const lines = [
    '',
    `game day ${suite.name}: ${run.drills.length} drills on ${run.clustersStarted} clusters`,
    ...run.drills.map(
      (d) =>
        `  ${String(d.ranAs).padStart(2)}. ${d.scenario.padEnd(32)} ${d.verdict}${d.exitCode === undefined ? '' : ` (exit ${d.exitCode})`}${d.why ? `: ${d.why}` : ''}`,
    ),
    ...leftOut.map((l) => `      ${l.scenario.padEnd(32)} left out: ${l.why}`),
    `trends: against ${trends.nights.length} earlier game day${trends.nights.length === 1 ? '' : 's'} in ${historyDir}` +
      (regressed.length ? `; regressed: ${regressed.join(', ')}` : '; no regression'),
    '',
    ...files.map(([name]) => `  wrote ${path.join(reportDir, name)}`),
    `exit code ${exitCode}`,
  ].join('\n');
  if (options.json) {
    console.error(lines);
    console.log(JSON.stringify(index, null, 2));
  } else console.log(lines);
  return exitCode;
}

/** Each drill's report.html again, with the drill on earlier nights after its verdicts. */
function addTrendsToDrillReports(
  index: GamedayIndex,
  trends: Trends,
  reports: ReadonlyMap<number, Report>,
  reportDir: string,
): void {
  for (const t of trends.drills) {
    const report = reports.get(t.position);
    const dir = index.drills.find((d) => d.position === t.position)?.dir;
    if (!report || !dir || t.nights.length === 0) continue;
    const drillDir = path.join(reportDir, dir);
    const section = drillTrendMarkdown(t, drillDir, index.startedAt, trends.tolerancePercent);
    writeFileSync(path.join(drillDir, 'report.html'), renderHtml(report, { afterVerdicts: section }));
  }
}
