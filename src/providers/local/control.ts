import { renameSync, rmSync, statfsSync } from 'node:fs';
import path from 'node:path';
import type { ClusterInfo } from '../../cluster/topology.ts';
import { EnvironmentError } from '../../util/errors.ts';
import { run } from '../../util/exec.ts';
import { identityOf, signalIfSame, statFieldsOf, type ProcessIdentity } from '../../util/proc.ts';
import { insertRecordedRules, removeRecordedRules } from './network.ts';
import { layoutOf, netnsOf } from './config.ts';
import { specId } from './process-spec.ts';
import { readState, type Resource } from './state.ts';
import {
  liveSupervisor,
  readEvents,
  readHolds,
  readProcessTable,
  setHolds,
  waitForRunning,
} from './supervisor-client.ts';
import { processesOf } from './teardown.ts';

type Rule = Extract<Resource, { kind: 'iptables' }>;

/** Room the state filesystem must have before a fault: logs, etcd's WAL and the report's evidence. */
const MIN_FREE_BYTES = 64 * 2 ** 20;

/** The local provider's hands: signals to supervised processes, iptables inside node namespaces. */
export class LocalControl {
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

  /**
   * Restores every member from one snapshot. All three are restored beside the live data first and
   * swapped in only when all three succeeded, so a failure midway leaves the old cluster whole rather
   * than a mix of restored and unrestored members.
   */
  async restoreEtcdSnapshot(file: string): Promise<void> {
    const supervisor = liveSupervisor(this.info.dir);
    if (!supervisor)
      throw new EnvironmentError('the supervisor is not running; cannot stop etcd for a restore');
    const ids = this.info.nodes.flatMap((n) => [specId('kube-apiserver', n.name), specId('etcd', n.name)]);
    const dataDirs = this.info.nodes.map((n) => path.join(this.info.dir, n.name, 'etcd'));
    await setHolds(this.info.dir, ids, supervisor);
    try {
      const initialCluster = this.info.nodes.map((n) => `${n.name}=https://${n.ip}:2380`).join(',');
      try {
        for (const [i, n] of this.info.nodes.entries()) {
          rmSync(`${dataDirs[i]}.restore`, { recursive: true, force: true });
          await run(this.tools.etcdutl, [
            'snapshot',
            'restore',
            file,
            `--name=${n.name}`,
            `--initial-cluster=${initialCluster}`,
            `--initial-cluster-token=${this.info.name}-etcd`,
            `--initial-advertise-peer-urls=https://${n.ip}:2380`,
            `--data-dir=${dataDirs[i]}.restore`,
          ]);
        }
      } catch (err) {
        for (const d of dataDirs) rmSync(`${d}.restore`, { recursive: true, force: true });
        throw err;
      }
      // Renames only from here: the old data moves aside until every restored one is in place.
      for (const d of dataDirs) renameSync(d, `${d}.before-restore`);
      for (const d of dataDirs) renameSync(`${d}.restore`, d);
      for (const d of dataDirs) rmSync(`${d}.before-restore`, { recursive: true, force: true });
    } finally {
      await setHolds(this.info.dir, [], supervisor);
    }
  }

  checkReadyForFaults(): void {
    if (!liveSupervisor(this.info.dir))
      throw new EnvironmentError(
        `the supervisor of cluster ${this.info.name} is not running: a killed component would not be restarted`,
        `see ${path.join(this.info.dir, 'logs', 'supervisor.log')}; then \`npm run cluster -- down\` and start again`,
      );
    const fs = statfsSync(this.info.dir);
    const free = fs.bavail * fs.bsize;
    if (free < MIN_FREE_BYTES)
      throw new EnvironmentError(
        `the filesystem of ${this.info.dir} has ${(free / 2 ** 20).toFixed(0)} MiB free, less than the ${MIN_FREE_BYTES / 2 ** 20} MiB a drill needs for logs, state and etcd`,
        'free some space there (or choose another --state-root) and run the drill again',
      );
  }

  private processId(component: string, node: string): string {
    return specId(component, node);
  }

  pidOf(component: string, node: string): number | undefined {
    const id = this.processId(component, node);
    const p = readProcessTable(this.info.dir)?.processes.find((x) => x.id === id);
    return p?.state === 'running' && p.pid ? p.pid : undefined;
  }

  /**
   * Signals a running supervised process (SIGKILL, SIGTERM, SIGSTOP) and returns who was signalled:
   * the pid with the start time the supervisor recorded, never a later process that reused the pid.
   */
  signal(component: string, node: string, signal: NodeJS.Signals): ProcessIdentity {
    const id = this.processId(component, node);
    const p = readProcessTable(this.info.dir)?.processes.find((x) => x.id === id);
    if (p?.state !== 'running' || !p.pid)
      throw new EnvironmentError(`${component} on ${node} is not running; nothing to send ${signal} to`);
    const identity = { pid: p.pid, startTicks: p.startTicks ?? -1 };
    if (!signalIfSame(identity, signal))
      throw new EnvironmentError(`pid ${p.pid} is not ${component} of this cluster any more`);
    return identity;
  }

  /**
   * Kills the process and keeps it down (a supervisor hold) until release(); returns its pid. The
   * hold is in holds.json, so the next drill or `down` releases it after a crash.
   */
  async hold(component: string, node: string): Promise<number> {
    const supervisor = this.supervisorOrThrow();
    const pid = this.pidOf(component, node);
    if (!pid) throw new EnvironmentError(`${component} on ${node} is not running; nothing to stop`);
    const id = this.processId(component, node);
    await setHolds(this.info.dir, [...new Set([...readHolds(this.info.dir), id])], supervisor);
    return pid;
  }

  /** Lets the supervisor start a held process again. */
  async release(component: string, node: string): Promise<void> {
    const id = this.processId(component, node);
    await setHolds(
      this.info.dir,
      readHolds(this.info.dir).filter((h) => h !== id),
      this.supervisorOrThrow(),
    );
  }

  private supervisorOrThrow(): ProcessIdentity {
    const supervisor = liveSupervisor(this.info.dir);
    if (!supervisor) throw new EnvironmentError(`the supervisor of cluster ${this.info.name} is not running`);
    return supervisor;
  }

  /** SIGCONT to the very process frozen; false when it is gone (then there is nothing to resume). */
  resume(identity: ProcessIdentity): boolean {
    return signalIfSame(identity, 'SIGCONT');
  }

  waitRestarted(component: string, node: string, oldPid: number, timeoutMs: number): Promise<number> {
    return waitForRunning(this.info.dir, this.processId(component, node), timeoutMs, oldPid);
  }

  private rulesFor(node: string): Rule[] {
    const me = this.info.nodes.find((n) => n.name === node);
    if (!me) throw new EnvironmentError(`unknown node ${node}`);
    const netns = netnsOf(this.info.name, me.name);
    const comment = ['-m', 'comment', '--comment', `kube-ha-drill:${this.info.name}:partition`];
    const rule = (chain: 'INPUT' | 'OUTPUT', match: string[]): Rule => ({
      kind: 'iptables',
      table: 'filter',
      chain,
      netns,
      args: [...match, ...comment, '-j', 'DROP'],
    });
    const peers = this.info.nodes.filter((n) => n.name !== node);
    const direct = peers.flatMap((peer) => [
      rule('INPUT', ['-s', `${peer.ip}/32`]),
      rule('OUTPUT', ['-d', `${peer.ip}/32`]),
    ]);
    const config = readState(this.info.dir)?.config;
    if (config?.etcdPeerLinks !== 'proxied') return direct;
    // Proxied peer links: a member's connections to a peer go to the proxy (matched by the address
    // they were made to); a peer's come from the proxy, on the bridge address, to port 2380.
    const proxy = `${layoutOf(config).bridgeIp}/32`;
    return [
      ...direct,
      rule('INPUT', ['-p', 'tcp', '-s', proxy, '--dport', '2380']),
      rule('OUTPUT', ['-p', 'tcp', '-d', proxy, '--sport', '2380']),
      ...peers.flatMap((peer) => [
        rule('INPUT', ['-m', 'conntrack', '--ctorigdst', `${peer.ip}/32`]),
        rule('OUTPUT', ['-m', 'conntrack', '--ctorigdst', `${peer.ip}/32`]),
      ]),
    ];
  }

  /** Rules are written to the state file before they are added, so `down` or the next drill heals them after a crash. */
  async isolate(node: string): Promise<string[]> {
    const rules = this.rulesFor(node);
    await insertRecordedRules(this.info.dir, rules);
    return rules.map((r) => `${r.netns}: iptables -I ${r.chain} ${r.args.join(' ')}`);
  }

  async heal(node: string): Promise<void> {
    await removeRecordedRules(this.info.dir, this.rulesFor(node));
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
    // A frozen process of the cluster (state T) is resumed: nothing else would ever wake it.
    for (const p of readProcessTable(this.info.dir)?.processes ?? []) {
      if (p.state !== 'running' || !p.pid || typeof p.startTicks !== 'number') continue;
      if (statFieldsOf(p.pid)?.[0] !== 'T') continue;
      if (this.resume({ pid: p.pid, startTicks: p.startTicks })) undone.push(`frozen ${p.id} (resumed)`);
    }
    const supervisor = liveSupervisor(this.info.dir);
    const holds = readHolds(this.info.dir);
    if (supervisor && holds.length > 0) {
      await setHolds(this.info.dir, [], supervisor);
      undone.push(`held processes ${holds.join(', ')}`);
    }
    for (const pid of processesOf(this.drillDir(), readState(this.info.dir)?.programs)) {
      const id = identityOf(pid);
      if (id && signalIfSame(id, 'SIGKILL')) undone.push(`drill process ${pid}`);
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
