import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { renderHtml } from '../../src/report/html/drill-html.ts';
import { emptyTimeline } from '../../src/observe/timeline.ts';
import { decodeTimeline, encodeTimeline, type Report } from '../../src/report/report-model.ts';
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

  const recorded = (name: string) =>
    JSON.parse(
      gunzipSync(readFileSync(path.join(RECORDINGS, `${name}.report.json.gz`))).toString(),
    ) as Report;

  async function open(name: string, report: Report) {
    const html = path.join(dir, `${name}.html`);
    writeFileSync(html, renderHtml(report));
    return openReportHtml(browser, html);
  }

  it('keeps recorded text inert: markup in an event, a probe error and the scenario is shown, never run', async () => {
    const report = recorded('apiserver-kill');
    const evil = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=1">';
    const timeline = decodeTimeline(report.timeline);
    timeline.events[0]!.message = evil;
    timeline.samples[0]!.detail = evil;
    report.timeline = encodeTimeline(timeline);
    report.scenario.description = evil;
    const opened = await open('inert', report);
    expect(opened.errors).to.deep.equal([]);
    expect(opened.text).to.include('window.pwned=1');
    const html = renderHtml(report);
    expect(html).to.not.include('<img src=x');
    expect(opened.chart, 'the chart still draws').to.not.equal(null);
  });

  it('draws an aborted drill with no timeline as an empty chart, without errors', async () => {
    const report: Report = {
      ...recorded('apiserver-kill'),
      status: 'aborted',
      abortReason: 'the cluster did not start',
      timeline: encodeTimeline(emptyTimeline()),
      analysis: null,
      analysisError: 'no phases',
      verdicts: [],
      exitCode: 3,
    };
    const opened = await open('aborted', report);
    expect(opened.errors).to.deep.equal([]);
    expect(opened.text).to.include('the cluster did not start');
    expect(opened.chart!.data).to.deep.equal([[]]);
  });

  for (const file of readdirSync(RECORDINGS).filter((f) => f.endsWith('.report.json.gz'))) {
    const name = file.replace('.report.json.gz', '');
    it(`${name}: opens offline without errors and plots report.json's data`, async () => {
      const report = recorded(name);
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
