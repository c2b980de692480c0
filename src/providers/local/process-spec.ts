import path from 'node:path';

/** One supervised process, as a static pod manifest describes one container. */
export interface ProcessSpec {
  /** Unique id, "<component>@<node>" e.g. "etcd@node-1", or "haproxy@host". */
  id: string;
  component: string;
  /** node-1..3, or "host" for processes outside the node namespaces. */
  node: string;
  netns?: string;
  /** Hostname of the node (own UTS namespace), so leader-election identities tell the nodes apart. */
  hostname?: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Restarted after a back-off when it exits (the kubelet's restartPolicy: Always). */
  restart: boolean;
}

export interface SupervisorSettings {
  backoffMs: number;
  backoffMaxMs: number;
}

/** What the supervisor publishes about each process, in processes.json. */
export interface ProcessStatus {
  id: string;
  component: string;
  node: string;
  pid: number | null;
  /** Start time of that pid (/proc/<pid>/stat field 22): signals go only to this very process. */
  startTicks?: number | null;
  state: 'running' | 'backoff' | 'stopped';
  startedAt: number | null;
  restarts: number;
  lastExit?: { at: number; code: number | null; signal: string | null };
}

export interface ProcessTable {
  supervisorPid: number;
  supervisorStartTicks?: number;
  /** Writes the supervisor could not make (a full disk): its logs and events are incomplete. */
  writeFailures?: number;
  updatedAt: number;
  processes: ProcessStatus[];
}

/** One line of events.jsonl. */
export interface SupervisorEvent {
  at: number;
  kind: 'process-start' | 'process-exit' | 'supervisor';
  id: string;
  component: string;
  node: string;
  pid?: number;
  code?: number | null;
  signal?: string | null;
  message: string;
}

export function specId(component: string, node: string): string {
  return `${component}@${node}`;
}

/** Where the supervisor appends a process's output, across its restarts. */
export function logFileOf(clusterDir: string, id: string): string {
  return path.join(clusterDir, 'logs', `${id.replace('@', '-')}.log`);
}

/** HAProxy's admin socket in the cluster's directory (one per load balancer of a pair). */
export function lbStatsSocketOf(clusterDir: string, lb?: string): string {
  return path.join(clusterDir, lb ? `haproxy-${lb}.sock` : 'haproxy.sock');
}
