/**
 * Assembles the kind node image: the node rootfs imported as a base image, then the workload images
 * imported into its containerd (as `kind build node-image` does, but offline), then committed.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Components } from '../../../components/components.ts';
import { EnvironmentError } from '../../../util/errors.ts';
import { progress } from '../../../util/progress.ts';
import { pollUntil } from '../../../util/wait-until.ts';
import { docker, dockerMaybe } from '../docker.ts';
import { configureImage, importRootfs } from './docker-cli.ts';
import { buildNodeRootfs } from './node-rootfs.ts';
import { compilePause } from './pause-binary.ts';
import { saveWorkloadImages, workloadImages, type WorkloadVersions } from './workload-images.ts';

/** kind's base image configuration: systemd learns it runs in a container and stops on SIGRTMIN+3. */
const NODE_CONFIG = [
  'ENV container=docker',
  'STOPSIGNAL SIGRTMIN+3',
  'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
];

export interface NodeImageSpec {
  ref: string;
  labels: Record<string, string>;
  /** Scratch directory, removed before and after. */
  work: string;
  kindModuleDir: string;
  kubernetesModuleDir: string;
  versions: WorkloadVersions;
}

/** Starts containerd inside the base image, imports the workload images, commits the node image. */
async function commitNodeImage(base: string, archive: string, ref: string, labels: Record<string, string>) {
  const name = `khd-kind-image-build-${process.pid}`;
  await dockerMaybe(['rm', '-f', name]);
  try {
    await docker([
      'run',
      '-d',
      '--name',
      name,
      '--entrypoint',
      'sleep',
      '-v',
      `${path.dirname(archive)}:/khd-import:ro`,
      base,
      'infinity',
    ]);
    await docker(['exec', '-d', name, 'containerd']);
    const ready = await pollUntil(
      async () => ((await dockerMaybe(['exec', name, 'ctr', 'version'])).exitCode === 0 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    if (!ready) throw new EnvironmentError('containerd did not start inside the node image build container');
    progress("kind node image: importing the images into the node's containerd");
    await docker([
      'exec',
      name,
      'ctr',
      '-n',
      'k8s.io',
      'images',
      'import',
      '--all-platforms',
      '--no-unpack',
      '--digests',
      `/khd-import/${path.basename(archive)}`,
    ]);
    await docker([
      'exec',
      name,
      'sh',
      '-c',
      'kill $(pidof containerd); while pidof containerd >/dev/null; do sleep 0.2; done',
    ]);
    await docker(['commit', name, `${ref}-raw`]);
    await configureImage(`${ref}-raw`, ref, [
      ...NODE_CONFIG,
      'CMD []',
      ...Object.entries(labels).map(([k, v]) => `LABEL ${k}="${v}"`),
    ]);
  } finally {
    await dockerMaybe(['rm', '-f', name]);
  }
}

export async function buildNodeImage(components: Components, spec: NodeImageSpec): Promise<void> {
  const { work, versions } = spec;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true, mode: 0o700 });
  const rootfs = path.join(work, 'rootfs');
  await buildNodeRootfs(rootfs, components, {
    kindModuleDir: spec.kindModuleDir,
    kubernetesVersion: versions.kubernetes,
    sandboxImage: `registry.k8s.io/pause:${versions.pause}`,
  });
  const pause = path.join(work, 'pause');
  await compilePause(spec.kubernetesModuleDir, versions.kubernetes, pause);
  const workload = workloadImages(versions, pause);
  const archive = await saveWorkloadImages(workload, components, rootfs, path.join(work, 'images'));
  // The registry names were only needed for the archive: leave the host's Docker as it was.
  await dockerMaybe(['rmi', ...workload.map((w) => w.ref)]);
  const base = `${spec.ref.replace(/:[^:]*$/, '')}-base:${spec.ref.split(':').pop()}`;
  progress('kind node image: importing the base rootfs into Docker');
  await importRootfs(rootfs, base, NODE_CONFIG);
  await commitNodeImage(base, archive, spec.ref, spec.labels);
  await dockerMaybe(['rmi', base]);
  rmSync(work, { recursive: true, force: true });
}
