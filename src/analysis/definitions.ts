/**
 * How each figure is defined, in words. The report prints these next to the figures; they follow the
 * project's glossary (ARCHITECTURE.md, "Words with one meaning").
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
      'of a probe: from the start of the first bad request to the end of the first good request after it. ' +
      'Requests are taken in order of their start ("after" means started later). A bad request that started ' +
      'before the good one closing the previous window came back continues that window, so windows never ' +
      'overlap. A window with no later good request is open: its length is counted up to the end of the run ' +
      'and is a lower bound. A detail, not a verdict.',
  },
  {
    term: 'slow',
    definition:
      'a request slower than the latency threshold (health.slowRequestMs, default the P99 SLO); for ' +
      'availability it counts as failed, whether or not it succeeded. A bad request is a failed, timed-out or ' +
      'slow one.',
  },
  {
    term: 'failover time',
    definition:
      'from the injection until the service is healthy again: the start of the first sustained healthy ' +
      'interval (every service source has at least one request in it and every request started in it ' +
      'succeeds within the slow threshold, for health.sustainSeconds, default 5 s). The interval must end ' +
      'by the heal: not reached before the heal = failed over never (the SLO fails when the hold was long ' +
      'enough to show the threshold, otherwise the verdict says insufficient evidence and the hold needed). ' +
      'A service failing one request in three has not failed over, however short each window.',
  },
  {
    term: 'service sources',
    definition:
      'what the service is judged by: each service probe on its own (API read and write in both client ' +
      'styles, update, delete, watch, DNS at the one DNS address) and the k6 load as one source (its streams ' +
      'together, its long-poll watches left out). Per-member probes ("etcd:<member>", ' +
      '"member:<probe>@<member>") watch one member, fail for the whole fault by design, and speak for no part ' +
      'of the service; they are reported beside it.',
  },
  {
    term: 'fault window',
    definition:
      'from injection to heal (the first fault-inject event to the last fault-heal event after it, when every ' +
      'fault is healed).',
  },
  {
    term: 'degraded interval',
    definition:
      'from the end of failover to the heal: the cluster running without the faulted member. Its P99 and ' +
      "error rate are judged like the baseline's.",
  },
  {
    term: 'recovery',
    definition:
      'from the heal until what was still broken at the heal (the sources with a bad request in the sustain ' +
      'interval before it) is healthy again, sustained, as for failover; 0 when nothing was. Held to the ' +
      'failover threshold. What goes wrong later is judged in the recovered interval.',
  },
  {
    term: 'requests of a judged interval',
    definition:
      'API requests that started in the interval; for the baseline and the degraded interval only those ' +
      'that also ended before the injection or the heal: one still in flight then met the change, and ' +
      'counts towards failover or recovery instead.',
  },
  {
    term: 'recovered interval',
    definition: 'from the end of recovery to the end of the run; its P99 and error rate are judged.',
  },
  {
    term: 'unavailable window of the service',
    definition:
      'for each source, from the start of a bad request to the start of the next good request of that source; ' +
      'the union over all sources. A full outage is one window of its length; a partial one shows as many ' +
      'short windows.',
  },
  {
    term: 'acknowledged write',
    definition:
      'a create, update or delete the API answered with success. After the drill each must be found as it ' +
      'left the key (its value at the revision it was acknowledged with; absent after a delete), through the ' +
      'API and straight from etcd; writes that failed with a timeout, a 5xx or a lost connection are ' +
      'indeterminate and never counted as lost.',
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
    term: 'API requests',
    definition:
      'requests of probes whose name starts with "api-" and of the load streams whose name starts with "k6:", ' +
      'except k6\'s short watches ("k6:watch"): a watch lasts its timeoutSeconds by design, so its length is ' +
      'no request latency. Watch health is measured by the "watch" probe.',
  },
  {
    term: 'latency P50 / P95 / P99 / max',
    definition:
      'how long each caller waited, connection and TLS set-up included, failed requests included (a timeout ' +
      "costs its client the whole wait), on the drill's monotonic clock to 1 ms. Percentiles are nearest-rank " +
      'values from an HDR histogram of microseconds with 3 significant digits: each is the top of its bucket, ' +
      'at most 0.1 % above the exact value, and never above the exact maximum. A P99 is taken over at least ' +
      '100 requests; fewer give insufficient evidence.',
  },
  {
    term: 'error rate',
    definition:
      'failed requests divided by all requests, in percent. One failure in N requests is 100/N %: a rate ' +
      'judged against a threshold needs at least 100/threshold requests (1000 for 0.1 %), or the verdict is ' +
      'insufficient evidence.',
  },
  {
    term: 'load delivered',
    definition:
      'k6 requests started in an interval against what the asked rate calls for; below 95 % the load was ' +
      'not delivered as asked, and a P99 that passes there is not valid (insufficient evidence): the latency ' +
      'of the requests that were not sent is missing.',
  },
  {
    term: 'etcd leader',
    definition:
      'per polling round of etcd member status (samples at most half the median polling interval apart, ' +
      'one per member), the leader id that more than half of the members name in their latest answer (each ' +
      "member's last answer up to that round, if at most two polling intervals old: members polled on their " +
      'own loops drift apart); a member reporting no leader votes for "none". A round without such a ' +
      'majority (a split, or too few answers) has no known leader.',
  },
  {
    term: 'leader change',
    definition:
      'a round whose majority leader differs from the last one known, or is the same member at another ' +
      'raft term (elected anew, e.g. restarted before the others campaigned), or any leader after a round in ' +
      "which no member answered (they were all restarted), stamped with the round's time.",
  },
  {
    term: 'time to new leader',
    definition:
      'from the fault injection to the first leader change at or after it; absent when there was none.',
  },
  {
    term: 'lost write',
    definition:
      'an acknowledged write whose key a read-back (through the API, or straight from etcd) found missing, ' +
      'holding another value (a lost update), present after an acknowledged delete (resurrected), or holding ' +
      'its value at another revision than the write was acknowledged with. A key must hold the state of its ' +
      'last acknowledged write, of an acknowledged write still in flight when that one started, or of any ' +
      'indeterminate write to it. Keys a read never looked at are unverified: not lost, but the check is then ' +
      'insufficient evidence.',
  },
  {
    term: 'indeterminate write',
    definition:
      'a write that ended in a timeout, a 5xx or a lost connection: it may or may not have been committed. It ' +
      'is never lost; the report says whether it landed.',
  },
  {
    term: 'resourceVersion order',
    definition:
      'resourceVersions are etcd revisions, compared as integers. A create or update that started after ' +
      'another was acknowledged must get a higher one; overlapping writes may commit in either order and are ' +
      'not compared; deletes answer with the object as it was and are left out.',
  },
  {
    term: 'cross-check',
    definition:
      "a figure of the report held against the same quantity from a source it was not computed from (etcd's " +
      "log and counters, HAProxy's own view, the apiservers' counters, k6's summary), with a tolerance. A " +
      'disagreement fails the cross-checks verdict: the figures cannot all be right.',
  },
  {
    term: 'expected bound',
    definition:
      'a figure the configuration implies, shown with its arithmetic (leader election, a request stuck on a ' +
      'member without a leader, HAProxy marking a backend down). A reference, not an SLO.',
  },
  {
    term: 'SLO verdict',
    definition:
      'pass when the measured figure is at most the threshold and the evidence resolves it; fail when it is ' +
      'above; insufficient evidence when the run cannot tell (never a pass). Exit code 0: every verdict ' +
      'passed; 1: one failed; 4: none failed, some had insufficient evidence; 3: the drill could not run.',
  },
];
