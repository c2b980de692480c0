/** The timing settings of the cluster under test that bound how long failover should take. */
export interface FailoverBounds {
  etcdElectionTimeoutMs: number;
  etcdHeartbeatMs: number;
  /** HAProxy health check settings; absent when no HAProxy sits in front of the apiservers. */
  haproxyInterMs?: number;
  haproxyFall?: number;
  haproxyRise?: number;
}

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

export type BoundId = 'etcd-leader-election' | 'etcd-stuck-request' | 'haproxy-mark-down' | 'haproxy-mark-up';

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
  return bounds;
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
