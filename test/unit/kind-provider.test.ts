import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { boundingSet, missingCapabilities } from '../../src/components/docker-daemon.ts';
import { connectionLimit, openFilesHardLimit } from '../../src/providers/kind/images/lb-image.ts';
import { withSandboxImage } from '../../src/providers/kind/images/node-rootfs.ts';
import { pauseTag } from '../../src/providers/kind/images/pause-binary.ts';
import { lddPaths } from '../../src/providers/kind/images/stage-program.ts';
import {
  DEFAULT_KIND_CONFIG,
  kindClusterConfig,
  readKindConfig,
} from '../../src/providers/kind/kind-config.ts';
import { cniConfig, podRoutes } from '../../src/providers/kind/pod-network.ts';
import { UsageError } from '../../src/util/errors.ts';
import { caught } from '../caught.ts';
import { KindProvider } from '../../src/providers/kind/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

const refusal = (fn: () => unknown) => caught(fn, UsageError);

describe('kind provider: cluster configuration', () => {
  const base = readKindConfig(DEFAULT_KIND_CONFIG);
  const etcd = (i: number) => `/dev/shm/kube-ha-drill/kind-khd/etcd-${i + 1}`;

  it('the shipped configuration has three control-plane nodes and no CNI of kind', () => {
    expect(base.nodes?.map((n) => n.role)).to.deep.equal(['control-plane', 'control-plane', 'control-plane']);
    expect(base.networking).to.deep.equal({ disableDefaultCNI: true });
  });

  it('patches what this kind of machine lacks, and only that', () => {
    const bare = parse(kindClusterConfig(base, { cgroupV1: false, noSysResource: false }, 'v1.14.7', etcd));
    expect(bare.kubeadmConfigPatches).to.deep.equal([
      'kind: ClusterConfiguration\ndns:\n  imageTag: v1.14.7\n',
    ]);
    expect(bare.containerdConfigPatches).to.equal(undefined);
    const short = parse(kindClusterConfig(base, { cgroupV1: true, noSysResource: true }, 'v1.14.7', etcd));
    expect(short.kubeadmConfigPatches).to.include('kind: KubeletConfiguration\nfailCgroupV1: false\n');
    expect(short.containerdConfigPatches).to.deep.equal([
      '[plugins."io.containerd.grpc.v1.cri"]\n  restrict_oom_score_adj = true\n',
    ]);
  });

  it("mounts a directory of this machine as each control-plane node's /var/lib/etcd, keeping the user's mounts", () => {
    const user = {
      ...base,
      nodes: [
        { role: 'control-plane', extraMounts: [{ hostPath: '/x', containerPath: '/y' }] },
        ...base.nodes!,
        { role: 'worker' },
      ],
    };
    const out = parse(kindClusterConfig(user, { cgroupV1: false, noSysResource: false }, 'v1.14.7', etcd));
    expect(out.nodes.map((n: { extraMounts?: unknown[] }) => n.extraMounts)).to.deep.equal([
      [
        { hostPath: '/x', containerPath: '/y' },
        { hostPath: etcd(0), containerPath: '/var/lib/etcd' },
      ],
      [{ hostPath: etcd(1), containerPath: '/var/lib/etcd' }],
      [{ hostPath: etcd(2), containerPath: '/var/lib/etcd' }],
      [{ hostPath: etcd(3), containerPath: '/var/lib/etcd' }],
      undefined,
    ]);
  });

  it("refuses a configuration that is not kind's, or has fewer than three control planes, naming the file", () => {
    expect(
      refusal(() =>
        readKindConfig(
          'a.yaml',
          'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n  - role: worker\n',
        ),
      ).message,
    ).to.equal('a.yaml: nodes has 1 control-plane node(s); a highly available control plane needs 3');
    expect(refusal(() => readKindConfig('b.yaml', 'kind: Pod\napiVersion: v1\n')).message).to.equal(
      'b.yaml: kind Pod, apiVersion v1 is not a kind cluster configuration',
    );
    expect(refusal(() => readKindConfig('c.yaml', 'nodes: [')).message).to.match(/^c\.yaml: not YAML: /);
  });
});

describe('kind provider: pod network', () => {
  it('gives each node a ptp/host-local configuration for its own pod subnet', () => {
    const c = JSON.parse(cniConfig('10.244.1.0/24'));
    expect(c.plugins[0].type).to.equal('ptp');
    expect(c.plugins[0].ipam.ranges).to.deep.equal([[{ subnet: '10.244.1.0/24' }]]);
  });

  it("routes every other node's pod subnet via that node", () => {
    const subnets = [
      { node: 'a', ip: '172.18.0.2', podCidr: '10.244.0.0/24' },
      { node: 'b', ip: '172.18.0.3', podCidr: '10.244.1.0/24' },
      { node: 'c', ip: '172.18.0.4', podCidr: '10.244.2.0/24' },
    ];
    expect(podRoutes('b', subnets)).to.deep.equal([
      ['ip', 'route', 'replace', '10.244.0.0/24', 'via', '172.18.0.2'],
      ['ip', 'route', 'replace', '10.244.2.0/24', 'via', '172.18.0.4'],
    ]);
  });
});

describe('kind provider: images', () => {
  it('reads the libraries ldd names, the loader included', () => {
    const recorded = [
      '\tlinux-vdso.so.1 (0x00007ffd6b1f2000)',
      '\tlibcrypt.so.1 => /lib/x86_64-linux-gnu/libcrypt.so.1 (0x00007f0c1c9b1000)',
      '\tlibssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x00007f0c1c907000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f0c1ce33000)',
    ].join('\n');
    expect(lddPaths(recorded)).to.deep.equal([
      '/lib/x86_64-linux-gnu/libcrypt.so.1',
      '/lib/x86_64-linux-gnu/libssl.so.3',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it("limits HAProxy's connections where the open-file limit is below what kind's maxconn needs", () => {
    expect(connectionLimit(20_000)).to.equal(9950);
    expect(connectionLimit(1_048_576)).to.equal(undefined);
    const limits =
      'Limit                     Soft Limit           Hard Limit           Units     \nMax open files            20000                20000                files     \n';
    expect(openFilesHardLimit(limits)).to.equal(20_000);
  });

  it("points containerd's sandbox image at the pause the release ships, read from its Makefile", () => {
    const config = '[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.10"\n';
    expect(withSandboxImage(config, 'registry.k8s.io/pause:3.10.2')).to.include(
      'sandbox_image = "registry.k8s.io/pause:3.10.2"',
    );
    expect(pauseTag('REGISTRY ?= registry.k8s.io\nTAG ?= 3.10.2\nREV = $(shell git describe)\n')).to.equal(
      '3.10.2',
    );
  });
});

describe('Docker runtime for a short capability bounding set', () => {
  it('names the capabilities a CapBnd mask lacks', () => {
    expect(missingCapabilities('1fffeffffff')).to.deep.equal([24]);
    expect(missingCapabilities('1ffffffffff')).to.deep.equal([]);
  });

  it("capped-runc.sh cuts a bundle's capabilities to this machine's bounding set, then runs runc", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khd-capped-'));
    try {
      const bundle = path.join(dir, 'bundle');
      execFileSync('mkdir', [bundle]);
      const all = ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_SYS_RESOURCE', 'CAP_CHECKPOINT_RESTORE'];
      const spec = { process: { capabilities: { bounding: all, effective: all, permitted: all } } };
      writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
      // A stand-in for runc that shows what it was handed.
      const runc = path.join(dir, 'runc');
      writeFileSync(runc, '#!/bin/sh\necho "runc $*"\n');
      chmodSync(runc, 0o755);
      const script = path.join(here, '..', '..', 'src', 'components', 'capped-runc.sh');
      const out = execFileSync('sh', [script, 'create', '--bundle', bundle, 'c1'], {
        env: { ...process.env, KHD_RUNC: runc },
      }).toString();
      expect(out.trim()).to.equal(`runc create --bundle ${bundle} c1`);
      const missing = new Set(missingCapabilities(boundingSet()));
      const numbers: Record<string, number> = {
        CAP_CHOWN: 0,
        CAP_SYS_ADMIN: 21,
        CAP_SYS_RESOURCE: 24,
        CAP_CHECKPOINT_RESTORE: 40,
      };
      const held = all.filter((c) => !missing.has(numbers[c]!));
      const after = JSON.parse(readFileSync(path.join(bundle, 'config.json'), 'utf8'));
      expect(after.process.capabilities).to.deep.equal({ bounding: held, effective: held, permitted: held });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kind provider: what it cannot give a scenario', () => {
  const kind = new KindProvider();

  it('refuses, before anything starts, settings kind configures itself, naming each and the fix', () => {
    expect(kind.refusal({ etcdTopology: 'stacked' })).to.equal(undefined);
    expect(kind.refusal({ lbCheck: 'healthz' })).to.equal(undefined);
    const refused = kind.refusal({ lbCheck: 'readyz', loadBalancers: 'vrrp-pair' });
    expect(refused?.problem).to.include('the load balancer checks /healthz, the scenario needs /readyz');
    expect(refused?.problem).to.include('its load balancers are single, the scenario needs vrrp-pair');
    expect(refused?.fix).to.equal('run this scenario with --provider local');
    expect(kind.refusal({ etcdTopology: 'external-all' })?.problem).to.include('stacked etcd only');
  });
});
