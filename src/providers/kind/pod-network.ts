/**
 * The pod network kindnetd would make, made by the tool (kindnetd is not published as a Go module,
 * so it cannot be built from pinned sources): on each node a CNI configuration of the ptp and
 * host-local plugins for the node's pod subnet, and a route to every other node's pod subnet via
 * that node's address.
 */
import type { KindNode } from './node-exec.ts';
import { inNode } from './node-exec.ts';

export const CNI_CONFIG_FILE = '/etc/cni/net.d/10-kube-ha-drill.conflist';

/** The CNI configuration of one node, as kindnetd writes it for its pod subnet. */
export function cniConfig(podCidr: string): string {
  return JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'kube-ha-drill',
      plugins: [
        {
          type: 'ptp',
          ipMasq: false,
          ipam: {
            type: 'host-local',
            dataDir: '/run/cni-ipam-state',
            routes: [{ dst: '0.0.0.0/0' }],
            ranges: [[{ subnet: podCidr }]],
          },
          mtu: 1500,
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

/** Routes a node needs: every other node's pod subnet via that node. */
export function podRoutes(
  node: string,
  subnets: { node: string; podCidr: string; ip: string }[],
): string[][] {
  return subnets
    .filter((s) => s.node !== node)
    .map((s) => ['ip', 'route', 'replace', s.podCidr, 'via', s.ip]);
}

/** Writes each node's CNI configuration and routes; `podCidrOf` maps a node's container to its pod subnet. */
export async function wirePodNetwork(nodes: KindNode[], podCidrOf: Map<string, string>): Promise<void> {
  const subnets = nodes.map((n) => ({ node: n.container, ip: n.ip, podCidr: podCidrOf.get(n.container)! }));
  for (const n of nodes) {
    await inNode(
      n.container,
      ['sh', '-c', `mkdir -p /etc/cni/net.d && cat > ${CNI_CONFIG_FILE}`],
      cniConfig(podCidrOf.get(n.container)!),
    );
    for (const route of podRoutes(n.container, subnets)) await inNode(n.container, route);
  }
}
