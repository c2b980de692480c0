import type { Slos } from '../analysis/verdict.ts';
import type { FaultSpec } from '../faults/registry.ts';

/**
 * A scenario is plain data: which cluster it needs, how it loads it, which
 * faults it injects for how long, and the SLOs a run is judged by. Users write
 * a `ScenarioInput` (only name, description and faults are required); loading
 * validates it into a complete `Scenario` with every default filled in, which
 * is what the drill runs and what report.json records.
 */

export const ETCD_TOPOLOGIES = ['stacked', 'external-all'] as const;
/**
 * stacked: each apiserver talks only to the etcd member on its own node (kubeadm's default).
 * external-all: every apiserver is given all three etcd members and fails over between them.
 */
export type EtcdTopology = (typeof ETCD_TOPOLOGIES)[number];

/**
 * The faults of a scenario are all injected when the fault phase starts and all healed (killed
 * processes running again, packet drops removed) when the hold ends. Each kind is a module in
 * src/faults/kinds/ with its schema; they aim at roles (`{ kind: 'kill', etcd: 'leader' }`).
 */
export type { FaultSpec } from '../faults/registry.ts';
export { FAULT_KINDS } from '../faults/registry.ts';

/** The cluster a scenario needs. The local provider runs exactly this shape today. */
export interface ClusterNeeds {
  /** Masters behind HAProxy. Default 3 (the only supported value). */
  controlPlanes: 3;
  /** Default 'stacked'. */
  etcdTopology: EtcdTopology;
  /** Default 2 (the only supported value). */
  corednsReplicas: 2;
}

export const OPERATIONS = ['get', 'list', 'create', 'update', 'delete', 'watch'] as const;
export type Operation = (typeof OPERATIONS)[number];
/** Relative weights of the k6 load's requests; only their ratios matter. */
export type OperationMix = Record<Operation, number>;

export interface LoadProfile {
  /**
   * Requests per second of the k6 load generator. Default 60: with the probes' own requests about 114
   * API requests a second, enough for a 10 s interval to resolve a 0.1 % error rate, and well below
   * what a 2-core machine serves with P99 under 500 ms and no errors (`npm run bench -- capacity`).
   * 1 to 10000, and rate x probeTimeoutMs at most 20000 s (k6's virtual users): src/scenario/limits.ts.
   */
  rate: number;
  /** Default: reads dominate, as on a real cluster, with enough writes to check for lost ones. */
  mix: OperationMix;
  /** How often each service probe, and each etcd member's status probe, issues a request. Default 100; 10 to 60000. */
  probeIntervalMs: number;
  /**
   * How often the other per-member probes (a write to each apiserver directly, a lookup at each CoreDNS
   * replica) issue a request. Default 250: they show which side of a fault saw what, and at the service
   * probes' rate their writes alone would load the cluster they measure. 10 to 60000.
   */
  memberProbeIntervalMs: number;
  /** When a probe request counts as timed out. Default 2000; at most 60000. */
  probeTimeoutMs: number;
}

/** Each phase lasts at most 24 h (86400 s). */
export interface Phases {
  /** Healthy cluster under load before any fault. Default 10. */
  baselineSeconds: number;
  /** How long the faults stay injected. Default 20. */
  holdSeconds: number;
  /** Time after the heal for the cluster to become healthy again. Default 20. */
  recoverySeconds: number;
}

/** What a run must achieve to pass; each becomes one verdict (defined with the verdicts that judge it). */
export type { Slos } from '../analysis/verdict.ts';

/** When the service counts as available, and as healthy again after a fault or a heal. */
export interface HealthDefinition {
  /**
   * A request slower than this counts as unavailable, whether or not it succeeded. Default: the P99
   * SLO (slos.apiP99Ms). Must be below load.probeTimeoutMs, or a slow request could never be told
   * from a timed-out one.
   */
  slowRequestMs: number;
  /**
   * How long every request of the service must succeed within slowRequestMs for the service to count
   * as healthy again (failover reached, recovery reached). Default 5.
   */
  sustainSeconds: number;
}

export interface Scenario {
  /** Up to 63 lower-case letters, digits and dashes; a shipped scenario is named after its file. */
  name: string;
  /** One line: what the drill does and what a pass proves. */
  description: string;
  cluster: ClusterNeeds;
  load: LoadProfile;
  phases: Phases;
  /** 1 to 10 faults. */
  faults: FaultSpec[];
  slos: Slos;
  health: HealthDefinition;
}

/** A duration: a number in the unit its field name says (seconds or ms), or a string such as "1m30s". */
export type DurationInput = number | string;

export type FaultInput = FaultSpec;

/** What a scenario file holds: a Scenario where everything with a default may be left out. */
export interface ScenarioInput {
  name: string;
  description: string;
  cluster?: Partial<ClusterNeeds>;
  /** Given a mix, the operations it leaves out get weight 0. */
  load?: {
    rate?: number;
    mix?: Partial<OperationMix>;
    probeIntervalMs?: DurationInput;
    memberProbeIntervalMs?: DurationInput;
    probeTimeoutMs?: DurationInput;
  };
  phases?: { [K in keyof Phases]?: DurationInput };
  faults: FaultInput[];
  slos?: {
    failoverSeconds?: DurationInput;
    apiP99Ms?: DurationInput;
    errorRatePercent?: number;
    lostWrites?: number;
  };
  health?: { slowRequestMs?: DurationInput; sustainSeconds?: DurationInput };
}

export const DEFAULT_CLUSTER: ClusterNeeds = {
  controlPlanes: 3,
  etcdTopology: 'stacked',
  corednsReplicas: 2,
};
export const DEFAULT_MIX: OperationMix = { get: 50, list: 15, create: 10, update: 10, delete: 5, watch: 10 };
export const DEFAULT_LOAD: LoadProfile = {
  rate: 60,
  mix: DEFAULT_MIX,
  probeIntervalMs: 100,
  memberProbeIntervalMs: 250,
  probeTimeoutMs: 2000,
};
export const DEFAULT_PHASES: Phases = { baselineSeconds: 10, holdSeconds: 20, recoverySeconds: 20 };
/** slowRequestMs defaults to the scenario's slos.apiP99Ms. */
export const DEFAULT_SUSTAIN_SECONDS = 5;
export { DEFAULT_SLOS } from '../analysis/verdict.ts';

/**
 * Types a scenario file: `export default defineScenario({ ... })`. It returns
 * its argument unchanged; validation and defaults happen when the file is
 * loaded, so a mistake is reported with the file's name.
 */
export function defineScenario(scenario: ScenarioInput): ScenarioInput {
  return scenario;
}
