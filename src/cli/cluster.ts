import { ensureComponents } from '../components/components.ts';
import { inventoryLines, readCertificates } from '../providers/certificate-inventory.ts';
import { providerFor } from '../providers/registry.ts';
import { CLUSTER_USAGE, parseClusterArgs } from './cluster-args.ts';

/** `cluster up | down | status`: the local cluster on its own, outside a drill. */
export async function clusterCommand(argv: readonly string[]): Promise<number> {
  const cmd = parseClusterArgs(argv);
  if (cmd.command === 'help') {
    console.log(CLUSTER_USAGE);
    return 0;
  }
  const verb = cmd.command;
  const { overrides, provider: providerName } = cmd.options;
  const provider = providerFor(providerName, overrides);
  const locked = <T>(fn: () => Promise<T>) => provider.withLock(`cluster ${verb}`, fn);
  switch (verb) {
    case 'up': {
      provider.preflight();
      const components = await ensureComponents();
      const { info } = await locked(() =>
        provider.acquire({ mode: 'start', owner: 'cluster-up', components }),
      );
      console.log(`cluster ${info.name} is up`);
      console.log(`  load balancer: ${info.endpoints.apiServer}`);
      console.log(`  kubeconfig:    ${info.endpoints.kubeconfig}`);
      console.log(
        `  DNS:           ${info.endpoints.dns} (replicas ${info.endpoints.dnsReplicas.join(', ')})`,
      );
      console.log(
        `  try: ${components.path('kubectl')} --kubeconfig ${info.endpoints.kubeconfig} get --raw /readyz`,
      );
      return 0;
    }
    case 'down': {
      provider.preflight();
      const { removed, left } = await locked(() => provider.remove());
      for (const r of removed) console.log(`removed ${r}`);
      if (left.length > 0) {
        console.error(`could not remove:\n  ${left.join('\n  ')}`);
        return 3;
      }
      console.log('nothing of the cluster is left on this machine');
      return 0;
    }
    case 'status': {
      const { cluster, absent } = await provider.attached();
      if (!cluster) {
        console.log(absent);
        return 3;
      }
      const s = await cluster.status();
      console.log(
        `cluster ${s.name}: load balancer ${s.apiServer} ${s.loadBalancerReady ? 'ready' : 'NOT READY'}; etcd leader: ${s.etcdLeader ?? 'none'}`,
      );
      const header = ['component', 'node', 'pid', 'state', 'restarts', 'health', 'detail'];
      const rows = s.rows.map((r) => [
        r.id.split('@')[0]!,
        r.node,
        String(r.pid ?? '-'),
        r.state,
        String(r.restarts),
        r.healthy ? 'ok' : 'FAIL',
        r.detail,
      ]);
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
      for (const line of inventoryLines(await readCertificates(cluster))) console.log(line);
      return s.loadBalancerReady && s.rows.every((r) => r.healthy) ? 0 : 1;
    }
  }
}
