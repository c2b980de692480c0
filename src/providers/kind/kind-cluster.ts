import { readFileSync, readdirSync } from 'node:fs';
import { residentMemoryBy, statFieldsOf } from '../../util/proc.ts';
import path from 'node:path';
import { currentEtcdLeader } from '../../cluster/etcd-leader.ts';
import { currentLeader } from '../../cluster/role-leader.ts';
import { apiserverReady } from '../../cluster/health.ts';
import { kubeconfigClientCerts, type FoundCertificate } from '../../cluster/certificates.ts';
import type { ClusterInfo } from '../../cluster/topology.ts';
import { now } from '../../observe/clock.ts';
import { EnvironmentError } from '../../util/errors.ts';
import { loadTls } from '../../util/tls-client.ts';
import type {
  AcquiredCluster,
  ClusterEvent,
  ClusterStatus,
  ComponentStatus,
  Disruption,
  FaultVerbs,
  Instance,
  LeaderRole,
  Role,
} from '../provider.ts';
import { describe, freeze, restarted, terminate, type NodeContainer } from './container-faults.ts';
import { dockerMaybe } from './docker.ts';
import type { ReadyRecord } from './kind-lifecycle.ts';
import { inNode, inNodeNetwork, kindNodes, runningContainer, type KindNode } from './node-exec.ts';

/** The CRI container name behind a role's instance on a node. */
const CONTAINER_OF: Record<Role, string> = {
  etcd: 'etcd',
  apiserver: 'kube-apiserver',
  'controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
  coredns: 'coredns',
};

/**
 * A kind cluster as a drill sees it. Faults act as in production: a container is killed through
 * the node's CRI (crictl) and the kubelet starts it again; a partition is iptables DROP rules in the
 * node's network namespace, entered from this machine.
 */
export class KindCluster implements AcquiredCluster {
  readonly info: ClusterInfo;
  readonly verbs: FaultVerbs;

  constructor(
    private readonly record: ReadyRecord,
    private readonly nodes: KindNode[],
    private readonly onRelease: (remove: boolean) => Promise<void>,
  ) {
    this.info = record.info;
    this.verbs = {
      kill: (t) => this.kill(t),
      terminate: async (t) => terminate(await this.containerOf(t)),
      freeze: async (t) => freeze(await this.containerOf(t)),
      isolate: (t) => this.isolate(t),
    };
  }

  private node(name: string): KindNode {
    const n = this.nodes.find((x) => x.name === name || x.container === name);
    if (!n) throw new EnvironmentError(`the kind cluster has no node ${name}`);
    return n;
  }

  instances(role: Role): Instance[] {
    if (role === 'coredns')
      return (this.record.coredns ?? []).map((c, i) => ({
        role,
        name: String(i),
        node: this.node(c.container).name,
      }));
    return this.nodes.map((n) => ({ role, name: n.name, node: n.name }));
  }

  async leaderOf(role: LeaderRole): Promise<{ instance: Instance; why: string }> {
    // A lease holder is "<hostname>_<uuid>"; a kind node's hostname is its container's name.
    const { node, why } = await currentLeader(
      this.info,
      role,
      (h) => this.nodes.find((n) => h.startsWith(`${n.container}_`))?.name,
    );
    return { instance: { role, name: node, node }, why };
  }

  async status(): Promise<ClusterStatus> {
    const rows: ComponentStatus[] = [];
    for (const n of this.nodes) {
      const out = await inNode(n.container, ['crictl', 'ps', '-a', '-o', 'json']).catch(
        () => '{"containers":[]}',
      );
      const containers = (
        JSON.parse(out) as {
          containers: {
            metadata: { name: string; attempt?: number };
            state: string;
            labels?: Record<string, string>;
          }[];
        }
      ).containers;
      for (const role of Object.values(CONTAINER_OF)) {
        const mine = containers.filter((c) => c.metadata.name === role);
        for (const pod of new Set(mine.map((c) => c.labels?.['io.kubernetes.pod.name'] ?? role))) {
          const ofPod = mine.filter((c) => (c.labels?.['io.kubernetes.pod.name'] ?? role) === pod);
          const running = ofPod.find((c) => c.state === 'CONTAINER_RUNNING');
          const restarts = Math.max(0, ...ofPod.map((c) => c.metadata.attempt ?? 0));
          rows.push({
            id: `${role}@${n.name}${role === 'coredns' ? `/${pod}` : ''}`,
            component: role,
            node: n.name,
            state: running ? 'running' : 'exited',
            restarts,
            healthy: running !== undefined,
            detail: `${n.container} ${pod}`,
          });
        }
      }
    }
    const lbReady = await apiserverReady(this.info.endpoints.apiServer, loadTls(this.info.adminTls));
    let etcdLeader: string | undefined;
    try {
      etcdLeader = (await currentEtcdLeader(this.info)).node;
    } catch {
      etcdLeader = undefined;
    }
    return {
      name: this.info.name,
      apiServer: this.info.endpoints.apiServer,
      loadBalancerReady: lbReady,
      etcdLeader,
      rows,
    };
  }

  checkReadyForFaults(): void {
    // The kubelet and Docker undo a kill; a partition is undone by the tool: nothing to check here.
  }

  async healLeftovers(): Promise<string[]> {
    const undone: string[] = [];
    for (const n of this.nodes) if (await this.removePartition(n)) undone.push(`partition of ${n.name}`);
    return undone;
  }

  scratchDir(): string {
    return path.join(this.info.dir, 'drill');
  }

  drainEvents(): ClusterEvent[] {
    return [];
  }

  /** What kubeadm made on each node: the PKI files, the kubelet's client and the kubeconfigs' users. */
  async certificates(): Promise<FoundCertificate[]> {
    const script =
      "for f in $(find /etc/kubernetes/pki -name '*.crt' | sort) /var/lib/kubelet/pki/kubelet-client-current.pem; " +
      'do [ -f "$f" ] && echo "### file $f" && cat "$f"; done; ' +
      'for f in /etc/kubernetes/*.conf; do [ -f "$f" ] && echo "### kubeconfig $f" && cat "$f"; done';
    const found: FoundCertificate[] = [];
    for (const node of this.nodes) {
      const out = await inNode(node.container, ['sh', '-c', script]);
      for (const part of out.split(/^### /m).slice(1)) {
        const [head = '', ...rest] = part.split('\n');
        const [kind, file = ''] = head.split(' ');
        const source = `${node.container}:${file}`;
        const short = file.replace(/^\/etc\/kubernetes\/(pki\/)?|^\/var\/lib\/kubelet\/pki\//g, '');
        if (kind === 'kubeconfig')
          found.push(
            ...kubeconfigClientCerts(rest.join('\n'), source).map((c) => ({
              ...c,
              name: `${node.name} ${short}: ${c.name}`,
            })),
          );
        else
          found.push({
            name: `${node.name} ${short.replace(/\.(crt|pem)$/, '')}`,
            source,
            pem: rest.join('\n'),
          });
      }
    }
    return found;
  }

  /** Resident memory (VmRSS) of every process in each node and the load balancer, by program, in MiB. */
  async residentMemory(): Promise<Map<string, number>> {
    const inits = new Map<number, string>(this.nodes.map((n) => [n.pid, n.container]));
    const lb = (
      await dockerMaybe(['inspect', '--format', '{{.State.Pid}}', `${this.info.name}-external-load-balancer`])
    ).stdout.trim();
    if (lb) inits.set(Number(lb), 'load balancer');
    const pids = readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .map(Number);
    const parent = new Map(pids.map((pid) => [pid, Number(statFieldsOf(pid)?.[1] ?? 0)]));
    // Every process whose chain of parents reaches a node's (or the load balancer's) init.
    const inside = pids.filter((pid) => {
      let p = pid;
      while (p > 1 && !inits.has(p)) p = parent.get(p) ?? 0;
      return inits.has(p);
    });
    return residentMemoryBy(inside, (pid) => commOf(pid));
  }

  release(remove: boolean): Promise<void> {
    return this.onRelease(remove);
  }

  private async containerOf(target: Instance): Promise<NodeContainer> {
    const name = CONTAINER_OF[target.role];
    let node = this.node(target.node);
    let pod: string | undefined;
    if (target.role === 'coredns') {
      const replica = this.record.coredns?.[Number(target.name)];
      if (!replica) throw new EnvironmentError(`the kind cluster has no CoreDNS replica ${target.name}`);
      pod = replica.pod;
      node = this.node(replica.container);
    }
    const id = await runningContainer(node.container, name, pod);
    if (!id) throw new EnvironmentError(`no running ${name} container on ${node.container}`);
    return { node, name, ...(pod ? { pod } : {}), id };
  }

  private async kill(target: Instance): Promise<Disruption> {
    const c = await this.containerOf(target);
    const at = now();
    // StopContainer with no grace period: the runtime sends SIGKILL at once; the kubelet restarts it.
    await inNode(c.node.container, ['crictl', 'stop', '--timeout', '0', c.id]);
    let healed = false;
    return {
      at,
      description: `SIGKILL container ${describe(c)} through the node's CRI (crictl stop --timeout 0 ${c.id.slice(0, 13)})`,
      data: { component: c.name, node: c.node.name, container: c.id },
      heal: async () => {
        if (healed) return undefined;
        const step = await restarted(c, now());
        healed = true;
        return step;
      },
    };
  }

  private partitionRules(node: KindNode): string[][] {
    const comment = ['-m', 'comment', '--comment', `kube-ha-drill:${this.info.name}:partition`];
    return this.nodes
      .filter((peer) => peer.name !== node.name)
      .flatMap((peer) => [
        ['INPUT', '-s', `${peer.ip}/32`, ...comment, '-j', 'DROP'],
        ['OUTPUT', '-d', `${peer.ip}/32`, ...comment, '-j', 'DROP'],
        ['FORWARD', '-s', `${peer.ip}/32`, ...comment, '-j', 'DROP'],
        ['FORWARD', '-d', `${peer.ip}/32`, ...comment, '-j', 'DROP'],
      ]);
  }

  /** Removes every rule of ours in the node's network (those tagged with our comment); true when there were any. */
  private async removePartition(node: KindNode): Promise<boolean> {
    const listed = await inNodeNetwork(node, 'iptables', ['-S'], true);
    const tag = `kube-ha-drill:${this.info.name}:partition`;
    const ours = listed.stdout.split('\n').filter((l) => l.startsWith('-A ') && l.includes(tag));
    for (const rule of ours) {
      // "-A INPUT -s 1.2.3.4/32 -m comment --comment kube-ha-drill:khd:partition -j DROP" -> -D ...
      const args = rule
        .slice(3)
        .split(' ')
        .map((a) => a.replace(/^"|"$/g, ''));
      await inNodeNetwork(node, 'iptables', ['-D', ...args], true);
    }
    return ours.length > 0;
  }

  private async isolate(target: Instance): Promise<Disruption> {
    const node = this.node(target.node);
    const at = now();
    const rules = this.partitionRules(node);
    try {
      for (const r of rules) await inNodeNetwork(node, 'iptables', ['-I', ...r]);
    } catch (err) {
      await this.removePartition(node);
      throw err;
    }
    let healed = false;
    return {
      at,
      description: `partition ${node.name} (${node.container}) from its peers: ${rules.length} DROP rules in its network namespace`,
      data: { node: node.name, rules: rules.map((r) => `iptables -I ${r.join(' ')}`).join('\n') },
      heal: async () => {
        if (healed) return undefined;
        const at = now();
        await this.removePartition(node);
        healed = true;
        return {
          at,
          description: `partition of ${node.name} healed: DROP rules removed`,
          data: { node: node.name },
        };
      },
    };
  }
}

/** The program name the kernel keeps for a process (/proc/<pid>/comm). */
function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** The cluster of a record, with its node containers as Docker reports them now. */
export async function kindClusterOf(
  record: ReadyRecord,
  onRelease: (remove: boolean) => Promise<void>,
): Promise<KindCluster> {
  return new KindCluster(record, await kindNodes(record.info.name), onRelease);
}
