import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { renderHtml } from '../../src/report/html/drill-html.ts';
import type { Report } from '../../src/report/report-model.ts';
import { ARTIFACT_DIR, expectChartMatchesReport, launchChromium, openReportHtml } from '../browser.ts';

const RECORDINGS = path.join(import.meta.dirname, '..', 'fixtures', 'recordings');

/** Every recorded drill's report.html, rendered from its report.json and opened in Chromium. */
describe('report.html of every recorded drill, in headless Chromium', function () {
  this.timeout(300_000);
  let browser: Browser;
  let dir: string;
  before(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(path.join(os.tmpdir(), 'khd-html-'));
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const file of readdirSync(RECORDINGS).filter((f) => f.endsWith('.report.json.gz'))) {
    const name = file.replace('.report.json.gz', '');
    it(`${name}: opens offline without errors and plots report.json's data`, async () => {
      const report = JSON.parse(gunzipSync(readFileSync(path.join(RECORDINGS, file))).toString()) as Report;
      const html = path.join(dir, `${name}.html`);
      writeFileSync(html, renderHtml(report));
      const opened = await openReportHtml(
        browser,
        html,
        path.join(ARTIFACT_DIR, 'report-html', `${name}.png`),
      );
      expect(opened.errors).to.deep.equal([]);
      expect(opened.title).to.equal(`Drill report: ${name}`);
      expectChartMatchesReport(opened.chart, report);
      // The verdict table and the audit block are there, as in report.md.
      expect(opened.text).to.include('Verdicts');
      expect(opened.text).to.include(report.audit.scenarioSha256);
      for (const v of report.verdicts) expect(opened.text).to.include(v.shown);
    });
  }
});
