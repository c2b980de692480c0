import { expectValidReport } from '../report-schema.ts';
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseReport } from '../../src/report/json.ts';
import { decodeTimeline, type Report } from '../../src/report/report-model.ts';
import type { Timeline } from '../../src/observe/timeline.ts';
import { cli } from './helpers.ts';
import { ARTIFACT_DIR, expectChartMatchesReport, openReportHtml, sharedBrowser } from '../browser.ts';

export interface DrillResult {
  code: number;
  stdout: string;
  stderr: string;
  dir: string;
  report: Report;
  timeline: Timeline;
  markdown: string;
  junit: string;
  html: string;
  /** What the drill wrote into its report directory (removed after reading). */
  files: string[];
}

/**
 * Short phases keep the suite inside CI's time; the physics under test takes seconds. The hold fits a
 * failover of up to 7 s plus the 5 s of sustained health that shows it; the baseline is too short
 * to resolve a 0.1 % error rate, so these runs end in exit code 4 unless something fails.
 */
export const SHORT = ['--baseline', '5s', '--hold', '12s', '--recovery', '8s', '--rate', '20'];

/** Runs a drill through the CLI, as a user does, and reads back what it wrote. */
export async function drill(scenario: string, extra: string[] = SHORT): Promise<DrillResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `khd-${path.basename(scenario).replace(/\.\w+$/, '')}-`));
  const r = await cli('drill', [scenario, '--report-dir', dir, ...extra], 600_000);
  if (!existsSync(path.join(dir, 'report.json')))
    throw new Error(`drill ${scenario} wrote no report (exit code ${r.code}):\n${r.stderr.slice(-3000)}`);
  const report = parseReport(readFileSync(path.join(dir, 'report.json'), 'utf8'));
  expectValidReport(report);
  const result = {
    ...r,
    dir,
    report,
    timeline: decodeTimeline(report.timeline),
    markdown: readFileSync(path.join(dir, 'report.md'), 'utf8'),
    junit: readFileSync(path.join(dir, 'junit.xml'), 'utf8'),
    html: readFileSync(path.join(dir, 'report.html'), 'utf8'),
    files: readdirSync(dir),
  };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/**
 * The drill's report.html opens in Chromium without errors and plots what its report.json holds;
 * its first screen is kept as test-artifacts/report-html/live-<scenario>.png.
 */
export async function expectHtmlReport(r: DrillResult): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-html-'));
  try {
    const file = path.join(dir, 'report.html');
    writeFileSync(file, r.html);
    const shot = path.join(ARTIFACT_DIR, 'report-html', `live-${r.report.scenario.name}.png`);
    const opened = await openReportHtml(await sharedBrowser(), file, shot);
    expect(opened.errors).to.deep.equal([]);
    expectChartMatchesReport(opened.chart, r.report);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
