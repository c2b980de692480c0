import type { DeepReadonly } from '../util/freeze.ts';

/**
 * The run's timeline: everything a drill observed, in milliseconds since the
 * Unix epoch on the drill's own clock (src/observe/clock.ts: monotonic, so a
 * wall-clock step cannot shorten or stretch a duration). Times reported by
 * other processes (k6, the supervisor, etcd's and HAProxy's own logs) are
 * moved onto that clock when they are read. Analysis reads only this;
 * report.json stores it.
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

/** What an acknowledged write did to its key. */
export type WriteOp = 'create' | 'update' | 'delete';

/** One write by a write probe, as the API answered it. */
export interface WriteRecord {
  /** The probe that wrote it (absent in timelines recorded before the field existed). */
  probe?: string;
  /** namespace/name of the object written. */
  key: string;
  /** What the request did; absent (older timelines) means create. */
  op?: WriteOp;
  /** The value written (a data field of a ConfigMap); empty for a delete. */
  value: string;
  /** acked: the API said yes; failed: the API said no; indeterminate: timeout, 5xx or lost connection. */
  outcome: 'acked' | 'failed' | 'indeterminate';
  start: number;
  end: number;
  /** resourceVersion returned with an acknowledged create or update. */
  resourceVersion?: string;
}

/** What the read-back after recovery found for one key, through the API. */
export interface ReadBack {
  key: string;
  found: boolean;
  value?: string;
  resourceVersion?: string;
}

/** What etcd itself held for one key, read straight from etcd (linearizable) after recovery. */
export interface EtcdReadBack {
  key: string;
  found: boolean;
  /** The ConfigMap's data value, decoded from the stored object; absent when it could not be decoded. */
  value?: string;
  /** The key's mod revision: what the API returns as resourceVersion. */
  modRevision?: string;
}

/** HAProxy's own view of one apiserver backend, recorded when it changed (polled from its stats socket). */
export interface LbServerStatus {
  at: number;
  /** The server name in the backend (a node name). */
  server: string;
  /** HAProxy's status column: "UP", "DOWN", "UP 1/2", "DOWN 1/3", "MAINT", ... */
  status: string;
  /** The last health check's result, e.g. "L7OK", "L4CON", "L7STS". */
  check?: string;
}

/** One line of an etcd member's own log about leadership (elections, lost leaders). */
export interface EtcdLogLine {
  at: number;
  member: string;
  message: string;
}

/** Counters read from one component's /metrics at one moment. */
export interface MetricsScrape {
  at: number;
  component: 'etcd' | 'kube-apiserver';
  member: string;
  ok: boolean;
  error?: string;
  /** process_start_time_seconds: a change means the counters were reset by a restart. */
  processStartSeconds?: number;
  /** The counters the cross-checks read, by a name of our own (e.g. "leader_changes", "requests_5xx"). */
  values: Record<string, number>;
}

/** What the load generator said of its own run: k6's summary export, and the load it was asked for. */
export interface LoadSummary {
  /** Requests per second asked of k6. */
  rate: number;
  /** k6's http_reqs count. */
  requests: number;
  /** k6's dropped_iterations count: iterations it could not start for want of a free VU. */
  droppedIterations: number;
  /** k6's own P99 of the client-observed request time (connect and TLS included), ms. */
  p99Ms: number | null;
  /** Lines of per-request output k6 wrote that could not be read. */
  unreadable: number;
  /** Requests in flight when the drill stopped k6, which cancelled them: left out of the timeline. */
  cancelledAtStop: number;
  /**
   * Requests in the timeline that finished after the stop signal: k6 may stop counting before them
   * (absent in timelines recorded before the field existed).
   */
  endedAfterStop?: number;
}

/** What the drill's own process cost and how late its timers ran: the instrument measuring itself. */
export interface HarnessUsage {
  /** CPU seconds of the drill process and of k6 over the phases. */
  cpuSeconds: { drill: number; k6: number | null };
  /** Over this many seconds of phases. */
  overSeconds: number;
  /** Event-loop delay of the drill process (how late its probes fired), ms. */
  eventLoopDelay: { p50Ms: number; p99Ms: number; maxMs: number };
}

export interface Timeline {
  phases: Phase[];
  events: TimelineEvent[];
  samples: Sample[];
  etcdStatus: EtcdStatusSample[];
  writes: WriteRecord[];
  readBack: ReadBack[];
  etcdReadBack: EtcdReadBack[];
  lbStatus: LbServerStatus[];
  etcdLog: EtcdLogLine[];
  /** The members whose etcd log was read (etcdLog holds their leadership lines, possibly none). */
  etcdLogRead?: string[];
  metrics: MetricsScrape[];
  load?: LoadSummary;
  harness?: HarnessUsage;
}

/** A timeline as the analysis and the reports read it, and as Recorder.finish() hands it out (frozen). */
export type ReadonlyTimeline = DeepReadonly<Timeline>;

export function emptyTimeline(): Timeline {
  return {
    phases: [],
    events: [],
    samples: [],
    etcdStatus: [],
    writes: [],
    readBack: [],
    etcdReadBack: [],
    lbStatus: [],
    etcdLog: [],
    metrics: [],
  };
}
