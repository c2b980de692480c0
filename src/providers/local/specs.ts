/**
 * Command lines of the control-plane processes, as kubeadm's static pod
 * manifests would run them. Pure: paths in, ProcessSpecs out.
 */
import type { ComponentName, Layout, LocalNode } from './config.ts';
import { specId, type ProcessSpec } from './process-spec.ts';

export interface NodePaths {
  etcdData: string;
  etcdServerCert: string;
  etcdServerKey: string;
  etcdPeerCert: string;
  etcdPeerKey: string;
  controllerManagerKubeconfig: string;
  schedulerKubeconfig: string;
}

export interface ClusterPaths {
  caCert: string;
  caKey: string;
  etcdCaCert: string;
  apiserverCert: string;
  apiserverKey: string;
  apiserverEtcdClientCert: string;
  apiserverEtcdClientKey: string;
  saKey: string;
  saPub: string;
  node: Record<string, NodePaths>;
}

export interface Binaries {
  etcd: string;
  'kube-apiserver': string;
  'kube-controller-manager': string;
  'kube-scheduler': string;
  haproxy: string;
  keepalived: string;
  coredns: string;
  kwok: string;
  toxiproxy: string;
}

export const SERVICE_CIDR = '10.96.0.0/12';
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
export const CLUSTER_DOMAIN = 'cluster.local';

function restartOf(layout: Layout, component: ComponentName): boolean {
  return !layout.config.noRestart.includes(component);
}

export function etcdSpec(layout: Layout, bin: Binaries, p: ClusterPaths, node: LocalNode): ProcessSpec {
  const n = p.node[node.name]!;
  const c = layout.config;
  const initialCluster = layout.nodes.map((m) => `${m.name}=https://${m.ip}:2380`).join(',');
  return {
    id: specId('etcd', node.name),
    component: 'etcd',
    node: node.name,
    netns: node.netns,
    hostname: node.name,
    command: bin.etcd,
    restart: restartOf(layout, 'etcd'),
    args: [
      `--name=${node.name}`,
      `--data-dir=${n.etcdData}`,
      `--listen-client-urls=https://${node.ip}:2379,https://127.0.0.1:2379`,
      `--advertise-client-urls=https://${node.ip}:2379`,
      `--listen-peer-urls=https://${node.ip}:2380`,
      `--initial-advertise-peer-urls=https://${node.ip}:2380`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-token=${c.name}-etcd`,
      '--initial-cluster-state=new',
      `--heartbeat-interval=${c.etcdHeartbeatMs}`,
      `--election-timeout=${c.etcdElectionTimeoutMs}`,
      '--client-cert-auth=true',
      `--trusted-ca-file=${p.etcdCaCert}`,
      `--cert-file=${n.etcdServerCert}`,
      `--key-file=${n.etcdServerKey}`,
      '--peer-client-cert-auth=true',
      `--peer-trusted-ca-file=${p.etcdCaCert}`,
      `--peer-cert-file=${n.etcdPeerCert}`,
      `--peer-key-file=${n.etcdPeerKey}`,
      '--snapshot-count=10000',
      '--log-level=info', // leadership changes are logged at info: the report cross-checks them
    ],
  };
}

export function apiserverSpec(layout: Layout, bin: Binaries, p: ClusterPaths, node: LocalNode): ProcessSpec {
  const etcdServers =
    layout.config.etcdTopology === 'stacked'
      ? 'https://127.0.0.1:2379'
      : layout.nodes.map((m) => `https://${m.ip}:2379`).join(',');
  return {
    id: specId('kube-apiserver', node.name),
    component: 'kube-apiserver',
    node: node.name,
    netns: node.netns,
    hostname: node.name,
    command: bin['kube-apiserver'],
    restart: restartOf(layout, 'kube-apiserver'),
    args: [
      `--advertise-address=${node.ip}`,
      '--bind-address=0.0.0.0',
      '--secure-port=6443',
      '--anonymous-auth=false',
      '--authorization-mode=Node,RBAC',
      '--allow-privileged=true',
      `--client-ca-file=${p.caCert}`,
      `--tls-cert-file=${p.apiserverCert}`,
      `--tls-private-key-file=${p.apiserverKey}`,
      `--etcd-servers=${etcdServers}`,
      `--etcd-cafile=${p.etcdCaCert}`,
      `--etcd-certfile=${p.apiserverEtcdClientCert}`,
      `--etcd-keyfile=${p.apiserverEtcdClientKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      `--service-account-issuer=https://kubernetes.default.svc.${CLUSTER_DOMAIN}`,
      `--service-account-key-file=${p.saPub}`,
      `--service-account-signing-key-file=${p.saKey}`,
      '--enable-admission-plugins=NodeRestriction',
      '--endpoint-reconciler-type=lease',
      '--profiling=false',
      ...(layout.config.apiserverShutdownDelayMs > 0
        ? [`--shutdown-delay-duration=${layout.config.apiserverShutdownDelayMs}ms`]
        : []),
      '--v=1',
    ],
  };
}

export function controllerManagerSpec(
  layout: Layout,
  bin: Binaries,
  p: ClusterPaths,
  node: LocalNode,
): ProcessSpec {
  const n = p.node[node.name]!;
  return {
    id: specId('kube-controller-manager', node.name),
    component: 'kube-controller-manager',
    node: node.name,
    netns: node.netns,
    hostname: node.name,
    command: bin['kube-controller-manager'],
    restart: restartOf(layout, 'kube-controller-manager'),
    args: [
      `--kubeconfig=${n.controllerManagerKubeconfig}`,
      `--authentication-kubeconfig=${n.controllerManagerKubeconfig}`,
      `--authorization-kubeconfig=${n.controllerManagerKubeconfig}`,
      `--bind-address=${node.ip}`,
      `--client-ca-file=${p.caCert}`,
      `--cluster-signing-cert-file=${p.caCert}`,
      `--cluster-signing-key-file=${p.caKey}`,
      `--root-ca-file=${p.caCert}`,
      `--service-account-private-key-file=${p.saKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--use-service-account-credentials=true',
      '--controllers=*,bootstrapsigner,tokencleaner',
      '--leader-elect=true',
      '--profiling=false',
      '--v=1',
    ],
  };
}

export function schedulerSpec(layout: Layout, bin: Binaries, p: ClusterPaths, node: LocalNode): ProcessSpec {
  const n = p.node[node.name]!;
  return {
    id: specId('kube-scheduler', node.name),
    component: 'kube-scheduler',
    node: node.name,
    netns: node.netns,
    hostname: node.name,
    command: bin['kube-scheduler'],
    restart: restartOf(layout, 'kube-scheduler'),
    args: [
      `--kubeconfig=${n.schedulerKubeconfig}`,
      `--authentication-kubeconfig=${n.schedulerKubeconfig}`,
      `--authorization-kubeconfig=${n.schedulerKubeconfig}`,
      `--bind-address=${node.ip}`,
      '--leader-elect=true',
      '--profiling=false',
      '--v=1',
    ],
  };
}

/** The load balancer on the host, or (with `lb`) one in a namespace: of a pair, or a node's own. */
export function haproxySpec(layout: Layout, bin: Binaries, configFile: string, lb?: LocalNode): ProcessSpec {
  return {
    id: specId('haproxy', lb?.name ?? 'host'),
    component: 'haproxy',
    node: lb?.name ?? 'host',
    ...(lb ? { netns: lb.netns, hostname: lb.name } : {}),
    command: bin.haproxy,
    restart: restartOf(layout, 'haproxy'),
    // -db: stay in the foreground so the supervisor owns the process.
    args: ['-db', '-f', configFile],
  };
}

/** VRRP for one load balancer of a pair, in its namespace. */
export function keepalivedSpec(
  layout: Layout,
  bin: Binaries,
  lb: LocalNode,
  files: { config: string; pid: string; vrrpPid: string },
): ProcessSpec {
  return {
    id: specId('keepalived', lb.name),
    component: 'keepalived',
    node: lb.name,
    netns: lb.netns,
    hostname: lb.name,
    command: bin.keepalived,
    restart: restartOf(layout, 'keepalived'),
    // Foreground, VRRP only (no IPVS here), logs on stdout; pid files of its own, so two can run.
    args: [
      '--dont-fork',
      '--log-console',
      '--vrrp',
      '-f',
      files.config,
      '-p',
      files.pid,
      '-r',
      files.vrrpPid,
    ],
  };
}

/** The proxies of etcd's peer links (proxied peer links only), on the host where every node reaches them. */
export function toxiproxySpec(layout: Layout, bin: Binaries, configFile: string, api: URL): ProcessSpec {
  return {
    id: specId('toxiproxy', 'host'),
    component: 'toxiproxy',
    node: 'host',
    command: bin.toxiproxy,
    restart: restartOf(layout, 'toxiproxy'),
    args: ['-host', api.hostname, '-port', api.port, '-config', configFile],
    // Its default logs every read and write of every link.
    env: { LOG_LEVEL: 'warn' },
  };
}

export function corednsSpec(
  layout: Layout,
  bin: Binaries,
  node: LocalNode,
  replica: number,
  corefile: string,
): ProcessSpec {
  return {
    id: specId(`coredns-${replica}`, node.name),
    component: 'coredns',
    node: node.name,
    netns: node.netns,
    hostname: node.name,
    command: bin.coredns,
    restart: restartOf(layout, 'coredns'),
    args: ['-conf', corefile],
  };
}

export function kwokSpec(layout: Layout, bin: Binaries, kubeconfig: string, stagesFile: string): ProcessSpec {
  return {
    id: specId('kwok', 'host'),
    component: 'kwok',
    node: 'host',
    command: bin.kwok,
    restart: restartOf(layout, 'kwok'),
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--config=${stagesFile}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-label-selector=type=kwok',
      `--server-address=${layout.config.lbAddress}:0`,
      '--cidr=10.244.0.0/16',
      '--node-ip=10.244.0.1',
    ],
  };
}
