/** Text of the configuration files the local cluster's processes read. */
import { UsageError } from '../../util/errors.ts';
import type { Layout } from './config.ts';
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
export function haproxyConfig(layout: Layout, f: HaproxyFiles): string {
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
    `  bind ${c.lbAddress}:${c.lbPort}`,
    `  bind ${layout.bridgeIp}:${c.lbPort}`,
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
