import { expectValidReport } from '../report-schema.ts';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseReport } from '../../src/report/json.ts';
import { decodeTimeline, type Report } from '../../src/report/report-model.ts';
import type { Timeline } from '../../src/observe/timeline.ts';
import { cli } from './helpers.ts';

export interface DrillResult {
  code: number;
  stdout: string;
  stderr: string;
  dir: string;
  report: Report;
  timeline: Timeline;
  markdown: string;
  junit: string;
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
    files: readdirSync(dir),
  };
  rmSync(dir, { recursive: true, force: true });
  return result;
}
