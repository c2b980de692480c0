/**
 * The container images kubeadm and kind run inside the nodes, made from the same pinned builds as
 * the local provider's processes (no registry): each is a small rootfs with the binary where the
 * upstream image has it, imported with `docker import` under the name kubeadm asks for, and
 * labelled with what it was built from.
 */
import { chmodSync, copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { Components } from '../../../components/components.ts';
import { progress } from '../../../util/progress.ts';
import { docker } from '../docker.ts';
import { importRootfs } from './docker-cli.ts';
import { stageProgram } from './stage-program.ts';

export const BUILT_FROM_LABEL = 'io.kube-ha-drill.built-from';

export interface WorkloadImage {
  ref: string;
  /** Pinned binaries (component name -> path in the image). */
  binaries: Record<string, string>;
  /** Programs (or directories) staged with their libraries from the node rootfs (kube-proxy's iptables). */
  fromNode?: string[];
  /** Symlinks (path -> target) made after staging. */
  links?: Record<string, string>;
  /** Extra files (path in the image -> file on this machine). */
  files?: Record<string, string>;
  entrypoint?: string[];
  builtFrom: string;
}

/** iptables-nft, as the upstream kube-proxy image has it (Debian's default alternative on bookworm). */
const IPTABLES_LINKS = Object.fromEntries(
  ['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore'].map(
    (n) => [`/usr/sbin/${n}`, 'xtables-nft-multi'],
  ),
);

export interface WorkloadVersions {
  kubernetes: string;
  etcd: string;
  coredns: string;
  pause: string;
}

/** What kubeadm v1.36 and the node's containerd ask for, by name, with our builds inside. */
export function workloadImages(v: WorkloadVersions, pauseBinary: string): WorkloadImage[] {
  const k8s = (name: string): WorkloadImage => ({
    ref: `registry.k8s.io/${name}:${v.kubernetes}`,
    binaries: { [name]: `/usr/local/bin/${name}` },
    builtFrom: `k8s.io/kubernetes@${v.kubernetes}`,
  });
  return [
    k8s('kube-apiserver'),
    k8s('kube-controller-manager'),
    k8s('kube-scheduler'),
    {
      ...k8s('kube-proxy'),
      fromNode: ['/usr/sbin/xtables-nft-multi', '/usr/lib/x86_64-linux-gnu/xtables', '/usr/sbin/conntrack'],
      links: IPTABLES_LINKS,
    },
    {
      // kubeadm names etcd images <version>-<image revision>; ours is revision 0 of our own build.
      ref: `registry.k8s.io/etcd:${v.etcd.replace(/^v/, '')}-0`,
      binaries: {
        etcd: '/usr/local/bin/etcd',
        etcdctl: '/usr/local/bin/etcdctl',
        etcdutl: '/usr/local/bin/etcdutl',
      },
      builtFrom: `go.etcd.io/etcd/server/v3@${v.etcd}`,
    },
    {
      ref: `registry.k8s.io/coredns/coredns:${v.coredns}`,
      binaries: { coredns: '/coredns' },
      entrypoint: ['/coredns'],
      builtFrom: `github.com/coredns/coredns@${v.coredns}`,
    },
    {
      ref: `registry.k8s.io/pause:${v.pause}`,
      binaries: {},
      files: { '/pause': pauseBinary },
      entrypoint: ['/pause'],
      builtFrom: `k8s.io/kubernetes@${v.kubernetes} build/pause/linux/pause.c`,
    },
  ];
}

/** Assembles one image's rootfs in dir and imports it into Docker. */
async function importImage(image: WorkloadImage, components: Components, nodeRootfs: string, dir: string) {
  mkdirSync(dir, { recursive: true });
  const put = (from: string, to: string) => {
    const dest = path.join(dir, to);
    mkdirSync(path.dirname(dest), { recursive: true });
    copyFileSync(from, dest);
    chmodSync(dest, 0o755);
  };
  for (const [name, to] of Object.entries(image.binaries)) put(components.path(name), to);
  for (const [to, from] of Object.entries(image.files ?? {})) put(from, to);
  for (const program of image.fromNode ?? []) await stageProgram(nodeRootfs, program, dir);
  for (const [link, target] of Object.entries(image.links ?? {})) symlinkSync(target, path.join(dir, link));
  await importRootfs(dir, image.ref, [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `LABEL ${BUILT_FROM_LABEL}="${image.builtFrom}"`,
    ...(image.entrypoint ? [`ENTRYPOINT ${JSON.stringify(image.entrypoint)}`] : []),
  ]);
}

/** Imports every image into Docker and saves them all into one archive for the node's containerd. */
export async function saveWorkloadImages(
  images: WorkloadImage[],
  components: Components,
  nodeRootfs: string,
  workDir: string,
): Promise<string> {
  for (const [i, image] of images.entries()) {
    progress(`kind node image: image ${image.ref} (${image.builtFrom})`);
    await importImage(image, components, nodeRootfs, path.join(workDir, `image-${i}`));
  }
  const archive = path.join(workDir, 'images.tar');
  await docker(['save', '-o', archive, ...images.map((i) => i.ref)]);
  return archive;
}
