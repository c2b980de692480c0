/** The game day's own reports: index.md for people and junit.xml for CI, both from the index alone. Pure. */
import { junitDocument, junitTestsuite, type JunitCounts } from '../report/junit.ts';
import { code, md, table } from '../report/md.ts';
import type { Report } from '../report/report-model.ts';
import { attrs, xmlText } from '../report/xml.ts';
import type { DrillOutcome, GamedayIndex } from './suite-outcome.ts';
import {
  TREND_NIGHTS,
  type DrillTrend,
  type FigureTrend,
  type Trends,
  type TrendFigureName,
} from './trends.ts';

const VERDICT_WORDS: Record<DrillOutcome['verdict'], string> = {
  passed: 'PASS',
  failed: 'FAIL',
  'insufficient-evidence': 'INSUFFICIENT EVIDENCE',
  'could-not-run': 'COULD NOT RUN',
  'not-run': 'NOT RUN',
};

const secondsOf = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? 'not reached' : `${(ms / 1000).toFixed(1)} s`;
const millisOf = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? 'not measured' : `${ms.toFixed(0)} ms`;

/** A figure as the suite's reports print it: failover in seconds, P99 in milliseconds. */
export function trendValue(name: TrendFigureName, v: number | null | undefined): string {
  return name === 'failoverMs' ? secondsOf(v) : millisOf(v);
}

export const CHANGE_WORDS: Record<FigureTrend['change'], string> = {
  regressed: 'REGRESSED',
  improved: 'improved',
  steady: 'steady',
  'no-history': 'no history',
};

/** "2.1 s, 2.3 s, 2.2 s (median 2.2 s): steady": the earlier nights, oldest first, and the change. */
export function trendCell(name: TrendFigureName, t: FigureTrend | undefined, otherSettings = 0): string {
  if (!t || t.change === 'no-history')
    return otherSettings > 0
      ? `no earlier night with these settings (${otherSettings} with other or unrecorded ones)`
      : 'no earlier night';
  if (t.earlier.length === 0) return 'not recorded on earlier nights';
  const earlier = t.earlier.map((e) => trendValue(name, e.value)).join(', ');
  const word = t.change === 'regressed' ? `**${CHANGE_WORDS[t.change]}**` : CHANGE_WORDS[t.change];
  return `${earlier} (median ${trendValue(name, t.baseline)}): ${word}`;
}

function trendsSection(trends: Trends): string {
  const nights = trends.nights.length;
  const lines = [
    '## Trends',
    `Tonight against the ${nights === 0 ? 'earlier game days (none found)' : `${nights} earlier game day${nights === 1 ? '' : 's'}`} ` +
      `of the same provider in ${code(trends.historyDir)} (up to ${TREND_NIGHTS}, newest last), each drill only against runs ` +
      'with the same settings (faults, phases, load, SLOs, cluster settings, after overrides). ' +
      `A figure regressed when it is more than ` +
      `${trends.tolerancePercent} % worse than the median of the earlier nights and worse by more than ` +
      `${secondsOf(trends.floors.failoverMs)} (failover) or ${millisOf(trends.floors.apiP99Ms)} (P99); a figure not reached ` +
      'tonight that earlier nights reached regressed too.',
  ];
  if (trends.unreadable.length)
    lines.push(
      table(
        ['Unreadable earlier game day', 'Why'],
        trends.unreadable.map((u) => [code(u.dir), md(u.why)]),
      ),
    );
  return lines.join('\n\n');
}

/** index.md links each drill's report.md; index.html, rendered from the same text, its report.html. */
export function renderIndexMarkdown(index: GamedayIndex, drillReport = 'report.md'): string {
  const trendOf = (position: number) => index.trends.drills.find((t) => t.position === position);
  const rows = index.drills.map((d) => [
    String(d.ranAs),
    d.dir ? `[${md(d.scenario)}](${encodeURI(d.dir)}/${drillReport})` : md(d.scenario),
    `**${VERDICT_WORDS[d.verdict]}**${d.exitCode === undefined ? '' : ` (exit ${d.exitCode})`}`,
    d.figures ? secondsOf(d.figures.failoverMs) : '-',
    d.figures ? secondsOf(d.figures.unavailableMs) : '-',
    d.figures ? millisOf(d.figures.apiP99Ms) : '-',
    d.figures?.lostWrites === null || d.figures === undefined ? '-' : String(d.figures.lostWrites),
    d.figures
      ? trendCell('failoverMs', trendOf(d.position)?.failoverMs, trendOf(d.position)?.otherSettings)
      : '-',
    d.figures
      ? trendCell('apiP99Ms', trendOf(d.position)?.apiP99Ms, trendOf(d.position)?.otherSettings)
      : '-',
    d.cluster ? `${d.cluster.number}${d.cluster.started ? ' (started)' : ''}` : '-',
    md([...(d.failedVerdicts ?? []), ...(d.why ? [d.why] : [])].join('; ')),
  ]);
  const minutes = (Date.parse(index.endedAt) - Date.parse(index.startedAt)) / 60_000;
  return [
    `# Game day: ${md(index.suite.name)}`,
    md(index.suite.description),
    table(
      ['Field', 'Value'],
      [
        ['Suite', index.suite.file ? code(index.suite.file) : 'every shipped drill the provider can run'],
        ...(index.suite.sha256 ? [['Suite sha256', code(index.suite.sha256)]] : []),
        ['Provider', md(index.provider)],
        ['Started', md(index.startedAt)],
        ['Ended', `${md(index.endedAt)} (${minutes.toFixed(1)} min)`],
        ['Clusters started', String(index.clustersStarted)],
        ['Exit code', `**${index.exitCode}**`],
        ['Regressions', String(regressedFigures(index.trends.drills).length)],
      ],
    ),
    '## Drills',
    'In the order they ran; drills that need the same cluster ran one after another on one.',
    table(
      [
        '#',
        'Drill',
        'Result',
        'Failover',
        'Unavailable',
        'P99 (worst interval)',
        'Lost writes',
        'Failover, earlier nights',
        'P99, earlier nights',
        'Cluster',
        'Failed verdicts, or why',
      ],
      rows,
      ['r', 'l', 'l', 'r', 'r', 'r', 'r', 'l', 'l', 'l', 'l'],
    ),
    trendsSection(index.trends),
    ...(index.leftOut.length
      ? [
          '## Left out',
          table(
            ['Drill', 'Why'],
            index.leftOut.map((l) => [md(l.scenario), md(l.why)]),
          ),
        ]
      : []),
    '',
  ].join('\n\n');
}

/** A drill with no report (it did not run, or stopped before one was written), as a testsuite of one error. */
function withoutReport(d: DrillOutcome): { xml: string; counts: JunitCounts } {
  const why = d.why ?? 'no report';
  const skipped = d.verdict === 'not-run';
  const body = skipped
    ? `      <skipped${attrs({ message: why })}/>\n`
    : `      <error${attrs({ message: why, type: 'DrillNotRun' })}>${xmlText(why)}</error>\n`;
  const xml =
    `  <testsuite${attrs({ name: d.scenario, tests: 1, failures: 0, errors: skipped ? 0 : 1, skipped: skipped ? 1 : 0 })}>\n` +
    `    <testcase${attrs({ classname: `kube-ha-drill.${d.scenario}`, name: 'drill run', time: 0 })}>\n${body}    </testcase>\n` +
    '  </testsuite>\n';
  return {
    xml,
    counts: { tests: 1, failures: 0, errors: skipped ? 0 : 1, skipped: skipped ? 1 : 0, time: undefined },
  };
}

/** Each regressed figure as "drill: failover". */
export function regressedFigures(trends: readonly DrillTrend[]): string[] {
  return trends.flatMap((t) =>
    (['failoverMs', 'apiP99Ms'] as const)
      .filter((f) => t[f].change === 'regressed')
      .map((f) => `${t.scenario}: ${f === 'failoverMs' ? 'failover' : 'P99'}`),
  );
}

/** The trends as a testsuite of their own: a testcase per drill and figure, failed when it regressed. */
function trendsTestsuite(trends: Trends): { xml: string; counts: JunitCounts } {
  const cases = trends.drills.flatMap((t) =>
    (['failoverMs', 'apiP99Ms'] as const).map((f) => {
      const figure = t[f];
      const name = `${t.scenario}: ${f === 'failoverMs' ? 'failover' : 'API P99'} against earlier nights`;
      const open = `    <testcase${attrs({ classname: 'kube-ha-drill.trends', name, time: 0 })}>\n`;
      const body =
        figure.change === 'regressed'
          ? `      <failure${attrs({ message: `${name}: regressed`, type: 'Regression' })}>${xmlText(figure.detail)}</failure>\n`
          : figure.change === 'no-history'
            ? `      <skipped${attrs({ message: figure.detail })}/>\n`
            : `      <system-out>${xmlText(`${CHANGE_WORDS[figure.change]}: ${figure.detail}`)}</system-out>\n`;
      return { xml: `${open}${body}    </testcase>\n`, change: figure.change };
    }),
  );
  const counts: JunitCounts = {
    tests: cases.length,
    failures: cases.filter((c) => c.change === 'regressed').length,
    errors: 0,
    skipped: cases.filter((c) => c.change === 'no-history').length,
    time: undefined,
  };
  const xml =
    `  <testsuite${attrs({ name: 'trends', tests: counts.tests, failures: counts.failures, errors: 0, skipped: counts.skipped })}>\n` +
    cases.map((c) => c.xml).join('') +
    '  </testsuite>\n';
  return { xml, counts };
}

/** The suite's junit.xml: one testsuite per drill, as each drill's own junit.xml has it, and one of trends. */
export function renderSuiteJunit(index: GamedayIndex, reports: ReadonlyMap<number, Report>): string {
  const suites = index.drills.map((d) => {
    const report = reports.get(d.position);
    return report ? junitTestsuite(report, `${d.ranAs}. ${d.scenario}`) : withoutReport(d);
  });
  if (index.trends.drills.length > 0) suites.push(trendsTestsuite(index.trends));
  return junitDocument(`kube-ha-drill game day ${index.suite.name}`, suites);
}
