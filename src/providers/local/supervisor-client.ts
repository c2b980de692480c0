import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError } from '../../util/errors.ts';
import { startProcess } from '../../util/exec.ts';
import { isAlive, isSameProcess, signalIfSame, type ProcessIdentity } from '../../util/proc.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { waitUntil } from '../../util/wait-until.ts';
import type { ProcessSpec, ProcessTable, SupervisorEvent, SupervisorSettings } from './process-spec.ts';

const SUPERVISOR_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'supervisor.ts');

/** Whether a process (its argv and /proc/<pid>/exe) is this cluster's supervisor: node running our script on this directory. */
export function isSupervisorOf(argv: readonly string[], exe: string, dir: string): boolean {
  return (
    exe === process.execPath &&
    argv.length >= 2 &&
    argv[argv.length - 2] === SUPERVISOR_SCRIPT &&
    argv[argv.length - 1] === dir
  );
}

/** Starts the supervisor daemon detached from this process, so the cluster outlives the command. */
export async function startSupervisor(dir: string, settings: SupervisorSettings): Promise<ProcessIdentity> {
  mkdirSync(path.join(dir, 'plan.d'), { mode: 0o700 });
  mkdirSync(path.join(dir, 'logs'), { mode: 0o700 });
  writeFileAtomic(path.join(dir, 'supervisor.json'), JSON.stringify(settings));
  const child = startProcess(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), SUPERVISOR_SCRIPT, dir],
    {
      detached: true,
      logFile: path.join(dir, 'logs', 'supervisor.log'),
      cwd: path.dirname(SUPERVISOR_SCRIPT),
    },
  );
  child.unref();
  const pid = child.pid;
  // Wait until it has published its table: then it handles SIGHUP.
  const logHint = `(see ${path.join(dir, 'logs', 'supervisor.log')})`;
  return waitUntil(
    () => {
      const table = readProcessTable(dir);
      if (table?.supervisorPid === pid && table.supervisorStartTicks !== undefined)
        return { pid, startTicks: table.supervisorStartTicks };
      if (!isAlive(pid)) throw new EnvironmentError(`the supervisor did not start ${logHint}`);
      return undefined;
    },
    { timeoutMs: 15_000, intervalMs: 50, description: `the supervisor to start ${logHint}` },
  );
}

/** Hands processes to the supervisor: they start now and are restarted when they die. */
export function addProcesses(
  dir: string,
  stage: string,
  specs: ProcessSpec[],
  supervisor: ProcessIdentity,
): void {
  writeFileAtomic(path.join(dir, 'plan.d', `${stage}.json`), JSON.stringify(specs, null, 2));
  wakeSupervisor(dir, supervisor);
}

/** SIGHUP to the very supervisor recorded, never to whatever has its pid now. */
function wakeSupervisor(dir: string, supervisor: ProcessIdentity): void {
  if (!signalIfSame(supervisor, 'SIGHUP'))
    throw new EnvironmentError(
      `the supervisor of ${dir} (pid ${supervisor.pid}) is not running`,
      'remove the cluster with `npm run cluster -- down` and bring it up again',
    );
}

/** The cluster's supervisor, when the one its table names is still that very process. */
export function liveSupervisor(dir: string): ProcessIdentity | undefined {
  const t = readProcessTable(dir);
  if (t?.supervisorStartTicks === undefined) return undefined;
  const id = { pid: t.supervisorPid, startTicks: t.supervisorStartTicks };
  return isSameProcess(id) ? id : undefined;
}

export function readProcessTable(dir: string): ProcessTable | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'processes.json'), 'utf8')) as ProcessTable;
  } catch {
    return undefined;
  }
}

/** Events since a byte offset of events.jsonl; returns them and the new offset (for tailing). */
export function readEvents(dir: string, offset = 0): { events: SupervisorEvent[]; offset: number } {
  let buf: Buffer;
  try {
    buf = readFileSync(path.join(dir, 'events.jsonl'));
  } catch {
    return { events: [], offset };
  }
  const text = buf.subarray(offset).toString('utf8');
  const end = text.lastIndexOf('\n') + 1;
  const events = text
    .slice(0, end)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SupervisorEvent);
  return { events, offset: offset + Buffer.byteLength(text.slice(0, end)) };
}

/** Waits until the supervisor reports the process running with a pid other than `notPid`. */
export async function waitForRunning(
  dir: string,
  id: string,
  timeoutMs: number,
  notPid?: number,
): Promise<number> {
  return waitUntil(
    () => {
      const p = readProcessTable(dir)?.processes.find((x) => x.id === id);
      return p?.state === 'running' && p.pid && p.pid !== notPid && isAlive(p.pid) ? p.pid : undefined;
    },
    { timeoutMs, intervalMs: 50, description: `${id} to be running` },
  );
}

/**
 * Stops the given processes and keeps them stopped (ids "etcd@node-1", ...),
 * or with an empty list releases every hold; returns when the supervisor
 * reports the held ones stopped.
 */
export async function setHolds(
  dir: string,
  ids: string[],
  supervisor: ProcessIdentity,
  timeoutMs = 15_000,
): Promise<void> {
  writeFileAtomic(path.join(dir, 'holds.json'), JSON.stringify(ids));
  wakeSupervisor(dir, supervisor);
  await waitUntil(
    () => {
      const t = readProcessTable(dir);
      return ids.every((id) => t?.processes.find((p) => p.id === id)?.state === 'stopped');
    },
    { timeoutMs, intervalMs: 50, description: `the supervisor to stop ${ids.join(', ')}` },
  );
}

export function readHolds(dir: string): string[] {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'holds.json'), 'utf8')) as string[];
  } catch {
    return [];
  }
}
