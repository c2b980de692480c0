import type { ClusterControl } from '../cluster/control.ts';
import type { Recorder } from '../observe/recorder.ts';

/** What a fault did, for the timeline and the report. */
export interface InjectionRecord {
  /** e.g. "SIGKILL kube-apiserver on node-1 (pid 1234)". */
  description: string;
  /** The node the fault hit. */
  node: string;
  data: Record<string, string | number | boolean | null>;
}

/**
 * A fault is an inject/heal pair. Both are idempotent: heal() may run after a
 * failed or partial inject(), twice, or on Ctrl-C, and must leave the cluster
 * as it was before the fault.
 */
export interface Fault {
  readonly kind: string;
  inject(ctl: ClusterControl, recorder: Recorder): Promise<InjectionRecord>;
  heal(ctl: ClusterControl, recorder: Recorder): Promise<void>;
}
