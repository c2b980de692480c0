import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LocalClusterConfig } from './config.ts';

/** Something the cluster made on the machine, recorded before it is made so that `down` can always undo it. */
export type Resource =
  | { kind: 'dir'; path: string }
  | { kind: 'bridge'; name: string }
  | { kind: 'netns'; name: string }
  | { kind: 'veth'; name: string }
  /** An iptables rule: `args` are what follows -A/-I, removed with -D. */
  | { kind: 'iptables'; table: string; chain: string; args: string[]; netns?: string }
  | { kind: 'supervisor'; pid: number };

export interface ClusterState {
  schema: 1;
  name: string;
  createdAt: string;
  /** Who made it: `cluster up` (kept until `down`) or a drill (removed when the drill ends). */
  owner: { command: string; pid: number };
  status: 'creating' | 'running' | 'removing';
  config: LocalClusterConfig;
  resources: Resource[];
}

export function statePath(dir: string): string {
  return path.join(dir, 'state.json');
}

export function readState(dir: string): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(dir), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** Atomic write: a crash mid-write never leaves a torn state file. */
export function writeState(dir: string, state: ClusterState): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${statePath(dir)}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, statePath(dir));
}

/** Records a resource in the state file before the caller makes it. */
export function recordResource(dir: string, state: ClusterState, r: Resource): void {
  state.resources.push(r);
  writeState(dir, state);
}
