import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes a file whole or not at all, never through a link: the data goes to a new file made with
 * O_EXCL (an existing name, a planted link included, makes it fail), which is then renamed over the
 * target (a rename replaces a link instead of following it).
 */
export function writeFileAtomic(file: string, data: string | Buffer, mode = 0o600): void {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    try {
      writeFileSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    // A full disk leaves no half-written temporary file behind.
    rmSync(tmp, { force: true });
    throw err;
  }
}
