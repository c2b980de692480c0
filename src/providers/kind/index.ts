/**
 * The kind provider: a 3-control-plane kind cluster behind kind's HAProxy, on node and load-balancer
 * images the tool builds from pinned sources (no registry). Faults act through each node's CRI and
 * network namespace, as they would on a real kubeadm cluster.
 */
import { checkClusterSettings } from '../cluster-settings.ts';
import { ensureComponents, type Components } from '../../components/components.ts';
import { ensureDockerRunning } from '../../components/docker-daemon.ts';
import { EnvironmentError, errorMessage } from '../../util/errors.ts';
import { isAlive } from '../../util/proc.ts';
import { progress } from '../../util/progress.ts';
import { which } from '../../util/which.ts';
import { withClusterLock } from '../local/cluster-lock.ts';
import { requireRoot } from '../local/provider.ts';
import { DEFAULT_STATE_ROOT } from '../local/state-root.ts';
import type { AcquireRequest, AcquiredCluster, Capability, ClusterSettings, Provider } from '../provider.ts';
import { kindClusterOf } from './kind-cluster.ts';
import { down, isReady, KIND_BOUNDS, KIND_CLUSTER, readRecord, up } from './kind-lifecycle.ts';
import { kindClusters } from './kind-cli.ts';

export interface KindOptions {
  /** A node image to use instead of building one (e.g. kindest/node:v1.36.3 where a registry is reachable). */
  nodeImage?: string;
  /** A kind cluster configuration instead of kind-configs/three-control-planes.yaml. */
  kindConfig?: string;
}

export class KindProvider implements Provider {
  readonly name = 'kind';
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>([
    'kill',
    'terminate',
    'freeze',
    'isolate',
  ]);
  readonly configuredBounds = KIND_BOUNDS;

  constructor(private readonly options: KindOptions = {}) {}

  preflight(): void {
    requireRoot();
  }

  refusal(settings: ClusterSettings): { problem: string; fix: string } | undefined {
    const fix = 'run this scenario with --provider local';
    if (settings.etcdTopology === 'external-all')
      return {
        problem: 'the kind provider runs stacked etcd only (one member on each control-plane node)',
        fix,
      };
    // kind configures its load balancer and apiservers itself; the tool does not change them.
    try {
      checkClusterSettings(settings, KIND_BOUNDS, fix);
    } catch (err) {
      return { problem: errorMessage(err), fix };
    }
    return undefined;
  }

  withLock<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withClusterLock({ stateRoot: DEFAULT_STATE_ROOT, name: `kind-${KIND_CLUSTER}` }, what, fn);
  }

  private async components(given?: Components): Promise<Components> {
    await ensureDockerRunning(which('dockerd') ?? 'dockerd');
    return given?.groups.includes('kind') ? given : ensureComponents({ groups: ['kind'] });
  }

  async acquire(req: AcquireRequest): Promise<AcquiredCluster> {
    const components = await this.components(req.components);
    const refused = this.refusal(req);
    if (refused) throw new EnvironmentError(refused.problem, refused.fix);
    if (req.mode === 'attach') {
      const record = await this.ready(components);
      progress(`reusing kind cluster ${KIND_CLUSTER} at ${record.info.endpoints.apiServer}`);
      return kindClusterOf(record, async () => undefined);
    }
    const { record } = await up({ owner: req.owner, components, ...this.options });
    return kindClusterOf(record, async (remove) => {
      if (!remove) {
        if (req.owner === 'drill-kept')
          progress(
            'kind cluster kept running (--keep-cluster); remove it with `npm run cluster -- down --provider kind`',
          );
        return;
      }
      progress('removing the kind cluster');
      const { left } = await down(components.path('kind'));
      if (left.length) throw new Error(`left behind: ${left.join(', ')}`);
    });
  }

  private async ready(components: Components) {
    const record = readRecord();
    const exists = (await kindClusters(components.path('kind'))).includes(KIND_CLUSTER);
    if (!isReady(record) || !exists)
      throw new EnvironmentError(
        'no kind cluster of this tool is running',
        'start one with `npm run cluster -- up --provider kind`',
      );
    return record;
  }

  /** Needs no build: where kind is not built, the cluster's containers are removed by kind's label. */
  async remove(): Promise<{ removed: string[]; left: string[] }> {
    const dockerd = which('dockerd');
    if (!dockerd) return { removed: [], left: [] }; // no Docker: no kind cluster can be here
    await ensureDockerRunning(dockerd);
    const built = await ensureComponents({ groups: ['kind'], lazy: false }).catch(() => undefined);
    return down(built?.path('kind'));
  }

  async attached(): Promise<{ cluster?: AcquiredCluster; absent?: string }> {
    const record = readRecord();
    if (!record) return { absent: 'no kind cluster is running' };
    if (isReady(record))
      return {
        cluster: await kindClusterOf(record, async () => undefined),
      };
    return {
      absent: isAlive(record.pid)
        ? `kind cluster ${KIND_CLUSTER} is being made (by pid ${record.pid}, since ${record.createdAt})`
        : `kind cluster ${KIND_CLUSTER} is half-made (its start by pid ${record.pid} at ${record.createdAt} did not finish)\n  remove it with: npm run cluster -- down --provider kind`,
    };
  }
}
