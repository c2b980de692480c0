/**
 * The scenario format, described once: this zod schema validates scenario files, fills in the
 * defaults, gives the TypeScript types (types.ts infers them from it) and is published as
 * scenario.schema.json (`npm run schema`) so that editors complete and check scenario files.
 * Every message reads `path: message` with the offending value, what is allowed and the fix.
 */
import { z } from 'zod';
import { LB_CHECKS, LOAD_BALANCERS } from '../analysis/bounds.ts';
import { DEFAULT_SLOS } from '../analysis/verdict.ts';
import { faultSpecSchema, FAULT_KINDS } from '../faults/registry.ts';
import { show } from '../util/show.ts';
import { strictObject } from '../schema/building-blocks.ts';
import { mustBe, withValue, type ErrorMap } from '../schema/messages.ts';
import { duration } from './duration-field.ts';
import { describeRule, type NumberRule } from './fields.ts';
import {
  FAILOVER_SECONDS,
  MAX_FAULTS,
  MAX_K6_VUS,
  MAX_NAME_LENGTH,
  MIX_WEIGHT,
  PHASE_SECONDS,
  PROBE_INTERVAL_MS,
  RATE,
  TIMEOUT_MS,
} from './limits.ts';

export const OPERATIONS = ['get', 'list', 'create', 'update', 'delete', 'watch'] as const;
export const ETCD_TOPOLOGIES = ['stacked', 'external-all'] as const;
/** A scenario's name: what people type to run a shipped one, and part of its report directory's name. */
export const SCENARIO_NAME = new RegExp(`^[a-z0-9][a-z0-9-]{0,${MAX_NAME_LENGTH - 1}}$`);
const ONE_LINE = /^[^\r\n]*\S[^\r\n]*$/;

export const DEFAULT_MIX = { get: 50, list: 15, create: 10, update: 10, delete: 5, watch: 10 };
export const DEFAULT_LOAD = {
  rate: 60,
  mix: DEFAULT_MIX,
  probeIntervalMs: 100,
  memberProbeIntervalMs: 250,
  probeTimeoutMs: 2000,
};
export const DEFAULT_PHASES = { baselineSeconds: 10, holdSeconds: 20, recoverySeconds: 20 };
/** slowRequestMs defaults to the scenario's slos.apiP99Ms. */
export const DEFAULT_SUSTAIN_SECONDS = 5;

/** The same requirement's message for every issue of a field, so each problem is named once. */
const says = (message: ErrorMap) => ({ error: message });

/** An object that names its keys when given something else or an unknown key. */
function section<S extends z.ZodRawShape>(shape: S) {
  return strictObject(shape, 'key', mustBe(`an object with keys ${Object.keys(shape).join(', ')}`));
}

/** A required string matching a pattern. */
function text(pattern: RegExp, requirement: string) {
  const e = says(mustBe(requirement));
  return z.string(e).regex(pattern, e);
}

export function numberField(rule: NumberRule) {
  const e = says(mustBe(describeRule(rule)));
  let n = z.number(e);
  n = rule.exclusive ? n.gt(rule.min, e) : n.min(rule.min, e);
  if (rule.max !== undefined) n = n.max(rule.max, e);
  return rule.integer ? n.int(e) : n;
}

function choice<T extends readonly [string, ...string[]]>(values: T, noun: string) {
  return z.enum(values, says(withValue(`is not a known ${noun}; known: ${values.join(', ')}`)));
}

const mixSchema = section(
  Object.fromEntries(OPERATIONS.map((op) => [op, numberField(MIX_WEIGHT).optional()])) as Record<
    (typeof OPERATIONS)[number],
    z.ZodOptional<z.ZodNumber>
  >,
)
  .describe(
    "Relative weights of the k6 load's requests; only their ratios matter. Operations left out get weight 0. " +
      'Default: reads dominate, as on a real cluster, with enough writes to check for lost ones.',
  )
  .transform((given, ctx) => {
    const mix = Object.fromEntries(OPERATIONS.map((op) => [op, given[op] ?? 0])) as Record<
      (typeof OPERATIONS)[number],
      number
    >;
    if (OPERATIONS.every((op) => mix[op] === 0))
      ctx.issues.push({
        code: 'custom',
        message: `${show(given)} gives no operation a weight; give at least one a weight > 0`,
        input: given,
      });
    return mix;
  });

const clusterSchema = section({
  controlPlanes: z
    .literal(3, says(withValue('is not supported; the cluster has exactly 3')))
    .default(3)
    .describe('Masters behind the load balancer. Default 3 (the only supported value).'),
  etcdTopology: choice(ETCD_TOPOLOGIES, 'etcd topology')
    .default('stacked')
    .describe(
      "stacked: each apiserver talks only to the etcd member on its own node (kubeadm's default); " +
        'external-all: every apiserver is given all three members and fails over between them. Default stacked.',
    ),
  corednsReplicas: z
    .literal(2, says(withValue('is not supported; the cluster has exactly 2')))
    .default(2)
    .describe('Default 2 (the only supported value).'),
  lbHealthCheck: choice(LB_CHECKS, 'load balancer check')
    .optional()
    .describe(
      "The apiservers' endpoint the load balancer checks: readyz (fails during an apiserver's shutdown delay, " +
        'so the balancer drains it) or healthz (does not). Default: what the provider configures (local: ' +
        'readyz; kind: healthz, which kind configures and the tool cannot change).',
    ),
  loadBalancers: choice(LOAD_BALANCERS, 'load-balancer setup')
    .optional()
    .describe(
      'How clients reach the apiservers: single (one HAProxy for every client), vrrp-pair (two sharing a ' +
        'virtual IP by VRRP; what an lb-down fault needs, and asks for by itself) or per-node (no central ' +
        'one: every node has its own on its loopback, to all apiservers). Default single; local provider only.',
    ),
  apiserverShutdownDelaySeconds: duration(
    's',
    { min: 0, max: 600 },
    "kube-apiserver's --shutdown-delay-duration: how long it keeps serving after SIGTERM, /readyz failing. " +
      "Default: the provider's (0, as upstream).",
  ).optional(),
}).describe('The cluster the scenario needs.');

const loadSchema = section({
  rate: numberField(RATE)
    .default(DEFAULT_LOAD.rate)
    .describe(
      "Requests per second of the k6 load generator. Default 60: with the probes' own requests about 114 API " +
        'requests a second, enough for a 10 s interval to resolve a 0.1 % error rate. 1 to 10000, and rate x ' +
        "probeTimeoutMs at most 20000 s (k6's virtual users).",
    ),
  mix: mixSchema.default(DEFAULT_MIX),
  probeIntervalMs: duration(
    'ms',
    PROBE_INTERVAL_MS,
    "How often each service probe, and each etcd member's status probe, issues a request. Default 100; 10 to 60000.",
  ).default(DEFAULT_LOAD.probeIntervalMs),
  memberProbeIntervalMs: duration(
    'ms',
    PROBE_INTERVAL_MS,
    'How often the other per-member probes (a write to each apiserver directly, a lookup at each CoreDNS ' +
      'replica) issue a request. Default 250; 10 to 60000.',
  ).default(DEFAULT_LOAD.memberProbeIntervalMs),
  probeTimeoutMs: duration(
    'ms',
    TIMEOUT_MS,
    'When a probe request counts as timed out. Default 2000; at most 60000.',
  ).default(DEFAULT_LOAD.probeTimeoutMs),
}).describe('The load and the probes.');

const phase = (description: string, fallback: number) =>
  duration('s', PHASE_SECONDS, `${description} Default ${fallback}; at most 86400 (24h).`).default(fallback);
const phasesSchema = section({
  baselineSeconds: phase('Healthy cluster under load before any fault.', DEFAULT_PHASES.baselineSeconds),
  holdSeconds: phase('How long the faults stay injected.', DEFAULT_PHASES.holdSeconds),
  recoverySeconds: phase(
    'Time after the heal for the cluster to become healthy again.',
    DEFAULT_PHASES.recoverySeconds,
  ),
}).describe('How long each phase lasts.');

const faultList = `a list of 1 to ${MAX_FAULTS} faults; known kinds: ${FAULT_KINDS.join(', ')}`;
const faultsSchema = z
  .array(faultSpecSchema, says(mustBe(faultList)))
  .min(1, says(mustBe(faultList)))
  .max(MAX_FAULTS, says(mustBe(faultList)))
  .describe(
    "The faults. Each names its kind and the role it aims at, e.g. { kind: 'kill', etcd: 'leader' }; by " +
      'default it goes in when the hold starts and is healed when the hold ends. `at` and `for` chain faults: ' +
      "{ kind: 'freeze', apiserver: 'node-1', at: '5s', for: '10s' }. Faults still in when the hold ends are " +
      'healed in the reverse order of their injection.',
  );

const slosSchema = section({
  failoverSeconds: duration(
    's',
    FAILOVER_SECONDS,
    'Longest time from the injection until the service is healthy again. Default 30.',
  ).default(DEFAULT_SLOS.failoverSeconds),
  apiP99Ms: duration(
    'ms',
    TIMEOUT_MS,
    'Highest P99 of API requests in the baseline, degraded and recovered intervals. Default 500.',
  ).default(DEFAULT_SLOS.apiP99Ms),
  errorRatePercent: numberField({ min: 0, max: 100 })
    .default(DEFAULT_SLOS.errorRatePercent)
    .describe('Highest share of failed API requests in each judged interval, in percent. Default 0.1.'),
  lostWrites: numberField({ min: 0, integer: true })
    .default(DEFAULT_SLOS.lostWrites)
    .describe('Most acknowledged writes that may be missing after the drill. Default 0.'),
}).describe('What a run must achieve to pass; each becomes one verdict.');

const healthSchema = section({
  slowRequestMs: duration(
    'ms',
    TIMEOUT_MS,
    'A request slower than this counts as unavailable, whether or not it succeeded. Default: slos.apiP99Ms. ' +
      'Must be below load.probeTimeoutMs.',
  ).optional(),
  sustainSeconds: duration(
    's',
    PHASE_SECONDS,
    'How long every request of the service must succeed within slowRequestMs for it to count as healthy ' +
      'again. Default 5.',
  ).default(DEFAULT_SUSTAIN_SECONDS),
}).describe('When the service counts as available, and as healthy again after a fault or a heal.');

/** Fields in the order problems are listed. */
const scenarioShape = {
  $schema: z
    .string(says(mustBe('the path or URL of scenario.schema.json')))
    .optional()
    .describe('Where editors find this schema, e.g. "../scenario.schema.json"; ignored by the tool.'),
  name: text(
    SCENARIO_NAME,
    `up to ${MAX_NAME_LENGTH} lower-case letters, digits and dashes, e.g. "etcd-partition"`,
  ).describe('Up to 63 lower-case letters, digits and dashes; a shipped scenario is named after its file.'),
  description: text(ONE_LINE, 'one line saying what the drill does and what a pass proves').describe(
    'One line: what the drill does and what a pass proves.',
  ),
  cluster: clusterSchema.prefault({}),
  load: loadSchema.prefault({}),
  phases: phasesSchema.prefault({}),
  faults: faultsSchema,
  slos: slosSchema.prefault({}),
  health: healthSchema.prefault({}),
};

/** The checks between fields, once each field is valid on its own. */
function crossChecks(
  s: z.output<ReturnType<typeof section<typeof scenarioShape>>>,
  ctx: z.core.$RefinementCtx,
): void {
  const add = (path: (string | number)[], message: string) =>
    ctx.issues.push({ code: 'custom', path, message, input: s });
  const slowRequestMs = s.health.slowRequestMs ?? s.slos.apiP99Ms;
  // A phase shorter than a probe interval would have no samples, so nothing could be judged in it.
  const [key, seconds] = Object.entries(s.phases).reduce((a, b) => (b[1] < a[1] ? b : a));
  for (const field of ['probeIntervalMs', 'memberProbeIntervalMs'] as const)
    if (s.load[field] >= seconds * 1000)
      add(
        ['load', field],
        `${s.load[field]} must be shorter than every phase, and phases.${key} is ${seconds}s`,
      );
  // A load balancer of a pair can be taken down only where there is a pair.
  const lbs = s.cluster.loadBalancers;
  if (lbs !== undefined && lbs !== 'vrrp-pair' && s.faults.some((f) => f.kind === 'lb-down'))
    add(
      ['cluster', 'loadBalancers'],
      `"${lbs}" has no load balancer an lb-down fault can take down: it needs "vrrp-pair" (or leave it out)`,
    );
  // Each check only on what passed the one before, as the user fixes them in this order.
  if (ctx.issues.length > 0) return;
  // A slow request must be tellable from a timed-out one.
  if (s.load.probeTimeoutMs <= slowRequestMs)
    add(
      ['load', 'probeTimeoutMs'],
      `${s.load.probeTimeoutMs} must be above health.slowRequestMs (${slowRequestMs}): a request is slow before ` +
        'it times out; raise the timeout or lower the slow threshold',
    );
  // The hold and the recovery must each hold one sustained healthy interval.
  const { sustainSeconds } = s.health;
  for (const phaseKey of ['holdSeconds', 'recoverySeconds'] as const)
    if (s.phases[phaseKey] <= sustainSeconds)
      add(
        ['phases', phaseKey],
        `${s.phases[phaseKey]}s must be longer than health.sustainSeconds (${sustainSeconds}s), or no sustained ` +
          `healthy interval fits in it; make it at least ${s.slos.failoverSeconds + sustainSeconds}s to decide a ` +
          `failover of up to slos.failoverSeconds (${s.slos.failoverSeconds}s)`,
      );
  if (ctx.issues.length > 0) return;
  // A fault is scheduled within the hold: one that would start or end after it is a slip.
  const hold = s.phases.holdSeconds;
  s.faults.forEach((f, i) => {
    const at = f.at ?? 0;
    if (at >= hold)
      add(
        ['faults', i, 'at'],
        `${at}s must be before the end of the hold (phases.holdSeconds is ${hold}s); lower it or lengthen the hold`,
      );
    else if (f.for !== undefined && at + f.for > hold)
      add(
        ['faults', i, 'for'],
        `${f.for}s from at ${at}s ends at ${at + f.for}s, after the hold (phases.holdSeconds is ${hold}s); ` +
          `make it at most ${hold - at}s, or leave it out to heal when the hold ends`,
      );
  });
  if (ctx.issues.length > 0) return;
  // k6 pre-allocates a virtual user for every request of a timeout's worth of a full outage.
  const { rate, probeTimeoutMs } = s.load;
  const vus = Math.ceil(rate * (probeTimeoutMs / 1000));
  if (vus > MAX_K6_VUS)
    add(
      ['load', 'rate'],
      `${rate} with load.probeTimeoutMs ${probeTimeoutMs} needs ${vus} k6 virtual users (rate x timeout), ` +
        `more than the ${MAX_K6_VUS} allowed; lower the rate to at most ` +
        `${Math.floor(MAX_K6_VUS / (probeTimeoutMs / 1000))} or shorten the timeout`,
    );
}

export const scenarioSchema = section(scenarioShape)
  // A transform runs only on input whose fields are each valid, so a fallback never shows in a message.
  .transform((s, ctx) => {
    crossChecks(s, ctx);
    const { $schema: _editorsOnly, ...scenario } = s;
    return {
      ...scenario,
      health: { ...s.health, slowRequestMs: s.health.slowRequestMs ?? s.slos.apiP99Ms },
    };
  })
  .describe('A kube-ha-drill scenario: the cluster it needs, its load, phases, faults and SLOs.');
