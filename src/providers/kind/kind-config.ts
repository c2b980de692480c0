/**
 * The configuration handed to `kind create cluster`: a file of kind-configs/ plus what this machine
 * and the pinned images need, as kubeadm and containerd patches.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot } from '../../components/manifest.ts';
import { UsageError } from '../../util/errors.ts';

export const DEFAULT_KIND_CONFIG = path.join(repoRoot, 'kind-configs', 'three-control-planes.yaml');

/** What the machine running the nodes lacks, as far as kind's defaults are concerned. */
export interface HostNeeds {
  /** cgroup v1 (or hybrid): kubelet 1.36 refuses it unless failCgroupV1 is false. */
  cgroupV1: boolean;
  /** No CAP_SYS_RESOURCE: containerd must not lower a container's oom_score_adj below its own. */
  noSysResource: boolean;
}

interface KindNodeConfig {
  role?: string;
  extraMounts?: { hostPath: string; containerPath: string }[];
  [key: string]: unknown;
}

interface KindConfig {
  kind?: string;
  apiVersion?: string;
  nodes?: KindNodeConfig[];
  kubeadmConfigPatches?: string[];
  containerdConfigPatches?: string[];
  [key: string]: unknown;
}

const isControlPlane = (n: KindNodeConfig) => (n.role ?? 'control-plane') === 'control-plane';

/** How many control-plane nodes a configuration has. */
export function controlPlaneCount(config: KindConfig): number {
  return (config.nodes ?? []).filter(isControlPlane).length;
}

/** Reads and checks a kind cluster configuration: at least three control-plane nodes. */
export function readKindConfig(file: string, text = readFileSync(file, 'utf8')): KindConfig {
  let config: KindConfig;
  try {
    config = parse(text) as KindConfig;
  } catch (err) {
    throw new UsageError(
      `${file}: not YAML: ${(err as Error).message}`,
      'fix the file, or leave out --kind-config',
    );
  }
  if (config?.kind !== 'Cluster' || config.apiVersion !== 'kind.x-k8s.io/v1alpha4')
    throw new UsageError(
      `${file}: kind ${String(config?.kind)}, apiVersion ${String(config?.apiVersion)} is not a kind cluster configuration`,
      'start from kind-configs/three-control-planes.yaml (kind: Cluster, apiVersion: kind.x-k8s.io/v1alpha4)',
    );
  const planes = controlPlaneCount(config);
  if (planes < 3)
    throw new UsageError(
      `${file}: nodes has ${planes} control-plane node(s); a highly available control plane needs 3`,
      'list three nodes with role: control-plane',
    );
  return config;
}

/**
 * The configuration with the patches the machine and the pinned images need. `etcdDataDir(i)` is a
 * directory of this machine (tmpfs, as the local provider's) mounted as the i-th control-plane
 * node's /var/lib/etcd: on the node's disk, etcd's fsyncs would dominate API latency on a small
 * machine and the two providers would not be compared on the same footing.
 */
export function kindClusterConfig(
  base: KindConfig,
  needs: HostNeeds,
  corednsVersion: string,
  etcdDataDir: (index: number) => string,
): string {
  let plane = 0;
  const nodes = (base.nodes ?? []).map((n) =>
    isControlPlane(n)
      ? {
          ...n,
          extraMounts: [
            ...(n.extraMounts ?? []),
            { hostPath: etcdDataDir(plane++), containerPath: '/var/lib/etcd' },
          ],
        }
      : n,
  );
  const kubeadm = [...(base.kubeadmConfigPatches ?? [])];
  const containerd = [...(base.containerdConfigPatches ?? [])];
  // The node image carries the CoreDNS we build, which is newer than kubeadm's default tag.
  kubeadm.push(`kind: ClusterConfiguration\ndns:\n  imageTag: ${corednsVersion}\n`);
  if (needs.cgroupV1) kubeadm.push('kind: KubeletConfiguration\nfailCgroupV1: false\n');
  if (needs.noSysResource)
    containerd.push('[plugins."io.containerd.grpc.v1.cri"]\n  restrict_oom_score_adj = true\n');
  return stringify({
    ...base,
    nodes,
    kubeadmConfigPatches: kubeadm,
    ...(containerd.length ? { containerdConfigPatches: containerd } : {}),
  });
}
