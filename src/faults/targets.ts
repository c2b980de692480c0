/**
 * Which instance a fault hits, by role: `{ etcd: 'leader' }`, `{ apiserver: 'node-2' }`,
 * `{ coredns: 0 }`. Scenarios name roles and how to pick among their instances, never a provider's
 * process or container, so one scenario runs on every provider that has the role.
 */
import { z } from 'zod';
import type { AcquiredCluster, Instance, LeaderRole, Role } from '../providers/provider.ts';
import { UsageError } from '../util/errors.ts';
import { FAULT_TIMING, type FaultTiming } from './timing.ts';

/** Words that pick an instance; never a member's name. */
const KEYWORDS = ['leader', 'follower', 'any', 'all'];

/** A member named the way its provider names it (the local provider: node-1, node-2, node-3). */
const MEMBER = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{0,62}$/,
    'must be a member name such as "node-2" (lower-case letters, digits, dashes)',
  )
  .refine((name) => !KEYWORDS.includes(name), 'is a keyword, not a member name');

/** How each role's instances may be picked: a keyword, or one instance by name. */
export const PICKS = {
  etcd: z.union([z.enum(['leader', 'follower', 'any']), MEMBER]),
  apiserver: z.union([z.literal('any'), MEMBER]),
  'controller-manager': z.union([z.enum(['leader', 'any']), MEMBER]),
  scheduler: z.union([z.enum(['leader', 'any']), MEMBER]),
  coredns: z.union([z.literal('any'), z.number().int().min(0).max(9)]),
} satisfies Record<Role, z.ZodType>;

export type Pick = z.output<(typeof PICKS)[Role]>;
export interface Target {
  role: Role;
  pick: Pick;
}

/** A fault spec aimed at one instance: `kind`, exactly one role key, and its timing. */
export type TargetedSpec<K extends string> = { kind: K } & Partial<Record<Role, Pick>> & FaultTiming;

/** The schema of a fault aimed at one instance of one of `roles`: exactly one role key beside `kind`. */
export function targetedFault<K extends string>(kind: K, roles: readonly Role[]): z.ZodType<TargetedSpec<K>> {
  const [first, ...rest] = roles.map((role) =>
    z.strictObject({ kind: z.literal(kind), [role]: PICKS[role], ...FAULT_TIMING }),
  );
  if (!first) throw new Error(`${kind}: no roles`);
  return (rest.length ? z.union([first, ...rest]) : first) as unknown as z.ZodType<TargetedSpec<K>>;
}

/** The role and pick of a targeted fault spec. */
export function targetOf(spec: object, roles: readonly Role[]): Target {
  const role = roles.find((r) => r in spec);
  if (!role) throw new Error(`no target role in ${JSON.stringify(spec)}`);
  return { role, pick: (spec as Record<Role, Pick>)[role] };
}

/** How faults in effect are remembered: "etcd/node-2". */
export function instanceKey(i: Instance): string {
  return `${i.role}/${i.name}`;
}

function describeTarget(t: Target): string {
  return `${t.role}: ${JSON.stringify(t.pick)}`;
}

function isLeaderRole(role: Role): role is LeaderRole {
  return role === 'etcd' || role === 'controller-manager' || role === 'scheduler';
}

/**
 * Names an instance that does not exist as a usage error: checked when the cluster is acquired,
 * before any load or fault, so a misspelt member never costs a baseline phase.
 */
export function checkTargetExists(t: Target, cluster: AcquiredCluster): void {
  if (typeof t.pick === 'string' && KEYWORDS.includes(t.pick)) return;
  const names = cluster.instances(t.role).map((i) => i.name);
  if (!names.includes(String(t.pick)))
    throw new UsageError(
      `fault target ${describeTarget(t)}: this cluster has no such ${t.role} instance (it has ${names.join(', ')})`,
      `name one of ${names.join(', ')}, or pick one with "any"${isLeaderRole(t.role) ? ' or "leader"' : ''}`,
    );
}

/** The instance a target means now, and why it was chosen (for the report). */
export async function resolveTarget(
  t: Target,
  cluster: AcquiredCluster,
  random: () => number,
  inEffect: ReadonlySet<string> = new Set(),
): Promise<{ instance: Instance; why: string }> {
  const all = cluster.instances(t.role);
  // "any" and "follower" pick among instances no other fault of the drill holds, so two faults of
  // one role hit two instances (two stopped followers are a lost quorum, not one follower twice).
  const pickFrom = (among: Instance[], why: string) => {
    const from = among.filter((i) => !inEffect.has(instanceKey(i)));
    const instance = from[Math.floor(random() * from.length)];
    if (!instance)
      throw new UsageError(
        `fault target ${describeTarget(t)}: no instance left to pick from (${among.length} candidates, ${among.length - from.length} already hit by another fault)`,
        'aim fewer faults at this role, or name the instances',
      );
    return { instance, why: from.length < among.length ? `${why} among those no other fault holds` : why };
  };
  if (t.pick === 'any') return pickFrom(all, `any ${t.role}, picked at random`);
  if (t.pick === 'leader' || t.pick === 'follower') {
    if (!isLeaderRole(t.role)) throw new Error(`${t.role} has no leader`);
    const leader = await cluster.leaderOf(t.role);
    if (t.pick === 'leader') return leader;
    return pickFrom(
      all.filter((i) => i.name !== leader.instance.name),
      `a follower of ${leader.instance.name}, picked at random`,
    );
  }
  const named = all.find((i) => i.name === String(t.pick));
  if (!named) {
    checkTargetExists(t, cluster);
    throw new Error(`unreachable: ${describeTarget(t)}`);
  }
  return { instance: named, why: '' };
}
