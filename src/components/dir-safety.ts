import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../util/errors.ts';

/**
 * A root process that runs binaries from a directory another user can write to hands that user
 * root. So, as root, the directory and every directory above it must be root's and writable by
 * root only; an ancestor with the sticky bit (/tmp) is fine, since others cannot rename in it.
 * Other users run their own binaries with their own rights: nothing to check for them.
 */
export function requireRootOnlyDir(
  dir: string,
  what: string,
  envVar = 'KHD_CACHE_DIR',
  uid = process.geteuid?.() ?? -1,
): void {
  if (uid !== 0) return;
  const requested = path.resolve(dir);
  let at = requested;
  while (!existsSync(at)) at = path.dirname(at); // not made yet: what exists above it decides
  let p = realpathSync(at);
  let isTarget = at === requested;
  for (;;) {
    const st = statSync(p);
    const where = isTarget ? `${what} ${p}` : `${p} (above the ${what} ${requested})`;
    const fix = `run \`chown root:root ${p} && chmod go-w ${p}\`, or set ${envVar} to a directory only root can write`;
    if (st.uid !== 0) {
      throw new EnvironmentError(
        `${where} is owned by uid ${st.uid}, not root: that user could replace what root runs from it`,
        fix,
      );
    }
    const writable = (st.mode & 0o022) !== 0;
    const sticky = (st.mode & 0o1000) !== 0;
    if (writable && (isTarget || !sticky)) {
      throw new EnvironmentError(
        `${where} is writable by group or others (mode ${(st.mode & 0o7777).toString(8)}): they could replace what root runs from it`,
        fix,
      );
    }
    if (p === path.dirname(p)) return;
    p = path.dirname(p);
    isTarget = false;
  }
}
