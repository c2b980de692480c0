/**
 * Faults on one container of a kind node, done as an operator would on the node: signals to the
 * container's process (the pid its runtime reports, in the node's own pid namespace).
 */
import { now } from '../../observe/clock.ts';
import { EnvironmentError } from '../../util/errors.ts';
import { pollUntil } from '../../util/wait-until.ts';
import type { Disruption, FaultStep } from '../provider.ts';
import { inNode, runningContainer, type KindNode } from './node-exec.ts';

/** How long the kubelet may take to run a container again (its back-off starts at 10 s). */
export const RESTART_TIMEOUT_MS = 120_000;

/** One running container of a node, as the drill found it. */
export interface NodeContainer {
  node: KindNode;
  /** The CRI container name: etcd, kube-apiserver, coredns, ... */
  name: string;
  /** The pod, where the name alone is ambiguous (CoreDNS replicas). */
  pod?: string;
  id: string;
}

export function describe(c: NodeContainer): string {
  return `${c.name}${c.pod ? ` (pod ${c.pod})` : ''} on ${c.node.name} (${c.node.container})`;
}

/** Waits until the kubelet runs another container than `c`; the heal of every fault that ends one. */
export async function restarted(c: NodeContainer, at: number, signal?: string): Promise<FaultStep> {
  const next = await pollUntil(
    async () => {
      const current = await runningContainer(c.node.container, c.name, c.pod).catch(() => undefined);
      return current && current !== c.id ? current : undefined;
    },
    { timeoutMs: RESTART_TIMEOUT_MS, intervalMs: 250 },
  );
  if (!next)
    throw new EnvironmentError(
      `the kubelet did not start ${describe(c)} again within ${RESTART_TIMEOUT_MS / 1000} s`,
    );
  return {
    at,
    description: `the kubelet runs ${describe(c)} again (container ${next.slice(0, 13)})`,
    data: { component: c.name, node: c.node.name, container: next, ...(signal ? { signal } : {}) },
  };
}

/** The container's main process, in the node's pid namespace, as its runtime reports it. */
async function pidOf(c: NodeContainer): Promise<number> {
  const out = await inNode(c.node.container, ['crictl', 'inspect', '--output', 'json', c.id]);
  const pid = (JSON.parse(out) as { info?: { pid?: number } }).info?.pid;
  if (!pid) throw new EnvironmentError(`the runtime reports no process for ${describe(c)}`);
  return pid;
}

function signalIn(c: NodeContainer, pid: number, signal: string): Promise<string> {
  return inNode(c.node.container, ['kill', `-${signal}`, String(pid)]);
}

/** SIGTERM to the container's process: a graceful shutdown; the kubelet starts it again once it exited. */
export async function terminate(c: NodeContainer): Promise<Disruption> {
  const pid = await pidOf(c);
  const at = now();
  await signalIn(c, pid, 'TERM');
  let healed = false;
  return {
    at,
    description: `SIGTERM ${describe(c)} (pid ${pid} in the node)`,
    data: { component: c.name, node: c.node.name, container: c.id, pid, signal: 'SIGTERM' },
    heal: async () => {
      if (healed) return undefined;
      const step = await restarted(c, now(), 'SIGTERM');
      healed = true;
      return step;
    },
  };
}

/** SIGSTOP until the heal's SIGCONT; the kubelet's liveness probe may restart it meanwhile, as it would. */
export async function freeze(c: NodeContainer): Promise<Disruption> {
  const pid = await pidOf(c);
  const at = now();
  await signalIn(c, pid, 'STOP');
  let healed = false;
  return {
    at,
    description: `SIGSTOP ${describe(c)} (pid ${pid} in the node): frozen with its sockets open`,
    data: { component: c.name, node: c.node.name, container: c.id, pid },
    heal: async () => {
      if (healed) return undefined;
      const at = now();
      const same = (await runningContainer(c.node.container, c.name, c.pod).catch(() => undefined)) === c.id;
      const resumed =
        same &&
        (await signalIn(c, pid, 'CONT').then(
          () => true,
          () => false,
        ));
      healed = true;
      return {
        at,
        description: resumed
          ? `SIGCONT ${describe(c)} (pid ${pid}): running again`
          : `${describe(c)} is no longer the frozen container (the kubelet replaced it); nothing to resume`,
        data: { component: c.name, node: c.node.name, container: c.id, pid, resumed },
      };
    },
  };
}
