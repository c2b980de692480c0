/** The few Docker commands the image builds need, through the one exec seam. */
import { EnvironmentError } from '../../../util/errors.ts';
import { lastLines, run, type RunResult } from '../../../util/exec.ts';

const HINT = "run `npm run setup -- kind` (it installs Debian's docker.io and starts dockerd)";

export async function docker(args: readonly string[], timeoutMs = 600_000): Promise<string> {
  const r = await dockerMaybe(args, timeoutMs);
  if (r.exitCode !== 0) {
    throw new EnvironmentError(`docker ${args.join(' ')} failed:\n${lastLines(r.stderr || r.stdout, 15)}`);
  }
  return r.stdout.trim();
}

export function dockerMaybe(args: readonly string[], timeoutMs = 600_000): Promise<RunResult> {
  return run('docker', args, { allowFailure: true, timeoutMs, installHint: HINT });
}

/** One label of a local image, or undefined when the image (or the label) is not there. */
export async function imageLabel(ref: string, label: string): Promise<string | undefined> {
  const r = await dockerMaybe(['image', 'inspect', '--format', `{{ index .Config.Labels "${label}" }}`, ref]);
  const value = r.stdout.trim();
  return r.exitCode === 0 && value !== '' && value !== '<no value>' ? value : undefined;
}

export async function imageExists(ref: string): Promise<boolean> {
  return (await dockerMaybe(['image', 'inspect', '--format', '{{.Id}}', ref])).exitCode === 0;
}

/**
 * Gives an image its configuration with Dockerfile instructions (`docker import` and `docker commit`
 * refuse some, such as STOPSIGNAL): a one-step build FROM the raw image, which is then untagged.
 */
export async function configureImage(
  raw: string,
  ref: string,
  instructions: readonly string[],
): Promise<void> {
  const dockerfile = [`FROM ${raw}`, ...instructions].join('\n') + '\n';
  // The classic builder: no BuildKit plugin needed, and FROM a local image never reaches a registry.
  const r = await run('docker', ['build', '--quiet', '-t', ref, '-'], {
    input: dockerfile,
    env: { DOCKER_BUILDKIT: '0' },
    allowFailure: true,
    timeoutMs: 600_000,
    installHint: HINT,
  });
  if (r.exitCode !== 0)
    throw new EnvironmentError(`docker build of ${ref} failed:\n${lastLines(r.stderr, 15)}`);
  await dockerMaybe(['rmi', raw]);
}

/** Imports a rootfs tarball as an image configured by Dockerfile instructions. */
export async function importRootfs(tar: string, ref: string, instructions: readonly string[]): Promise<void> {
  const raw = `${ref}-raw`;
  await docker(['import', tar, raw]);
  await configureImage(raw, ref, instructions);
}
