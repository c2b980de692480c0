import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../util/exec.ts';
import { cmdline, isAlive, signalIfOurs, sleep, waitForExit } from '../../util/proc.ts';
import { COMPONENTS } from './config.ts';
import { removeResource } from './network.ts';
import { readState, statePath, type Resource } from './state.ts';
import { readProcessTable, supervisorMarker } from './supervisor-client.ts';

/** Programs the cluster runs (with the wrappers that exec them); nothing else is ever signalled. */
const OWN_PROGRAMS = new Set<string>([...COMPONENTS, 'k6', 'ip', 'unshare', 'sh']);

function isOwnProgram(cl: string): boolean {
  const program = path.basename(cl.split(' ')[0] ?? '');
  return OWN_PROGRAMS.has(program) || (program === 'node' && cl.includes('supervisor.ts'));
}

/**
 * Processes of the cluster: one of its programs, with the cluster's directory
 * on its command line (every config, cert and data path lives there). A
 * shell or editor that merely names the directory is left alone.
 */
export function processesOf(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cl = cmdline(Number(entry));
    if (cl && (cl.includes(`${dir}/`) || cl.endsWith(dir)) && isOwnProgram(cl)) pids.push(Number(entry));
  }
  return pids;
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
  for (const table of ['filter', 'nat']) {
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
  const state = readState(dir);
  const table = readProcessTable(dir);

  // 1. The supervisor first, so nothing is restarted behind our back.
  const supervisors = [
    table?.supervisorPid,
    ...(state?.resources ?? []).map((r) => (r.kind === 'supervisor' ? r.pid : undefined)),
  ];
  for (const pid of new Set(supervisors.filter((p): p is number => !!p))) {
    if (signalIfOurs(pid, supervisorMarker(dir), 'SIGTERM')) {
      if (!(await waitForExit(pid, 10_000))) signalIfOurs(pid, supervisorMarker(dir), 'SIGKILL');
      removed.push(`supervisor pid ${pid}`);
    }
  }
  // 2. Any process still holding the cluster's files (orphans of a killed supervisor).
  for (let round = 0; round < 3; round++) {
    const pids = processesOf(dir);
    if (pids.length === 0) break;
    for (const pid of pids) if (signalIfOurs(pid, dir, 'SIGKILL')) removed.push(`process ${pid}`);
    await sleep(100);
    for (const pid of pids) await waitForExit(pid, 2000);
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
  // 4. Files last: the state file was our map.
  // Only a directory with our state file in it is ours to delete.
  if (existsSync(statePath(dir))) {
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
  for (const pid of processesOf(dir)) if (isAlive(pid)) left.push(`process ${pid}: ${cmdline(pid)}`);
  try {
    readdirSync(dir);
    left.push(`directory ${dir}`);
  } catch {
    // gone, as it should be
  }
  return left;
}
