/** The game day's own reports: index.md for people and junit.xml for CI, both from the index alone. Pure. */
import { junitDocument, junitTestsuite, type JunitCounts } from '../report/junit.ts';
import { code, md, table } from '../report/md.ts';
import type { Report } from '../report/report-model.ts';
import { attrs, xmlText } from '../report/xml.ts';
import type { DrillOutcome, GamedayIndex } from './suite-outcome.ts';

const VERDICT_WORDS: Record<DrillOutcome['verdict'], string> = {
  passed: 'PASS',
  failed: 'FAIL',
  'insufficient-evidence': 'INSUFFICIENT EVIDENCE',
  'could-not-run': 'COULD NOT RUN',
  'not-run': 'NOT RUN',
};

const secondsOf = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? 'not reached' : `${(ms / 1000).toFixed(1)} s`;

export function renderIndexMarkdown(index: GamedayIndex): string {
  const rows = index.drills.map((d) => [
    String(d.ranAs),
    d.dir ? `[${md(d.scenario)}](${encodeURI(d.dir)}/report.md)` : md(d.scenario),
    `**${VERDICT_WORDS[d.verdict]}**${d.exitCode === undefined ? '' : ` (exit ${d.exitCode})`}`,
    d.figures ? secondsOf(d.figures.failoverMs) : '-',
    d.figures ? secondsOf(d.figures.unavailableMs) : '-',
    d.figures?.lostWrites === null || d.figures === undefined ? '-' : String(d.figures.lostWrites),
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
        'Lost writes',
        'Cluster',
        'Failed verdicts, or why',
      ],
      rows,
      ['r', 'l', 'l', 'r', 'r', 'r', 'l', 'l'],
    ),
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

/** The suite's junit.xml: one testsuite per drill, as each drill's own junit.xml has it. */
export function renderSuiteJunit(index: GamedayIndex, reports: ReadonlyMap<number, Report>): string {
  const suites = index.drills.map((d) => {
    const report = reports.get(d.position);
    return report ? junitTestsuite(report, `${d.ranAs}. ${d.scenario}`) : withoutReport(d);
  });
  return junitDocument(`kube-ha-drill game day ${index.suite.name}`, suites);
}
