import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ClusterControl } from '../control.ts';
import type { ClusterInfo } from '../topology.ts';
import { EnvironmentError } from '../../util/errors.ts';
import { run } from '../../util/exec.ts';
import { signalIfOurs } from '../../util/proc.ts';
import { iptablesArgs, removeResource } from './network.ts';
import { specId } from './process-spec.ts';
import { readState, writeState, type Resource } from './state.ts';
import { readEvents, readHolds, readProcessTable, setHolds, waitForRunning } from './supervisor-client.ts';
import { processesOf } from './teardown.ts';

type Rule = Extract<Resource, { kind: 'iptables' }>;

/** The local provider's hands: signals to supervised processes, iptables inside node namespaces. */
export class LocalControl implements ClusterControl {
  private eventsOffset: number;

  constructor(
    readonly info: ClusterInfo,
    private readonly tools: { etcdctl: string; etcdutl: string },
  ) {
    this.eventsOffset = readEvents(info.dir).offset;
  }

  private etcdctlArgs(endpoint: string): string[] {
    const t = this.info.etcdClient;
    return [`--endpoints=${endpoint}`, `--cacert=${t.ca}`, `--cert=${t.cert}`, `--key=${t.key}`];
  }

  async saveEtcdSnapshot(file: string): Promise<number> {
    const endpoint = Object.values(this.info.endpoints.etcdOf)[0]!;
    await run(this.tools.etcdctl, [...this.etcdctlArgs(endpoint), 'snapshot', 'save', file], {
      timeoutMs: 30_000,
    });
    const status = await run(this.tools.etcdutl, ['snapshot', 'status', file, '-w', 'json']);
    return (JSON.parse(status.stdout) as { revision: number }).revision;
  }

  async restoreEtcdSnapshot(file: string): Promise<void> {
    const supervisor = readProcessTable(this.info.dir)?.supervisorPid;
    if (!supervisor)
      throw new EnvironmentError('the supervisor is not running; cannot stop etcd for a restore');
    const ids = this.info.nodes.flatMap((n) => [specId('kube-apiserver', n.name), specId('etcd', n.name)]);
    await setHolds(this.info.dir, ids, supervisor);
    try {
      const initialCluster = this.info.nodes.map((n) => `${n.name}=https://${n.ip}:2380`).join(',');
      for (const n of this.info.nodes) {
        const dataDir = path.join(this.info.dir, n.name, 'etcd');
        rmSync(`${dataDir}.restore`, { recursive: true, force: true });
        await run(this.tools.etcdutl, [
          'snapshot',
          'restore',
          file,
          `--name=${n.name}`,
          `--initial-cluster=${initialCluster}`,
          `--initial-cluster-token=${this.info.name}-etcd`,
          `--initial-advertise-peer-urls=https://${n.ip}:2380`,
          `--data-dir=${dataDir}.restore`,
        ]);
        rmSync(dataDir, { recursive: true, force: true });
        renameSync(`${dataDir}.restore`, dataDir);
      }
    } finally {
      await setHolds(this.info.dir, [], supervisor);
    }
  }

  private processId(component: string, node: string): string {
    return specId(component, node);
  }

  pidOf(component: string, node: string): number | undefined {
    const id = this.processId(component, node);
    const p = readProcessTable(this.info.dir)?.processes.find((x) => x.id === id);
    return p?.state === 'running' && p.pid ? p.pid : undefined;
  }

  async kill(component: string, node: string, signal: NodeJS.Signals): Promise<number> {
    const pid = this.pidOf(component, node);
    if (!pid) throw new EnvironmentError(`${component} on ${node} is not running; nothing to kill`);
    // The command line of every process of the cluster names the cluster's directory.
    if (!signalIfOurs(pid, this.info.dir, signal))
      throw new EnvironmentError(`pid ${pid} is not ${component} of this cluster any more`);
    return pid;
  }

  waitRestarted(component: string, node: string, oldPid: number, timeoutMs: number): Promise<number> {
    return waitForRunning(this.info.dir, this.processId(component, node), timeoutMs, oldPid);
  }

  private rulesFor(node: string): Rule[] {
    const me = this.info.nodes.find((n) => n.name === node);
    if (!me?.netns) throw new EnvironmentError(`unknown node ${node}`);
    const comment = ['-m', 'comment', '--comment', `kube-ha-drill:${this.info.name}:partition`];
    return this.info.nodes
      .filter((n) => n.name !== node)
      .flatMap((peer) => [
        {
          kind: 'iptables',
          table: 'filter',
          chain: 'INPUT',
          netns: me.netns,
          args: ['-s', `${peer.ip}/32`, ...comment, '-j', 'DROP'],
        },
        {
          kind: 'iptables',
          table: 'filter',
          chain: 'OUTPUT',
          netns: me.netns,
          args: ['-d', `${peer.ip}/32`, ...comment, '-j', 'DROP'],
        },
      ]);
  }

  /** Rules are written to the state file before they are added, so `down` or the next drill heals them after a crash. */
  async isolate(node: string): Promise<string[]> {
    const rules = this.rulesFor(node);
    const state = readState(this.info.dir);
    if (state) {
      const known = new Set(state.resources.map((r) => JSON.stringify(r)));
      for (const r of rules) if (!known.has(JSON.stringify(r))) state.resources.push(r);
      writeState(this.info.dir, state);
    }
    const added: string[] = [];
    for (const r of rules) {
      const present = await run('iptables', iptablesArgs(r, '-C'), { netns: r.netns, allowFailure: true });
      if (present.exitCode !== 0) await run('iptables', iptablesArgs(r, '-I'), { netns: r.netns });
      added.push(`${r.netns}: iptables -I ${r.chain} ${r.args.join(' ')}`);
    }
    return added;
  }

  async heal(node: string): Promise<void> {
    const rules = this.rulesFor(node);
    for (const r of rules) await removeResource(r);
    const state = readState(this.info.dir);
    if (state) {
      const gone = new Set(rules.map((r) => JSON.stringify(r)));
      state.resources = state.resources.filter((r) => !gone.has(JSON.stringify(r)));
      writeState(this.info.dir, state);
    }
  }

  /**
   * Undoes what a drill killed with -9 may have left on a reused cluster:
   * partitions still recorded in the state file, processes held stopped, and
   * the drill's own helpers (k6) still running. Returns what it undid.
   */
  async healLeftovers(): Promise<string[]> {
    const undone: string[] = [];
    for (const n of this.info.nodes) {
      const before = JSON.stringify(readState(this.info.dir)?.resources ?? []);
      await this.heal(n.name);
      if (JSON.stringify(readState(this.info.dir)?.resources ?? []) !== before)
        undone.push(`partition of ${n.name}`);
    }
    const supervisor = readProcessTable(this.info.dir)?.supervisorPid;
    const holds = readHolds(this.info.dir);
    if (supervisor && holds.length > 0) {
      await setHolds(this.info.dir, [], supervisor);
      undone.push(`held processes ${holds.join(', ')}`);
    }
    for (const pid of processesOf(this.drillDir())) {
      if (signalIfOurs(pid, this.drillDir(), 'SIGKILL')) undone.push(`drill process ${pid}`);
    }
    return undone;
  }

  /** Scratch space of the drill running on this cluster; every helper process names it on its command line. */
  drillDir(): string {
    return path.join(this.info.dir, 'drill');
  }

  drainProcessEvents() {
    const { events, offset } = readEvents(this.info.dir, this.eventsOffset);
    this.eventsOffset = offset;
    return events
      .filter((e) => e.kind === 'process-start' || e.kind === 'process-exit')
      .map((e) => ({
        at: e.at,
        kind: e.kind as 'process-start' | 'process-exit',
        message: e.message,
        component: e.component,
        node: e.node,
        ...(e.pid ? { pid: e.pid } : {}),
      }));
  }
}
