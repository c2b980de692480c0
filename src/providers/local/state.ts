import { readFileSync } from 'node:fs';
import { EnvironmentError } from '../../util/errors.ts';
import path from 'node:path';
import type { LocalClusterConfig } from './config.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';

/** Something the cluster made on the machine, recorded before it is made so that `down` can always undo it. */
export type Resource =
  | { kind: 'dir'; path: string }
  | { kind: 'bridge'; name: string }
  | { kind: 'netns'; name: string }
  | { kind: 'veth'; name: string }
  /** An iptables rule: `args` are what follows -A/-I, removed with -D. */
  | { kind: 'iptables'; table: string; chain: string; args: string[]; netns?: string }
  /** startTicks: see ProcessIdentity; a signal goes only to that very process. */
  | { kind: 'supervisor'; pid: number; startTicks?: number };

export interface ClusterState {
  schema: 2;
  name: string;
  /** The random id in the directory's marker file. */
  id: string;
  createdAt: string;
  /** Who made it: `cluster up` (kept until `down`) or a drill (removed when the drill ends). */
  owner: { command: string; pid: number };
  status: 'creating' | 'running' | 'removing';
  config: LocalClusterConfig;
  /** Absolute paths of the programs the cluster runs: the only ones teardown ever signals. */
  programs: string[];
  resources: Resource[];
}

export function statePath(dir: string): string {
  return path.join(dir, 'state.json');
}

export function readState(dir: string): ClusterState | undefined {
  let text: string;
  try {
    text = readFileSync(statePath(dir), 'utf8');
  } catch {
    return undefined;
  }
  return parseState(text, statePath(dir));
}

/**
 * Checks a state file's shape before anything acts on it (it names processes to signal and rules to
 * delete); a file that is not what this version writes is an error naming it, never half-trusted.
 */
export function parseState(text: string, file = 'state file'): ClusterState {
  const fail = (why: string): never => {
    throw new EnvironmentError(
      `${file} ${why}`,
      'remove what the cluster left by hand (ip netns, iptables rules with comment kube-ha-drill:<name>), then the directory',
    );
  };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return fail('is not JSON');
  }
  const o = v as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('is not an object');
  if (o.schema !== 2) return fail(`has schema ${JSON.stringify(o.schema)}; this version reads schema 2`);
  const str = (x: unknown) => typeof x === 'string';
  if (!str(o.name) || !NAME.test(o.name as string)) return fail('lacks a valid cluster name');
  if (!str(o.id) || !/^[0-9a-f]{32}$/.test(o.id as string)) return fail('lacks a valid cluster id');
  if (!str(o.createdAt) || Number.isNaN(Date.parse(o.createdAt as string)))
    return fail('lacks a valid creation time');
  const owner = o.owner as Record<string, unknown> | undefined;
  if (typeof owner !== 'object' || owner === null || !str(owner.command) || !isPid(owner.pid))
    return fail('lacks a valid owner');
  if (!['creating', 'running', 'removing'].includes(o.status as string)) return fail('has an unknown status');
  if (typeof o.config !== 'object' || o.config === null) return fail('lacks its config');
  if (!Array.isArray(o.programs) || !o.programs.every((p) => str(p) && (p as string).startsWith('/')))
    return fail('lacks the absolute paths of its programs');
  if (!Array.isArray(o.resources) || !o.resources.every(isResource)) return fail('has a malformed resource');
  return v as ClusterState;
}

function isPid(x: unknown): boolean {
  return typeof x === 'number' && Number.isInteger(x) && x > 0 && x < 2 ** 22 + 1;
}

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

function isResource(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  switch (r.kind) {
    case 'dir':
      return typeof r.path === 'string' && r.path.startsWith('/');
    case 'bridge':
    case 'netns':
    case 'veth':
      return typeof r.name === 'string' && NAME.test(r.name);
    case 'iptables':
      return (
        ['filter', 'nat'].includes(r.table as string) &&
        typeof r.chain === 'string' &&
        NAME.test(r.chain) &&
        Array.isArray(r.args) &&
        r.args.every((a) => typeof a === 'string') &&
        (r.netns === undefined || (typeof r.netns === 'string' && NAME.test(r.netns)))
      );
    case 'supervisor':
      return isPid(r.pid) && (r.startTicks === undefined || Number.isInteger(r.startTicks));
    default:
      return false;
  }
}

/** Atomic write: a crash mid-write never leaves a torn state file. */
export function writeState(dir: string, state: ClusterState): void {
  writeFileAtomic(statePath(dir), JSON.stringify(state, null, 2) + '\n');
}

/** Records a resource in the state file before the caller makes it. */
export function recordResource(dir: string, state: ClusterState, r: Resource): void {
  state.resources.push(r);
  writeState(dir, state);
}
