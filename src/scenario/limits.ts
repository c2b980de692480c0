import type { NumberRule } from './fields.ts';

/**
 * The documented bounds of a scenario's durations and load, for scenario files and the drill's flags
 * alike. Beyond them a value is a slip (a hold of 600h, a timeout of minutes) or more than the tool
 * can carry out: Node fires a timer set above 2^31-1 ms (24.8 days) after 1 ms, and k6 is given one
 * virtual user per request of a timeout's worth of outage.
 */

/** Each phase, the failover SLO and the sustain interval: at most 24h. */
export const MAX_PHASE_SECONDS = 86_400;
export const PHASE_SECONDS: NumberRule = { min: 0, exclusive: true, max: MAX_PHASE_SECONDS };
export const FAILOVER_SECONDS: NumberRule = { min: 0, max: MAX_PHASE_SECONDS };

/** A probe's timeout and the latencies judged against it: a request is given up on within 60 s. */
export const TIMEOUT_MS: NumberRule = { min: 0, exclusive: true, max: 60_000 };

/** Probe intervals: at least 10 ms, so the probes do not become the load; at most 60 s. */
export const PROBE_INTERVAL_MS: NumberRule = { min: 10, max: 60_000 };

/** k6's constant arrival rate. */
export const RATE: NumberRule = { min: 1, max: 10_000, integer: true, note: '(requests per second)' };

/**
 * Virtual users k6 pre-allocates: rate x timeout, one per request in flight during a full outage.
 * At the default 2 s timeout this allows the highest rate; a longer timeout allows a lower one.
 */
export const MAX_K6_VUS = 20_000;

/** Relative weights of the operation mix: only their ratios matter, and their sum must stay finite. */
export const MIX_WEIGHT: NumberRule = { min: 0, max: 1_000_000 };

/** Faults of one scenario: all are injected at once. */
export const MAX_FAULTS = 10;

/** Longest scenario name: it becomes part of the report directory's name. */
export const MAX_NAME_LENGTH = 63;
