/**
 * The seam between a drill and the cluster it runs on. A provider starts or
 * attaches to a cluster and hands out an `AcquiredCluster`: its description,
 * its health, and fault verbs aimed at instances of a role. The drill, the
 * status display and the reports see only these types; how a provider kills,
 * isolates or restores (signals and iptables, a node's CRI, Chaos Mesh) stays
 * behind them.
 */
import type { EtcdPeerLinks, FailoverBounds, LbCheck, LoadBalancers } from '../analysis/bounds.ts';
import type { FoundCertificate } from '../cluster/certificates.ts';
import type { ClusterInfo } from '../cluster/topology.ts';
import type { Components } from '../components/components.ts';
import type { ProviderName } from './names.ts';

/** The parts of a control plane a fault can be aimed at. */
export const ROLES = ['etcd', 'apiserver', 'controller-manager', 'scheduler', 'coredns'] as const;
export type Role = (typeof ROLES)[number];
/** Roles that elect a leader among their instances. */
export type LeaderRole = Extract<Role, 'etcd' | 'controller-manager' | 'scheduler'>;

/** One running instance of a role: an etcd member, an apiserver, a CoreDNS replica. */
export interface Instance {
  role: Role;
  /** The name scenarios use for it: the member's node (node-1) or the replica's index (0). */
  name: string;
  /** Where it runs, for the report. */
  node: string;
}

/** What a provider may be able to do to its cluster; a fault kind names those it needs. */
export const CAPABILITIES = {
  kill: 'kill one instance of a role; the platform starts it again, as a kubelet or supervisor does',
  terminate:
    'ask one instance of a role to shut down (SIGTERM); the platform starts it again once it has exited',
  stop: 'kill one instance of a role and keep it down until the heal, then let the platform start it',
  freeze:
    'suspend one instance of a role (SIGSTOP) until the heal: it keeps its sockets open and answers nothing',
  isolate: 'drop every packet between one control-plane node and its peers',
  'etcd-restore': 'restore every etcd member from a snapshot taken when the fault began',
  'peer-delay': "add latency and jitter to etcd members' peer links, through a proxy on each link",
  'peer-loss': "drop a share of the packets on etcd members' peer links",
  'cert-expiry':
    "replace the apiservers' serving certificate by one that has expired or soon will (same key); the heal rotates in a valid one",
  'lb-down':
    'take one load balancer of a pair sharing a virtual IP off the network, its processes killed, until the heal',
} as const;
export type Capability = keyof typeof CAPABILITIES;

/** Which load balancer of a pair: the one holding the virtual IP, the other, or one by name. */
export const LB_TARGETS = ['active', 'standby', 'lb-1', 'lb-2'] as const;
export type LbTarget = (typeof LB_TARGETS)[number];

/** Data shown in the timeline and report.json beside a fault's description. */
export type FaultData = Record<string, string | number | boolean | null>;

/** What a fault verb did or undid, and when it began to act (on the drill's clock). */
export interface FaultStep {
  at: number;
  description: string;
  data: FaultData;
}

/** A fault in effect: what was done, and how to undo it. */
export interface Disruption extends FaultStep {
  /**
   * Undoes the fault, or waits (bounded) until the platform has undone it, e.g. a killed process
   * running again. Idempotent: a second call does nothing and returns undefined.
   */
  heal(): Promise<FaultStep | undefined>;
}

/** The verbs a provider offers, one per capability; absent when it lacks the capability. */
export interface FaultVerbs {
  kill?(target: Instance): Promise<Disruption>;
  /** Asks the instance to shut down gracefully; the platform starts it again once it exited. */
  terminate?(target: Instance): Promise<Disruption>;
  /** Kills the instance; the platform may start it again only after the heal. */
  stop?(target: Instance): Promise<Disruption>;
  /** Suspends the instance until the heal resumes it. */
  freeze?(target: Instance): Promise<Disruption>;
  isolate?(target: Instance): Promise<Disruption>;
  /** Snapshots etcd now; the heal restores every member from it (writes acknowledged since are lost). */
  restoreEtcd?(workDir: string): Promise<Disruption>;
  /** Delays every byte on the members' peer links, each way. */
  delayPeerLinks?(members: Instance[], latencyMs: number, jitterMs: number): Promise<Disruption>;
  /** Drops a share of the packets on the members' peer links, each way. */
  losePeerPackets?(members: Instance[], percent: number): Promise<Disruption>;
  /** Serves a certificate that ends `validForMs` after now (0: one that has already expired); the heal rotates it. */
  expireServingCert?(validForMs: number): Promise<Disruption>;
  /** Takes one load balancer of the pair down as a machine goes down; the heal brings it back. */
  downLoadBalancer?(target: LbTarget): Promise<Disruption>;
}

/** A process start or exit the platform saw during the drill, on the wall clock. */
export interface ClusterEvent {
  at: number;
  kind: 'process-start' | 'process-exit';
  message: string;
  component: string;
  node: string;
  pid?: number;
}

/** One component's health as its own endpoint answers. */
export interface ComponentStatus {
  /** Unique per instance, e.g. "etcd@node-1". */
  id: string;
  component: string;
  node: string;
  /** Process id where the provider knows it. */
  pid?: number | null;
  /** e.g. "running", "backoff". */
  state: string;
  restarts: number;
  healthy: boolean;
  detail: string;
}

export interface ClusterStatus {
  name: string;
  apiServer: string;
  loadBalancerReady: boolean;
  etcdLeader?: string;
  rows: ComponentStatus[];
}

/** A cluster a drill may use, started or attached to by its provider. */
export interface AcquiredCluster {
  readonly info: ClusterInfo;
  readonly verbs: FaultVerbs;
  /** Every instance of a role, in a stable order. */
  instances(role: Role): Instance[];
  /** The instance leading its role right now, as the role itself reports it; throws when there is none. */
  leaderOf(role: LeaderRole): Promise<{ instance: Instance; why: string }>;
  status(): Promise<ClusterStatus>;
  /** Throws, naming what is wrong, when a fault could not be healed now (no supervisor, a full disk). */
  checkReadyForFaults(): void;
  /** Undoes what an interrupted drill left on the cluster (a partition, held processes, its helpers). */
  healLeftovers(): Promise<string[]>;
  /** A directory for the drill's helpers (k6) that goes away with the cluster. */
  scratchDir(): string;
  /** Process starts and exits since the last call. */
  drainEvents(): ClusterEvent[];
  /** Resident memory of the cluster by program (or container), in MiB: what it costs the machine. */
  residentMemory(): Promise<Map<string, number>>;
  /** The certificates the control plane's components load (files, kubeconfigs), for the report. */
  certificates(): Promise<FoundCertificate[]>;
  /**
   * Ends the drill's use of the cluster: removes one it started when `remove` (throwing, naming what
   * was left), keeps it otherwise; a cluster it attached to is always kept.
   */
  release(remove: boolean): Promise<void>;
}

/** What a scenario asks of its cluster beyond the provider's defaults. */
export type ClusterSettings = Pick<
  AcquireRequest,
  'etcdTopology' | 'lbCheck' | 'apiserverShutdownDelayMs' | 'etcdPeerLinks' | 'loadBalancers'
>;

export interface AcquireRequest {
  /** start: make a cluster; attach: use the one running. */
  mode: 'start' | 'attach';
  /**
   * Who a started cluster is for: a drill (removed by the drill, or by the next one after a crash),
   * a drill that keeps it (--keep-cluster), or `cluster up` (both stay until removed).
   */
  owner: 'drill' | 'drill-kept' | 'cluster-up';
  /** What the scenario asks of the cluster; absent: the provider's setting. */
  etcdTopology?: 'stacked' | 'external-all';
  lbCheck?: LbCheck;
  apiserverShutdownDelayMs?: number;
  etcdPeerLinks?: EtcdPeerLinks;
  loadBalancers?: LoadBalancers;
  components: Components;
}

/** Brings clusters of one kind into being and away again. */
export interface Provider {
  readonly name: ProviderName;
  readonly capabilities: ReadonlySet<Capability>;
  /** The timing settings the provider configures, for reports of drills that never got a cluster. */
  readonly configuredBounds: FailoverBounds;
  /** Throws when this machine or user cannot run the provider (e.g. not root), before anything is made. */
  preflight(): void;
  /**
   * Why this provider cannot give a cluster the settings a scenario asks for (e.g. kind cannot change
   * its load balancer's check), with the fix; undefined when it can. Asked before anything starts.
   */
  refusal(settings: ClusterSettings): { problem: string; fix: string } | undefined;
  /** Runs fn holding the provider's lock on the cluster, so no other command starts or removes it meanwhile. */
  withLock<T>(what: string, fn: () => Promise<T>): Promise<T>;
  acquire(req: AcquireRequest): Promise<AcquiredCluster>;
  /** Removes the cluster and whatever an interrupted run left of it. */
  remove(): Promise<{ removed: string[]; left: string[] }>;
  /** The running cluster, or undefined with a sentence on what there is instead (nothing, a half-made one). */
  attached(): Promise<{ cluster?: AcquiredCluster; absent?: string }>;
}
