import os from 'node:os';
import path from 'node:path';

/**
 * Where provisioned binaries live: outside the repository, per user, with the
 * version in the path so several pins can coexist.
 *   $KHD_CACHE_DIR, else $XDG_CACHE_HOME/kube-ha-drill, else ~/.cache/kube-ha-drill
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KHD_CACHE_DIR) return path.resolve(env.KHD_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(base, 'kube-ha-drill');
}

export function buildDir(buildName: string, version: string, root = cacheRoot()): string {
  return path.join(root, 'components', buildName, version);
}

export function binDir(buildName: string, version: string, root = cacheRoot()): string {
  return path.join(buildDir(buildName, version, root), 'bin');
}

/** The record of what was built: per binary sha256, build time and reported version. */
export function provenancePath(buildName: string, version: string, root = cacheRoot()): string {
  return path.join(buildDir(buildName, version, root), 'provenance.json');
}
