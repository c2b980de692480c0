import { offset, seconds } from '../analysis/format.ts';
import type { Verdict } from '../analysis/verdict.ts';
import type { Report } from './report-model.ts';
import { attrs, xmlText } from './xml.ts';

function verdictCase(v: Verdict, classname: string): string {
  const name = `${v.slo}${v.interval ? ` (${v.interval})` : ''}: ${v.description}`;
  const open = `    <testcase${attrs({ classname, name, time: 0 })}`;
  const summary = `${v.slo}: measured ${v.shown}, threshold ${v.threshold} ${v.unit}`;
  const evidence = v.evidence
    ? ` Evidence: ${v.evidence.count} ${v.evidence.of}; resolution: ${v.evidence.resolution}.`
    : '';
  if (v.result === 'pass') {
    return `${open}>\n      <system-out>${xmlText(`${summary}. ${v.detail}${evidence}`)}</system-out>\n    </testcase>`;
  }
  if (v.result === 'insufficient-evidence') {
    // Neither pass nor fail: skipped, with the reason; the drill's exit code (4) still fails a CI job.
    const message = `${v.slo}: insufficient evidence (measured ${v.shown}, threshold ${v.threshold} ${v.unit})`;
    return `${open}>\n      <skipped${attrs({ message })}/>\n      <system-out>${xmlText(`${summary}.\n${v.detail}${evidence}`)}</system-out>\n    </testcase>`;
  }
  const message = `${v.slo}: measured ${v.shown} exceeds threshold ${v.threshold} ${v.unit}`;
  return `${open}>\n      <failure${attrs({ message, type: 'SloFailed' })}>${xmlText(`${summary}.\n${v.detail}${evidence}`)}</failure>\n    </testcase>`;
}

/** An aborted run, or one whose analysis failed, is an error of the drill itself, not an SLO failure. */
function runErrorCase(report: Report, classname: string): string | undefined {
  if (report.status === 'completed' && report.analysis !== null) return undefined;
  const reason =
    report.status === 'aborted'
      ? `drill aborted: ${report.abortReason ?? 'no reason recorded'}`
      : `analysis failed: ${report.analysisError ?? 'no reason recorded'}`;
  const run = report.analysis?.run;
  const reached =
    run === undefined
      ? 'No figures could be computed; report.json keeps the recorded timeline.'
      : `Measured ${seconds(run.durationMs)} of the run (to ${offset(run.end, run.origin)}); ` +
        `phases reached: ${run.phases.map((p) => p.name).join(', ') || 'none'}. The SLO verdicts cover this part only.`;
  return (
    `    <testcase${attrs({ classname, name: 'drill run', time: 0 })}>\n` +
    `      <error${attrs({ message: reason, type: report.status === 'aborted' ? 'DrillAborted' : 'AnalysisFailed' })}>` +
    `${xmlText(`${reason}\n${reached}`)}</error>\n    </testcase>`
  );
}

/** JUnit's schema wants a timestamp without zone or fraction; the audit times are UTC. */
function junitTimestamp(iso: string): string {
  return iso.replace(/(\.\d+)?Z$/, '');
}

export interface JunitCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: string | undefined;
}

/** One drill as a <testsuite>: a testcase per SLO, and one for the run when it could not finish. */
export function junitTestsuite(
  report: Report,
  name = report.scenario.name,
): { xml: string; counts: JunitCounts } {
  const classname = `kube-ha-drill.${report.scenario.name}`;
  const runError = runErrorCase(report, classname);
  const cases = [...(runError ? [runError] : []), ...report.verdicts.map((v) => verdictCase(v, classname))];
  const failures = report.verdicts.filter((v) => v.result === 'fail').length;
  const skipped = report.verdicts.filter((v) => v.result === 'insufficient-evidence').length;
  const errors = runError ? 1 : 0;
  const durationSeconds = (Date.parse(report.audit.endedAt) - Date.parse(report.audit.startedAt)) / 1000;
  const time = Number.isFinite(durationSeconds) ? durationSeconds.toFixed(3) : undefined;
  const counts = { tests: cases.length, failures, errors, skipped, time };
  const properties = [
    ['tool.version', report.tool.version],
    ['scenario.file', report.scenario.file],
    ['scenario.sha256', report.scenario.sha256],
    ['cluster.provider', report.cluster.provider],
    ['status', report.status],
    ['exitCode', String(report.exitCode)],
    ...report.audit.components.map((c) => [`component.${c.name}`, `${c.version} sha256:${c.sha256}`]),
  ]
    .map(([name, value]) => `      <property${attrs({ name, value })}/>`)
    .join('\n');
  const xml =
    `  <testsuite${attrs({
      name,
      ...counts,
      timestamp: junitTimestamp(report.audit.startedAt),
      hostname: report.audit.host,
    })}>\n` +
    `    <properties>\n${properties}\n    </properties>\n` +
    `${cases.join('\n')}\n` +
    '  </testsuite>\n';
  return { xml, counts };
}

/** A <testsuites> document around testsuites, with their counts summed. */
export function junitDocument(name: string, suites: readonly { xml: string; counts: JunitCounts }[]): string {
  const sum = (k: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((n, s) => n + s.counts[k], 0);
  const seconds = suites.reduce((n, s) => n + Number(s.counts.time ?? 0), 0);
  const counts = {
    tests: sum('tests'),
    failures: sum('failures'),
    errors: sum('errors'),
    skipped: sum('skipped'),
    time: seconds.toFixed(3),
  };
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites${attrs({ name, ...counts })}>\n` +
    suites.map((s) => s.xml).join('') +
    '</testsuites>\n'
  );
}

/** junit.xml: one testcase per SLO, so CI systems show a drill like a test run. */
export function renderJunit(report: Report): string {
  return junitDocument(report.tool.name, [junitTestsuite(report)]);
}
