/**
 * Every fault kind a scenario may name. Adding one is a module in kinds/ and a line here.
 */
import { z } from 'zod';
import type { Capability } from '../providers/provider.ts';
import type { FaultKind } from './fault-kind.ts';
import certExpiry from './kinds/cert-expiry.ts';
import etcdLatency from './kinds/etcd-latency.ts';
import etcdLoss from './kinds/etcd-loss.ts';
import etcdSnapshotRestore from './kinds/etcd-snapshot-restore.ts';
import freeze from './kinds/freeze.ts';
import isolate from './kinds/isolate.ts';
import kill from './kinds/kill.ts';
import lbDown from './kinds/lb-down.ts';
import stop from './kinds/stop.ts';
import terminate from './kinds/terminate.ts';

const KINDS = [
  kill,
  terminate,
  stop,
  freeze,
  isolate,
  etcdLatency,
  etcdLoss,
  etcdSnapshotRestore,
  certExpiry,
  lbDown,
] as const;

export type FaultSpec = z.output<(typeof KINDS)[number]['schema']>;
export const FAULT_KINDS = KINDS.map((k) => k.kind);

/** One entry of a scenario's `faults`, whichever kind. */
export const faultSpecSchema = z.union(KINDS.map((k) => k.schema) as unknown as [z.ZodType<FaultSpec>]);

export function faultKindOf(spec: FaultSpec): FaultKind<FaultSpec> {
  const kind = KINDS.find((k) => k.kind === spec.kind);
  if (!kind) throw new Error(`no fault kind ${spec.kind}`);
  return kind as unknown as FaultKind<FaultSpec>;
}

export function faultKinds(): readonly FaultKind[] {
  return KINDS as unknown as readonly FaultKind[];
}

/** What each fault of a scenario needs of its provider. */
export function scenarioNeeds(faults: readonly FaultSpec[]): { fault: string; capability: Capability }[] {
  return faults.flatMap((f) => faultKindOf(f).needs.map((capability) => ({ fault: f.kind, capability })));
}
