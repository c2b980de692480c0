import { readFileSync, readlinkSync } from 'node:fs';
import { pollUntil } from './wait-until.ts';

/** The command line of a live process, or undefined when there is none. */
export function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; it is dead for our purposes.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/**
 * A process as the kernel knows it: its pid and the time it started (in clock ticks since boot). A pid
 * is reused after the process dies; the pair is not, so a signal sent by identity never reaches an
 * unrelated process that happens to have the same pid now.
 */
export interface ProcessIdentity {
  pid: number;
  startTicks: number;
}

/**
 * The fields of /proc/<pid>/stat from the third (state) on, so that field N is at index N - 3;
 * undefined when there is no such process. The command name before them may hold spaces and
 * parentheses, so they are read from after its last ')'.
 */
export function statFieldsOf(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (starttime); undefined when there is no such process. */
export function startTicksOf(pid: number): number | undefined {
  const ticks = Number(statFieldsOf(pid)?.[19]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

export function identityOf(pid: number): ProcessIdentity | undefined {
  const startTicks = startTicksOf(pid);
  return startTicks === undefined ? undefined : { pid, startTicks };
}

/** Alive, and still the very process that was recorded (not a later one with its pid). */
export function isSameProcess(id: ProcessIdentity): boolean {
  return isAlive(id.pid) && startTicksOf(id.pid) === id.startTicks;
}

/** Signals the process only when it is still the one recorded; returns whether it was signalled. */
export function signalIfSame(id: ProcessIdentity, signal: NodeJS.Signals): boolean {
  if (!isSameProcess(id)) return false;
  try {
    process.kill(id.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** The argument vector of a live process, element by element; undefined when there is none. */
export function argvOf(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').slice(0, raw.endsWith('\0') ? -1 : undefined);
  } catch {
    return undefined;
  }
}

/** The program a live process runs (the target of /proc/<pid>/exe); undefined when unreadable. */
export function executableOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  return (await pollUntil(() => !isAlive(pid), { timeoutMs, intervalMs: 50 })) ?? false;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU seconds (user + system) a live process has used so far, from /proc; null when it is gone. */
export function cpuSecondsOf(pid: number): number | null {
  // utime and stime are fields 14 and 15.
  const fields = statFieldsOf(pid);
  if (!fields) return null;
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux architecture the tool runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Resident memory (VmRSS) of a process, in MiB; 0 once it has exited. */
export function residentMiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Resident memory of processes summed by a label of each (its program), in MiB. */
export function residentMemoryBy(
  pids: Iterable<number>,
  labelOf: (pid: number) => string,
): Map<string, number> {
  const byLabel = new Map<string, number>();
  for (const pid of pids) {
    const label = labelOf(pid);
    byLabel.set(label, (byLabel.get(label) ?? 0) + residentMiB(pid));
  }
  return byLabel;
}
