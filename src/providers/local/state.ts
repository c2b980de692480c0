import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseOrThrow } from '../../schema/parse.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { EnvironmentError } from '../../util/errors.ts';
import { layoutOf, type Layout } from './config.ts';
import { stateSchema, type ClusterState, type Resource } from './state-schema.ts';

export type { ClusterState, Resource } from './state-schema.ts';

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
  const fail = (message: string) =>
    new EnvironmentError(
      message,
      'remove what the cluster left by hand (ip netns, iptables rules with comment kube-ha-drill:<name>), then the directory',
    );
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw fail(`${file} is not JSON`);
  }
  return parseOrThrow(stateSchema, data, { source: file, fail });
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

/** The layout a cluster was made with, from its state file (a running cluster's options may differ from today's defaults). */
export function layoutOfCluster(dir: string): Layout {
  const state = readState(dir);
  if (!state) throw new EnvironmentError(`no state file in ${dir}: cannot tell how the cluster was made`);
  return layoutOf(state.config);
}
