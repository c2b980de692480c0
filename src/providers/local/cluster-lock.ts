/**
 * One command at a time per cluster: `cluster up`, `cluster down` and a
 * drill each hold an exclusive flock(2) on <state root>/<name>.lock while
 * they run. The lock is held by a small `flock ... cat` helper reading from
 * our pipe: when this process ends in any way (kill -9 included) the pipe
 * closes, the helper exits and the kernel releases the lock, so a stale
 * lock cannot outlive its holder.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { EnvironmentError } from '../../util/errors.ts';
import { startProcess } from '../../util/exec.ts';
import type { LocalClusterConfig } from './config.ts';
import { ensureStateRoot } from './secure-dir.ts';

/** flock's exit code when the lock is held by someone else (-n). */
const CONFLICT = 75;
const INSTALL_FLOCK = 'install util-linux (it provides flock): `apt-get install util-linux`';

interface Holder {
  pid: number;
  command: string;
  since: string;
}

/** What names a cluster's lock: its state root and name. */
export type LockScope = Pick<LocalClusterConfig, 'stateRoot' | 'name'>;

export function lockFileOf(config: LockScope): string {
  return path.join(config.stateRoot, `${config.name}.lock`);
}

/** Takes the cluster's lock or refuses at once, naming who holds it. */
async function acquire(file: string, command: string): Promise<ChildProcess> {
  const child = startProcess(
    'flock',
    ['--nonblock', '--conflict-exit-code', String(CONFLICT), file, '-c', 'echo locked; exec cat'],
    { stdio: ['pipe', 'pipe', 'pipe'], installHint: INSTALL_FLOCK },
  );
  const outcome = await new Promise<'locked' | number | Error>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('locked')) resolve('locked');
    });
    child.on('error', resolve);
    child.on('exit', (code) => resolve(code ?? -1));
  });
  if (outcome === 'locked') {
    const holder: Holder = { pid: process.pid, command, since: new Date().toISOString() };
    writeFileAtomic(`${file}.holder`, JSON.stringify(holder) + '\n');
    return child;
  }
  if (outcome instanceof Error)
    throw new EnvironmentError(`cannot lock ${file}: ${outcome.message}`, INSTALL_FLOCK);
  if (outcome === CONFLICT) {
    const h = readHolder(file);
    throw new EnvironmentError(
      `the cluster is busy: ${h ? `${h.command} (pid ${h.pid}, since ${h.since})` : 'another command'} holds ${file}`,
      'wait for it to finish, or stop it (Ctrl-C) and try again',
    );
  }
  throw new EnvironmentError(`cannot lock ${file}: flock exited with code ${outcome}`);
}

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(`${file}.holder`, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

/** Runs `fn` holding the cluster's lock; `command` is what a refused second command is told. */
export async function withClusterLock<T>(
  config: LockScope,
  command: string,
  fn: () => Promise<T>,
): Promise<T> {
  ensureStateRoot(config.stateRoot);
  const helper = await acquire(lockFileOf(config), command);
  try {
    return await fn();
  } finally {
    rmSync(`${lockFileOf(config)}.holder`, { force: true });
    // Released when the helper has exited: the next command may take the lock at once.
    const exited = new Promise((resolve) => helper.once('exit', resolve));
    helper.stdin!.end();
    if (helper.exitCode === null && helper.signalCode === null)
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
  }
}
