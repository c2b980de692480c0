/**
 * The Docker daemon the kind provider runs its nodes in: Debian's docker.io (installed by setup like
 * every other Debian part), started when it is not running. Debian's init script cannot be used on
 * these machines (its `ulimit` is not permitted in their containers), so dockerd is started as the
 * script would, in its own session, logging to /var/log/docker.log; it then runs as a system
 * service: drills leave it running.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from './cache.ts';
import { requireRootOnlyDir } from './dir-safety.ts';
import { EnvironmentError } from '../util/errors.ts';
import { run, startProcess } from '../util/exec.ts';
import { progress } from '../util/progress.ts';
import { pollUntil } from '../util/wait-until.ts';

/** How long a freshly started dockerd may take to answer. */
const START_TIMEOUT_MS = 60_000;
const LOG = '/var/log/docker.log';

/** The daemon's version when it answers, else undefined. */
export async function dockerServerVersion(docker = 'docker'): Promise<string | undefined> {
  const r = await run(docker, ['version', '--format', '{{.Server.Version}}'], {
    allowFailure: true,
    timeoutMs: 10_000,
  });
  const version = r.stdout.trim();
  return r.exitCode === 0 && version ? version : undefined;
}

/** Docker's runtime name for capped-runc.sh, made the default when this machine needs it. */
export const CAPPED_RUNTIME = 'khd-capped-runc';

/** Capabilities 0..40 (CHOWN..CHECKPOINT_RESTORE) that a CapBnd mask of /proc/self/status lacks. */
export function missingCapabilities(capBndHex: string): number[] {
  const mask = BigInt(`0x${capBndHex}`);
  const missing: number[] = [];
  for (let cap = 0; cap <= 40; cap++) if (((mask >> BigInt(cap)) & 1n) === 0n) missing.push(cap);
  return missing;
}

export function boundingSet(status = readFileSync('/proc/self/status', 'utf8')): string {
  return /^CapBnd:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? 'ffffffffff';
}

/** Copies the runtime wrapper into the root-only cache (dockerd runs it as root) and returns its path. */
function installCappedRuntime(): string {
  const dir = path.join(cacheRoot(), 'docker');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  requireRootOnlyDir(dir, 'Docker runtime directory');
  const file = path.join(dir, 'capped-runc');
  copyFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'capped-runc.sh'), file);
  chmodSync(file, 0o755);
  return file;
}

async function defaultRuntime(docker: string): Promise<string> {
  const r = await run(docker, ['info', '--format', '{{.DefaultRuntime}}'], {
    allowFailure: true,
    timeoutMs: 10_000,
  });
  return r.stdout.trim();
}

/**
 * Starts dockerd when it does not answer, and waits until it does. Docker sets the FORWARD policy to
 * DROP once it runs: the local provider's bridge carries its own ACCEPT rule for that reason.
 */
export async function ensureDockerRunning(dockerd = 'dockerd', docker = 'docker'): Promise<string> {
  const missing = missingCapabilities(boundingSet());
  // Refreshed on every call: a running dockerd runs the wrapper from this path at each container start.
  const runtime = missing.length > 0 ? installCappedRuntime() : undefined;
  const running = await dockerServerVersion(docker);
  if (running) {
    if (missing.length > 0 && (await defaultRuntime(docker)) !== CAPPED_RUNTIME) {
      throw new EnvironmentError(
        `this machine's capability bounding set lacks capabilities ${missing.join(', ')}, so Docker cannot ` +
          `start kind's privileged node containers, and the running dockerd does not use the ${CAPPED_RUNTIME} runtime`,
        `stop that dockerd (\`pkill dockerd\`) and run \`npm run setup -- kind\`: it starts dockerd with the runtime`,
      );
    }
    return running;
  }
  // Where the bounding set is short, privileged containers need their capabilities cut to it.
  const args =
    runtime !== undefined
      ? ['--add-runtime', `${CAPPED_RUNTIME}=${runtime}`, '--default-runtime', CAPPED_RUNTIME]
      : [];
  progress(`docker: starting dockerd ${args.join(' ')} (log: ${LOG})`);
  const daemon = startProcess(dockerd, args, { logFile: LOG, detached: true });
  daemon.unref();
  const version = await pollUntil(() => dockerServerVersion(docker), {
    timeoutMs: START_TIMEOUT_MS,
    intervalMs: 500,
  });
  if (!version)
    throw new EnvironmentError(
      `dockerd (pid ${daemon.pid}) did not answer within ${START_TIMEOUT_MS / 1000} s` +
        (daemon.exitCode === null ? '' : `; it exited with ${daemon.exitCode}`),
      `read ${LOG}; the kind provider needs a running Docker daemon`,
    );
  progress(`docker: dockerd ${version} answers`);
  return version;
}
