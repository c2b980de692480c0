/**
 * The local provider: a 3-master control plane on this machine, each node a network namespace,
 * its processes run by a supervisor of our own (as a kubelet runs static pods).
 */
import { checkClusterSettings } from '../cluster-settings.ts';
import type { Components } from '../../components/components.ts';
import type { ClusterInfo } from '../../cluster/topology.ts';
import { progress } from '../../util/progress.ts';
import { EnvironmentError } from '../../util/errors.ts';
import { isAlive } from '../../util/proc.ts';
import type { AcquireRequest, AcquiredCluster, Capability, Provider } from '../provider.ts';
import { withClusterLock } from './cluster-lock.ts';
import { boundsOf, resolveLocalConfig, type LocalClusterConfig } from './config.ts';
import { LocalCluster } from './local-cluster.ts';
import { clusterOnDisk, down, requireRoot, runningCluster, up } from './provider.ts';

export class LocalProvider implements Provider {
  readonly name = 'local';
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>([
    'kill',
    'terminate',
    'stop',
    'freeze',
    'isolate',
    'etcd-restore',
    'cert-expiry',
    'peer-delay',
    'peer-loss',
    'lb-down',
  ]);
  private readonly config: LocalClusterConfig;

  /** `options` are the user's overrides of the local cluster's settings (flags of `cluster up`). */
  constructor(private readonly options: Partial<LocalClusterConfig> = {}) {
    this.config = resolveLocalConfig(options, 'command line');
  }

  get configuredBounds() {
    return boundsOf(this.config);
  }

  preflight(): void {
    requireRoot();
  }

  /** The local provider starts its cluster with whatever the scenario asks. */
  refusal(): undefined {
    return undefined;
  }

  withLock<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withClusterLock(this.config, what, fn);
  }

  async acquire(req: AcquireRequest): Promise<AcquiredCluster> {
    if (req.mode === 'attach') {
      const info = runningCluster(this.options);
      if (!info)
        throw new EnvironmentError('no cluster is running', 'start one with `npm run cluster -- up`');
      checkClusterSettings(
        req,
        info.bounds,
        'run the drill without --reuse-cluster (it starts a cluster as the scenario needs), or start one ' +
          'with `npm run cluster -- up --haproxy-check <readyz|healthz> --shutdown-delay-ms <N> --etcd-peer-links <direct|proxied> --load-balancers <single|vrrp-pair>`',
      );
      progress(`reusing cluster ${info.name} at ${info.endpoints.apiServer}`);
      return this.clusterOf(info, req.components, async () => undefined);
    }
    // up() removes what it made when it fails.
    const info = await up({
      owner: req.owner,
      components: req.components,
      config: {
        ...this.options,
        ...(req.etcdTopology ? { etcdTopology: req.etcdTopology } : {}),
        ...(req.lbCheck ? { haproxyCheck: req.lbCheck } : {}),
        ...(req.etcdPeerLinks ? { etcdPeerLinks: req.etcdPeerLinks } : {}),
        ...(req.loadBalancers ? { loadBalancers: req.loadBalancers } : {}),
        ...(req.apiserverShutdownDelayMs !== undefined
          ? { apiserverShutdownDelayMs: req.apiserverShutdownDelayMs }
          : {}),
      },
    });
    return this.clusterOf(info, req.components, async (remove) => {
      if (!remove) {
        if (req.owner === 'drill-kept')
          progress('cluster kept running (--keep-cluster); remove it with `npm run cluster -- down`');
        return;
      }
      progress('removing the cluster');
      const { left } = await down(this.options);
      if (left.length) throw new Error(`left behind: ${left.join(', ')}`);
    });
  }

  remove(): Promise<{ removed: string[]; left: string[] }> {
    return down(this.options);
  }

  async attached(): Promise<{ cluster?: AcquiredCluster; absent?: string }> {
    const info = runningCluster(this.options);
    if (info) return { cluster: this.clusterOf(info, undefined, async () => undefined) };
    const half = clusterOnDisk(this.options);
    if (!half) return { absent: 'no cluster is running' };
    const owner = `${half.owner.command}, pid ${half.owner.pid}`;
    return {
      absent:
        half.status === 'creating' && isAlive(half.owner.pid)
          ? `cluster ${half.name} is being made (by ${owner}, since ${half.createdAt})`
          : `cluster ${half.name} is half-made: its start (by ${owner} at ${half.createdAt}) did not finish ` +
            `(${half.status}); ${half.resources.length} things it made are recorded\n` +
            '  remove it with: npm run cluster -- down',
    };
  }

  private clusterOf(
    info: ClusterInfo,
    components: Components | undefined,
    onRelease: (remove: boolean) => Promise<void>,
  ): LocalCluster {
    return new LocalCluster(info, components, onRelease);
  }
}
