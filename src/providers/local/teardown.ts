import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../util/errors.ts';
import { run } from '../../util/exec.ts';
import {
  argvOf,
  cmdline,
  executableOf,
  identityOf,
  isAlive,
  signalIfSame,
  sleep,
  waitForExit,
  type ProcessIdentity,
} from '../../util/proc.ts';
import { progress } from '../../util/progress.ts';
import { binaryOf } from './components.ts';
import { COMPONENTS } from './config.ts';
import { removeResource } from './network.ts';
import { clusterDirState } from './secure-dir.ts';
import { readState, type ClusterState, type Resource } from './state.ts';
import { isSupervisorOf, readProcessTable } from './supervisor-client.ts';

/** Names of the programs a cluster runs, for a cluster whose state file (with their paths) is gone. */
const OWN_PROGRAM_NAMES = new Set<string>([...COMPONENTS.map(binaryOf), 'k6']);

/** An argument that is the directory or a path in it, alone or as the value of a --flag=. */
function namesDir(argv: readonly string[], dir: string): boolean {
  return argv.some((a) => a === dir || a.startsWith(`${dir}/`) || a.includes(`=${dir}/`));
}

/**
 * Processes of the cluster, matched exactly: the program a process runs (/proc/<pid>/exe) is one of
 * the cluster's own (by path when the state file names them), or it is the cluster's supervisor; and
 * one of its arguments is the cluster's directory or a path in it, compared element by element so that
 * cluster "khd" never matches "khd2". Shells, editors and `tail -f` of a log are never on the list.
 */
export function processesOf(dir: string, programs?: readonly string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const pid = Number(entry);
    const argv = argvOf(pid);
    const exe = executableOf(pid)?.replace(/ \(deleted\)$/, '');
    if (!argv || !exe || !namesDir(argv, dir)) continue;
    const own = programs ? programs.includes(exe) : OWN_PROGRAM_NAMES.has(path.basename(exe));
    if (own || isSupervisorOf(argv, exe, dir)) pids.push(pid);
  }
  return pids;
}

/** The identity of a process found by processesOf, taken now: what is signalled later is this one. */
function identities(pids: number[]): ProcessIdentity[] {
  return pids.map(identityOf).filter((id): id is ProcessIdentity => id !== undefined);
}

/** Resources a cluster of this name would have, found by name: for leftovers of a run whose state file is gone. */
async function leftoverResources(name: string): Promise<Resource[]> {
  const found: Resource[] = [];
  const ns = await run('ip', ['netns', 'list'], { allowFailure: true });
  for (const line of ns.stdout.split('\n')) {
    const n = line.split(' ')[0] ?? '';
    if (n.startsWith(`${name}-node-`)) found.push({ kind: 'netns', name: n });
  }
  const links = await run('ip', ['-o', 'link', 'show'], { allowFailure: true });
  for (const m of links.stdout.matchAll(/^\d+: ([^:@]+)[:@]/gm)) {
    const link = m[1]!;
    if (link === `${name}-br0`) found.push({ kind: 'bridge', name: link });
    else if (link.startsWith(`${name}-n`) && /-n\d+$/.test(link)) found.push({ kind: 'veth', name: link });
  }
  for (const table of ['filter', 'nat'] as const) {
    const rules = await run('iptables', ['-w', '-t', table, '-S'], { allowFailure: true });
    for (const line of rules.stdout.split('\n')) {
      if (!line.startsWith('-A ') || !ruleBelongsTo(line, name)) continue;
      const [, chain, ...args] = splitRule(line);
      found.push({ kind: 'iptables', table, chain: chain!, args });
    }
  }
  return found;
}

/** The rule's comment names exactly this cluster ("kube-ha-drill:khd" or "kube-ha-drill:khd:partition"). */
export function ruleBelongsTo(line: string, name: string): boolean {
  return new RegExp(`--comment "?kube-ha-drill:${name}(:[a-z-]+)?("|\\s|$)`).test(line);
}

/** Splits an `iptables -S` line into words, honouring the quotes around comments. */
export function splitRule(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/**
 * Removes everything a cluster made, in reverse order of making; safe to run
 * any number of times, after a clean stop, a crash or a kill -9.
 * Returns a line per thing removed.
 */
export async function teardown(dir: string, name: string): Promise<string[]> {
  const removed: string[] = [];
  // A directory that is not ours is refused here (an error), before anything is signalled or removed.
  const ours = clusterDirState(dir) === 'ours';
  let state: ClusterState | undefined;
  try {
    state = ours ? readState(dir) : undefined;
  } catch (err) {
    // Damaged: the processes and rules are still found by name and directory below.
    progress(`${errorMessage(err)}; removing what is found by name instead`);
  }
  const table = ours ? readProcessTable(dir) : undefined;

  // 1. The supervisor first, so nothing is restarted behind our back: the very process recorded.
  const supervisors: ProcessIdentity[] = [];
  if (table?.supervisorStartTicks !== undefined)
    supervisors.push({ pid: table.supervisorPid, startTicks: table.supervisorStartTicks });
  for (const r of state?.resources ?? [])
    if (r.kind === 'supervisor' && r.startTicks !== undefined)
      supervisors.push({ pid: r.pid, startTicks: r.startTicks });
  for (const id of new Map(supervisors.map((s) => [`${s.pid}/${s.startTicks}`, s])).values()) {
    if (signalIfSame(id, 'SIGTERM')) {
      if (!(await waitForExit(id.pid, 10_000))) signalIfSame(id, 'SIGKILL');
      removed.push(`supervisor pid ${id.pid}`);
    }
  }
  // 2. Any process of the cluster still running (orphans of a killed supervisor).
  for (let round = 0; round < 3; round++) {
    const found = identities(processesOf(dir, state?.programs));
    if (found.length === 0) break;
    for (const id of found) if (signalIfSame(id, 'SIGKILL')) removed.push(`process ${id.pid}`);
    await sleep(100);
    for (const id of found) await waitForExit(id.pid, 2000);
  }
  // 3. Rules, namespaces, links: recorded ones in reverse, then any left by name.
  const recorded = [...(state?.resources ?? [])].reverse();
  for (const r of recorded) {
    if (r.kind === 'supervisor' || r.kind === 'dir') continue;
    await removeResource(r);
    removed.push(describeResource(r));
  }
  for (const r of await leftoverResources(name)) {
    await removeResource(r);
    removed.push(`${describeResource(r)} (not in the state file)`);
  }
  // 4. Files last: only a directory with our marker in it is ours to delete.
  if (ours) {
    rmSync(dir, { recursive: true, force: true });
    removed.push(`directory ${dir}`);
  }
  return [...new Set(removed)];
}

function describeResource(r: Resource): string {
  switch (r.kind) {
    case 'iptables':
      return `iptables ${r.table} ${r.chain} ${r.args.join(' ')}`;
    case 'dir':
      return `directory ${r.path}`;
    case 'supervisor':
      return `supervisor ${r.pid}`;
    default:
      return `${r.kind} ${r.name}`;
  }
}

/** What of a cluster is still on the machine; empty means clean. */
export async function remnants(dir: string, name: string): Promise<string[]> {
  const left = (await leftoverResources(name)).map(describeResource);
  let programs: string[] | undefined;
  try {
    programs = readState(dir)?.programs;
  } catch {
    // damaged: matched by program name instead
  }
  for (const pid of processesOf(dir, programs))
    if (isAlive(pid)) left.push(`process ${pid}: ${cmdline(pid)}`);
  try {
    readdirSync(dir);
    left.push(`directory ${dir}`);
  } catch {
    // gone, as it should be
  }
  return left;
}
