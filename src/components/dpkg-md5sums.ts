import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../util/errors.ts';

/**
 * A Debian binary is used only if it is the file dpkg installed: its md5 must match the package's
 * own md5sums list. MD5 is what dpkg records; it catches a replaced or patched file, not a
 * collision crafted by someone who can already write root's /usr.
 */

/** "<md5>  <path relative to />" lines -> absolute path -> md5. */
export function parseMd5sums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{32}) [ *]?(.+)$/.exec(line.trim());
    if (m) out.set('/' + m[2]!.replace(/^\/+/, ''), m[1]!);
  }
  return out;
}

export const DPKG_INFO = '/var/lib/dpkg/info';

/** <pkg>.md5sums, or <pkg>:<arch>.md5sums for a Multi-Arch: same package. */
export function md5sumsFile(pkg: string, infoDir = DPKG_INFO): string | undefined {
  const plain = path.join(infoDir, `${pkg}.md5sums`);
  if (existsSync(plain)) return plain;
  const arch = readdirSync(infoDir).find((f) => f.startsWith(`${pkg}:`) && f.endsWith('.md5sums'));
  return arch ? path.join(infoDir, arch) : undefined;
}

function md5(file: string): string {
  return createHash('md5').update(readFileSync(file)).digest('hex');
}

/**
 * Checks `file` (as found on PATH; symlinks such as /etc/alternatives followed) against package
 * `pkg`'s md5sums. `root` stands for / so that a test can use a directory of its own.
 * Returns the md5 that matched.
 */
export function verifyDebianFile(pkg: string, file: string, infoDir = DPKG_INFO, root = '/'): string {
  const list = md5sumsFile(pkg, infoDir);
  const fix = `reinstall it with \`apt-get install --reinstall ${pkg}\`, then check with \`dpkg --verify ${pkg}\``;
  if (!list) {
    throw new EnvironmentError(`Debian package ${pkg} has no md5sums list in ${infoDir}`, fix);
  }
  const real = realpathSync(file);
  // Entries name the package's path (bin/ip); on a merged-/usr system the file is reached as /usr/bin/ip.
  let recorded: string | undefined;
  for (const [entry, sum] of parseMd5sums(readFileSync(list, 'utf8'))) {
    if (path.basename(entry) !== path.basename(real)) continue;
    const onDisk = path.join(root, entry);
    if (existsSync(onDisk) && realpathSync(onDisk) === real) recorded = sum;
  }
  const shown = real === file ? file : `${file} (-> ${real})`;
  if (recorded === undefined) {
    throw new EnvironmentError(
      `${shown} is not a file of the Debian package ${pkg} (per ${list}): refusing to run it as the package's binary`,
      `remove it or fix PATH so that the package's own binary is found first; or ${fix}`,
    );
  }
  const actual = md5(real);
  if (actual !== recorded) {
    throw new EnvironmentError(
      `${shown} differs from what the Debian package ${pkg} installed: md5 ${actual}, dpkg recorded ${recorded}`,
      fix,
    );
  }
  return actual;
}
