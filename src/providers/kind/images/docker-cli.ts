/** The Docker commands the image builds need beyond running docker: labels, configuration, import. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../../util/exec.ts';
import { docker, dockerMaybe } from '../docker.ts';

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
  await docker(['build', '--quiet', '-t', ref, '-'], { input: dockerfile, env: { DOCKER_BUILDKIT: '0' } });
  await dockerMaybe(['rmi', raw]);
}

/**
 * Imports a root file system directory as an image configured by Dockerfile instructions. A
 * minimal one (a few staged programs) gets a /tmp; files keep their numeric owners.
 */
export async function importRootfs(dir: string, ref: string, instructions: readonly string[]): Promise<void> {
  mkdirSync(path.join(dir, 'tmp'), { recursive: true, mode: 0o1777 });
  const tar = `${dir}.tar`;
  await run('tar', ['-C', dir, '--numeric-owner', '-cf', tar, '.'], { timeoutMs: 600_000 });
  const raw = `${ref}-raw`;
  await docker(['import', tar, raw]);
  await configureImage(raw, ref, instructions);
}
