import { accessSync, constants, mkdirSync } from 'node:fs';
import { UsageError, errorMessage } from '../util/errors.ts';

/** Makes the reports' directory, or refuses before anything starts when it cannot be written. */
export function ensureWritableReportDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new UsageError(
      `cannot write the reports to ${dir}: ${errorMessage(err)}`,
      'choose a writable directory with --report-dir',
    );
  }
}
