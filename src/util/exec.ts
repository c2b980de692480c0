import { execa, type Options, type Result } from 'execa';
import { EnvironmentError } from './errors.ts';

/**
 * The one seam through which the tool runs external programs. A program that
 * is not installed becomes an EnvironmentError that says how to get it.
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
  const [cmd, argv] = opts.netns ? ['ip', ['netns', 'exec', opts.netns, file, ...args]] : [file, [...args]];
  const options: Options = {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: !opts.exactEnv,
    input: opts.input,
    timeout: opts.timeoutMs,
    reject: false,
    stripFinalNewline: true,
  };
  const r = (await execa(cmd, argv, options)) as Result;
  if (
    (r as { code?: string }).code === 'ENOENT' ||
    (r.failed && r.exitCode === undefined && /ENOENT/.test(String(r.message)))
  ) {
    throw new EnvironmentError(
      `${cmd} is not installed or not on PATH`,
      opts.installHint ?? 'run `npm run setup`, which installs every part the tool needs',
    );
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
