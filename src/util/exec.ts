import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { execa, execaSync, type Result, type SyncResult } from 'execa';
import { EnvironmentError } from './errors.ts';

/**
 * The one seam through which the tool runs external programs: run() and runSync() for a program
 * that does its work and exits, startProcess() for one that keeps running beside the tool. A
 * program that is not installed becomes an EnvironmentError that says how to get it.
 */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Run with exactly `env`, nothing of process.env added (what the tool sets must not be overridden). */
  exactEnv?: boolean;
  input?: string;
  timeoutMs?: number;
  /** Do not throw on a non-zero exit; the caller inspects exitCode. */
  allowFailure?: boolean;
  /** Run inside this network namespace (ip netns exec). */
  netns?: string;
  /** Fix to print when the program is missing. */
  installHint?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, argv] = commandLine(file, args, opts.netns);
  return settle(cmd, argv, (await execa(cmd, argv, execaOptions(opts))) as Result, opts);
}

/** run(), blocking: for the few places that cannot wait (a check made while building a list). */
export function runSync(file: string, args: readonly string[], opts: RunOptions = {}): RunResult {
  const [cmd, argv] = commandLine(file, args, opts.netns);
  return settle(cmd, argv, execaSync(cmd, argv, execaOptions(opts)) as SyncResult, opts);
}

export interface StartOptions {
  cwd?: string;
  /** Added to process.env. */
  env?: Record<string, string | undefined>;
  /** Its output (stdout and stderr) appended to this file, its stdin ignored. */
  logFile?: string;
  /** Without a logFile: its stdin, stdout and stderr, all ignored unless given. */
  stdio?: StdioOptions;
  /** Its own process group, so it outlives the tool and a signal to the tool's group misses it. */
  detached?: boolean;
  /** Run inside this network namespace (ip netns exec, which execs in place: the pid is the program's own). */
  netns?: string;
  /** Fix to print when the program is missing. */
  installHint?: string;
}

/**
 * Starts a program that keeps running (a daemon, the load generator, a lock holder) and returns it
 * at once, started: a program that could not be started throws here, never as a later 'error'.
 */
export function startProcess(
  file: string,
  args: readonly string[],
  opts: StartOptions = {},
): ChildProcess & { pid: number } {
  const [cmd, argv] = commandLine(file, args, opts.netns);
  const log = opts.logFile === undefined ? undefined : openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cmd, argv, {
      cwd: opts.cwd,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      stdio: log === undefined ? (opts.stdio ?? 'ignore') : ['ignore', log, log],
      detached: opts.detached ?? false,
    });
  } finally {
    if (log !== undefined) closeSync(log); // the child has its own copy
  }
  if (child.pid === undefined) {
    // spawn failed; its 'error' event follows, and is answered by this throw instead.
    child.on('error', () => {});
    // A bare name that cannot be started is, short of a broken system, one not on PATH.
    if (!cmd.includes('/') || !existsSync(cmd)) throw notInstalled(cmd, opts.installHint);
    throw new EnvironmentError(`could not start \`${[cmd, ...argv].join(' ')}\``);
  }
  return child as ChildProcess & { pid: number };
}

/** The command line that runs `file` in a network namespace (ip netns exec), or as it is. */
function commandLine(file: string, args: readonly string[], netns?: string): [string, string[]] {
  return netns ? ['ip', ['netns', 'exec', netns, file, ...args]] : [file, [...args]];
}

function notInstalled(cmd: string, installHint?: string): EnvironmentError {
  return new EnvironmentError(
    `${cmd} is not installed or not on PATH`,
    installHint ?? 'run `npm run setup`, which installs every part the tool needs',
  );
}

function execaOptions(opts: RunOptions) {
  return {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: !opts.exactEnv,
    input: opts.input,
    timeout: opts.timeoutMs,
    reject: false,
    stripFinalNewline: true,
  } as const;
}

function settle(cmd: string, argv: string[], r: Result | SyncResult, opts: RunOptions): RunResult {
  if (
    (r as { code?: string }).code === 'ENOENT' ||
    (r.failed && r.exitCode === undefined && /ENOENT/.test(String(r.message)))
  ) {
    throw notInstalled(cmd, opts.installHint);
  }
  const result: RunResult = {
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    exitCode: r.exitCode ?? -1,
  };
  if (!opts.allowFailure && (r.failed || result.exitCode !== 0)) {
    const why = r.timedOut ? `timed out after ${opts.timeoutMs} ms` : `exit code ${result.exitCode}`;
    throw new EnvironmentError(
      `\`${[cmd, ...argv].join(' ')}\` failed (${why}): ${lastLines(result.stderr || result.stdout, 15)}`,
    );
  }
  return result;
}

export function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n');
}
