import { ensureComponents } from '../components/components.ts';
import { clusterOnDisk, down, requireRoot, runningCluster, up } from '../providers/local/provider.ts';
import { isAlive } from '../util/proc.ts';
import { clusterStatus } from '../providers/local/status.ts';
import { withClusterLock } from '../providers/local/cluster-lock.ts';
import { resolveLocalConfig } from '../providers/local/config.ts';
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
  const config = resolveLocalConfig(overrides, 'command line');
  const locked = <T>(fn: () => Promise<T>) => withClusterLock(config, `cluster ${verb}`, fn);
  switch (verb) {
    case 'up': {
      requireRoot();
      const components = await ensureComponents();
      const info = await locked(() => up({ config: overrides, owner: 'cluster-up', components }));
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
      requireRoot();
      const { removed, left } = await locked(() => down(overrides));
      for (const r of removed) console.log(`removed ${r}`);
      if (left.length > 0) {
        console.error(`could not remove:\n  ${left.join('\n  ')}`);
        return 3;
      }
      console.log('nothing of the cluster is left on this machine');
      return 0;
    }
    case 'status': {
      const info = runningCluster(overrides);
      if (!info) {
        const half = clusterOnDisk(overrides);
        if (!half) {
          console.log('no cluster is running');
          return 3;
        }
        const owner = `${half.owner.command}, pid ${half.owner.pid}`;
        console.log(
          half.status === 'creating' && isAlive(half.owner.pid)
            ? `cluster ${half.name} is being made (by ${owner}, since ${half.createdAt})`
            : `cluster ${half.name} is half-made: its start (by ${owner} at ${half.createdAt}) did not finish (${half.status}); ${half.resources.length} things it made are recorded\n  remove it with: npm run cluster -- down`,
        );
        return 3;
      }
      const s = await clusterStatus(info);
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
