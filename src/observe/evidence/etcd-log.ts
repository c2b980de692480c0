import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { fromWallClock } from '../clock.ts';
import type { EtcdLogLine } from '../timeline.ts';

/** Raft's own words for leadership, as etcd logs them at info. */
const LEADERSHIP =
  /became (leader|follower|candidate|pre-candidate) at term|elected leader|changed leader|lost leader/;

/**
 * Leadership lines of one member's etcd log (zap JSON: {"level","ts","msg",...}, ts in ISO 8601),
 * with their times moved onto the drill's clock. Other lines, and lines that are not JSON (the
 * supervisor's own notes), are skipped.
 */
export function leadershipLines(
  text: string,
  member: string,
  toClock: (wallMs: number) => number,
): EtcdLogLine[] {
  const lines: EtcdLogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{') || !LEADERSHIP.test(line)) continue;
    let entry: { ts?: unknown; msg?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    const wall = typeof entry.ts === 'string' ? Date.parse(entry.ts) : NaN;
    if (typeof entry.msg !== 'string' || !Number.isFinite(wall) || !LEADERSHIP.test(entry.msg)) continue;
    lines.push({ at: toClock(wall), member, message: entry.msg.replace(/^raft\.node: /, '') });
  }
  return lines;
}

/** Remembers where each member's log ended, and later reads what was written since. */
export class EtcdLogReader {
  private readonly offsets = new Map<string, number>();

  constructor(private readonly logOf: Record<string, string>) {}

  mark(): void {
    for (const [member, file] of Object.entries(this.logOf)) this.offsets.set(member, sizeOf(file));
  }

  /** The leadership lines written since mark(), and the members whose log could be read. */
  read(): { members: string[]; lines: EtcdLogLine[] } {
    const lines: EtcdLogLine[] = [];
    const members: string[] = [];
    for (const [member, file] of Object.entries(this.logOf)) {
      const text = readFrom(file, this.offsets.get(member) ?? 0);
      if (text === undefined) continue;
      members.push(member);
      lines.push(...leadershipLines(text, member, fromWallClock));
    }
    return { members, lines: lines.sort((a, b) => a.at - b.at) };
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** What was appended to a file since an offset; undefined when it cannot be read. */
function readFrom(file: string, offset: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const length = Math.max(0, statSync(file).size - offset);
    const buf = Buffer.alloc(length);
    const read = readSync(fd, buf, 0, length, offset);
    return buf.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
