import type { EtcdReadBack, ReadBack, WriteOp, WriteRecord } from '../observe/timeline.ts';

/** Where a key was read back: through the API (the real client), or straight from etcd. */
export type ReadSource = 'api' | 'etcd';

export interface LostWrite {
  key: string;
  /** The key's last acknowledged write. */
  op: WriteOp;
  /** The value that write left; null after a delete (the key must be gone). */
  expected: string | null;
  /**
   * missing: the key is gone; different-value: it holds a value no acceptable write left (a lost
   * update); resurrected: an acknowledged delete did not hold; revision-mismatch: the value is there
   * but at another revision than the write was acknowledged with.
   */
  reason: 'missing' | 'different-value' | 'resurrected' | 'revision-mismatch';
  found?: string;
  foundRevision?: string;
  ackedAt: number;
  resourceVersion?: string;
  /** The reads that saw it. */
  sources: ReadSource[];
}

/** What became of one indeterminate write, as the API read-back saw it. */
export interface IndeterminateWrite {
  key: string;
  op: WriteOp;
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

export interface ReadBackCoverage {
  /** Whether this read was done at all. */
  done: boolean;
  /** Keys it looked at. */
  keys: number;
  /** Keys with an acknowledged write whose state it confirmed. */
  verified: number;
}

export interface WriteCheck {
  writes: number;
  /** Acknowledged writes per operation. */
  ackedByOp: Record<WriteOp, number>;
  acked: number;
  failed: number;
  /** Rejected creates or updates whose value is there anyway: not a loss, but worth a look. */
  failedButPresent: string[];
  readBack: Record<ReadSource, ReadBackCoverage>;
  lost: LostWrite[];
  /** Keys with an acknowledged write that a read that was done never looked at: neither verified nor lost. */
  unverified: string[];
  /** Acknowledged writes followed by a later acknowledged write to the same key: checked through the later one. */
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
    /** Acknowledged creates and updates without a resourceVersion, or with one that is not a decimal number. */
    unusable: string[];
  };
}

const DECIMAL = /^\d+$/;

function opOf(w: WriteRecord): WriteOp {
  return w.op ?? 'create';
}

function byAck(a: WriteRecord, b: WriteRecord): number {
  return a.end - b.end || a.start - b.start;
}

/** The state a write leaves: a value, or null (absent) after a delete. */
function stateOf(w: WriteRecord): string | null {
  return opOf(w) === 'delete' ? null : w.value;
}

/** One read of one key, from either source. */
interface KeyRead {
  found: boolean;
  value?: string;
  revision?: string;
}

/**
 * The key must hold the state of its last acknowledged write, or of a write that may have landed after
 * it: any indeterminate write (it may be applied at any time), or an acknowledged one still in flight
 * when the last one started. A value found must carry the revision its write was acknowledged with.
 */
function judgeKey(
  acked: WriteRecord[],
  indeterminate: WriteRecord[],
  read: KeyRead,
): Omit<LostWrite, 'sources'> | undefined {
  const last = [...acked].sort(byAck).at(-1)!;
  const candidates = [last, ...acked.filter((w) => w !== last && w.end >= last.start), ...indeterminate];
  const lost = (reason: LostWrite['reason']): Omit<LostWrite, 'sources'> => {
    const l: Omit<LostWrite, 'sources'> = {
      key: last.key,
      op: opOf(last),
      expected: stateOf(last),
      reason,
      ackedAt: last.end,
    };
    if (read.found && read.value !== undefined) l.found = read.value;
    if (read.found && read.revision !== undefined) l.foundRevision = read.revision;
    if (last.resourceVersion !== undefined) l.resourceVersion = last.resourceVersion;
    return l;
  };
  if (!read.found) return candidates.some((w) => stateOf(w) === null) ? undefined : lost('missing');
  // Found, but the value could not be decoded: only presence is known.
  if (read.value === undefined)
    return candidates.some((w) => stateOf(w) !== null) ? undefined : lost('resurrected');
  const writer = candidates.find((w) => stateOf(w) === read.value);
  if (!writer) return lost(opOf(last) === 'delete' ? 'resurrected' : 'different-value');
  const checkable =
    writer.outcome === 'acked' && writer.resourceVersion !== undefined && read.revision !== undefined;
  if (checkable && writer.resourceVersion !== read.revision) return lost('revision-mismatch');
  return undefined;
}

/**
 * Real-time order: a write that starts after another was acknowledged must be committed at a higher
 * etcd revision. For writes issued one after another this is plain acknowledgement order; overlapping
 * writes may commit in either order and are not compared. Deletes are left out: the API answers a
 * delete with the object as it was, not with the revision of the delete.
 */
export function resourceVersionViolations(
  writes: readonly WriteRecord[],
): WriteCheck['resourceVersionOrder'] {
  const unusable: string[] = [];
  const usable: { w: WriteRecord; rv: bigint }[] = [];
  for (const w of writes) {
    if (w.outcome !== 'acked' || opOf(w) === 'delete') continue;
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

function groupByKey(writes: readonly WriteRecord[]): Map<string, WriteRecord[]> {
  const byKey = new Map<string, WriteRecord[]>();
  for (const w of writes) {
    const keyWrites = byKey.get(w.key);
    if (keyWrites) keyWrites.push(w);
    else byKey.set(w.key, [w]);
  }
  return byKey;
}

/**
 * Every acknowledged write checked against what the API and etcd hold after recovery. A read that was
 * not done (an empty list) checks nothing; a read that was done must have looked at every key.
 */
export function checkWrites(
  writes: readonly WriteRecord[],
  apiReads: readonly ReadBack[],
  etcdReads: readonly EtcdReadBack[] = [],
): WriteCheck {
  const reads: Record<ReadSource, Map<string, KeyRead>> = {
    api: new Map(
      apiReads.map((r) => [r.key, { found: r.found, value: r.value, revision: r.resourceVersion }]),
    ),
    etcd: new Map(etcdReads.map((r) => [r.key, { found: r.found, value: r.value, revision: r.modRevision }])),
  };
  const coverage = (source: ReadSource): ReadBackCoverage => ({
    done: reads[source].size > 0,
    keys: reads[source].size,
    verified: 0,
  });
  const readBack = { api: coverage('api'), etcd: coverage('etcd') };
  const lostByKeyReason = new Map<string, LostWrite>();
  const unverified = new Set<string>();
  let superseded = 0;
  for (const [key, keyWrites] of groupByKey(writes)) {
    const acked = keyWrites.filter((w) => w.outcome === 'acked');
    if (acked.length === 0) continue;
    superseded += acked.length - 1;
    const indeterminate = keyWrites.filter((w) => w.outcome === 'indeterminate');
    for (const source of ['api', 'etcd'] as const) {
      if (!readBack[source].done) continue;
      const read = reads[source].get(key);
      if (!read) {
        unverified.add(key);
        continue;
      }
      const l = judgeKey(acked, indeterminate, read);
      if (!l) {
        readBack[source].verified++;
        continue;
      }
      const id = `${key}\u0000${l.reason}`;
      const earlier = lostByKeyReason.get(id);
      if (earlier) earlier.sources.push(source);
      else lostByKeyReason.set(id, { ...l, sources: [source] });
    }
  }
  const lost = [...lostByKeyReason.values()].sort(
    (a, b) => a.ackedAt - b.ackedAt || (a.key < b.key ? -1 : 1),
  );

  const apiRead = reads.api;
  const indeterminateWrites: IndeterminateWrite[] = writes
    .filter((w) => w.outcome === 'indeterminate')
    .map((w) => {
      const read = apiRead.get(w.key);
      const state = stateOf(w);
      const landed = read && (state === null ? !read.found : read.found && read.value === state);
      return {
        key: w.key,
        op: opOf(w),
        value: w.value,
        result: !read ? 'not-read-back' : landed ? 'present' : 'absent',
      };
    });
  const count = (result: IndeterminateWrite['result']) =>
    indeterminateWrites.filter((w) => w.result === result).length;
  const ackedWrites = writes.filter((w) => w.outcome === 'acked');
  const failedWrites = writes.filter((w) => w.outcome === 'failed');
  return {
    writes: writes.length,
    ackedByOp: {
      create: ackedWrites.filter((w) => opOf(w) === 'create').length,
      update: ackedWrites.filter((w) => opOf(w) === 'update').length,
      delete: ackedWrites.filter((w) => opOf(w) === 'delete').length,
    },
    acked: ackedWrites.length,
    failed: failedWrites.length,
    failedButPresent: failedWrites
      .filter((w) => {
        const read = apiRead.get(w.key);
        return stateOf(w) !== null && read?.found === true && read.value === w.value;
      })
      .map((w) => w.key),
    readBack,
    lost,
    unverified: [...unverified].sort(),
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
