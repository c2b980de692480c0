import { errorMessage } from '../../util/errors.ts';
import { markdownSections, type MarkdownSection } from '../markdown.ts';
import type { Report } from '../report-model.ts';
import { chartModel, MIN_DRAWN_LATENCY_MS } from './chart-model.ts';
import {
  escapeHtml,
  jsonScript,
  markdownToHtml,
  pageScript,
  renderPage,
  resultClass,
  uplotAssets,
} from './page.ts';

/** The id the chart script (timeline-chart.js) finds the chart's data by. */
const CHART_DATA_ID = 'khd-chart-data';

const CHART_CSS = `
#khd-chart { margin-top: 8px; }
#khd-lanes { display: block; }
`;

const KEY = [
  ['#f5a623', 'fault window (injection to heal)'],
  ['#d0021b', 'failed request / outage window of a probe'],
  ['#e58a8a', 'outage window of a per-member probe (speaks for no part of the service)'],
  ['#7b61ff', 'failover: injection to sustained health; leader change (dashed line)'],
  ['#f8c471', 'degraded interval'],
  ['#4a4a4a', 'process exit (down tick) and start (up tick)'],
];

function chartSection(report: Report): { html: string; data?: string } {
  try {
    const model = chartModel(report);
    const key = KEY.map(([c, t]) => `<span style="--c:${c}">${escapeHtml(t!)}</span>`).join('');
    return {
      html: [
        '<h2>Timeline</h2>',
        `<p class="note">Every request's latency against the time it was issued (seconds since the start of the ` +
          `baseline, as in the tables below), on a log scale; requests under ${MIN_DRAWN_LATENCY_MS} ms are drawn at ` +
          `${MIN_DRAWN_LATENCY_MS} ms. Drag to zoom, double-click to zoom out. Under the plot, one lane per interval ` +
          'and per probe that had an outage.</p>',
        `<div class="key">${key}</div>`,
        '<div id="khd-chart"></div>',
        '<canvas id="khd-lanes"></canvas>',
      ].join('\n'),
      data: jsonScript(CHART_DATA_ID, model),
    };
  } catch (err) {
    return {
      html: `<h2>Timeline</h2>\n<p class="note">No chart: the timeline could not be read (${escapeHtml(errorMessage(err))}).</p>`,
    };
  }
}

function section(sections: MarkdownSection[], id: MarkdownSection['id']): string {
  const s = sections.find((x) => x.id === id);
  return s ? markdownToHtml(s.text) : '';
}

/**
 * report.html: report.md's content around a timeline chart, in one file that opens offline. A game
 * day adds a markdown section of its own after the verdicts (the drill on earlier nights).
 */
export function renderHtml(report: Report, extra: { afterVerdicts?: string } = {}): string {
  const sections = markdownSections(report);
  const chart = chartSection(report);
  const uplot = uplotAssets();
  const body = [
    `<div class="header ${resultClass(report.exitCode)}">${section(sections, 'header')}</div>`,
    section(sections, 'stop'),
    chart.html,
    section(sections, 'verdicts'),
    extra.afterVerdicts === undefined ? '' : markdownToHtml(extra.afterVerdicts),
    section(sections, 'audit'),
    section(sections, 'details'),
    chart.data ?? '',
  ].join('\n');
  return renderPage({
    title: `Drill report: ${report.scenario.name}`,
    css: `${uplot.css}${CHART_CSS}`,
    body,
    scripts: chart.data ? [uplot.js, pageScript('timeline-chart.js')] : [],
  });
}
