import type { Phase, PhaseName, ReadonlyTimeline } from '../observe/timeline.ts';

/** The stretch of wall-clock time a timeline covers, and when the fault went in and came out. */
export interface RunSpan {
  start: number;
  end: number;
  durationMs: number;
  /** Time zero of relative times in reports: the start of the first phase, or of the run when it has none. */
  origin: number;
  /** The first 'fault-inject' event; absent when the run never got that far. */
  faultInjectedAt?: number;
  /** The last 'fault-heal' event after the injection: every fault healed. */
  faultHealedAt?: number;
  /** Phases in start order; an open last phase is closed at the end of the run. */
  phases: Phase[];
  /** The last phase had not ended (its end still equal to its start): the run stopped inside it. */
  openPhase?: PhaseName;
}

/** A request belongs to the phase its start falls in; requests outside every phase are kept apart. */
export type PhaseOrOutside = PhaseName | 'outside-phases';

/** Every time the timeline holds, so the span is right even for a run aborted before its first phase ended. */
function allTimes(timeline: ReadonlyTimeline): number[] {
  const times: number[] = [];
  for (const p of timeline.phases) times.push(p.start, p.end);
  for (const e of timeline.events) times.push(e.at);
  for (const s of timeline.samples) times.push(s.start, s.end);
  for (const s of timeline.etcdStatus) times.push(s.at);
  for (const w of timeline.writes) times.push(w.start, w.end);
  return times;
}

export function runSpan(timeline: ReadonlyTimeline): RunSpan {
  let start = Infinity;
  let end = -Infinity;
  for (const t of allTimes(timeline)) {
    if (t < start) start = t;
    if (t > end) end = t;
  }
  if (start === Infinity) start = end = 0;
  const faultInjectedAt = timeline.events.find((e) => e.kind === 'fault-inject')?.at;
  // With several faults the fault window lasts until the last of them is healed.
  const heals = timeline.events.filter(
    (e) => e.kind === 'fault-heal' && faultInjectedAt !== undefined && e.at >= faultInjectedAt,
  );
  const faultHealedAt = heals.length === 0 ? undefined : Math.max(...heals.map((e) => e.at));
  const phases = [...timeline.phases].sort((a, b) => a.start - b.start).map((p) => ({ ...p }));
  const last = phases.at(-1);
  const open = last !== undefined && last.end === last.start && end > last.start ? last : undefined;
  if (open) open.end = end;
  const span: RunSpan = { start, end, durationMs: end - start, origin: phases[0]?.start ?? start, phases };
  if (open) span.openPhase = open.name;
  if (faultInjectedAt !== undefined) span.faultInjectedAt = faultInjectedAt;
  if (faultHealedAt !== undefined) span.faultHealedAt = faultHealedAt;
  return span;
}

/**
 * The phase a moment falls in: phases are half-open [start, end), so a request that starts
 * exactly at the injection belongs to the fault phase; the last phase also owns its end.
 */
export function phaseOf(t: number, phases: readonly Phase[]): PhaseOrOutside {
  for (const p of phases) if (t >= p.start && t < p.end) return p.name;
  const last = phases.reduce<Phase | undefined>(
    (a, p) => (a === undefined || p.end > a.end ? p : a),
    undefined,
  );
  return last !== undefined && t === last.end ? last.name : 'outside-phases';
}
