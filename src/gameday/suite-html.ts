/** The game day's HTML: index.html (index.md's content, linking each drill's report.html) and each drill's trend section. Pure. */
import path from 'node:path';
import { escapeHtml, markdownToHtml, renderPage, resultClass } from '../report/html/page.ts';
import { code, md, table } from '../report/md.ts';
import type { GamedayIndex } from './suite-outcome.ts';
import { renderIndexMarkdown, trendValue, CHANGE_WORDS } from './suite-reports.ts';
import { TREND_NIGHTS, type DrillTrend, type TrendFigureName } from './trends.ts';

export function renderIndexHtml(index: GamedayIndex): string {
  return renderPage({
    title: `Game day: ${index.suite.name}`,
    body: [
      markdownToHtml(renderIndexMarkdown(index, 'report.html')),
      `<p class="result ${resultClass(index.exitCode)}">Exit code ${escapeHtml(String(index.exitCode))}</p>`,
    ].join('\n'),
  });
}

/**
 * A drill's failover and P99 on earlier nights beside tonight's, for its report.html: each earlier
 * night links its own report, relative to tonight's drill directory.
 */
export function drillTrendMarkdown(
  trend: DrillTrend,
  drillDir: string,
  startedAt: string,
  tolerancePercent: number,
): string {
  // A night whose index.json predates a figure did not record it.
  const cell = (name: TrendFigureName, night: string) => {
    const e = trend[name].earlier.find((x) => x.startedAt === night);
    return e ? trendValue(name, e.value) : 'not recorded';
  };
  const rows = trend.nights.map((n) => [
    md(n.startedAt),
    cell('failoverMs', n.startedAt),
    cell('apiP99Ms', n.startedAt),
    n.reportDir ? `[report](${encodeURI(path.relative(drillDir, n.reportDir))}/report.html)` : '',
  ]);
  rows.push([
    `**${md(startedAt)} (tonight)**`,
    `**${trendValue('failoverMs', trend.failoverMs.tonight)}**`,
    `**${trendValue('apiP99Ms', trend.apiP99Ms.tonight)}**`,
    '',
  ]);
  const verdict = (name: string, t: DrillTrend['failoverMs']) =>
    `- ${name}: **${CHANGE_WORDS[t.change]}**: ${md(t.detail)}`;
  return [
    '## Earlier nights',
    `This drill in earlier game days of the same provider (up to ${TREND_NIGHTS}), oldest first. A figure regressed when it is ` +
      `more than ${tolerancePercent} % worse than their median (and by more than the noise floor); see the game ` +
      `day's ${code('index.md')}.`,
    table(['Game day', 'Failover', 'P99 (worst interval)', ''], rows, ['l', 'r', 'r', 'l']),
    ...(trend.otherSettings > 0
      ? [
          `${trend.otherSettings} more earlier game day${trend.otherSettings === 1 ? '' : 's'} ran this drill with ` +
            'other settings (faults, phases, load, SLOs or cluster settings), or before settings were recorded, ' +
            'and are not compared.',
        ]
      : []),
    [verdict('Failover', trend.failoverMs), verdict('P99', trend.apiP99Ms)].join('\n'),
  ].join('\n\n');
}
