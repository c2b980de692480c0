import path from 'node:path';
import { planPki, type Pki, type PkiSpec } from '../../cluster/pki.ts';
import type { Layout } from './config.ts';
import { CLUSTER_DOMAIN, KUBERNETES_SERVICE_IP } from './specs.ts';

/** What the local cluster's certificates say: its nodes, the load balancer's addresses, the lifetime. */
export function pkiSpecOf(layout: Layout): PkiSpec {
  return {
    nodes: layout.nodes.map((n) => ({ name: n.name, ip: n.ip })),
    loadBalancerAddresses: [
      layout.config.lbAddress,
      layout.bridgeIp,
      // A pair's virtual IP, and each one's own address (asked directly by `cluster status`).
      ...(layout.vip ? [layout.vip, ...layout.lbNodes.map((n) => n.ip)] : []),
      'localhost',
    ],
    kubernetesServiceIp: KUBERNETES_SERVICE_IP,
    clusterDomain: CLUSTER_DOMAIN,
    lifetimeDays: layout.config.certLifetimeDays,
    ...(layout.config.etcdPeerLinks === 'proxied' ? { etcdPeerProxyAddresses: [layout.bridgeIp] } : {}),
  };
}

export function pkiDirOf(layout: Layout): string {
  return path.join(layout.dir, 'pki');
}

/** Where the files of the local cluster's PKI are, and what each says. */
export function plannedPki(layout: Layout): Pki {
  return planPki(pkiDirOf(layout), pkiSpecOf(layout));
}
