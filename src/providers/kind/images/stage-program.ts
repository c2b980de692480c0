/**
 * Copies a program and the shared libraries it loads from a root file system into a staging
 * directory, at the same paths: how a minimal image gets iptables or HAProxy without a package
 * manager. Libraries are read with ldd inside that root (chroot), so they are the root's own.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import path from 'node:path';
import { run } from '../../../util/exec.ts';

/** The absolute paths ldd prints for a program: "libx.so => /lib/libx.so (0x...)" and the loader. */
export function lddPaths(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split('\n')) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (m) paths.add(m[1]!);
  }
  return [...paths];
}

/** Copies one file (following symlinks in its directory chain) into dest at the same path. */
export function copyInto(root: string, file: string, dest: string): void {
  const from = path.join(root, file);
  const to = path.join(dest, file);
  mkdirSync(path.dirname(to), { recursive: true });
  const st = lstatSync(from);
  if (st.isSymbolicLink()) {
    const target = readlinkSync(from);
    if (!existsSync(to)) symlinkSync(target, to);
    const resolved = path.isAbsolute(target) ? target : path.join(path.dirname(file), target);
    copyInto(root, resolved, dest);
    return;
  }
  if (st.isDirectory()) cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  else if (!existsSync(to)) copyFileSync(from, to);
}

async function stageLibraries(root: string, file: string, dest: string): Promise<void> {
  const ldd =
    root === '/'
      ? await run('ldd', [file], { allowFailure: true })
      : await run('chroot', [root, 'ldd', file], { allowFailure: true });
  // A static program makes ldd exit non-zero ("not a dynamic executable"): nothing more to copy.
  if (ldd.exitCode !== 0) return;
  for (const lib of lddPaths(ldd.stdout)) copyInto(root, lib, dest);
}

/**
 * Stages `program` (an absolute path inside root) and its libraries into dest. A directory (of
 * plugins such as iptables' extensions) is copied whole, with the libraries of each file in it.
 */
export async function stageProgram(root: string, program: string, dest: string): Promise<void> {
  copyInto(root, program, dest);
  const from = path.join(root, program);
  const files = statSync(from).isDirectory()
    ? readdirSync(from).map((f) => path.join(program, f))
    : [program];
  for (const file of files) await stageLibraries(root, file, dest);
}
