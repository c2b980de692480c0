import { EnvironmentError } from '../../util/errors.ts';
import { run } from '../../util/exec.ts';
import { cidrOf, cidrOverlaps, parseCidr } from '../../util/net.ts';
import type { Layout } from './config.ts';
import { readState, recordResource, writeState, type ClusterState, type Resource } from './state.ts';

const IP_HINT = 'install iproute2 (`npm run setup` does)';

async function ip(args: string[], netns?: string): Promise<void> {
  await run('ip', netns ? ['-n', netns, ...args] : args, { installHint: IP_HINT });
}

/** Fails when the subnet overlaps a route the machine already has, or the names are taken. */
export async function checkNetworkFree(layout: Layout): Promise<void> {
  const routes = (await run('ip', ['-4', 'route', 'show', 'table', 'all'], { installHint: IP_HINT })).stdout;
  const ours = parseCidr(layout.config.subnet);
  for (const line of routes.split('\n')) {
    // "10.1.0.0/24 dev x", "blackhole 10.2.0.0/16", "local 10.3.0.1 dev y table local": all claim addresses.
    const words = line.trim().split(/\s+/);
    const dst = /^\d/.test(words[0] ?? '') ? words[0]! : (words[1] ?? '');
    const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?$/.exec(dst);
    if (!m || words[0] === 'broadcast' || line.includes(`dev ${layout.bridge}`)) continue;
    const prefix = Number(m[2] ?? 32);
    if (prefix === 0) continue;
    if (cidrOverlaps(ours, cidrOf(m[1]!, prefix))) {
      throw new EnvironmentError(
        `subnet ${layout.config.subnet} overlaps the existing route "${line.trim()}"`,
        'choose a free subnet with --subnet (e.g. 10.214.0.0/24)',
      );
    }
  }
  const links = (await run('ip', ['-o', 'link', 'show'], { installHint: IP_HINT })).stdout;
  if (links.includes(` ${layout.bridge}:`) || links.includes(` ${layout.bridge}@`)) {
    throw new EnvironmentError(
      `network interface ${layout.bridge} already exists`,
      `a cluster named "${layout.config.name}" may still be up: run \`npm run cluster -- down\``,
    );
  }
  const namespaces = (await run('ip', ['netns', 'list'], { installHint: IP_HINT })).stdout;
  for (const n of [...layout.nodes, ...layout.lbNodes]) {
    if (new RegExp(`^${n.netns}( |$)`, 'm').test(namespaces)) {
      throw new EnvironmentError(
        `network namespace ${n.netns} already exists`,
        'run `npm run cluster -- down` first',
      );
    }
  }
}

export function iptablesArgs(
  r: Extract<Resource, { kind: 'iptables' }>,
  op: '-A' | '-I' | '-D' | '-C',
): string[] {
  return ['-w', '-t', r.table, op, r.chain, ...r.args];
}

export async function addRule(
  dir: string,
  state: ClusterState,
  r: Extract<Resource, { kind: 'iptables' }>,
): Promise<void> {
  recordResource(dir, state, r);
  await run('iptables', iptablesArgs(r, '-A'), {
    netns: r.netns,
    installHint: 'install iptables (`npm run setup` does)',
  });
}

/**
 * Bridge on the host, one namespace per node (and per load balancer of a pair) with a veth into the bridge.
 * The host keeps the bridge address so it can reach every node; nothing is
 * routed beyond the bridge.
 */
export async function createNetwork(layout: Layout, state: ClusterState): Promise<void> {
  const { dir, bridge, bridgeIp, prefix } = layout;
  const comment = ['-m', 'comment', '--comment', `kube-ha-drill:${layout.config.name}`];
  recordResource(dir, state, { kind: 'bridge', name: bridge });
  await ip(['link', 'add', bridge, 'type', 'bridge']);
  await ip(['addr', 'add', `${bridgeIp}/${prefix}`, 'dev', bridge]);
  await ip(['link', 'set', bridge, 'up']);
  // With br_netfilter loaded (dockerd turns it on) bridged traffic crosses FORWARD; let ours through.
  await addRule(dir, state, {
    kind: 'iptables',
    table: 'filter',
    chain: 'FORWARD',
    args: ['-i', bridge, '-o', bridge, ...comment, '-j', 'ACCEPT'],
  });
  for (const node of [...layout.nodes, ...layout.lbNodes]) {
    const ns = node.netns;
    const hostEnd = layout.hostVeth(node);
    recordResource(dir, state, { kind: 'netns', name: ns });
    await ip(['netns', 'add', ns]);
    recordResource(dir, state, { kind: 'veth', name: hostEnd });
    await ip(['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await ip(['link', 'set', hostEnd, 'master', bridge, 'up']);
    await ip(['addr', 'add', `${node.ip}/${prefix}`, 'dev', 'eth0'], ns);
    await ip(['link', 'set', 'eth0', 'up'], ns);
    await ip(['link', 'set', 'lo', 'up'], ns);
  }
}

/** Removes one resource; missing things are fine (idempotent), other failures are reported. */
export async function removeResource(r: Resource): Promise<void> {
  const quiet = { allowFailure: true } as const;
  switch (r.kind) {
    case 'iptables': {
      // Delete every copy of the rule (a rule added twice by a crashed retry).
      for (let i = 0; i < 10; i++) {
        const res = await run('iptables', iptablesArgs(r, '-D'), { ...quiet, netns: r.netns });
        if (res.exitCode !== 0) break;
      }
      return;
    }
    case 'netns': {
      // Processes still inside keep the namespace's veth alive: kill them first.
      const pids = await run('ip', ['netns', 'pids', r.name], quiet);
      for (const pid of pids.stdout.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await run('ip', ['netns', 'del', r.name], quiet);
      return;
    }
    case 'veth':
    case 'bridge':
      await run('ip', ['link', 'del', r.name], quiet);
      return;
    default:
      return;
  }
}

type Rule = Extract<Resource, { kind: 'iptables' }>;

/**
 * Inserts a fault's rules, each written to the state file before it goes in, so `down` or the next
 * drill removes it after a crash; a rule already in place is left as it is.
 */
export async function insertRecordedRules(dir: string, rules: readonly Rule[]): Promise<void> {
  const state = readState(dir);
  if (state) {
    const known = new Set(state.resources.map((r) => JSON.stringify(r)));
    for (const r of rules) if (!known.has(JSON.stringify(r))) state.resources.push(r);
    writeState(dir, state);
  }
  for (const r of rules) {
    const present = await run('iptables', iptablesArgs(r, '-C'), { netns: r.netns, allowFailure: true });
    if (present.exitCode !== 0) await run('iptables', iptablesArgs(r, '-I'), { netns: r.netns });
  }
}

/** Removes a fault's rules and their record in the state file. */
export async function removeRecordedRules(dir: string, rules: readonly Rule[]): Promise<void> {
  for (const r of rules) await removeResource(r);
  const state = readState(dir);
  if (!state) return;
  const gone = new Set(rules.map((r) => JSON.stringify(r)));
  state.resources = state.resources.filter((r) => !gone.has(JSON.stringify(r)));
  writeState(dir, state);
}
