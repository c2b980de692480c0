import type { EtcdStatusSample } from '../observe/timeline.ts';
import { median } from './median.ts';

/** etcd reports leader id 0 while a member knows of no leader. */
const NO_LEADER_IDS = new Set(['0', '']);

/** One polling round: the status each member gave at about the same time. */
export interface StatusRound {
  at: number;
  samples: EtcdStatusSample[];
}

/** What a majority of the members said in one round; null when no id had more than half of them. */
export interface LeaderObservation {
  at: number;
  leader: string | null;
  okMembers: number;
}

export interface LeaderChange {
  at: number;
  /** Hex member id of the previous majority leader (rounds without one in between are skipped). */
  from: string;
  to: string;
  /** Member names, when some member reported its own id. */
  fromMember?: string;
  toMember?: string;
  /** The highest raft term reported in the round of the change. */
  raftTerm?: number;
}

export interface LeaderAnalysis {
  rounds: number;
  /** Rounds in which no leader id had a majority of the members: none known, a split, or too few answers. */
  roundsWithoutLeader: number;
  /** How far apart samples may be and still belong to one round; null when each member reported once. */
  roundToleranceMs: number | null;
  initialLeader: string | null;
  initialLeaderMember?: string;
  changes: LeaderChange[];
  /** The majority leader when the fault went in (the last one known before the injection). */
  leaderAtInjection?: string;
  /** From the injection to the first leader change at or after it. */
  newLeaderAfterInjectionMs?: number;
  newLeader?: string;
  /** Hex member id -> member name, from members reporting their own id. */
  members: Record<string, string>;
}

/**
 * Members are polled in rounds but their answers carry slightly different times. Half the
 * median interval between two samples of the same member separates rounds without merging
 * consecutive ones.
 */
export function roundTolerance(samples: readonly EtcdStatusSample[]): number {
  const byMember = new Map<string, number[]>();
  for (const s of samples) {
    const times = byMember.get(s.member);
    if (times) times.push(s.at);
    else byMember.set(s.member, [s.at]);
  }
  const gaps: number[] = [];
  for (const times of byMember.values()) {
    times.sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) gaps.push((times[i] ?? 0) - (times[i - 1] ?? 0));
  }
  const m = median(gaps.filter((g) => g > 0));
  return m === undefined ? Infinity : m / 2;
}

/** A round starts at its first sample and takes later samples within the tolerance, one per member. */
export function statusRounds(samples: readonly EtcdStatusSample[], toleranceMs: number): StatusRound[] {
  const ordered = [...samples].sort((a, b) => a.at - b.at || (a.member < b.member ? -1 : 1));
  const rounds: StatusRound[] = [];
  let current: StatusRound | undefined;
  for (const s of ordered) {
    const fits =
      current !== undefined &&
      s.at - current.at <= toleranceMs &&
      !current.samples.some((c) => c.member === s.member);
    if (current && fits) current.samples.push(s);
    else {
      current = { at: s.at, samples: [s] };
      rounds.push(current);
    }
  }
  return rounds;
}

/**
 * The leader id reported by more than half of the members (a report of no leader counts as a vote
 * too). Counting the members, not the answers of the round, keeps one member's late or stale answer
 * (a member rejoining after a partition still at its old term) from speaking for the cluster.
 */
export function majorityLeader(round: StatusRound, members = round.samples.length): LeaderObservation {
  const ok = round.samples.filter((s) => s.ok);
  const votes = new Map<string | null, number>();
  for (const s of ok) {
    const leader = s.leader === undefined || NO_LEADER_IDS.has(s.leader) ? null : s.leader;
    votes.set(leader, (votes.get(leader) ?? 0) + 1);
  }
  let leader: string | null = null;
  for (const [id, count] of votes) if (count * 2 > Math.max(members, ok.length)) leader = id;
  return { at: round.at, leader, okMembers: ok.length };
}

/**
 * Each member's latest answer, as of a round: members polled on their own loops drift apart (more so
 * after a restart, when each answer waits for a leader), so a majority is read from every member's
 * latest view, not only from answers that happen to fall in the same round. An answer older than
 * `staleMs` (two polling intervals) no longer speaks for its member.
 */
class LatestViews {
  private readonly latest = new Map<string, EtcdStatusSample>();

  constructor(private readonly staleMs: number) {}

  after(round: StatusRound): StatusRound {
    for (const s of round.samples) this.latest.set(s.member, s);
    const end = Math.max(...round.samples.map((s) => s.at));
    const fresh = [...this.latest.values()].filter((s) => end - s.at <= this.staleMs);
    return { at: round.at, samples: fresh };
  }
}

export function analyzeLeader(
  samples: readonly EtcdStatusSample[],
  faultInjectedAt?: number,
): LeaderAnalysis {
  const members: Record<string, string> = {};
  for (const s of samples) if (s.ok && s.id !== undefined) members[s.id] = s.member;
  const toleranceMs = roundTolerance(samples);
  const rounds = statusRounds(samples, toleranceMs);
  const memberCount = new Set(samples.map((s) => s.member)).size;

  const named = (key: 'fromMember' | 'toMember' | 'initialLeaderMember', id: string | null) =>
    id !== null && members[id] !== undefined ? { [key]: members[id] } : {};

  const changes: LeaderChange[] = [];
  let known: string | null = null;
  let knownTerm = -1;
  let initialLeader: string | null = null;
  let roundsWithoutLeader = 0;
  let leaderAtInjection: string | undefined;

  // Every member failed to answer: whoever leads afterwards was elected when they came back, even
  // the same member at the same term (a restored cluster can repeat both).
  let allDown = false;
  const views = new LatestViews(Number.isFinite(toleranceMs) ? 4 * toleranceMs : Infinity);
  for (const round of rounds) {
    // Every member that went unanswered in this round: all down, whatever the others said before.
    if (round.samples.length >= memberCount && round.samples.every((s) => !s.ok)) allDown = true;
    const view = views.after(round);
    const { leader } = majorityLeader(view, memberCount);
    if (leader === null) {
      roundsWithoutLeader++;
      continue;
    }
    if (faultInjectedAt !== undefined && round.at < faultInjectedAt) leaderAtInjection = leader;
    // The highest term any member following this leader reports: another term than before means the
    // leader was elected anew, even when the same member won again (e.g. restarted before the others
    // campaigned, or every member restored from a snapshot, which starts the terms again).
    const leaderTerm = Math.max(
      -1,
      ...view.samples.flatMap((s) =>
        s.ok && s.leader === leader && s.raftTerm !== undefined ? [s.raftTerm] : [],
      ),
    );
    if (known === null) initialLeader = leader;
    else if (leader !== known || allDown || (knownTerm >= 0 && leaderTerm >= 0 && leaderTerm !== knownTerm)) {
      const terms = view.samples.flatMap((s) => (s.ok && s.raftTerm !== undefined ? [s.raftTerm] : []));
      changes.push({
        at: round.at,
        from: known,
        to: leader,
        ...named('fromMember', known),
        ...named('toMember', leader),
        ...(terms.length > 0 ? { raftTerm: Math.max(...terms) } : {}),
      });
    }
    known = leader;
    allDown = false;
    // The term of the last leader known; it may also go back, when the cluster is restored from a snapshot.
    if (leaderTerm >= 0) knownTerm = leaderTerm;
  }

  const analysis: LeaderAnalysis = {
    rounds: rounds.length,
    roundsWithoutLeader,
    roundToleranceMs: Number.isFinite(toleranceMs) ? toleranceMs : null,
    initialLeader,
    ...named('initialLeaderMember', initialLeader),
    changes,
    members,
  };
  if (leaderAtInjection !== undefined) analysis.leaderAtInjection = leaderAtInjection;
  // Before the injection the last known leader is leaderAtInjection, so the first change after it is a new leader.
  const firstNew = faultInjectedAt === undefined ? undefined : changes.find((c) => c.at >= faultInjectedAt);
  if (firstNew !== undefined && faultInjectedAt !== undefined) {
    analysis.newLeaderAfterInjectionMs = firstNew.at - faultInjectedAt;
    analysis.newLeader = firstNew.to;
  }
  return analysis;
}
