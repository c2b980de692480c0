/**
 * Opens report.html files in Debian's Chromium (the component group "browser", installed on first
 * use as `npm run setup -- browser` would) through playwright-core, which downloads no browser.
 */
import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ensureComponents } from '../src/components/components.ts';
import { repoRoot } from '../src/components/manifest.ts';
import { decodeTimeline, type Report } from '../src/report/report-model.ts';

/** Screenshots land here (ignored by git; CI keeps them as artifacts). */
export const ARTIFACT_DIR = path.join(repoRoot, 'test-artifacts');

export async function launchChromium(): Promise<Browser> {
  const components = await ensureComponents({ groups: ['browser'] });
  return chromium.launch({ executablePath: components.path('chromium') });
}

let shared: Promise<Browser> | undefined;

/** One browser for a whole test file; closeSharedBrowser() in its after hook. */
export function sharedBrowser(): Promise<Browser> {
  shared ??= launchChromium();
  return shared;
}

export async function closeSharedBrowser(): Promise<void> {
  const b = shared;
  shared = undefined;
  await (await b)?.close();
}

interface DrawnWindow {
  start: number;
  end: number;
  open?: boolean;
}

/** What the page's chart script drew (window.khdChart), as plain data. */
export interface DrawnChart {
  seriesLabels: string[];
  data: (number | null)[][];
  faults: DrawnWindow[];
  lanes: { label: string; kind: string; windows: DrawnWindow[] }[];
  marks: { at: number; kind: string }[];
}

export interface OpenedReport {
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  chart: DrawnChart | null;
  title: string;
  /** Visible text of the page. */
  text: string;
}

export async function openReportHtml(
  browser: Browser,
  file: string,
  screenshot?: string,
): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  // Offline by construction: any request for something outside the file is an error.
  await page.route(/^(?!file:)/, (route) => {
    errors.push(`the page asked for ${route.request().url()}`);
    return route.abort();
  });
  try {
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    const chart = await page.evaluate(() => {
      const c = (window as unknown as { khdChart?: Record<string, never> }).khdChart as
        | {
            plot: { data: (number | null)[][]; series: { label: string }[] };
            drawn: Omit<DrawnChart, 'seriesLabels' | 'data'>;
          }
        | undefined;
      if (!c) return null;
      return {
        seriesLabels: c.plot.series.slice(1).map((s) => s.label),
        data: c.plot.data.map((column) => Array.from(column)),
        faults: c.drawn.faults,
        lanes: c.drawn.lanes,
        marks: c.drawn.marks,
      };
    });
    if (screenshot) {
      mkdirSync(path.dirname(screenshot), { recursive: true });
      // The first screen: the result, the chart with its fault window and the lanes under it.
      await page.screenshot({ path: screenshot });
    }
    return { errors, chart, title: await page.title(), text: await page.innerText('body') };
  } finally {
    await page.close();
  }
}

const seconds = (at: number, origin: number) => Math.round(at - origin) / 1000;
const latency = (start: number, end: number) => Math.max(0.1, Math.round((end - start) * 1000) / 1000);

/** "x y failed" of each point, sorted: the same multiset whichever series a point is drawn in. */
function pointKeys(points: [number, number, boolean][]): string[] {
  return points.map(([x, y, failed]) => `${x.toFixed(3)} ${y.toFixed(3)} ${failed}`).sort();
}

/**
 * The chart drew every request of report.json once, at its start and duration, failures in the
 * failed series; shaded its fault windows; drew each probe's outage windows and the failover and
 * degraded intervals of the analysis; marked its leader changes and process exits and starts.
 */
export function expectChartMatchesReport(chart: DrawnChart | null, report: Report): void {
  expect(chart, 'the page drew no chart').to.not.equal(null);
  const c = chart!;
  const timeline = decodeTimeline(report.timeline);
  const origin = report.analysis?.run.origin ?? timeline.phases[0]!.start;

  const failedIndex = c.seriesLabels.findIndex((l) => l.startsWith('failed'));
  const plotted: [number, number, boolean][] = [];
  for (let s = 1; s < c.data.length; s++) {
    c.data[0]!.forEach((x, k) => {
      const y = c.data[s]![k];
      if (y !== null && y !== undefined) plotted.push([x!, y, s - 1 === failedIndex]);
    });
  }
  const expected = timeline.samples.map((s): [number, number, boolean] => [
    seconds(s.start, origin),
    latency(s.start, s.end),
    s.outcome !== 'ok',
  ]);
  expect(plotted.length, 'plotted points').to.equal(timeline.samples.length);
  expect(pointKeys(plotted)).to.deep.equal(pointKeys(expected));

  const injects = timeline.events.filter((e) => e.kind === 'fault-inject');
  const heals = timeline.events.filter((e) => e.kind === 'fault-heal');
  // Faults may overlap: each is shaded from its injection to its own heal.
  expect(c.faults.map((w) => w.start)).to.deep.equal(injects.map((e) => seconds(e.at, origin)));
  expect(
    c.faults
      .filter((w) => !w.open)
      .map((w) => w.end)
      .sort(),
  ).to.deep.equal(heals.map((e) => seconds(e.at, origin)).sort());

  const a = report.analysis;
  if (a) {
    for (const probe of a.outages.filter((o) => o.windows.length > 0)) {
      const lane = c.lanes.find((l) => l.label === probe.probe);
      expect(lane, `a lane for ${probe.probe}'s outage windows`).to.not.equal(undefined);
      expect(lane!.windows.map((w) => [w.start, w.open ? null : w.end])).to.deep.equal(
        probe.windows.map((w) => [seconds(w.start, origin), w.end === null ? null : seconds(w.end, origin)]),
      );
    }
    const f = a.service.failover;
    const failover = c.lanes.find((l) => l.kind === 'failover');
    if (f) {
      expect(failover?.windows[0]?.start).to.equal(seconds(f.injectedAt, origin));
      if (f.healthyFrom !== null) expect(failover?.windows[0]?.end).to.equal(seconds(f.healthyFrom, origin));
    }
    const degraded = a.service.intervals.filter((i) => i.name === 'degraded' && i.start !== null);
    expect(c.lanes.find((l) => l.kind === 'degraded')?.windows.map((w) => w.start) ?? []).to.deep.equal(
      degraded.map((i) => seconds(i.start!, origin)),
    );
  }
  // Marks from the first recorded moment on (events of the cluster's start come before it).
  const first = [...timeline.phases, ...timeline.samples].reduce((m, t) => Math.min(m, t.start), Infinity);
  const marked = timeline.events
    .filter((e) => ['leader-change', 'process-exit', 'process-start'].includes(e.kind) && e.at >= first)
    .map((e) => `${e.kind} ${seconds(e.at, origin)}`);
  expect(c.marks.map((m) => `${m.kind} ${m.at}`).sort()).to.deep.equal(marked.sort());
}
