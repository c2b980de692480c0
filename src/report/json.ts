import { REPORT_SCHEMA_VERSION, type Report } from './report-model.ts';

const INDENT = '  ';

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/**
 * JSON indented like JSON.stringify(value, null, 2), except that arrays of plain values (the
 * timeline's columns) stay on one line: thousands of numbers would otherwise take a line each.
 */
export function stringifyReadable(value: unknown, indent = ''): string {
  if (isPrimitive(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return JSON.stringify(value) ?? 'null';
  }
  const inner = indent + INDENT;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isPrimitive)) return `[${value.map((v) => JSON.stringify(v) ?? 'null').join(',')}]`;
    return `[\n${value.map((v) => inner + stringifyReadable(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== undefined && typeof v !== 'function',
  );
  if (entries.length === 0) return '{}';
  const lines = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${stringifyReadable(v, inner)}`);
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

export function renderJson(report: Report): string {
  return `${stringifyReadable(report)}\n`;
}

export class ReportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportFormatError';
  }
}

/** Reads report.json, refusing schema versions this version of the tool does not know. */
export function parseReport(text: string): Report {
  const parsed = JSON.parse(text) as { schemaVersion?: unknown };
  if (parsed === null || typeof parsed !== 'object')
    throw new ReportFormatError('report.json: not a JSON object');
  if (parsed.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new ReportFormatError(
      `report.json: schemaVersion ${JSON.stringify(parsed.schemaVersion)} is not ${REPORT_SCHEMA_VERSION}, ` +
        'the only version this tool reads',
    );
  }
  return parsed as Report;
}
