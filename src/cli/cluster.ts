import { ensureComponents } from '../components/components.ts';
import { providerFor } from '../providers/registry.ts';
import { UsageError } from '../util/errors.ts';
import { CLUSTER_FLAGS_HELP, parseClusterFlags } from './cluster-args.ts';
import { main } from './main.ts';

const USAGE = `usage: npm run cluster -- up | down | status [options]

  up       start a 3-master HA control plane on this machine (needs root) and
           leave it running; prints the admin kubeconfig
  down     remove the cluster and everything it made, also after a crash
  status   each component with its pid, node and health; the etcd leader

${CLUSTER_FLAGS_HELP}`;

main(async (argv) => {
  const { overrides, rest } = parseClusterFlags(argv);
  const [verb, ...extra] = rest;
  if (verb === '--help' || verb === '-h' || verb === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (extra.length > 0) throw new UsageError(`unknown argument ${extra.join(' ')}`, USAGE);
  const provider = providerFor('local', overrides);
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
      return s.loadBalancerReady && s.rows.every((r) => r.healthy) ? 0 : 1;
    }
    default:
      throw new UsageError(verb ? `unknown command "${verb}"` : 'missing command', USAGE);
  }
});
