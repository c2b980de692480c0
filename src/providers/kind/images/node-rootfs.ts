/**
 * The root file system of a kind node, as kind v0.31's images/base Dockerfile makes it, but from
 * Debian's archive by debootstrap (no registry): bookworm with systemd, kind's base files (its
 * entrypoint, units, containerd config) from the kind module download, and our pinned builds of
 * containerd, runc, crictl, the CNI plugins, kubeadm, kubelet and kubectl.
 */
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Components } from '../../../components/components.ts';
import { EnvironmentError } from '../../../util/errors.ts';
import { lastLines, run } from '../../../util/exec.ts';
import { progress, withHeartbeat } from '../../../util/progress.ts';

export const DEBIAN_SUITE = 'bookworm';
export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';

/** The packages of kind's base image, less NFS/iSCSI and fuse-overlayfs (no storage drivers are tested). */
export const NODE_PACKAGES = [
  'systemd',
  'conntrack',
  'iptables',
  'nftables',
  'iproute2',
  'ethtool',
  'util-linux',
  'mount',
  'kmod',
  'libseccomp2',
  'pigz',
  'bash',
  'ca-certificates',
  'curl',
  'jq',
  'procps',
];

/** Where each pinned binary goes in the node, as in kind's base and node images. */
export const NODE_BINARIES: Record<string, string> = {
  containerd: '/usr/local/bin/containerd',
  'containerd-shim-runc-v2': '/usr/local/bin/containerd-shim-runc-v2',
  ctr: '/usr/local/bin/ctr',
  runc: '/usr/local/sbin/runc',
  crictl: '/usr/local/bin/crictl',
  'host-local': '/opt/cni/bin/host-local',
  loopback: '/opt/cni/bin/loopback',
  ptp: '/opt/cni/bin/ptp',
  portmap: '/opt/cni/bin/portmap',
  kubeadm: '/usr/bin/kubeadm',
  kubelet: '/usr/bin/kubelet',
  kubectl: '/usr/bin/kubectl',
};

async function chroot(rootfs: string, command: string): Promise<string> {
  const r = await run('chroot', [rootfs, '/bin/sh', '-c', command], {
    allowFailure: true,
    timeoutMs: 300_000,
  });
  if (r.exitCode !== 0) {
    throw new EnvironmentError(`in the node rootfs, \`${command}\` failed:\n${lastLines(r.stderr, 10)}`);
  }
  return r.stdout;
}

async function debootstrap(rootfs: string): Promise<void> {
  const label = `kind node image: debootstrap ${DEBIAN_SUITE} from ${DEBIAN_MIRROR}`;
  progress(label);
  const r = await withHeartbeat(label, () =>
    run(
      'debootstrap',
      ['--variant=minbase', `--include=${NODE_PACKAGES.join(',')}`, DEBIAN_SUITE, rootfs, DEBIAN_MIRROR],
      { allowFailure: true, timeoutMs: 1_800_000 },
    ),
  );
  if (r.exitCode !== 0) {
    const log = path.join(rootfs, 'debootstrap', 'debootstrap.log');
    throw new EnvironmentError(
      `debootstrap of Debian ${DEBIAN_SUITE} failed:\n${lastLines(r.stderr || r.stdout, 15)}`,
      `check that ${DEBIAN_MIRROR} answers (see ${log}), then run \`npm run setup -- kind\` again`,
    );
  }
}

/** Copies kind's images/base/files into the rootfs with the Dockerfile's modes (scripts 0755, the rest 0644). */
function addKindBaseFiles(kindModuleDir: string, rootfs: string): void {
  const files = path.join(kindModuleDir, 'images', 'base', 'files');
  for (const rel of readdirSync(files, { recursive: true, encoding: 'utf8' })) {
    if (rel.startsWith('LICENSES')) continue;
    const from = path.join(files, rel);
    const to = path.join(rootfs, rel);
    if (statSync(from).isDirectory()) {
      mkdirSync(to, { recursive: true, mode: 0o755 });
      continue;
    }
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(from, to);
    chmodSync(to, /^(usr\/local\/bin|kind\/bin)\//.test(rel) ? 0o755 : 0o644);
  }
}

/** The Dockerfile's RUN steps: trim systemd to what a node needs, enable kind's units. */
async function configureSystemd(rootfs: string): Promise<void> {
  await chroot(
    rootfs,
    [
      'find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete',
      'rm -f /lib/systemd/system/multi-user.target.wants/*',
      'rm -f /etc/systemd/system/*.wants/*',
      'rm -f /lib/systemd/system/local-fs.target.wants/*',
      'rm -f /lib/systemd/system/sockets.target.wants/*udev*',
      'rm -f /lib/systemd/system/sockets.target.wants/*initctl*',
      'rm -f /lib/systemd/system/basic.target.wants/*',
      'echo ReadKMsg=no >> /etc/systemd/journald.conf',
      'ln -sf "$(command -v systemd || echo /lib/systemd/systemd)" /sbin/init',
      'systemctl enable kubelet.service containerd.service undo-mount-hacks.service',
      'systemctl mask systemd-binfmt.service',
      'mkdir -p /etc/kubernetes/manifests /opt/cni/bin',
    ].join(' && '),
  );
}

function installBinaries(components: Components, rootfs: string): void {
  for (const [name, dest] of Object.entries(NODE_BINARIES)) {
    const to = path.join(rootfs, dest);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(components.path(name), to);
    chmodSync(to, 0o755);
  }
}

/**
 * kind's containerd config names pause 3.10; the Kubernetes release we build ships pause 3.10.2,
 * which is the sandbox image the node gets.
 */
export function withSandboxImage(config: string, image: string): string {
  return config.replace(/sandbox_image = "[^"]*"/, `sandbox_image = "${image}"`);
}

export interface NodeRootfsInputs {
  kindModuleDir: string;
  kubernetesVersion: string;
  sandboxImage: string;
}

/** Builds the rootfs into dir (which must not exist) and returns what Debian installed, for the record. */
export async function buildNodeRootfs(
  dir: string,
  components: Components,
  inputs: NodeRootfsInputs,
): Promise<string> {
  await debootstrap(dir);
  progress('kind node image: adding kind base files, systemd units and the pinned binaries');
  addKindBaseFiles(inputs.kindModuleDir, dir);
  await configureSystemd(dir);
  installBinaries(components, dir);
  const containerdConfig = path.join(dir, 'etc/containerd/config.toml');
  writeFileSync(
    containerdConfig,
    withSandboxImage(readFileSync(containerdConfig, 'utf8'), inputs.sandboxImage),
  );
  // As kind's Dockerfile: the default OCI spec with kind's product-files hook and no rlimits.
  const spec = JSON.parse(await chroot(dir, 'ctr oci spec')) as {
    hooks?: { createContainer?: { path: string }[] };
    process?: { rlimits?: unknown };
  };
  spec.hooks = {
    ...spec.hooks,
    createContainer: [...(spec.hooks?.createContainer ?? []), { path: '/kind/bin/mount-product-files.sh' }],
  };
  delete spec.process?.rlimits;
  writeFileSync(path.join(dir, 'etc/containerd/cri-base.json'), JSON.stringify(spec, null, 2));
  writeFileSync(path.join(dir, 'kind/version'), inputs.kubernetesVersion);
  const packages = await chroot(dir, "dpkg-query -W -f='${Package} ${Version}\\n'");
  writeFileSync(path.join(dir, 'kind/debian-packages.txt'), packages);
  await chroot(
    dir,
    'apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/share/doc/* /usr/share/man/* /var/log/*.log /debootstrap',
  );
  return packages;
}
