import type {
  EtcdStatusSample,
  Outcome,
  Phase,
  ReadonlyTimeline,
  Sample,
  Timeline,
  TimelineEvent,
} from '../observe/timeline.ts';

/**
 * The timeline as report.json stores it: lossless, but columnar, so tens of thousands of requests
 * stay small and readable. decodeTimeline(encodeTimeline(t)) deep-equals t (properties set to
 * undefined aside, which JSON drops anyway).
 */
export interface EncodedTimeline extends Pick<
  Timeline,
  | 'writes'
  | 'readBack'
  | 'etcdReadBack'
  | 'lbStatus'
  | 'etcdLog'
  | 'etcdLogRead'
  | 'metrics'
  | 'load'
  | 'harness'
> {
  encoding: 'columnar/1';
  /**
   * Every time below is an offset in milliseconds from this moment (ms since the Unix epoch). It is 0,
   * offsets then being the times themselves, when some time could not be shifted without rounding.
   */
  base: number;
  /** Targets, details and etcd ids, each stored once; columns refer to them by index, -1 meaning absent. */
  strings: string[];
  phases: Phase[];
  events: TimelineEvent[];
  samples: {
    probes: string[];
    /** The probe (index into probes) of each sample in recorded order, so the order survives. */
    order: number[];
    /** One entry per probe, in the order of probes. */
    columns: SampleColumns[];
  };
  etcdStatus: {
    members: string[];
    order: number[];
    columns: StatusColumns[];
  };
}

export interface SampleColumns {
  start: number[];
  /** end - start; replaced by `end` offsets for a probe whose durations would not add back exactly. */
  duration?: number[];
  end?: number[];
  /** One letter per sample: o = ok, e = error, t = timeout. */
  outcome: string;
  target: number[];
  detail: number[];
}

export interface StatusColumns {
  at: number[];
  /** One letter per sample: 1 = ok, 0 = not ok. */
  ok: string;
  leader: number[];
  id: number[];
  /** null: not reported. */
  raftTerm: (number | null)[];
}

const OUTCOME_CODES: Record<Outcome, string> = { ok: 'o', error: 'e', timeout: 't' };
const OUTCOMES_BY_CODE: Record<string, Outcome> = { o: 'ok', e: 'error', t: 'timeout' };
const ABSENT = -1;

function outcomeCode(s: Sample): string {
  const code = OUTCOME_CODES[s.outcome] as string | undefined;
  if (code === undefined)
    throw new TypeError(`sample of ${s.probe} has unknown outcome ${JSON.stringify(s.outcome)}`);
  return code;
}

function allTimes(t: ReadonlyTimeline): number[] {
  return [
    ...t.phases.flatMap((p) => [p.start, p.end]),
    ...t.events.map((e) => e.at),
    ...t.samples.flatMap((s) => [s.start, s.end]),
    ...t.etcdStatus.map((s) => s.at),
    ...t.writes.flatMap((w) => [w.start, w.end]),
    ...t.lbStatus.map((x) => x.at),
    ...t.etcdLog.map((x) => x.at),
    ...t.metrics.map((x) => x.at),
  ];
}

/** The earliest time, if every time survives the shift there and back bit for bit; otherwise 0. */
function exactBase(times: number[]): number {
  let base = Infinity;
  for (const t of times) if (t < base) base = t;
  if (!Number.isFinite(base)) return 0;
  return times.every((t) => base + (t - base) === t) ? base : 0;
}

class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  ref(s: string | undefined): number {
    if (s === undefined) return ABSENT;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.push(s) - 1;
      this.index.set(s, i);
    }
    return i;
  }
}

/** Groups items by a name, remembering for each item which group it went to. */
function grouped<T>(items: readonly T[], nameOf: (item: T) => string) {
  const names: string[] = [];
  const groups: T[][] = [];
  const order: number[] = [];
  const indexOf = new Map<string, number>();
  for (const item of items) {
    const name = nameOf(item);
    let i = indexOf.get(name);
    if (i === undefined) {
      i = names.push(name) - 1;
      indexOf.set(name, i);
      groups.push([]);
    }
    groups[i]?.push(item);
    order.push(i);
  }
  return { names, groups, order };
}

export function encodeTimeline(timeline: ReadonlyTimeline): EncodedTimeline {
  const base = exactBase(allTimes(timeline));
  const rel = (t: number) => t - base;
  const table = new StringTable();

  const samples = grouped(timeline.samples, (s) => s.probe);
  const sampleColumns = samples.groups.map((group): SampleColumns => {
    const start = group.map((s) => rel(s.start));
    const durations = group.map((s) => s.end - s.start);
    const durationsExact = group.every((s, i) => s.start + (durations[i] ?? NaN) === s.end);
    return {
      start,
      ...(durationsExact ? { duration: durations } : { end: group.map((s) => rel(s.end)) }),
      outcome: group.map((s) => outcomeCode(s)).join(''),
      target: group.map((s) => table.ref(s.target)),
      detail: group.map((s) => table.ref(s.detail)),
    };
  });

  const status = grouped(timeline.etcdStatus, (s) => s.member);
  const statusColumns = status.groups.map((group): StatusColumns => ({
    at: group.map((s) => rel(s.at)),
    ok: group.map((s) => (s.ok ? '1' : '0')).join(''),
    leader: group.map((s) => table.ref(s.leader)),
    id: group.map((s) => table.ref(s.id)),
    raftTerm: group.map((s) => s.raftTerm ?? null),
  }));

  return {
    encoding: 'columnar/1',
    base,
    strings: table.strings,
    phases: timeline.phases.map((p) => ({ ...p, start: rel(p.start), end: rel(p.end) })),
    events: timeline.events.map((e) => ({ ...e, at: rel(e.at) })),
    samples: { probes: samples.names, order: samples.order, columns: sampleColumns },
    etcdStatus: { members: status.names, order: status.order, columns: statusColumns },
    writes: timeline.writes.map((w) => ({ ...w, start: rel(w.start), end: rel(w.end) })),
    readBack: timeline.readBack.map((r) => ({ ...r })),
    etcdReadBack: timeline.etcdReadBack.map((r) => ({ ...r })),
    lbStatus: timeline.lbStatus.map((x) => ({ ...x, at: rel(x.at) })),
    etcdLog: timeline.etcdLog.map((x) => ({ ...x, at: rel(x.at) })),
    ...(timeline.etcdLogRead ? { etcdLogRead: [...timeline.etcdLogRead] } : {}),
    metrics: timeline.metrics.map((x) => ({ ...x, at: rel(x.at), values: { ...x.values } })),
    ...(timeline.load ? { load: { ...timeline.load } } : {}),
    ...(timeline.harness ? { harness: structuredClone(timeline.harness) } : {}),
  };
}

export class TimelineDecodeError extends Error {
  constructor(message: string) {
    super(`report timeline: ${message}`);
    this.name = 'TimelineDecodeError';
  }
}

function at<T>(values: readonly T[], i: number, what: string): T {
  if (i < 0 || i >= values.length) throw new TimelineDecodeError(`${what}: index ${i} out of range`);
  return values[i] as T;
}

/** Walks the recorded order, taking the next row of the group each entry names. */
function reassemble<T>(order: readonly number[], groups: number, row: (group: number, i: number) => T): T[] {
  const next = new Array<number>(groups).fill(0);
  return order.map((g) => {
    if (g < 0 || g >= groups) throw new TimelineDecodeError(`order names group ${g} of ${groups}`);
    const i = next[g] ?? 0;
    next[g] = i + 1;
    return row(g, i);
  });
}

export function decodeTimeline(encoded: EncodedTimeline): Timeline {
  if (encoded.encoding !== 'columnar/1') {
    throw new TimelineDecodeError(`unknown encoding ${JSON.stringify(encoded.encoding)}`);
  }
  const { base, strings } = encoded;
  const abs = (t: number) => base + t;
  const str = (i: number, what: string) => (i === ABSENT ? undefined : at(strings, i, what));

  const { probes, columns } = encoded.samples;
  if (columns.length !== probes.length) throw new TimelineDecodeError('one column group per probe expected');
  const samples = reassemble(encoded.samples.order, probes.length, (g, i): Sample => {
    const probe = at(probes, g, 'probe');
    const c = at(columns, g, 'sample columns');
    const start = abs(at(c.start, i, `${probe} start`));
    const end = c.duration
      ? start + at(c.duration, i, `${probe} duration`)
      : abs(at(c.end ?? [], i, `${probe} end`));
    const outcome = OUTCOMES_BY_CODE[c.outcome.charAt(i)];
    if (outcome === undefined)
      throw new TimelineDecodeError(`${probe} outcome ${i} is ${JSON.stringify(c.outcome.charAt(i))}`);
    const sample: Sample = { probe, start, end, outcome };
    const target = str(at(c.target, i, `${probe} target`), 'target');
    const detail = str(at(c.detail, i, `${probe} detail`), 'detail');
    if (target !== undefined) sample.target = target;
    if (detail !== undefined) sample.detail = detail;
    return sample;
  });

  const { members, columns: statusColumns } = encoded.etcdStatus;
  const etcdStatus = reassemble(encoded.etcdStatus.order, members.length, (g, i): EtcdStatusSample => {
    const member = at(members, g, 'member');
    const c = at(statusColumns, g, 'status columns');
    const s: EtcdStatusSample = { at: abs(at(c.at, i, `${member} at`)), member, ok: c.ok.charAt(i) === '1' };
    const leader = str(at(c.leader, i, `${member} leader`), 'leader');
    const id = str(at(c.id, i, `${member} id`), 'id');
    const raftTerm = at(c.raftTerm, i, `${member} raftTerm`);
    if (leader !== undefined) s.leader = leader;
    if (id !== undefined) s.id = id;
    if (raftTerm !== null) s.raftTerm = raftTerm;
    return s;
  });

  const timeline: Timeline = {
    phases: encoded.phases.map((p) => ({ ...p, start: abs(p.start), end: abs(p.end) })),
    events: encoded.events.map((e) => ({ ...e, at: abs(e.at) })),
    samples,
    etcdStatus,
    writes: encoded.writes.map((w) => ({ ...w, start: abs(w.start), end: abs(w.end) })),
    readBack: encoded.readBack.map((r) => ({ ...r })),
    etcdReadBack: (encoded.etcdReadBack ?? []).map((r) => ({ ...r })),
    lbStatus: (encoded.lbStatus ?? []).map((x) => ({ ...x, at: abs(x.at) })),
    etcdLog: (encoded.etcdLog ?? []).map((x) => ({ ...x, at: abs(x.at) })),
    metrics: (encoded.metrics ?? []).map((x) => ({ ...x, at: abs(x.at), values: { ...x.values } })),
  };
  if (encoded.etcdLogRead) timeline.etcdLogRead = [...encoded.etcdLogRead];
  if (encoded.load) timeline.load = { ...encoded.load };
  if (encoded.harness) timeline.harness = structuredClone(encoded.harness);
  return timeline;
}
