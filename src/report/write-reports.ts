import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../util/errors.ts';
import { renderHtml } from './html/drill-html.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { Report } from './report-model.ts';

export interface ReportWriter {
  file: string;
  render(report: Report): string;
}

/** report.json first: it is the source of truth, and every other report can be rendered again from it. */
export const REPORT_WRITERS: readonly ReportWriter[] = [
  { file: 'report.json', render: renderJson },
  { file: 'report.md', render: renderMarkdown },
  { file: 'junit.xml', render: renderJunit },
  { file: 'report.html', render: renderHtml },
];

export interface WriterFailure {
  file: string;
  error: string;
}

export interface WriteReportsResult {
  /** Absolute paths of the files written. */
  written: string[];
  failed: WriterFailure[];
}

/** Written beside the target and renamed over it, so a reader never sees half a report. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const partial = `${file}.partial`;
  try {
    await writeFile(partial, text, 'utf8');
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * Writes every report into dir. Each writer runs on its own: one that throws is recorded and the
 * others still write, so a bug in one format cannot lose the run.
 */
export async function writeReports(
  dir: string,
  report: Report,
  writers: readonly ReportWriter[] = REPORT_WRITERS,
): Promise<WriteReportsResult> {
  const result: WriteReportsResult = { written: [], failed: [] };
  for (const writer of writers) {
    const file = path.resolve(dir, writer.file);
    try {
      const text = writer.render(report);
      await mkdir(path.dirname(file), { recursive: true });
      await writeAtomically(file, text);
      result.written.push(file);
    } catch (err) {
      result.failed.push({ file: writer.file, error: errorMessage(err) });
    }
  }
  return result;
}
