import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Marked } from 'marked';

/** The pieces every self-contained HTML report shares: escaping, markdown, the charting library, the page. */

const HTML_SPECIAL: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_SPECIAL[c]!);
}

/** Data for a page's script, inert inside <script type="application/json"> whatever the strings hold. */
export function jsonScript(id: string, value: unknown): string {
  const json = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `<script type="application/json" id="${escapeHtml(id)}">${json}</script>`;
}

/** report.md's markdown as HTML; raw HTML in it (there should be none: md() escapes) is shown as text. */
const markdown = new Marked({
  gfm: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

const RESULT_CLASSES: Record<string, string> = {
  PASS: 'pass',
  FAIL: 'fail',
  'INSUFFICIENT EVIDENCE': 'undecided',
};

/** Table cells holding only a verdict's result get its colour. */
export function markdownToHtml(text: string): string {
  const html = markdown.parse(text, { async: false });
  return html.replace(
    /<td>(PASS|FAIL|INSUFFICIENT EVIDENCE)<\/td>/g,
    (_, r: string) => `<td class="${RESULT_CLASSES[r]}">${r}</td>`,
  );
}

const require = createRequire(import.meta.url);
const cache = new Map<string, string>();

function asset(resolved: string): string {
  let text = cache.get(resolved);
  if (text === undefined) {
    text = readFileSync(resolved, 'utf8');
    cache.set(resolved, text);
  }
  return text;
}

/** uPlot (MIT), inlined so the report opens offline; its licence header stays in the file. */
export function uplotAssets(): { js: string; css: string } {
  return {
    js: asset(require.resolve('uplot/dist/uPlot.iife.min.js')),
    css: asset(require.resolve('uplot/dist/uPlot.min.css')),
  };
}

/** A script of ours that runs in the page, kept beside this module. */
export function pageScript(name: string): string {
  return asset(new URL(`./${name}`, import.meta.url).pathname);
}

/** `</script` inside inlined code would end the element early. */
function inlineScript(code: string): string {
  return `<script>${code.replace(/<\/script/gi, '<\\/script')}</script>`;
}

const PAGE_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1400px; padding: 0 24px 48px; color: #1d2430; }
h1 { font-size: 24px; margin: 24px 0 4px; }
h2 { font-size: 19px; margin-top: 32px; border-bottom: 1px solid #d8dde6; padding-bottom: 4px; }
h3 { font-size: 16px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #d8dde6; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f2f4f8; }
td.pass { background: #e3f4e1; color: #1b5e20; font-weight: 600; }
td.fail { background: #fde2e1; color: #b71c1c; font-weight: 600; }
td.undecided { background: #fff4d6; color: #7a5200; font-weight: 600; }
code { background: #f2f4f8; padding: 0 3px; border-radius: 3px; font-size: 12px; }
blockquote { border-left: 4px solid #e0a800; margin: 8px 0; padding: 4px 12px; background: #fffaf0; }
.header > p:last-child, .result { display: inline-block; padding: 4px 10px; border-radius: 4px; margin: 8px 0; }
.pass > p:last-child, .result.pass { background: #e3f4e1; color: #1b5e20; }
.fail > p:last-child, .aborted > p:last-child, .result.fail, .result.aborted { background: #fde2e1; color: #b71c1c; }
.undecided > p:last-child, .result.undecided { background: #fff4d6; color: #7a5200; }
.note { color: #5a6475; font-size: 12px; }
.key { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; margin: 4px 0 12px; }
.key span::before { content: ''; display: inline-block; width: 14px; height: 10px; margin-right: 5px; vertical-align: middle; background: var(--c); }
`;

/** The colour of a result by its exit code: 0 pass, 1 an SLO failed, 3 could not run, 4 undecided, 5 regressed. */
export function resultClass(exitCode: number): 'pass' | 'fail' | 'aborted' | 'undecided' {
  if (exitCode === 0) return 'pass';
  if (exitCode === 1) return 'fail';
  if (exitCode === 4 || exitCode === 5) return 'undecided';
  return 'aborted';
}

export interface Page {
  title: string;
  /** Extra CSS after the shared rules. */
  css?: string;
  body: string;
  /** Inline scripts run in order after the body (e.g. uPlot, then ours). */
  scripts?: string[];
}

export function renderPage(page: Page): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${PAGE_CSS}${page.css ?? ''}</style>`,
    '</head>',
    '<body>',
    page.body,
    ...(page.scripts ?? []).map(inlineScript),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
