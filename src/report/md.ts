/** Markdown building blocks: escaping that keeps recorded text (HTML error pages, pipes) inert. */

const SPECIAL = /[\\`*_[\]<>|#~]/g;

/** Text shown as written: markdown and HTML characters escaped, line breaks folded. */
export function md(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(SPECIAL, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
}

/** Inline code; the fence grows when the text itself holds backticks. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

/** A table; cells are already-rendered markdown, so callers escape recorded text with md(). */
export function table(header: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  // GFM splits cells on every unescaped pipe, even inside code spans.
  const cell = (c: string) => c.replace(/(?<!\\)\|/g, '\\|');
  const rule = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(rule), ...rows.map((r) => line(r.map(cell)))].join('\n');
}

/** Long lists are cut in the markdown; report.json always has all of them. */
const LIST_LIMIT = 50;

export function cut<T>(items: readonly T[], limit = LIST_LIMIT): { shown: readonly T[]; note: string } {
  if (items.length <= limit) return { shown: items, note: '' };
  return { shown: items.slice(0, limit), note: `\n\n${items.length - limit} more in report.json.` };
}
