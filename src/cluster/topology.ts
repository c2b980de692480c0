import type { FailoverBounds } from '../analysis/bounds.ts';

/**
 * The shape of a cluster, independent of the provider that makes it: what
 * drills, probes and faults address. Providers fill it in.
 */
export interface NodeInfo {
  /** node-1, node-2, node-3 */
  name: string;
  /** Address of the node on the cluster network (a test host the tool made). */
  ip: string;
}

export interface ClusterEndpoints {
  /** https://<lb>:<port>, the load balancer every client uses. */
  apiServer: string;
  /** Per node apiserver, bypassing the load balancer. */
  apiServerOf: Record<string, string>;
  /** etcd client URL per member. */
  etcdOf: Record<string, string>;
  /** The one DNS address clients use, host:port. */
  dns: string;
  /** Each CoreDNS replica's own address, host:port. */
  dnsReplicas: string[];
  /**
   * The network namespace (a file such as /proc/<pid>/ns/net) from which the DNS addresses are
   * reachable, when they are routed only inside a node (kind's Service and pod addresses); absent:
   * from this process's own.
   */
  dnsNetns?: string;
  /** The address the DNS answers for kubernetes.default: what the DNS probes expect. */
  kubernetesServiceIp: string;
  /** Admin kubeconfig (client cert auth through the load balancer). */
  kubeconfig: string;
}

/** Paths of the TLS material of one client identity. */
export interface EtcdClientTls {
  ca: string;
  cert: string;
  key: string;
}

/** Timings of the cluster's configuration that bound failover; reports print them next to the figures. */
export type { FailoverBounds } from '../analysis/bounds.ts';

/** The namespace the drill's probes and load work in; a cluster grants the load access to it alone. */
export const PROBE_NAMESPACE = 'khd-drill';

export interface ClusterInfo {
  name: string;
  provider: string;
  nodes: NodeInfo[];
  endpoints: ClusterEndpoints;
  etcdClient: EtcdClientTls;
  /** The admin's client certificate (system:masters), for probes that bypass kubeconfig parsing. */
  adminTls: EtcdClientTls;
  /**
   * The load generator's own client certificate, allowed only ConfigMaps in PROBE_NAMESPACE; `ca`
   * verifies the apiservers. Absent: the load uses adminTls.
   */
  loadTls?: EtcdClientTls;
  bounds: FailoverBounds;
  /**
   * Where a new Deployment's pod can run, for the workload probe: the image its pod names (nodes
   * played by kwok run it without pulling). Absent: the cluster has nowhere known to run one, and the
   * workload probe does not run.
   */
  workloads?: { image: string };
  etcdTopology: 'stacked' | 'external-all';
  /** Where the provider keeps the cluster's files and logs. */
  dir: string;
  /**
   * What the cluster runs, for the report's audit, when the provider knows it better than the
   * component cache does (kind: the binaries inside its images, and the images by id). Absent: every
   * provisioned component.
   */
  components?: { name: string; version: string; sha256: string }[];
  /** Where the cluster's own records can be read, for the report's cross-checks (absent: none). */
  evidence?: ClusterEvidence;
}

export interface ClusterEvidence {
  /** HAProxy's stats socket (a unix socket path), when HAProxy fronts the apiservers. */
  lbStatsSocket?: string;
  /** etcd's log file per member. */
  etcdLogOf: Record<string, string>;
  /** etcd's metrics URL per member. */
  etcdMetricsOf: Record<string, string>;
}
