import { checkFault } from '../faults/check-fault.ts';
import { UsageError } from '../util/errors.ts';
import { show } from '../util/show.ts';
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
import {
  Problems,
  isRecord,
  readChoice,
  readDuration,
  readNumber,
  readSection,
  readText,
  rejectUnknownKeys,
} from './fields.ts';
import {
  DEFAULT_CLUSTER,
  DEFAULT_LOAD,
  DEFAULT_PHASES,
  DEFAULT_SLOS,
  DEFAULT_SUSTAIN_SECONDS,
  ETCD_TOPOLOGIES,
  FAULT_KINDS,
  OPERATIONS,
  type ClusterNeeds,
  type FaultSpec,
  type HealthDefinition,
  type LoadProfile,
  type OperationMix,
  type Phases,
  type Scenario,
  type Slos,
} from './types.ts';

const SCENARIO_KEYS = ['name', 'description', 'cluster', 'load', 'phases', 'faults', 'slos', 'health'];
const HEALTH_KEYS = ['slowRequestMs', 'sustainSeconds'];
const CLUSTER_KEYS = Object.keys(DEFAULT_CLUSTER);
const LOAD_KEYS = Object.keys(DEFAULT_LOAD);
const PHASE_KEYS = Object.keys(DEFAULT_PHASES);
const SLO_KEYS = Object.keys(DEFAULT_SLOS);
/** A scenario's name: what people type to run a shipped one, and part of its report directory's name. */
export const SCENARIO_NAME = new RegExp(`^[a-z0-9][a-z0-9-]{0,${MAX_NAME_LENGTH - 1}}$`);
const ONE_LINE = /^[^\r\n]*\S[^\r\n]*$/;

export type ScenarioCheck = { ok: true; scenario: Scenario } | { ok: false; problems: string[] };

/** Checks untyped input (a user's file) and fills in defaults; lists every problem as `path: message`. */
export function checkScenario(input: unknown): ScenarioCheck {
  const p = new Problems();
  if (!isRecord(input)) {
    p.mustBe('scenario', input, `an object with keys ${SCENARIO_KEYS.join(', ')}`);
    return { ok: false, problems: p.lines };
  }
  rejectUnknownKeys(p, '', input, SCENARIO_KEYS);
  const scenario: Scenario = {
    name: readText(
      p,
      'name',
      input.name,
      SCENARIO_NAME,
      `up to ${MAX_NAME_LENGTH} lower-case letters, digits and dashes, e.g. "etcd-partition"`,
    ),
    description: readText(
      p,
      'description',
      input.description,
      ONE_LINE,
      'one line saying what the drill does and what a pass proves',
    ),
    cluster: readCluster(p, input.cluster),
    load: readLoad(p, input.load),
    phases: readPhases(p, input.phases),
    faults: readFaults(p, input.faults),
    slos: DEFAULT_SLOS,
    health: { slowRequestMs: 0, sustainSeconds: DEFAULT_SUSTAIN_SECONDS },
  };
  scenario.slos = readSlos(p, input.slos);
  scenario.health = readHealth(p, input.health, scenario.slos);
  // Only on otherwise valid input, so a fallback never shows up in a message.
  if (p.lines.length === 0) checkProbesFitPhases(p, scenario);
  if (p.lines.length === 0) checkHealthFits(p, scenario);
  if (p.lines.length === 0) checkK6Fits(p, scenario);
  return p.lines.length === 0 ? { ok: true, scenario } : { ok: false, problems: p.lines };
}

/** checkScenario, throwing one UsageError that lists every problem. `source` names the file. */
export function validateScenario(input: unknown, source = 'the scenario'): Scenario {
  const result = checkScenario(input);
  if (result.ok) return result.scenario;
  const count = result.problems.length === 1 ? '1 problem' : `${result.problems.length} problems`;
  throw new UsageError(
    `${source} is not a valid scenario (${count}):\n${result.problems.map((line) => `  ${line}`).join('\n')}`,
    'correct the fields named above; src/scenario/types.ts documents every field with its default, ' +
      'and scenarios/*.ts are complete examples',
  );
}

function readCluster(p: Problems, value: unknown): ClusterNeeds {
  const c = readSection(p, 'cluster', value, CLUSTER_KEYS);
  // The local cluster has a fixed shape; these fields exist so a scenario states what it relies on.
  if (c.controlPlanes !== undefined && c.controlPlanes !== 3) {
    p.add('cluster.controlPlanes', `${show(c.controlPlanes)} is not supported; the cluster has exactly 3`);
  }
  if (c.corednsReplicas !== undefined && c.corednsReplicas !== 2) {
    p.add(
      'cluster.corednsReplicas',
      `${show(c.corednsReplicas)} is not supported; the cluster has exactly 2`,
    );
  }
  return {
    controlPlanes: 3,
    etcdTopology: readChoice(
      p,
      'cluster.etcdTopology',
      c.etcdTopology,
      ETCD_TOPOLOGIES,
      'etcd topology',
      DEFAULT_CLUSTER.etcdTopology,
    ),
    corednsReplicas: 2,
  };
}

function readLoad(p: Problems, value: unknown): LoadProfile {
  const l = readSection(p, 'load', value, LOAD_KEYS);
  return {
    rate: readNumber(p, 'load.rate', l.rate, RATE, DEFAULT_LOAD.rate),
    mix: readMix(p, l.mix),
    probeIntervalMs: readDuration(
      p,
      'load.probeIntervalMs',
      l.probeIntervalMs,
      'ms',
      PROBE_INTERVAL_MS,
      DEFAULT_LOAD.probeIntervalMs,
    ),
    memberProbeIntervalMs: readDuration(
      p,
      'load.memberProbeIntervalMs',
      l.memberProbeIntervalMs,
      'ms',
      PROBE_INTERVAL_MS,
      DEFAULT_LOAD.memberProbeIntervalMs,
    ),
    probeTimeoutMs: readDuration(
      p,
      'load.probeTimeoutMs',
      l.probeTimeoutMs,
      'ms',
      TIMEOUT_MS,
      DEFAULT_LOAD.probeTimeoutMs,
    ),
  };
}

/** A given mix is taken as written: operations it leaves out get weight 0. */
function readMix(p: Problems, value: unknown): OperationMix {
  if (value === undefined) return { ...DEFAULT_LOAD.mix };
  const problemsBefore = p.lines.length;
  const m = readSection(p, 'load.mix', value, OPERATIONS);
  const mix = Object.fromEntries(
    OPERATIONS.map((op) => [op, readNumber(p, `load.mix.${op}`, m[op], MIX_WEIGHT, 0)]),
  ) as OperationMix;
  // Only when each weight was fine: a rejected weight reads as 0 and would make this spurious.
  if (p.lines.length === problemsBefore && OPERATIONS.every((op) => mix[op] === 0)) {
    p.add('load.mix', `${show(value)} gives no operation a weight; give at least one a weight > 0`);
  }
  return mix;
}

function readPhases(p: Problems, value: unknown): Phases {
  const ph = readSection(p, 'phases', value, PHASE_KEYS);
  const phase = (key: keyof Phases) =>
    readDuration(p, `phases.${key}`, ph[key], 's', PHASE_SECONDS, DEFAULT_PHASES[key]);
  return {
    baselineSeconds: phase('baselineSeconds'),
    holdSeconds: phase('holdSeconds'),
    recoverySeconds: phase('recoverySeconds'),
  };
}

function readFaults(p: Problems, value: unknown): FaultSpec[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_FAULTS) {
    p.mustBe('faults', value, `a list of 1 to ${MAX_FAULTS} faults; known kinds: ${FAULT_KINDS.join(', ')}`);
    return [];
  }
  // Array.from, not flatMap: a hole in a sparse list is a missing fault, not no fault.
  return Array.from(value, (fault: unknown, i) => readFault(p, `faults[${i}]`, fault)).flatMap(
    (f) => f ?? [],
  );
}

function readFault(p: Problems, at: string, value: unknown): FaultSpec | undefined {
  const check = checkFault(value, at);
  if (check.ok) return check.spec;
  p.lines.push(...check.problems);
  return undefined;
}

function readSlos(p: Problems, value: unknown): Slos {
  const s = readSection(p, 'slos', value, SLO_KEYS);
  return {
    failoverSeconds: readDuration(
      p,
      'slos.failoverSeconds',
      s.failoverSeconds,
      's',
      FAILOVER_SECONDS,
      DEFAULT_SLOS.failoverSeconds,
    ),
    apiP99Ms: readDuration(p, 'slos.apiP99Ms', s.apiP99Ms, 'ms', TIMEOUT_MS, DEFAULT_SLOS.apiP99Ms),
    errorRatePercent: readNumber(
      p,
      'slos.errorRatePercent',
      s.errorRatePercent,
      { min: 0, max: 100 },
      DEFAULT_SLOS.errorRatePercent,
    ),
    lostWrites: readNumber(
      p,
      'slos.lostWrites',
      s.lostWrites,
      { min: 0, integer: true },
      DEFAULT_SLOS.lostWrites,
    ),
  };
}

/** A phase shorter than a probe interval would have no samples, so nothing could be judged in it. */
function checkProbesFitPhases(p: Problems, s: Scenario): void {
  const [key, seconds] = Object.entries(s.phases).reduce((a, b) => (b[1] < a[1] ? b : a));
  for (const field of ['probeIntervalMs', 'memberProbeIntervalMs'] as const) {
    if (s.load[field] >= seconds * 1000) {
      p.add(
        `load.${field}`,
        `${s.load[field]} must be shorter than every phase, and phases.${key} is ${seconds}s`,
      );
    }
  }
}

function readHealth(p: Problems, value: unknown, slos: Slos): HealthDefinition {
  const h = readSection(p, 'health', value, HEALTH_KEYS);
  return {
    slowRequestMs: readDuration(p, 'health.slowRequestMs', h.slowRequestMs, 'ms', TIMEOUT_MS, slos.apiP99Ms),
    sustainSeconds: readDuration(
      p,
      'health.sustainSeconds',
      h.sustainSeconds,
      's',
      PHASE_SECONDS,
      DEFAULT_SUSTAIN_SECONDS,
    ),
  };
}

/**
 * A slow request must be tellable from a timed-out one, and the hold and the recovery must be able to
 * hold one sustained healthy interval, or failover and recovery could never be shown.
 */
function checkHealthFits(p: Problems, s: Scenario): void {
  const { slowRequestMs, sustainSeconds } = s.health;
  if (s.load.probeTimeoutMs <= slowRequestMs) {
    p.add(
      'load.probeTimeoutMs',
      `${s.load.probeTimeoutMs} must be above health.slowRequestMs (${slowRequestMs}): a request is slow before ` +
        'it times out; raise the timeout or lower the slow threshold',
    );
  }
  for (const key of ['holdSeconds', 'recoverySeconds'] as const) {
    if (s.phases[key] <= sustainSeconds) {
      p.add(
        `phases.${key}`,
        `${s.phases[key]}s must be longer than health.sustainSeconds (${sustainSeconds}s), or no sustained healthy ` +
          `interval fits in it; make it at least ${s.slos.failoverSeconds + sustainSeconds}s to decide a ` +
          `failover of up to slos.failoverSeconds (${s.slos.failoverSeconds}s)`,
      );
    }
  }
}

/** k6 pre-allocates a virtual user for every request of a timeout's worth of a full outage. */
function checkK6Fits(p: Problems, s: Scenario): void {
  const { rate, probeTimeoutMs } = s.load;
  const vus = Math.ceil(rate * (probeTimeoutMs / 1000));
  if (vus > MAX_K6_VUS) {
    p.add(
      'load.rate',
      `${rate} with load.probeTimeoutMs ${probeTimeoutMs} needs ${vus} k6 virtual users (rate x timeout), ` +
        `more than the ${MAX_K6_VUS} allowed; lower the rate to at most ` +
        `${Math.floor(MAX_K6_VUS / (probeTimeoutMs / 1000))} or shorten the timeout`,
    );
  }
}
