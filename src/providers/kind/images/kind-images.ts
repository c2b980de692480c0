/**
 * The node and load-balancer images of the kind provider, built without any registry and cached in
 * Docker under localhost/kube-ha-drill/..., tagged and labelled with the hash of their inputs: the
 * pinned binaries' sha256, the kind and Kubernetes module sums, the Debian suite and package list,
 * and the source files of each image's recipe (a change to the recipe rebuilds that image).
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../../../components/cache.ts';
import type { Components } from '../../../components/components.ts';
import { downloadModule } from '../../../components/go-toolchain.ts';
import { buildOf } from '../../../components/manifest.ts';
import { formatDuration, progress } from '../../../util/progress.ts';
import { docker, dockerMaybe } from '../docker.ts';
import { imageExists, imageLabel } from './docker-cli.ts';
import {
  buildLoadBalancerImage,
  connectionLimit,
  kindLoadBalancerImage,
  LB_PROGRAMS,
  openFilesHardLimit,
} from './lb-image.ts';
import { buildNodeImage } from './node-image.ts';
import { DEBIAN_MIRROR, DEBIAN_SUITE, NODE_BINARIES, NODE_PACKAGES } from './node-rootfs.ts';
import { readPauseTag } from './pause-binary.ts';
import type { WorkloadVersions } from './workload-images.ts';

export const INPUTS_LABEL = 'io.kube-ha-drill.inputs';

const REPO = 'localhost/kube-ha-drill';

export interface KindImages {
  node: string;
  loadBalancer: string;
  /** kind's own name for its load balancer image, tagged onto ours when it has no image of its own. */
  kindLoadBalancer: string;
}

function versionOf(components: Components, binary: string): string {
  const build = buildOf(components.manifest, binary)?.build;
  if (!build) throw new Error(`components.json builds no ${binary}`);
  return build.version;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The recipe: the source files that make an image, so that editing the recipe rebuilds it. */
function recipeHash(files: string[]): string {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  return sha256(files.map((f) => `${f}\n${readFileSync(path.join(dir, f), 'utf8')}`).join('\n'));
}

const SHARED_RECIPE = ['docker-cli.ts', 'stage-program.ts'];
const NODE_RECIPE = [
  ...SHARED_RECIPE,
  'node-rootfs.ts',
  'pause-binary.ts',
  'workload-images.ts',
  'node-image.ts',
];
const LB_RECIPE = [...SHARED_RECIPE, 'lb-image.ts'];

interface Modules {
  kind: { dir: string; sum: string };
  kubernetes: { dir: string; sum: string };
}

async function modules(components: Components): Promise<Modules> {
  const toolchain = components.manifest.goToolchain;
  const kind = await downloadModule(
    'sigs.k8s.io/kind',
    versionOf(components, 'kind'),
    'kind images',
    toolchain,
  );
  const k8s = await downloadModule(
    'k8s.io/kubernetes',
    versionOf(components, 'kubeadm'),
    'kind images',
    toolchain,
  );
  return { kind: { dir: kind.dir, sum: kind.sum }, kubernetes: { dir: k8s.dir, sum: k8s.sum } };
}

const WORKLOAD_BINARIES = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kube-proxy',
  'etcd',
  'etcdctl',
  'etcdutl',
  'coredns',
];

/** The binaries' sha256 as the component records hold them (each checked against its pin, not hashed again). */
function binaryHashes(components: Components, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, components.sha256(n)]));
}

/**
 * Removes the other tags of one of our repositories (images of older inputs, about 1 GB each for
 * nodes). An image a cluster still runs on is refused by Docker and stays.
 */
async function pruneOthers(ref: string): Promise<void> {
  const repo = ref.replace(/:[^:/]*$/, '');
  const listed = await docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', repo]);
  const others = listed.split('\n').filter((r) => r !== '' && r !== ref && !r.endsWith(':<none>'));
  for (const other of others) await dockerMaybe(['rmi', other]);
}

/** Makes (or finds cached) the node and load-balancer images; `force` rebuilds them. */
export async function ensureKindImages(
  components: Components,
  opts: { force?: boolean; node?: boolean } = {},
): Promise<KindImages> {
  const mods = await modules(components);
  const kubernetes = versionOf(components, 'kubeadm');
  const versions: WorkloadVersions = {
    kubernetes,
    etcd: versionOf(components, 'etcd'),
    coredns: versionOf(components, 'coredns'),
    pause: readPauseTag(mods.kubernetes.dir),
  };
  const nodeInputs = sha256(
    JSON.stringify({
      recipe: recipeHash(NODE_RECIPE),
      debian: { suite: DEBIAN_SUITE, mirror: DEBIAN_MIRROR, packages: NODE_PACKAGES },
      modules: { kind: mods.kind.sum, kubernetes: mods.kubernetes.sum },
      binaries: binaryHashes(components, [...Object.keys(NODE_BINARIES), ...WORKLOAD_BINARIES]),
      versions,
    }),
  ).slice(0, 16);
  const maxconn = connectionLimit(openFilesHardLimit());
  const lbInputs = sha256(
    JSON.stringify({
      recipe: recipeHash(LB_RECIPE),
      kind: mods.kind.sum,
      programs: LB_PROGRAMS.map((p) => sha256(readFileSync(p))),
      maxconn,
    }),
  ).slice(0, 16);
  const images: KindImages = {
    node: `${REPO}/kind-node:${kubernetes}-${nodeInputs}`,
    loadBalancer: `${REPO}/kind-haproxy:${lbInputs}`,
    kindLoadBalancer: kindLoadBalancerImage(mods.kind.dir),
  };
  const work = path.join(cacheRoot(), 'kind-images', 'work');
  const fresh = async (ref: string, inputs: string) =>
    !opts.force && (await imageLabel(ref, INPUTS_LABEL)) === inputs;

  // A node image the user names (--node-image) is used as it is: ours is then not needed.
  if (opts.node !== false && !(await fresh(images.node, nodeInputs))) {
    const t0 = Date.now();
    progress(
      `kind node image ${images.node}: building (Debian ${DEBIAN_SUITE} by debootstrap, then the pinned builds)`,
    );
    await buildNodeImage(components, {
      ref: images.node,
      labels: { [INPUTS_LABEL]: nodeInputs },
      work,
      kindModuleDir: mods.kind.dir,
      kubernetesModuleDir: mods.kubernetes.dir,
      versions,
    });
    progress(`kind node image ${images.node}: built in ${formatDuration(Date.now() - t0)}`);
    await pruneOthers(images.node);
  }
  if (!(await fresh(images.loadBalancer, lbInputs))) {
    progress(`kind load balancer image ${images.loadBalancer}: building`);
    rmSync(work, { recursive: true, force: true });
    await buildLoadBalancerImage(
      mods.kind.dir,
      path.join(work, 'lb'),
      images.loadBalancer,
      { [INPUTS_LABEL]: lbInputs },
      maxconn,
    );
    rmSync(work, { recursive: true, force: true });
    await pruneOthers(images.loadBalancer);
  }
  // kind runs its load balancer by a fixed name: ours stands in when no image has that name, or ours did.
  const owner = await imageLabel(images.kindLoadBalancer, INPUTS_LABEL);
  if (!(await imageExists(images.kindLoadBalancer)) || (owner !== undefined && owner !== lbInputs)) {
    await docker(['tag', images.loadBalancer, images.kindLoadBalancer]);
  }
  return images;
}
