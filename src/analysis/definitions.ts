/**
 * How each figure is defined, in words. The report prints these next to the figures; the first five
 * are the project's glossary, word for word.
 */
export interface Definition {
  term: string;
  definition: string;
}

export const FIGURE_DEFINITIONS: readonly Definition[] = [
  {
    term: 'probe',
    definition:
      'a loop that issues one kind of request (API read through the load balancer, API write, watch, DNS ' +
      'lookup, per-member etcd status) every interval, each with a timeout, and records start, end, outcome.',
  },
  {
    term: 'outage window',
    definition:
      'of a probe: from the start of the first failed request to the end of the first successful request ' +
      'after it. Requests are taken in order of their start ("after" means started later). A failure that ' +
      'started before the success closing the previous window came back continues that window, so windows ' +
      'never overlap. A window with no later success is open: its length is counted up to the end of the ' +
      'run and is a lower bound.',
  },
  {
    term: 'failover time',
    definition:
      'the longest outage window of a probe during the drill (0 when it never failed); also report time ' +
      'from injection to the first success after the last failure. The failover SLO also fails when a ' +
      'service probe still fails some of its requests, while others succeed, in the last 3 s before the ' +
      'heal (a quarter of a shorter fault window): a service that keeps failing part of its requests ' +
      'while the fault is in place has not failed over, however short each outage window is. A probe ' +
      'failing throughout those seconds is a plain outage, judged by its window length.',
  },
  {
    term: 'fault window',
    definition:
      'from injection to heal (the first fault-inject event to the first fault-heal event after it).',
  },
  {
    term: 'recovery',
    definition:
      'from heal until every probe is healthy again: from the fault-heal event to the end of the last ' +
      'outage window of any probe still failing at or after it (0 when none was).',
  },
  {
    term: 'acknowledged write',
    definition:
      'a create/update the API answered with success. After the drill each must be readable with its ' +
      'value; writes that failed with a timeout are indeterminate and never counted as lost.',
  },
  {
    term: 'failed request',
    definition: 'a request whose outcome is not ok: an error or a timeout.',
  },
  {
    term: 'phase of a request',
    definition:
      'the phase (baseline, fault, recovery) in which the request started; phases are half-open ' +
      '[start, end), and the last phase also includes its end. Requests outside every phase are shown apart.',
  },
  {
    term: 'API probes',
    definition:
      'probes whose name starts with "api-" and load streams whose name starts with "k6:", except k6\'s ' +
      'short watches ("k6:watch"): a watch lasts its timeoutSeconds by design, so its length is no request ' +
      'latency. Watch health is measured by the "watch" probe.',
  },
  {
    term: 'service probes',
    definition:
      'every probe except the per-member probes: each etcd member ("etcd:<member>") and each apiserver or ' +
      'DNS replica probed directly, bypassing the load balancer ("member:<probe>@<member>"). These watch one ' +
      'member rather than the service (a killed or isolated member fails for the whole fault by design). ' +
      'The failover SLO is measured over service probes; per-member probes are reported beside them.',
  },
  {
    term: 'latency P50 / P95 / P99 / max',
    definition:
      'end minus start of every request, failed ones included (a timeout costs its client the whole wait). ' +
      'Percentiles are nearest-rank values from an HDR histogram of microseconds with 3 significant ' +
      'digits: each is the top of its bucket, at most 0.1 % above the exact value, and never above the ' +
      'exact maximum, which is reported as measured. A request that ended before it started (the wall clock ' +
      'stepped back) counts as 0 ms, and how many did is stored with the figures.',
  },
  {
    term: 'error rate',
    definition: 'failed requests divided by all requests, in percent.',
  },
  {
    term: 'API error rate outside the fault window',
    definition:
      'the error rate of API probes over requests that started in the baseline or recovery phase; requests ' +
      'that started in the fault phase, or outside every phase, are left out and counted in the detail.',
  },
  {
    term: 'API P99 latency outside the fault window',
    definition:
      'the P99 latency of API probes over requests that started in the baseline or recovery phase, failed ' +
      'ones included; requests that started in the fault phase, or outside every phase, are left out. The ' +
      'API latency SLO judges this figure: the fault window is judged by the failover SLO. The P99 over the ' +
      'whole run, fault window included, is reported beside it but not judged.',
  },
  {
    term: 'etcd leader',
    definition:
      'per polling round of etcd member status (samples at most half the median polling interval apart, ' +
      'one per member), the leader id reported by more than half of the ok samples; a member reporting ' +
      'no leader votes for "none". A round without such a majority has no known leader.',
  },
  {
    term: 'leader change',
    definition:
      'a round whose majority leader differs from the last one known, or is the same member at a higher ' +
      "raft term (elected anew, e.g. restarted before the others campaigned), stamped with the round's time.",
  },
  {
    term: 'time to new leader',
    definition:
      'from the fault injection to the first leader change at or after it; absent when there was none.',
  },
  {
    term: 'lost write',
    definition:
      'an acknowledged write whose key the read-back did not find, or found with another value. When a key ' +
      'was written more than once, the read-back must hold the value of its last acknowledged write, of an ' +
      'acknowledged write still in flight when that one started, or of any indeterminate write to the key. ' +
      'Keys the read-back never looked at are unverified: not lost, but the lost-write SLO cannot pass.',
  },
  {
    term: 'indeterminate write',
    definition:
      'a write that ended in a timeout or a lost connection: it may or may not have been committed. It is ' +
      'never lost; the report says whether its value turned out present or absent.',
  },
  {
    term: 'resourceVersion order',
    definition:
      'resourceVersions are etcd revisions, compared as integers. A write that started after another was ' +
      'acknowledged must get a higher one; for writes issued one after another this is acknowledgement ' +
      'order. Overlapping writes may commit in either order and are not compared.',
  },
  {
    term: 'expected bound',
    definition:
      "a figure the configuration implies, shown with its arithmetic. The bound a service probe's failover " +
      'is held against is the largest of those a client can be waiting on (leader election, a request ' +
      'stuck on a member without leader, HAProxy marking a backend down). It is a reference, not an SLO.',
  },
  {
    term: 'SLO verdict',
    definition:
      'passes when the measured figure is at most the threshold. A figure that could not be measured ' +
      'fails, and its detail says why.',
  },
];
