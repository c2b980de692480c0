/** Text of the configuration files the local cluster's processes read. */
import { VRRP } from '../../analysis/bounds.ts';
import { UsageError } from '../../util/errors.ts';
import type { Layout, LocalNode } from './config.ts';
import { SAFE_PATH } from './state-root.ts';

export interface HaproxyFiles {
  caFile: string;
  /** Client certificate and key in one PEM, for the /readyz checks (anonymous auth is off). */
  checkCertFile: string;
  statsSocket: string;
}

/**
 * TCP passthrough to the three apiservers, each health-checked over TLS on /readyz (the default):
 * /readyz fails during an apiserver's shutdown delay while /healthz does not, so only /readyz
 * drains a backend in time. /healthz is an option, to show the difference.
 */
export function haproxyConfig(layout: Layout, f: HaproxyFiles, binds: readonly string[]): string {
  const c = layout.config;
  for (const file of Object.values(f)) safePath(file);
  const servers = layout.nodes.map((n) => `  server ${n.name} ${n.ip}:6443`);
  return [
    'global',
    `  stats socket ${f.statsSocket} mode 600 level admin`,
    '  log stderr format raw local0 info',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode tcp',
    '  log global',
    '  option tcplog',
    '  timeout connect 2s',
    '  timeout client 1h',
    '  timeout server 1h',
    '',
    'frontend apiserver',
    ...binds.map((address) => `  bind ${address}:${c.lbPort}`),
    '  default_backend apiservers',
    '',
    'backend apiservers',
    '  option httpchk',
    `  http-check send meth GET uri /${c.haproxyCheck}`,
    '  http-check expect status 200',
    `  default-server check check-ssl verify required ca-file ${f.caFile} crt ${f.checkCertFile} inter ${c.haproxyInterMs}ms fall ${c.haproxyFall} rise ${c.haproxyRise} on-marked-down shutdown-sessions`,
    ...servers,
    '',
  ].join('\n');
}

const VRRP_ROUTER_ID = 51;
/** lb-1 starts as the master; nopreempt keeps a returning lb-1 from taking the address back. */
const PRIORITY_OF = [100, VRRP.backupPriority];

/**
 * keepalived's configuration for one of the pair: unicast advertisements to the other (no multicast
 * needed on the bridge), both starting as backups so the higher priority wins the first election and
 * nopreempt keeps the address where it is when the other returns. The script takes the address away
 * from a node whose HAProxy stopped accepting connections.
 */
export function keepalivedConfig(layout: Layout, lb: LocalNode, checkScript: string): string {
  safePath(checkScript);
  const i = layout.lbNodes.findIndex((n) => n.name === lb.name);
  const peers = layout.lbNodes.filter((n) => n.name !== lb.name);
  return [
    'global_defs {',
    `  router_id ${layout.config.name}-${lb.name}`,
    '  script_user root',
    '}',
    'vrrp_script haproxy_accepts {',
    `  script "${checkScript}"`,
    '  interval 1',
    '  timeout 1',
    '  fall 2',
    '  rise 2',
    '}',
    'vrrp_instance control_plane {',
    '  state BACKUP',
    '  nopreempt',
    '  interface eth0',
    `  virtual_router_id ${VRRP_ROUTER_ID}`,
    `  priority ${PRIORITY_OF[i]}`,
    `  advert_int ${VRRP.advertMs / 1000}`,
    `  unicast_src_ip ${lb.ip}`,
    '  unicast_peer {',
    ...peers.map((p) => `    ${p.ip}`),
    '  }',
    '  virtual_ipaddress {',
    `    ${layout.vip}/${layout.prefix} dev eth0`,
    '  }',
    '  track_script {',
    '    haproxy_accepts',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** The check keepalived runs in a load balancer's namespace: does its HAProxy accept a connection? */
export function haproxyCheckScript(layout: Layout): string {
  return [
    '#!/bin/sh',
    "# keepalived's check: this namespace's HAProxy accepts connections on the client port.",
    `exec timeout 1 bash -c '</dev/tcp/127.0.0.1/${layout.config.lbPort}'`,
    '',
  ].join('\n');
}

/**
 * Paths go into these files unquoted: a space splits a directive and a newline starts a new one.
 * The state root's check keeps such paths out; this makes sure of it where it matters.
 */
function safePath(file: string): void {
  if (!SAFE_PATH.test(file)) {
    throw new UsageError(
      `the path ${JSON.stringify(file)} cannot go into a config file: it may hold only letters, digits and . _ / -`,
      'choose a --state-root of those characters only, e.g. /dev/shm/kube-ha-drill',
    );
  }
}

/** A CoreDNS replica serving cluster.local from the API through the load balancer. */
export function corefile(opts: {
  listenIp: string;
  kubeconfig: string;
  apiServer: string;
  domain: string;
}): string {
  safePath(opts.kubeconfig);
  return `.:53 {
    bind ${opts.listenIp}
    errors
    health ${opts.listenIp}:8080 {
        lameduck 5s
    }
    ready ${opts.listenIp}:8181
    kubernetes ${opts.domain} in-addr.arpa ip6.arpa {
        endpoint ${opts.apiServer}
        kubeconfig ${opts.kubeconfig}
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    cache 30
}
`;
}

/**
 * kwok stages of our own: a fake node becomes Ready, a pod bound to a fake
 * node becomes Running with an address, a deleted pod goes away.
 */
export function kwokStages(): string {
  return `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: khd-node-ready
spec:
  resourceRef: { apiGroup: v1, kind: Node }
  selector:
    matchExpressions:
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: NotIn
      values: ['True']
  next:
    statusTemplate: |
      conditions:
      - type: Ready
        status: "True"
        reason: KubeletReady
        message: fake node managed by kwok
        lastHeartbeatTime: {{ Now | Quote }}
        lastTransitionTime: {{ Now | Quote }}
      addresses:
      - { type: InternalIP, address: {{ NodeIP | Quote }} }
      - { type: Hostname, address: {{ NodeName | Quote }} }
      allocatable: { cpu: "32", memory: 128Gi, pods: "110" }
      capacity: { cpu: "32", memory: 128Gi, pods: "110" }
      nodeInfo:
        kubeletVersion: fake
        architecture: amd64
        operatingSystem: linux
      phase: Running
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: khd-pod-running
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
    - { key: '.metadata.deletionTimestamp', operator: DoesNotExist }
    - { key: '.status.podIP', operator: DoesNotExist }
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - { type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }} }
      - { type: Ready, status: "True", lastTransitionTime: {{ $now | Quote }} }
      - { type: ContainersReady, status: "True", lastTransitionTime: {{ $now | Quote }} }
      - { type: PodScheduled, status: "True", lastTransitionTime: {{ $now | Quote }} }
      containerStatuses:
      {{ range .spec.containers }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        ready: true
        started: true
        restartCount: 0
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: {{ PodIPWith .spec.nodeName false .metadata.uid .metadata.name .metadata.namespace | Quote }}
      phase: Running
      startTime: {{ $now | Quote }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: khd-pod-delete
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
    - { key: '.metadata.deletionTimestamp', operator: Exists }
  next:
    finalizers: { empty: true }
    delete: true
`;
}
