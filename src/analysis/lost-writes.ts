import type { ReadBack, WriteRecord } from '../observe/timeline.ts';

export interface LostWrite {
  key: string;
  /** The value the acknowledged write stored. */
  expected: string;
  /** 'missing': the read-back did not find the key; 'different-value': it found another value. */
  reason: 'missing' | 'different-value';
  found?: string;
  ackedAt: number;
  resourceVersion?: string;
}

/** What became of one indeterminate write: its value found on read-back, or not. */
export interface IndeterminateWrite {
  key: string;
  value: string;
  result: 'present' | 'absent' | 'not-read-back';
}

/** A write that started after another was acknowledged, yet got a lower resourceVersion. */
export interface ResourceVersionViolation {
  key: string;
  resourceVersion: string;
  ackedAt: number;
  /** The acknowledged write with the highest resourceVersion among those acknowledged before this one started. */
  earlierKey: string;
  earlierResourceVersion: string;
  earlierAckedAt: number;
}

export interface WriteCheck {
  writes: number;
  /** Keys the read-back looked at; 0 when none was done (a run stopped before it). */
  readBackKeys: number;
  acked: number;
  failed: number;
  /** Rejected writes whose value is there anyway: not a loss, but worth a look. */
  failedButPresent: string[];
  /** Keys whose last acknowledged write the read-back confirmed. */
  ackedVerified: number;
  lost: LostWrite[];
  /** Keys with an acknowledged write that the read-back never looked at: neither verified nor lost. */
  unverified: string[];
  /** Acknowledged writes overwritten by a later write to the same key: checked through the later one. */
  superseded: number;
  indeterminate: {
    count: number;
    present: number;
    absent: number;
    notReadBack: number;
    writes: IndeterminateWrite[];
  };
  resourceVersionOrder: {
    checked: number;
    violations: ResourceVersionViolation[];
    /** Acknowledged writes without a resourceVersion, or with one that is not a decimal number. */
    unusable: string[];
  };
}

const DECIMAL = /^\d+$/;

function byAck(a: WriteRecord, b: WriteRecord): number {
  return a.end - b.end || a.start - b.start;
}

/**
 * The read-back must hold the value of the key's last acknowledged write, or of a write that may have
 * landed after it: any indeterminate write (it may be applied at any time), or an acknowledged one that
 * was still in flight when the last one started.
 */
function checkKey(
  acked: WriteRecord[],
  indeterminate: WriteRecord[],
  read: ReadBack | undefined,
): { lost?: LostWrite; verified: boolean; superseded: number } {
  const last = [...acked].sort(byAck).at(-1);
  if (!last) return { verified: false, superseded: 0 };
  const superseded = acked.length - 1;
  if (!read) return { verified: false, superseded };
  const overlapping = acked.filter((w) => w.end >= last.start);
  const acceptable = new Set([
    last.value,
    ...overlapping.map((w) => w.value),
    ...indeterminate.map((w) => w.value),
  ]);
  if (read.found && read.value !== undefined && acceptable.has(read.value))
    return { verified: true, superseded };
  const lost: LostWrite = {
    key: last.key,
    expected: last.value,
    reason: read.found ? 'different-value' : 'missing',
    ackedAt: last.end,
  };
  if (read.found && read.value !== undefined) lost.found = read.value;
  if (last.resourceVersion !== undefined) lost.resourceVersion = last.resourceVersion;
  return { lost, verified: false, superseded };
}

/**
 * Real-time order: a write that starts after another was acknowledged must be committed at a higher
 * etcd revision. For writes issued one after another this is plain acknowledgement order; overlapping
 * writes may commit in either order and are not compared.
 */
export function resourceVersionViolations(
  writes: readonly WriteRecord[],
): WriteCheck['resourceVersionOrder'] {
  const unusable: string[] = [];
  const usable: { w: WriteRecord; rv: bigint }[] = [];
  for (const w of writes) {
    if (w.outcome !== 'acked') continue;
    if (w.resourceVersion === undefined || !DECIMAL.test(w.resourceVersion)) unusable.push(w.key);
    else usable.push({ w, rv: BigInt(w.resourceVersion) });
  }
  const byEnd = [...usable].sort((a, b) => byAck(a.w, b.w));
  const byStart = [...usable].sort((a, b) => a.w.start - b.w.start || a.w.end - b.w.end);
  const violations: ResourceVersionViolation[] = [];
  let highest: { w: WriteRecord; rv: bigint } | undefined;
  let next = 0;
  for (const current of byStart) {
    // Take in every write acknowledged before this one started.
    while (next < byEnd.length && (byEnd[next]?.w.end ?? Infinity) < current.w.start) {
      const done = byEnd[next];
      if (done && (highest === undefined || done.rv > highest.rv)) highest = done;
      next++;
    }
    if (highest && current.rv < highest.rv) {
      violations.push({
        key: current.w.key,
        resourceVersion: current.w.resourceVersion ?? '',
        ackedAt: current.w.end,
        earlierKey: highest.w.key,
        earlierResourceVersion: highest.w.resourceVersion ?? '',
        earlierAckedAt: highest.w.end,
      });
    }
  }
  violations.sort((a, b) => a.ackedAt - b.ackedAt);
  return { checked: usable.length, violations, unusable };
}

export function checkWrites(writes: readonly WriteRecord[], readBack: readonly ReadBack[]): WriteCheck {
  const reads = new Map(readBack.map((r) => [r.key, r]));
  const byKey = new Map<string, WriteRecord[]>();
  for (const w of writes) {
    const keyWrites = byKey.get(w.key);
    if (keyWrites) keyWrites.push(w);
    else byKey.set(w.key, [w]);
  }

  const lost: LostWrite[] = [];
  const unverified: string[] = [];
  let ackedVerified = 0;
  let superseded = 0;
  for (const [key, keyWrites] of byKey) {
    const acked = keyWrites.filter((w) => w.outcome === 'acked');
    if (acked.length === 0) continue;
    const indeterminate = keyWrites.filter((w) => w.outcome === 'indeterminate');
    const result = checkKey(acked, indeterminate, reads.get(key));
    superseded += result.superseded;
    if (result.lost) lost.push(result.lost);
    else if (result.verified) ackedVerified++;
    else unverified.push(key);
  }
  lost.sort((a, b) => a.ackedAt - b.ackedAt);

  const indeterminateWrites: IndeterminateWrite[] = writes
    .filter((w) => w.outcome === 'indeterminate')
    .map((w) => {
      const read = reads.get(w.key);
      const result = !read ? 'not-read-back' : read.found && read.value === w.value ? 'present' : 'absent';
      return { key: w.key, value: w.value, result };
    });
  const count = (result: IndeterminateWrite['result']) =>
    indeterminateWrites.filter((w) => w.result === result).length;

  const failedWrites = writes.filter((w) => w.outcome === 'failed');
  return {
    writes: writes.length,
    readBackKeys: reads.size,
    acked: writes.filter((w) => w.outcome === 'acked').length,
    failed: failedWrites.length,
    failedButPresent: failedWrites
      .filter((w) => {
        const read = reads.get(w.key);
        return read?.found === true && read.value === w.value;
      })
      .map((w) => w.key),
    ackedVerified,
    lost,
    unverified,
    superseded,
    indeterminate: {
      count: indeterminateWrites.length,
      present: count('present'),
      absent: count('absent'),
      notReadBack: count('not-read-back'),
      writes: indeterminateWrites,
    },
    resourceVersionOrder: resourceVersionViolations(writes),
  };
}
