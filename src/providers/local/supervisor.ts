/**
 * The supervisor daemon: runs a cluster's processes the way the kubelet runs
 * static pods. It outlives the command that started the cluster; `down`
 * stops it. Started as: node --import tsx supervisor.ts <cluster dir>
 *
 *   SIGHUP   read plan.d/ again and start processes not yet known; apply holds.json
 *   SIGTERM  stop every process (KILL: the cluster is being removed, nothing to drain) and exit
 */
import type { ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  lstatSync,
  mkdirSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describeError } from '../../util/errors.ts';
import { startProcess } from '../../util/exec.ts';
import { startTicksOf } from '../../util/proc.ts';
import { pollUntil } from '../../util/wait-until.ts';
import {
  logFileOf,
  type ProcessSpec,
  type ProcessStatus,
  type ProcessTable,
  type SupervisorEvent,
  type SupervisorSettings,
} from './process-spec.ts';

const dirArg = process.argv[2];
if (!dirArg) {
  console.error('usage: supervisor.ts <cluster dir>');
  process.exit(2);
}
const dir: string = dirArg;
const logDir = path.join(dir, 'logs');
mkdirSync(logDir, { recursive: true });
const settings = JSON.parse(readFileSync(path.join(dir, 'supervisor.json'), 'utf8')) as SupervisorSettings;

/** A run that lasts this long resets the back-off, as the kubelet does after 10 minutes (shortened for drills). */
const STABLE_RUN_MS = 30_000;

interface Entry {
  spec: ProcessSpec;
  status: ProcessStatus;
  child?: ChildProcess;
  timer?: NodeJS.Timeout;
  backoff: number;
}
const entries = new Map<string, Entry>();
/** Processes an operator (a fault) has stopped on purpose: not restarted until released. */
let held = new Set<string>();
let stopping = false;

/**
 * Every write of the supervisor goes through here: a full disk (ENOSPC) or another write error must
 * not kill the daemon that keeps the cluster running. Failures are counted and published instead.
 */
let writeFailures = 0;
function tryWrite(write: () => void): boolean {
  try {
    write();
    return true;
  } catch {
    writeFailures++;
    return false;
  }
}

function event(e: Omit<SupervisorEvent, 'at'>): void {
  tryWrite(() =>
    appendFileSync(path.join(dir, 'events.jsonl'), JSON.stringify({ at: Date.now(), ...e }) + '\n'),
  );
}

const ownStartTicks = startTicksOf(process.pid);

function publish(): void {
  const table: ProcessTable = {
    supervisorPid: process.pid,
    ...(ownStartTicks !== undefined ? { supervisorStartTicks: ownStartTicks } : {}),
    updatedAt: Date.now(),
    ...(writeFailures > 0 ? { writeFailures } : {}),
    processes: [...entries.values()].map((e) => e.status),
  };
  const file = path.join(dir, 'processes.json');
  tryWrite(() => {
    writeFileSync(`${file}.tmp`, JSON.stringify(table, null, 2));
    renameSync(`${file}.tmp`, file);
  });
}

/** unshare execs in place, as ip netns exec (startProcess's netns) does: the pid we get is the component's own. */
function commandLine(spec: ProcessSpec): [string, string[]] {
  let argv = [spec.command, ...spec.args];
  if (spec.hostname)
    argv = ['unshare', '--uts', '--', 'sh', '-c', 'hostname "$0" && exec "$@"', spec.hostname, ...argv];
  return [argv[0]!, argv.slice(1)];
}

function start(entry: Entry): void {
  const { spec } = entry;
  // Without a log file (no room for one) the process still runs; its output is lost, and counted.
  let log: number | 'ignore' = 'ignore';
  tryWrite(() => (log = openSync(logFileOf(dir, spec.id), 'a')));
  const note = (text: string) =>
    tryWrite(() => appendFileSync(logFileOf(dir, spec.id), `supervisor: ${text}\n`));
  const [cmd, args] = commandLine(spec);
  let child: ChildProcess;
  try {
    child = startProcess(cmd, args, {
      netns: spec.netns,
      stdio: ['ignore', log, log],
      env: spec.env,
      detached: true, // own process group: a signal to the supervisor's group does not reach it
    });
  } catch (err) {
    // A program that cannot be started at all (not installed, not executable) is logged, and left stopped.
    note(`cannot start: ${describeError(err)}`);
    entry.status = { ...entry.status, pid: null, startTicks: null, state: 'stopped' };
    publish();
    return;
  } finally {
    if (typeof log === 'number') closeSync(log); // the child has its own copy
  }
  // A later error of the process (a failed signal) is logged; its exit is handled below, as a crash.
  child.on('error', (err) => note(err.message));
  const startedAt = Date.now();
  entry.child = child;
  entry.status = {
    ...entry.status,
    pid: child.pid ?? null,
    // Read at once: the start time of a pid does not change when the wrappers exec the component.
    startTicks: child.pid ? (startTicksOf(child.pid) ?? null) : null,
    state: 'running',
    startedAt,
  };
  event({
    kind: 'process-start',
    id: spec.id,
    component: spec.component,
    node: spec.node,
    pid: child.pid,
    message: `started ${spec.id} pid ${child.pid}`,
  });
  publish();
  child.on('exit', (code, signal) => {
    const at = Date.now();
    entry.child = undefined;
    entry.status = { ...entry.status, pid: null, startTicks: null, lastExit: { at, code, signal } };
    event({
      kind: 'process-exit',
      id: spec.id,
      component: spec.component,
      node: spec.node,
      pid: child.pid,
      code,
      signal,
      message: `${spec.id} pid ${child.pid} exited (${signal ?? `code ${code}`})`,
    });
    if (stopping || !spec.restart || held.has(spec.id)) {
      entry.status.state = 'stopped';
      publish();
      return;
    }
    const ranLong = at - startedAt > STABLE_RUN_MS;
    entry.backoff =
      ranLong || entry.backoff === 0
        ? settings.backoffMs
        : Math.min(entry.backoff * 2, settings.backoffMaxMs);
    const delay = entry.backoff;
    entry.status.state = 'backoff';
    entry.status.restarts += 1;
    publish();
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (!stopping) start(entry);
    }, delay);
  });
}

/**
 * holds.json lists process ids to keep stopped (e.g. while a fault restores
 * etcd data). A newly held process is killed; a released one is started.
 */
function applyHolds(): void {
  let next = new Set<string>();
  try {
    next = new Set(JSON.parse(readFileSync(path.join(dir, 'holds.json'), 'utf8')) as string[]);
  } catch {
    // no holds
  }
  const released = [...held].filter((id) => !next.has(id));
  held = next;
  for (const id of held) {
    const e = entries.get(id);
    if (e?.timer) clearTimeout(e.timer);
    e?.child?.kill('SIGKILL');
    if (e && !e.child) e.status.state = 'stopped';
  }
  for (const id of released) {
    const e = entries.get(id);
    if (e && !e.child && !stopping) start(e);
  }
  publish();
}

function loadPlan(): void {
  const planDir = path.join(dir, 'plan.d');
  for (const file of readdirSync(planDir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    // What runs is only what this user wrote: never a link, never a file others could have changed.
    const st = lstatSync(path.join(planDir, file));
    if (!st.isFile() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) {
      supervisorEvent(
        `ignored plan file ${file}: not a regular file of uid ${process.getuid?.()} writable only by it`,
      );
      continue;
    }
    const specs = JSON.parse(readFileSync(path.join(planDir, file), 'utf8')) as ProcessSpec[];
    for (const spec of specs) {
      if (entries.has(spec.id)) continue;
      const entry: Entry = {
        spec,
        backoff: 0,
        status: {
          id: spec.id,
          component: spec.component,
          node: spec.node,
          pid: null,
          state: 'stopped',
          startedAt: null,
          restarts: 0,
        },
      };
      entries.set(spec.id, entry);
      start(entry);
    }
  }
}

/**
 * Stops every process at once with SIGKILL: they stop only when their cluster is removed, with its
 * files, so a graceful shutdown (an apiserver drains its requests for seconds) would only delay that.
 */
async function stopAll(): Promise<void> {
  stopping = true;
  const running = [...entries.values()];
  for (const e of running) {
    if (e.timer) clearTimeout(e.timer);
    e.child?.kill('SIGKILL');
  }
  await pollUntil(() => !running.some((e) => e.child), { timeoutMs: 5000, intervalMs: 50 });
  publish();
  supervisorEvent('supervisor stopped every process');
}

function supervisorEvent(message: string): void {
  event({
    kind: 'supervisor',
    id: 'supervisor',
    component: 'supervisor',
    node: 'host',
    pid: process.pid,
    message,
  });
}

process.on('SIGHUP', () => {
  if (stopping) return;
  try {
    loadPlan();
    applyHolds();
  } catch (err) {
    // A plan that cannot be read must not take the running cluster down with the supervisor.
    supervisorEvent(`could not apply the plan: ${(err as Error).message}`);
  }
});
process.on('SIGTERM', () => void stopAll().then(() => process.exit(0)));
process.on('SIGINT', () => void stopAll().then(() => process.exit(0)));

supervisorEvent('supervisor started');
loadPlan();
publish();
// Nothing else may hold the event loop before the first plan arrives: the daemon must stay.
setInterval(() => undefined, 60_000);
