/**
 * The run's timeline: everything a drill observed, in wall-clock milliseconds
 * since the Unix epoch. Analysis reads only this; report.json stores it.
 */

/** How one request ended. A timeout is indeterminate for writes, never a loss. */
export type Outcome = 'ok' | 'error' | 'timeout';

/** One request of a probe or of the load generator. */
export interface Sample {
  /** Which probe or load stream issued it: "api-read", "api-write", "watch", "dns", "etcd:node-1", "k6:get", ... */
  probe: string;
  start: number;
  end: number;
  outcome: Outcome;
  /** Where it went (an address or member name), when the probe targets one thing. */
  target?: string;
  /** Error text or HTTP status, kept short. */
  detail?: string;
}

export type PhaseName = 'baseline' | 'fault' | 'recovery';

export interface Phase {
  name: PhaseName;
  start: number;
  end: number;
}

/** Something that happened: a phase began, a fault was injected or healed, a process started or exited. */
export interface TimelineEvent {
  at: number;
  kind:
    | 'phase'
    | 'fault-inject'
    | 'fault-heal'
    | 'process-start'
    | 'process-exit'
    | 'leader-change'
    | 'note'
    | 'error';
  message: string;
  data?: Record<string, string | number | boolean | null>;
}

/** What one etcd member said of itself at one moment (etcdctl endpoint status). */
export interface EtcdStatusSample {
  at: number;
  member: string;
  ok: boolean;
  /** Hex member id of the leader as this member sees it. */
  leader?: string;
  /** Hex member id of the member itself. */
  id?: string;
  raftTerm?: number;
}

/** One write by the write probe, as the API answered it. */
export interface WriteRecord {
  /** The probe that wrote it (absent in timelines recorded before the field existed). */
  probe?: string;
  /** namespace/name of the object written. */
  key: string;
  /** The value written (a data field of a ConfigMap). */
  value: string;
  /** acked: the API said yes; failed: the API said no; indeterminate: timeout or lost connection. */
  outcome: 'acked' | 'failed' | 'indeterminate';
  start: number;
  end: number;
  /** resourceVersion returned with an acknowledged write. */
  resourceVersion?: string;
}

/** What the read-back after recovery found for one key. */
export interface ReadBack {
  key: string;
  found: boolean;
  value?: string;
  resourceVersion?: string;
}

export interface Timeline {
  phases: Phase[];
  events: TimelineEvent[];
  samples: Sample[];
  etcdStatus: EtcdStatusSample[];
  writes: WriteRecord[];
  readBack: ReadBack[];
}

export function emptyTimeline(): Timeline {
  return { phases: [], events: [], samples: [], etcdStatus: [], writes: [], readBack: [] };
}
