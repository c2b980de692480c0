/**
 * The control loops behind leader elections, from the "control:" probes: when the controller-manager's
 * and the scheduler's leases changed hands, and how long a new Deployment took to get a Running pod.
 * Pure: timeline in, figures out.
 */
import type { ReadonlyTimeline, Sample } from '../observe/timeline.ts';
import { leaseTakeoverBound, type ExpectedBound, type FailoverBounds } from './bounds.ts';
import { median } from './median.ts';

export interface LeaseChange {
  at: number;
  /** Holder identities ("<hostname>_<uuid>"); null: the first reading. */
  from: string | null;
  to: string;
}

export interface LeaseFigures {
  lease: string;
  /** The holder last seen before the injection; null when none was seen. */
  holderAtInjection: string | null;
  /** The first holder other than that one seen after the injection. */
  newHolder?: string;
  /** From the injection until the new holder was seen. */
  newHolderAfterMs?: number;
  withinBound?: boolean;
  changes: LeaseChange[];
}

export interface WorkloadFigures {
  /** Deployments created by the workload probe, and how many got a Running pod in time. */
  created: number;
  running: number;
  /** Median create-to-Running time of those created before the injection. */
  baselineMedianMs: number | null;
  /** From the injection until the first Deployment created after it had a Running pod. */
  runningAgainAfterMs: number | null;
  /** The longest create-to-Running (or to giving up) of a Deployment created during the fault phase. */
  slowestDuringFaultMs: number | null;
}

export interface ControlLoopFigures {
  bound: ExpectedBound;
  leases: LeaseFigures[];
  /** Absent when the run had no workload probe. */
  workloads?: WorkloadFigures;
}

function leaseFigures(t: ReadonlyTimeline, lease: string, injectedAt: number | undefined, boundMs: number) {
  const changes: LeaseChange[] = t.events
    .filter((e) => e.kind === 'leader-change' && e.data?.lease === lease)
    .map((e) => ({
      at: e.at,
      from: typeof e.data?.from === 'string' ? e.data.from : null,
      to: String(e.data?.to ?? ''),
    }));
  const before = injectedAt === undefined ? changes : changes.filter((c) => c.at < injectedAt);
  const holderAtInjection = before.at(-1)?.to ?? null;
  const figures: LeaseFigures = { lease, holderAtInjection, changes };
  if (injectedAt === undefined || holderAtInjection === null) return figures;
  const moved = changes.find((c) => c.at >= injectedAt && c.to !== holderAtInjection && c.to !== '');
  if (moved) {
    figures.newHolder = moved.to;
    figures.newHolderAfterMs = moved.at - injectedAt;
    figures.withinBound = figures.newHolderAfterMs <= boundMs;
  }
  return figures;
}

function workloadFigures(
  samples: readonly Sample[],
  injectedAt: number | undefined,
  faultEnd: number | undefined,
) {
  const all = samples.filter((s) => s.probe === 'control:workload').sort((a, b) => a.start - b.start);
  if (all.length === 0) return undefined;
  const ok = all.filter((s) => s.outcome === 'ok');
  const before = injectedAt === undefined ? ok : ok.filter((s) => s.start < injectedAt);
  const figures: WorkloadFigures = {
    created: all.length,
    running: ok.length,
    baselineMedianMs: median(before.map((s) => s.end - s.start)) ?? null,
    runningAgainAfterMs: null,
    slowestDuringFaultMs: null,
  };
  if (injectedAt === undefined) return figures;
  const firstAfter = all.find((s) => s.start >= injectedAt);
  if (firstAfter?.outcome === 'ok') figures.runningAgainAfterMs = firstAfter.end - injectedAt;
  const during = all.filter((s) => s.start >= injectedAt && s.start < (faultEnd ?? Infinity));
  if (during.length > 0) figures.slowestDuringFaultMs = Math.max(...during.map((s) => s.end - s.start));
  return figures;
}

export function controlLoops(
  t: ReadonlyTimeline,
  injectedAt: number | undefined,
  faultEnd: number | undefined,
  bounds: FailoverBounds,
): ControlLoopFigures {
  const bound = leaseTakeoverBound(bounds);
  const leases = [
    ...new Set(t.events.filter((e) => e.kind === 'leader-change').map((e) => String(e.data?.lease))),
  ]
    .sort()
    .map((lease) => leaseFigures(t, lease, injectedAt, bound.ms));
  const workloads = workloadFigures(t.samples, injectedAt, faultEnd);
  return { bound, leases, ...(workloads ? { workloads } : {}) };
}
