/**
 * The Docker daemon the kind provider runs its nodes in: Debian's docker.io (installed by setup like
 * every other Debian part), started when it is not running. Debian's init script cannot be used on
 * these machines (its `ulimit` is not permitted in their containers), so dockerd is started as the
 * script would, in its own session, logging to /var/log/docker.log; it then runs as a system
 * service: drills leave it running.
 */
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

/**
 * Starts dockerd when it does not answer, and waits until it does. Docker sets the FORWARD policy to
 * DROP once it runs: the local provider's bridge carries its own ACCEPT rule for that reason.
 */
export async function ensureDockerRunning(dockerd = 'dockerd', docker = 'docker'): Promise<string> {
  const running = await dockerServerVersion(docker);
  if (running) return running;
  progress(`docker: starting dockerd (log: ${LOG})`);
  const daemon = startProcess(dockerd, [], { logFile: LOG, detached: true });
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
