/** The pod sandbox program, compiled from the Kubernetes release's own build/pause/linux/pause.c. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../../../util/errors.ts';
import { lastLines, run } from '../../../util/exec.ts';

/** The pause image tag the release's build/pause/Makefile declares (`TAG ?= 3.10.2`). */
export function pauseTag(makefile: string): string {
  const tag = /^TAG\s*\?=\s*(\S+)/m.exec(makefile)?.[1];
  if (!tag) throw new EnvironmentError('build/pause/Makefile of the Kubernetes module declares no TAG');
  return tag;
}

function pauseSourceDir(kubernetesModuleDir: string): string {
  return path.join(kubernetesModuleDir, 'build', 'pause');
}

export function readPauseTag(kubernetesModuleDir: string): string {
  return pauseTag(readFileSync(path.join(pauseSourceDir(kubernetesModuleDir), 'Makefile'), 'utf8'));
}

/** Compiles pause.c statically with the Makefile's flags into out. */
export async function compilePause(kubernetesModuleDir: string, kubernetesVersion: string, out: string) {
  const tag = readPauseTag(kubernetesModuleDir);
  const source = path.join(pauseSourceDir(kubernetesModuleDir), 'linux', 'pause.c');
  const r = await run(
    'gcc',
    ['-Os', '-Wall', '-Werror', '-static', `-DVERSION=v${tag}-${kubernetesVersion}`, '-o', out, source],
    { allowFailure: true, timeoutMs: 120_000 },
  );
  if (r.exitCode !== 0) {
    throw new EnvironmentError(
      `compiling ${source} failed:\n${lastLines(r.stderr, 10)}`,
      'run `npm run setup -- kind` (it installs gcc and libc6-dev)',
    );
  }
  return tag;
}
