import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError, errorMessage } from '../util/errors.ts';

/**
 * mkdir -p, one level at a time: Node's recursive mkdir spins forever under /proc (a mkdir there
 * fails with ENOENT, which it takes as a missing parent), while a plain mkdir fails and says why.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      statSync(d);
      break;
    } catch {
      missing.unshift(d);
      if (path.dirname(d) === d) break;
    }
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Makes the reports' directory, or refuses before anything starts when it cannot be written. */
export function ensureWritableReportDir(dir: string): void {
  try {
    makeDirs(dir);
    if (!statSync(dir).isDirectory()) throw new Error('it is not a directory');
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new UsageError(
      `cannot write the reports to ${dir}: ${errorMessage(err)}`,
      'choose a writable directory with --report-dir',
    );
  }
}
