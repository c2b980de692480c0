/**
 * Checks one entry of a scenario's `faults` against its kind's schema, with messages in the
 * scenario's `path: message` form that say what a role-aimed fault must look like.
 */
import type { z } from 'zod';
import { show } from '../util/show.ts';
import { PICKS } from './targets.ts';
import { FAULT_TIMING } from './timing.ts';
import { faultKinds, type FaultSpec } from './registry.ts';

export type FaultCheck = { ok: true; spec: FaultSpec } | { ok: false; problems: string[] };

function issuesAt(at: string, error: z.ZodError, known: readonly string[]): string[] {
  return error.issues.flatMap((i) => {
    const path = [at, ...i.path.map(String)].join('.');
    return i.code === 'unrecognized_keys'
      ? i.keys.map((key) => `${path}.${key}: unknown key; known: ${known.join(', ')}`)
      : [`${path}: ${i.message}`];
  });
}

export function checkFault(value: unknown, at: string): FaultCheck {
  const known = faultKinds().map((k) => k.kind);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      ok: false,
      problems: [
        `${at}: ${value === undefined ? 'missing; must be' : `${show(value)} must be`} an object with a kind; known kinds: ${known.join(', ')}`,
      ],
    };
  const record = value as Record<string, unknown>;
  const kind = faultKinds().find((k) => k.kind === record.kind);
  if (!kind) {
    const what = record.kind === undefined ? 'missing' : `${show(record.kind)} is not a known fault`;
    return { ok: false, problems: [`${at}.kind: ${what}; known: ${known.join(', ')}`] };
  }
  if (kind.roles) {
    const roles = kind.roles;
    const unknown = Object.keys(record).filter(
      (k) => k !== 'kind' && !(k in FAULT_TIMING) && !(roles as readonly string[]).includes(k),
    );
    const given = roles.filter((r) => r in record);
    const example = `e.g. { kind: '${kind.kind}', ${roles[0]}: 'leader' }`;
    const problems = unknown.map(
      (k) =>
        `${at}.${k}: unknown field; ${/^[aeiou]/.test(kind.kind) ? 'an' : 'a'} ${kind.kind} fault names one role to aim at (${roles.join(', ')}) ` +
        `and may say when: ${Object.keys(FAULT_TIMING).join(', ')}`,
    );
    if (given.length !== 1)
      problems.push(
        `${at}: ${given.length === 0 ? 'names no role' : `names ${given.length} roles (${given.join(', ')})`}; ` +
          `name exactly one of ${roles.join(', ')}, ${example}`,
      );
    for (const role of given) {
      const pick = PICKS[role].safeParse(record[role]);
      if (!pick.success) problems.push(`${at}.${role}: ${show(record[role])} must be ${pickHelp(role)}`);
    }
    if (problems.length) return { ok: false, problems };
  }
  const parsed = kind.schema.safeParse(value);
  return parsed.success
    ? { ok: true, spec: parsed.data as FaultSpec }
    : {
        ok: false,
        problems: issuesAt(at, parsed.error, ['kind', ...(kind.roles ?? []), ...Object.keys(FAULT_TIMING)]),
      };
}

function pickHelp(role: keyof typeof PICKS): string {
  switch (role) {
    case 'etcd':
      return '"leader", "follower", "any" or a member name such as "node-2"';
    case 'apiserver':
      return '"any" or a member name such as "node-2"';
    case 'controller-manager':
    case 'scheduler':
      return '"leader", "any" or a member name such as "node-2"';
    case 'coredns':
      return '"any" or a replica number such as 0';
  }
}
