import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FoundCertificate } from '../../cluster/certificates.ts';
import type { Components } from '../../components/components.ts';
import { currentLeader } from '../../cluster/role-leader.ts';
import { apiserverReady } from '../../cluster/health.ts';
import type { ClusterInfo } from '../../cluster/topology.ts';
import { now } from '../../observe/clock.ts';
import { waitUntil } from '../../util/wait-until.ts';
import { loadTls } from '../../util/tls-client.ts';
import type {
  AcquiredCluster,
  ClusterEvent,
  ClusterStatus,
  Disruption,
  FaultVerbs,
  Instance,
  LeaderRole,
  Role,
} from '../provider.ts';
import { LocalControl } from './control.ts';
import { residentMemoryOf } from './resident-memory.ts';
import { downLoadBalancer, healLeftoverLbFaults } from './lb-pair.ts';
import { delayPeerLinks, healLeftoverPeerFaults, losePeerPackets } from './peer-links.ts';
import { expireServingCert, rotateLeftoverServingCert } from './serving-cert.ts';
import { clusterStatus } from './status.ts';

/** How long a killed process may take to run again: the supervisor's back-off plus a start. */
const RESTART_TIMEOUT_MS = 60_000;
/** How long the API may take to answer after every etcd member was restored. */
const RESTORE_READY_TIMEOUT_MS = 60_000;

/** The supervised process behind a role's instance. */
const PROCESS_OF: Record<Exclude<Role, 'coredns'>, string> = {
  etcd: 'etcd',
  apiserver: 'kube-apiserver',
  'controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
};

/**
 * A cluster of the local provider as a drill sees it: its instances by role, and fault verbs done
 * with signals to supervised processes and iptables rules inside the node namespaces.
 */
export class LocalCluster implements AcquiredCluster {
  readonly verbs: FaultVerbs;
  private readonly control: LocalControl;

  constructor(
    readonly info: ClusterInfo,
    components: Components | undefined,
    private readonly onRelease: (remove: boolean) => Promise<void>,
  ) {
    // Without components (a status display) only the snapshot verbs lack their tools.
    this.control = new LocalControl(info, {
      etcdctl: components?.path('etcdctl') ?? 'etcdctl',
      etcdutl: components?.path('etcdutl') ?? 'etcdutl',
    });
    this.verbs = {
      kill: (target) => this.kill(target, 'SIGKILL'),
      terminate: (target) => this.kill(target, 'SIGTERM'),
      stop: (target) => this.stop(target),
      freeze: (target) => this.freeze(target),
      isolate: (target) => this.isolate(target),
      restoreEtcd: (workDir) => this.restoreEtcd(workDir),
      expireServingCert: (validForMs) => expireServingCert(this.info, validForMs),
      delayPeerLinks: (members, latencyMs, jitterMs) =>
        delayPeerLinks(this.info, members, latencyMs, jitterMs),
      losePeerPackets: (members, percent) => losePeerPackets(this.info, members, percent),
      downLoadBalancer: (target) => downLoadBalancer(this.info, this.control, target),
    };
  }

  instances(role: Role): Instance[] {
    if (role === 'coredns')
      return this.info.endpoints.dnsReplicas.map((address, i) => ({
        role,
        name: String(i),
        node: this.info.nodes.find((n) => address.startsWith(`${n.ip}:`))?.name ?? address,
      }));
    return this.info.nodes.map((n) => ({ role, name: n.name, node: n.name }));
  }

  async leaderOf(role: LeaderRole): Promise<{ instance: Instance; why: string }> {
    // A lease holder is "<hostname>_<uuid>"; each node has its own hostname, its name.
    const { node, why } = await currentLeader(
      this.info,
      role,
      (h) => this.info.nodes.find((n) => h.startsWith(`${n.name}_`))?.name,
    );
    return { instance: { role, name: node, node }, why };
  }

  status(): Promise<ClusterStatus> {
    return clusterStatus(this.info);
  }

  checkReadyForFaults(): void {
    this.control.checkReadyForFaults();
  }

  async healLeftovers(): Promise<string[]> {
    // A load balancer's link first: its held processes, released next, start on a live link.
    const undone = await healLeftoverLbFaults(this.info);
    undone.push(...(await this.control.healLeftovers()));
    // After the processes: the rotation waits for every apiserver to serve the new certificate.
    undone.push(...(await healLeftoverPeerFaults(this.info)));
    const rotated = await rotateLeftoverServingCert(this.info);
    return rotated ? [...undone, rotated] : undone;
  }

  scratchDir(): string {
    return this.control.drillDir();
  }

  drainEvents(): ClusterEvent[] {
    return this.control.drainProcessEvents();
  }

  async residentMemory(): Promise<Map<string, number>> {
    return residentMemoryOf(this.info.dir);
  }

  /** Every .crt of the cluster's PKI; the kubeconfigs embed these same files. */
  async certificates(): Promise<FoundCertificate[]> {
    const pki = path.join(this.info.dir, 'pki');
    const files = (await readdir(pki, { recursive: true })).filter((f) => f.endsWith('.crt')).sort();
    return Promise.all(
      files.map(async (f) => ({
        name: f.replace(/\.crt$/, ''),
        source: path.join(pki, f),
        pem: await readFile(path.join(pki, f), 'utf8'),
      })),
    );
  }

  release(remove: boolean): Promise<void> {
    return this.onRelease(remove);
  }

  private processOf(target: Instance): { component: string; node: string } {
    return target.role === 'coredns'
      ? { component: `coredns-${target.name}`, node: target.node }
      : { component: PROCESS_OF[target.role], node: target.node };
  }

  /** SIGKILL, or SIGTERM for a graceful shutdown; either way the supervisor starts it again. */
  private async kill(target: Instance, signal: 'SIGKILL' | 'SIGTERM'): Promise<Disruption> {
    const { component, node } = this.processOf(target);
    // Stamped when the fault begins to act, so that failover is never counted short.
    const at = now();
    const { pid } = this.control.signal(component, node, signal);
    let healed = false;
    return {
      at,
      description: `${signal} ${component} on ${node} (pid ${pid})`,
      data: { component, node, pid, signal },
      heal: async () => {
        if (healed) return undefined;
        // The heal is stamped when it begins: what it takes to undo the fault is part of the recovery.
        const at = now();
        const newPid = await this.control.waitRestarted(component, node, pid, RESTART_TIMEOUT_MS);
        healed = true;
        return {
          at,
          description: `${component} on ${node} runs again as pid ${newPid} (was ${pid})`,
          data: { component, node, oldPid: pid, newPid, signal },
        };
      },
    };
  }

  private async stop(target: Instance): Promise<Disruption> {
    const { component, node } = this.processOf(target);
    const at = now();
    let pid: number;
    try {
      pid = await this.control.hold(component, node);
    } catch (err) {
      await this.control.release(component, node).catch(() => undefined);
      throw err;
    }
    let healed = false;
    return {
      at,
      description: `SIGKILL ${component} on ${node} (pid ${pid}), kept down until the heal`,
      data: { component, node, pid },
      heal: async () => {
        if (healed) return undefined;
        const at = now();
        await this.control.release(component, node);
        const newPid = await this.control.waitRestarted(component, node, pid, RESTART_TIMEOUT_MS);
        healed = true;
        return {
          at,
          description: `${component} on ${node} let run again: pid ${newPid} (was ${pid})`,
          data: { component, node, oldPid: pid, newPid },
        };
      },
    };
  }

  private async freeze(target: Instance): Promise<Disruption> {
    const { component, node } = this.processOf(target);
    const at = now();
    // SIGSTOP: the process keeps its sockets and answers nothing until SIGCONT.
    const frozen = this.control.signal(component, node, 'SIGSTOP');
    let healed = false;
    return {
      at,
      description: `SIGSTOP ${component} on ${node} (pid ${frozen.pid}): frozen with its sockets open`,
      data: { component, node, pid: frozen.pid },
      heal: async () => {
        if (healed) return undefined;
        const at = now();
        const resumed = this.control.resume(frozen);
        healed = true;
        return {
          at,
          description: resumed
            ? `SIGCONT ${component} on ${node} (pid ${frozen.pid}): running again`
            : `${component} on ${node} (pid ${frozen.pid}) is gone; nothing to resume`,
          data: { component, node, pid: frozen.pid, resumed },
        };
      },
    };
  }

  private async isolate(target: Instance): Promise<Disruption> {
    const node = target.node;
    const at = now();
    let rules: string[];
    try {
      rules = await this.control.isolate(node);
    } catch (err) {
      // Half-added drops are removed before the failure is reported: nothing is left to heal.
      await this.control.heal(node);
      throw err;
    }
    let healed = false;
    return {
      at,
      description: `partition ${node} from its peers: ${rules.length} DROP rules`,
      data: { node, rules: rules.join('\n') },
      heal: async () => {
        if (healed) return undefined;
        const at = now();
        await this.control.heal(node);
        healed = true;
        return { at, description: `partition of ${node} healed: DROP rules removed`, data: { node } };
      },
    };
  }

  private async restoreEtcd(workDir: string): Promise<Disruption> {
    const snapshot = path.join(workDir, 'etcd-snapshot.db');
    const at = now();
    const revision = await this.control.saveEtcdSnapshot(snapshot);
    let healed = false;
    return {
      at,
      description: `etcd snapshot taken at revision ${revision}; every member will be restored from it at heal`,
      data: { node: 'all', revision },
      heal: async () => {
        if (healed) return undefined;
        healed = true;
        const at = now();
        await this.control.restoreEtcdSnapshot(snapshot);
        const tls = loadTls(this.info.adminTls);
        await waitUntil(() => apiserverReady(this.info.endpoints.apiServer, tls), {
          timeoutMs: RESTORE_READY_TIMEOUT_MS,
          intervalMs: 200,
          description: 'the API to come back after the etcd restore',
        });
        return {
          at,
          description: 'every etcd member restored from the snapshot; apiservers started again',
          data: {},
        };
      },
    };
  }
}
