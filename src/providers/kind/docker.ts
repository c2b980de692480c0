/** The Docker command line, through the one exec seam: failures name the command and its output. */
import { EnvironmentError } from '../../util/errors.ts';
import { lastLines, run, type RunResult } from '../../util/exec.ts';

const HINT = "run `npm run setup -- kind` (it installs Debian's docker.io and starts dockerd)";

export interface DockerOptions {
  timeoutMs?: number;
  input?: string;
  env?: Record<string, string>;
}

/** Runs docker; the caller reads the exit code. */
export function dockerMaybe(args: readonly string[], opts: DockerOptions = {}): Promise<RunResult> {
  return run('docker', args, {
    allowFailure: true,
    timeoutMs: opts.timeoutMs ?? 600_000,
    input: opts.input,
    env: opts.env,
    installHint: HINT,
  });
}

/** Runs docker and returns its trimmed output; throws, naming the command, when it fails. */
export async function docker(args: readonly string[], opts: DockerOptions = {}): Promise<string> {
  const r = await dockerMaybe(args, opts);
  if (r.exitCode !== 0)
    throw new EnvironmentError(`docker ${args.join(' ')} failed:\n${lastLines(r.stderr || r.stdout, 15)}`);
  return r.stdout.trim();
}
