/**
 * Commands on a kind node: inside its container (docker exec: crictl, the node's own tools), or in
 * its network namespace entered from this machine (nsenter: iptables), as the issue of a fault
 * demands. Node containers are found by kind's labels.
 */
import { EnvironmentError } from '../../util/errors.ts';
import { lastLines, run, type RunResult } from '../../util/exec.ts';
import { docker } from './docker.ts';

export interface KindNode {
  /** The name scenarios use: node-1, node-2, ... in the order of kind's container names. */
  name: string;
  /** The node's container, which is also its Kubernetes node name and hostname. */
  container: string;
  ip: string;
  /** The container's init on this machine: its /proc/<pid>/ns/net is the node's network. */
  pid: number;
}

/** Runs a command inside the node's container. */
export function inNode(container: string, args: readonly string[], input?: string): Promise<string> {
  return docker(['exec', ...(input === undefined ? [] : ['-i']), container, ...args], {
    timeoutMs: 60_000,
    input,
  });
}

/** Runs a program of this machine inside the node's network namespace. */
export async function inNodeNetwork(
  node: KindNode,
  file: string,
  args: readonly string[],
  allowFailure = false,
): Promise<RunResult> {
  const r = await run('nsenter', [`--net=${netnsOf(node)}`, '--', file, ...args], {
    allowFailure: true,
    timeoutMs: 30_000,
    installHint: 'install util-linux (it provides nsenter)',
  });
  if (!allowFailure && r.exitCode !== 0)
    throw new EnvironmentError(
      `in the network of ${node.container}: ${file} ${args.join(' ')} failed:\n${lastLines(r.stderr, 10)}`,
    );
  return r;
}

export function netnsOf(node: KindNode): string {
  return `/proc/${node.pid}/ns/net`;
}

/** The control-plane node containers of a kind cluster, in kind's order (control-plane, -control-plane2, ...). */
export async function kindNodes(cluster: string): Promise<KindNode[]> {
  const listed = await docker([
    'ps',
    '--filter',
    `label=io.x-k8s.kind.cluster=${cluster}`,
    '--filter',
    'label=io.x-k8s.kind.role=control-plane',
    '--format',
    '{{.Names}}',
  ]);
  const names = listed
    .split('\n')
    .filter(Boolean)
    .sort((a, b) => a.length - b.length || a.localeCompare(b));
  const nodes: KindNode[] = [];
  for (const [i, container] of names.entries()) {
    const format = '{{.State.Pid}} {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}';
    const [pid, ip] = (await docker(['inspect', '--format', format, container])).split(/\s+/);
    nodes.push({ name: `node-${i + 1}`, container, ip: ip!, pid: Number(pid) });
  }
  return nodes;
}

/** The id of the running container of a CRI container name on a node (e.g. kube-apiserver), or undefined. */
export async function runningContainer(
  node: string,
  name: string,
  pod?: string,
): Promise<string | undefined> {
  const args = ['crictl', 'ps', '--state', 'running', '--name', `^${name}$`, '-q'];
  if (pod) args.push('--label', `io.kubernetes.pod.name=${pod}`);
  const ids = (await inNode(node, args)).split('\n').filter(Boolean);
  return ids[0];
}
