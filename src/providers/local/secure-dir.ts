/**
 * The state directory, safe on a shared machine: the tool runs as root and
 * runs what it finds there (the supervisor's plan), so every level it makes
 * is made by root for root alone, checked without following links, and a
 * directory that lacks our marker is never used and never removed.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { EnvironmentError } from '../../util/errors.ts';

/** Holds the cluster's random id; its presence (root's, 0600) is what makes a directory ours. */
export const MARKER_FILE = '.kube-ha-drill-cluster';

const uid = () => process.getuid?.() ?? 0;

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function refuse(p: string, why: string, fix: string): never {
  throw new EnvironmentError(`state directory ${p} ${why}; refusing to use it`, fix);
}

const FIX_ROOT =
  'remove it after checking what is in it (it was not made by kube-ha-drill as this user), or choose another --state-root';

/**
 * Every level above the state root may be shared (like /dev/shm) but only if nobody else can swap
 * what is in it: owned by root or us, and writable by others only with the sticky bit.
 */
function checkAncestor(p: string): void {
  let st = lstatSync(p);
  if (st.isSymbolicLink()) {
    if (st.uid !== 0 && st.uid !== uid()) refuse(p, `is a symbolic link owned by uid ${st.uid}`, FIX_ROOT);
    st = statSync(p);
  }
  if (!st.isDirectory()) refuse(p, 'is not a directory', FIX_ROOT);
  if (st.uid !== 0 && st.uid !== uid()) refuse(p, `lies in a directory owned by uid ${st.uid}`, FIX_ROOT);
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0)
    refuse(
      p,
      `lies in a directory others can write to (mode ${(st.mode & 0o7777).toString(8)}, no sticky bit)`,
      FIX_ROOT,
    );
}

/** A level the tool makes and owns: a real directory of this user that nobody else can read or write. */
function checkOwnDir(p: string, st: Stats): void {
  if (st.isSymbolicLink()) refuse(p, 'is a symbolic link', FIX_ROOT);
  if (!st.isDirectory()) refuse(p, 'is not a directory', FIX_ROOT);
  if (st.uid !== uid()) refuse(p, `is owned by uid ${st.uid}, not by uid ${uid()}`, FIX_ROOT);
  if ((st.mode & 0o077) !== 0)
    refuse(p, `has mode ${(st.mode & 0o777).toString(8)}, not 700: others could have changed it`, FIX_ROOT);
}

/** mkdir that never follows or reuses what someone else put there first. */
function makeOwnDir(p: string): void {
  try {
    mkdirSync(p, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  checkOwnDir(p, lstatSync(p));
}

/** Makes (or checks) the state root, level by level: ancestors as shared places, the root as our own. */
export function ensureStateRoot(root: string): void {
  const abs = path.resolve(root);
  const parts = abs.split('/').filter(Boolean);
  let p = '/';
  for (let i = 0; i < parts.length - 1; i++) {
    p = path.join(p, parts[i]!);
    const st = lstatOrUndefined(p);
    if (st === undefined) makeOwnDir(p);
    else checkAncestor(p);
  }
  const st = lstatOrUndefined(abs);
  if (st === undefined) makeOwnDir(abs);
  else checkOwnDir(abs, st);
}

/**
 * What is at a cluster's directory: nothing, or a directory we made (with our marker). Anything
 * else there is refused, never used or removed; the state root above it is checked too.
 */
export function clusterDirState(dir: string): 'absent' | 'ours' {
  const root = path.dirname(dir);
  if (lstatOrUndefined(root) === undefined) return 'absent';
  ensureStateRoot(root);
  const st = lstatOrUndefined(dir);
  if (st === undefined) return 'absent';
  const fix = `remove ${dir} yourself after checking what is in it, or choose another --name or --state-root`;
  if (st.isSymbolicLink() || !st.isDirectory() || st.uid !== uid() || (st.mode & 0o077) !== 0)
    refuse(dir, 'exists and was not made by kube-ha-drill (wrong type, owner or mode)', fix);
  const marker = lstatOrUndefined(path.join(dir, MARKER_FILE));
  if (!marker?.isFile() || marker.uid !== uid() || (marker.mode & 0o077) !== 0)
    refuse(dir, `exists without kube-ha-drill's marker (${MARKER_FILE})`, fix);
  return 'ours';
}

/** The random id in the marker of a cluster directory we made. */
export function clusterIdOf(dir: string): string | undefined {
  try {
    return readFileSync(path.join(dir, MARKER_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Makes a new cluster directory with its marker; the directory must not exist. */
export function createClusterDir(dir: string): string {
  ensureStateRoot(path.dirname(dir));
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      refuse(dir, 'appeared while the cluster was being made', 'run the command again');
    throw err;
  }
  checkOwnDir(dir, lstatSync(dir));
  const id = randomBytes(16).toString('hex');
  writeFileAtomic(path.join(dir, MARKER_FILE), `${id}\n`);
  return id;
}
