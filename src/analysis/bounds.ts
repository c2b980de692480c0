/** The timing settings of the cluster under test that bound how long failover should take. */
export interface FailoverBounds {
  etcdElectionTimeoutMs: number;
  etcdHeartbeatMs: number;
  /** HAProxy health check settings; absent when no HAProxy sits in front of the apiservers. */
  haproxyInterMs?: number;
  haproxyFall?: number;
  haproxyRise?: number;
  /** The apiservers' endpoint the load balancer checks (kind's checks healthz); absent: not known. */
  lbCheck?: LbCheck;
  /** kube-apiserver --shutdown-delay-duration: it serves on after SIGTERM, /readyz failing; absent: 0. */
  apiserverShutdownDelayMs?: number;
  /** How etcd members reach each other: straight, or through a proxy per link (delay faults); absent: direct. */
  etcdPeerLinks?: EtcdPeerLinks;
  /** One load balancer, or a pair sharing a virtual IP by VRRP (keepalived); absent: single. */
  loadBalancers?: LoadBalancers;
  /** Leader election of the controller-manager and the scheduler; absent: DEFAULT_LEADER_ELECTION. */
  leaderElection?: typeof DEFAULT_LEADER_ELECTION;
}

/** What a load balancer can check of an apiserver: /readyz fails during its shutdown delay, /healthz does not. */
export const LB_CHECKS = ['readyz', 'healthz'] as const;
export type LbCheck = (typeof LB_CHECKS)[number];

/** direct: each member dials its peers; proxied: each link goes through a proxy that can delay it. */
export const ETCD_PEER_LINKS = ['direct', 'proxied'] as const;
export type EtcdPeerLinks = (typeof ETCD_PEER_LINKS)[number];

/**
 * single: one HAProxy for every client; vrrp-pair: two, with keepalived moving a virtual IP to the
 * one alive; per-node: no central one, every client's node has its own to all apiservers.
 */
export const LOAD_BALANCERS = ['single', 'vrrp-pair', 'per-node'] as const;
export type LoadBalancers = (typeof LOAD_BALANCERS)[number];

/**
 * The VRRP settings of a load-balancer pair (keepalived's defaults: advertisements every second,
 * priorities 100 and 90 here, the backup's the lower).
 */
export const VRRP = { advertMs: 1000, backupPriority: 90 } as const;

/** etcd's and HAProxy's defaults. */
export const DEFAULT_FAILOVER_BOUNDS: FailoverBounds = {
  etcdElectionTimeoutMs: 1000,
  etcdHeartbeatMs: 100,
  haproxyInterMs: 2000,
  haproxyFall: 3,
  haproxyRise: 2,
};

/** A request stuck on an etcd member without a leader fails after this plus 2 x election timeout. */
const ETCD_REQUEST_TIMEOUT_BASE_MS = 5000;

export type BoundId =
  | 'etcd-leader-election'
  | 'etcd-stuck-request'
  | 'haproxy-mark-down'
  | 'haproxy-mark-up'
  | 'lease-takeover'
  | 'vrrp-takeover';

/**
 * Leader election of kube-controller-manager and kube-scheduler: the components' defaults (lease
 * duration 15 s, renew deadline 10 s, retry period 2 s), which both providers keep.
 */
export const DEFAULT_LEADER_ELECTION = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** A figure the configuration implies, with the arithmetic that gives it. */
export interface ExpectedBound {
  id: BoundId;
  label: string;
  ms: number;
  /** The arithmetic with the configured numbers, e.g. "2 x election timeout 1000 ms = 2000 ms". */
  formula: string;
  /** Why the figure bounds something, in a sentence. */
  basis: string;
  /** Whether a client of the service can be waiting this long during a failover. */
  boundsServiceFailover: boolean;
}

export function expectedBounds(b: FailoverBounds): ExpectedBound[] {
  const election = b.etcdElectionTimeoutMs;
  const bounds: ExpectedBound[] = [
    {
      id: 'etcd-leader-election',
      label: 'etcd elects a new leader',
      ms: 2 * election,
      formula: `2 x election timeout ${election} ms = ${2 * election} ms (heartbeat ${b.etcdHeartbeatMs} ms)`,
      basis:
        'followers wait a random 1 to 2 election timeouts without a heartbeat before campaigning, ' +
        'so a new leader is typically elected within 2 x election timeout.',
      boundsServiceFailover: true,
    },
    {
      id: 'etcd-stuck-request',
      label: 'a request on a member without a leader fails',
      ms: ETCD_REQUEST_TIMEOUT_BASE_MS + 2 * election,
      formula:
        `${ETCD_REQUEST_TIMEOUT_BASE_MS} ms + 2 x election timeout ${election} ms = ` +
        `${ETCD_REQUEST_TIMEOUT_BASE_MS + 2 * election} ms`,
      basis:
        "etcd's request timeout is 5 s plus 2 x election timeout; a member cut off from the majority answers no sooner.",
      boundsServiceFailover: true,
    },
  ];
  const { haproxyInterMs: inter, haproxyFall: fall, haproxyRise: rise } = b;
  if (inter !== undefined && fall !== undefined) {
    bounds.push({
      id: 'haproxy-mark-down',
      label: 'HAProxy marks a dead backend down',
      ms: inter * fall,
      formula: `inter ${inter} ms x fall ${fall} = ${inter * fall} ms`,
      basis:
        'HAProxy takes a backend out after fall consecutive failed checks, one every inter: ' +
        `between ${(fall - 1) * inter} and ${inter * fall} ms after it dies; until then some new connections fail.`,
      boundsServiceFailover: true,
    });
  }
  if (inter !== undefined && rise !== undefined) {
    bounds.push({
      id: 'haproxy-mark-up',
      label: 'HAProxy puts a recovered backend back',
      ms: inter * rise,
      formula: `inter ${inter} ms x rise ${rise} = ${inter * rise} ms`,
      basis: 'HAProxy returns a backend after rise consecutive good checks, one every inter.',
      boundsServiceFailover: false,
    });
  }
  if (b.loadBalancers === 'vrrp-pair') bounds.push(vrrpTakeoverBound());
  return bounds;
}

/**
 * RFC 5798's master down interval: a backup takes the virtual IP after three advertisements went
 * unheard plus a skew that is shorter the higher its priority.
 */
function vrrpTakeoverBound(): ExpectedBound {
  const { advertMs, backupPriority } = VRRP;
  const skew = Math.round(((256 - backupPriority) * advertMs) / 256);
  const ms = 3 * advertMs + skew;
  return {
    id: 'vrrp-takeover',
    label: 'the backup load balancer takes the virtual IP',
    ms,
    formula: `3 x advertisement interval ${advertMs} ms + skew (256 - priority ${backupPriority}) / 256 x ${advertMs} ms = ${ms} ms`,
    basis:
      'a VRRP backup takes the virtual IP when it has heard no advertisement for three intervals plus a skew; ' +
      'until then clients send to the dead one, and their connections to it are lost with it.',
    boundsServiceFailover: true,
  };
}

/** client-go's leader election waits retry period x (1 + up to this) between tries. */
const LEADER_ELECTION_JITTER = 1.2;

/**
 * A holder that dies never releases its lease. A candidate counts the lease duration from when it
 * saw the last renewal, which may be a try (one jittered retry period) after it happened, and takes
 * the expired lease at its next try, another jittered retry period later at most.
 */
export function leaseTakeoverBound(b: FailoverBounds): ExpectedBound {
  const {
    leaseDurationMs: lease,
    renewDeadlineMs: renew,
    retryPeriodMs: retry,
  } = b.leaderElection ?? DEFAULT_LEADER_ELECTION;
  const tryMs = Math.round(retry * (1 + LEADER_ELECTION_JITTER));
  const ms = lease + 2 * tryMs;
  return {
    id: 'lease-takeover',
    label: "another instance takes over a dead holder's lease",
    ms,
    formula:
      `lease duration ${lease} ms + 2 x retry period ${retry} ms x (1 + jitter ${LEADER_ELECTION_JITTER}) = ` +
      `${ms} ms (renew deadline ${renew} ms)`,
    basis:
      'a killed controller-manager or scheduler never releases its lease; a candidate counts the lease ' +
      'duration from when it saw the last renewal (up to one try after it) and takes the lease at its next ' +
      'try; tries are a retry period apart plus up to 1.2 times it of jitter.',
    boundsServiceFailover: false,
  };
}

/** The slowest mechanism a client may wait on: the bound each service probe's failover is held against. */
export interface ServiceFailoverBound {
  ms: number;
  formula: string;
}

export function serviceFailoverBound(bounds: readonly ExpectedBound[]): ServiceFailoverBound | undefined {
  const relevant = bounds.filter((b) => b.boundsServiceFailover);
  if (relevant.length === 0) return undefined;
  const ms = Math.max(...relevant.map((b) => b.ms));
  return { ms, formula: `max(${relevant.map((b) => `${b.label} ${b.ms} ms`).join(', ')}) = ${ms} ms` };
}
