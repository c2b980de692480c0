import type { ClusterInfo } from './topology.ts';

/**
 * What faults may do to a cluster. Each provider implements it its own way
 * (local: signals and iptables in the node namespaces; kubeconfig clusters:
 * Chaos Mesh resources), so fault modules stay provider-agnostic.
 */
export interface ClusterControl {
  readonly info: ClusterInfo;
  /** pid of a running component ("kube-apiserver", "etcd", "coredns-0") on a node, if any. */
  pidOf(component: string, node: string): number | undefined;
  /** Sends a signal to a component's process; returns the pid signalled. */
  kill(component: string, node: string, signal: NodeJS.Signals): Promise<number>;
  /** Waits until the supervisor runs the component again under a new pid. */
  waitRestarted(component: string, node: string, oldPid: number, timeoutMs: number): Promise<number>;
  /** Drops every packet between `node` and the other nodes (not the host); idempotent. */
  isolate(node: string): Promise<string[]>;
  /** Removes what isolate() added; idempotent. */
  heal(node: string): Promise<void>;
  /** Saves a snapshot of etcd's keyspace (from one member) to a file; returns the revision it holds. */
  saveEtcdSnapshot(file: string): Promise<number>;
  /**
   * Replaces every member's data with the snapshot, as a restore from backup
   * does: apiservers and etcd are stopped, data restored, all started again.
   */
  restoreEtcdSnapshot(file: string): Promise<void>;
  /**
   * Throws, naming what is wrong, when the cluster cannot take a fault and be healed from it now
   * (local: the supervisor is gone, or the state filesystem has no room for logs and rules).
   */
  checkReadyForFaults(): void;
  /** Lifecycle events of processes since the last call (starts and exits). */
  drainProcessEvents(): {
    at: number;
    kind: 'process-start' | 'process-exit';
    message: string;
    component: string;
    node: string;
    pid?: number;
  }[];
}
