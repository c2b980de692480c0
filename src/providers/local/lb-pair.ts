/**
 * The load-balancer pair (loadBalancers: vrrp-pair): two HAProxy instances, each in a namespace of
 * its own on the cluster's bridge, and keepalived beside each moving one virtual IP by VRRP to the
 * one alive, as the HA guides set up a control plane's endpoint. Clients use the virtual IP only.
 */
import type { ClusterInfo } from '../../cluster/topology.ts';
import { now } from '../../observe/clock.ts';
import { EnvironmentError } from '../../util/errors.ts';
import { run } from '../../util/exec.ts';
import type { Disruption, LbTarget } from '../provider.ts';
import type { Layout, LocalNode } from './config.ts';
import type { LocalControl } from './control.ts';
import { layoutOfCluster } from './state.ts';

/** How long a returned load balancer's processes may take to run again. */
const RESTART_TIMEOUT_MS = 60_000;
/** How often the holder of the virtual IP is looked up while one load balancer is down. */
const HOLDER_POLL_MS = 100;

function pairOf(info: ClusterInfo): Layout & { vip: string } {
  const layout = layoutOfCluster(info.dir);
  if (!layout.vip)
    throw new EnvironmentError(
      `cluster ${info.name} has one load balancer, not a pair sharing a virtual IP`,
      'start it with `npm run cluster -- up --load-balancers vrrp-pair` (a drill of lb-failover does so itself)',
    );
  return layout as Layout & { vip: string };
}

/** The load balancer whose eth0 carries the virtual IP now; undefined when none does. */
export async function vipHolder(layout: Layout): Promise<LocalNode | undefined> {
  for (const lb of layout.lbNodes) {
    const r = await run('ip', ['-n', lb.netns, '-4', '-o', 'addr', 'show', 'dev', 'eth0'], {
      allowFailure: true,
    });
    if (r.stdout.includes(` ${layout.vip}/`)) return lb;
  }
  return undefined;
}

async function linkUp(lb: LocalNode): Promise<boolean> {
  const r = await run('ip', ['-n', lb.netns, '-o', 'link', 'show', 'dev', 'eth0'], { allowFailure: true });
  return /[<,]UP[,>]/.test(r.stdout);
}

async function pick(layout: Layout, target: LbTarget): Promise<{ lb: LocalNode; wasActive: boolean }> {
  const holder = await vipHolder(layout);
  let lb: LocalNode | undefined;
  if (target === 'active' || target === 'standby') {
    if (!holder)
      throw new EnvironmentError(
        `no load balancer of the pair holds the virtual IP ${layout.vip}: there is no ${target} one`,
        'see `npm run cluster -- status` and the keepalived logs in the cluster directory',
      );
    lb = target === 'active' ? holder : layout.lbNodes.find((n) => n.name !== holder.name);
  } else lb = layout.lbNodes.find((n) => n.name === target);
  if (!lb) throw new EnvironmentError(`load balancer ${target} is not in this cluster`);
  return { lb, wasActive: holder?.name === lb.name };
}

/**
 * Polls the holder of the virtual IP until another load balancer than `gone` has it: when the
 * address moved, as the pair saw it (clients see it in their own outage).
 */
function watchTakeover(layout: Layout, gone: LocalNode, since: number) {
  let movedAt: number | undefined;
  let stopped = false;
  const done = (async () => {
    while (!stopped && movedAt === undefined) {
      const holder = await vipHolder(layout);
      if (holder && holder.name !== gone.name) movedAt = now();
      else await new Promise((r) => setTimeout(r, HOLDER_POLL_MS));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
      return movedAt === undefined ? undefined : movedAt - since;
    },
  };
}

/**
 * One load balancer of the pair goes down as a machine does: its link first (it sends nothing more,
 * not even keepalived's goodbye), then its HAProxy and keepalived are killed and held down. The heal
 * brings it back as a rebooted machine: no virtual IP on it, link up, its processes started again.
 */
export async function downLoadBalancer(
  info: ClusterInfo,
  control: LocalControl,
  target: LbTarget,
): Promise<Disruption> {
  const layout = pairOf(info);
  const { lb, wasActive } = await pick(layout, target);
  const at = now();
  await run('ip', ['-n', lb.netns, 'link', 'set', 'eth0', 'down']);
  const pids = {
    haproxy: await control.hold('haproxy', lb.name),
    keepalived: await control.hold('keepalived', lb.name),
  };
  const takeover = watchTakeover(layout, lb, at);
  let healed = false;
  return {
    at,
    description:
      `load balancer ${lb.name} (${wasActive ? 'holding' : 'not holding'} the virtual IP ${layout.vip}) down: ` +
      `link cut, HAProxy (pid ${pids.haproxy}) and keepalived (pid ${pids.keepalived}) killed until the heal`,
    data: { loadBalancer: lb.name, heldVirtualIp: wasActive, virtualIp: layout.vip },
    heal: async () => {
      if (healed) return undefined;
      const healAt = now();
      const movedAfterMs = await takeover.stop();
      await bringBack(layout, lb);
      await control.release('haproxy', lb.name);
      await control.release('keepalived', lb.name);
      for (const component of ['haproxy', 'keepalived'] as const)
        await control.waitRestarted(component, lb.name, pids[component], RESTART_TIMEOUT_MS);
      healed = true;
      const holder = await vipHolder(layout);
      const moved =
        movedAfterMs === undefined
          ? 'the virtual IP did not move while it was down'
          : `the virtual IP moved to ${holder?.name ?? 'the other'} ${(movedAfterMs / 1000).toFixed(2)} s after it went down`;
      return {
        at: healAt,
        description: `load balancer ${lb.name} back (link up, HAProxy and keepalived running); ${moved}; held by ${holder?.name ?? 'none'} now`,
        data: {
          loadBalancer: lb.name,
          virtualIpMovedAfterMs: movedAfterMs === undefined ? null : Math.round(movedAfterMs),
          virtualIpHolder: holder?.name ?? null,
        },
      };
    },
  };
}

/** A rebooted machine holds no virtual IP: taken off before the link comes up, so it never answers for it. */
async function bringBack(layout: Layout, lb: LocalNode): Promise<void> {
  await run('ip', ['-n', lb.netns, 'addr', 'del', `${layout.vip}/${layout.prefix}`, 'dev', 'eth0'], {
    allowFailure: true,
  });
  await run('ip', ['-n', lb.netns, 'link', 'set', 'eth0', 'up']);
}

/** Brings back a load balancer an interrupted drill left down (its held processes are released after). */
export async function healLeftoverLbFaults(info: ClusterInfo): Promise<string[]> {
  const layout = layoutOfCluster(info.dir);
  const undone: string[] = [];
  for (const lb of layout.lbNodes) {
    if (await linkUp(lb)) continue;
    await bringBack(layout, lb);
    undone.push(`load balancer ${lb.name} down (link up again)`);
  }
  return undone;
}
