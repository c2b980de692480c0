/**
 * kind's load balancer image (kindest/haproxy): HAProxy with cp, mkdir and kill (kind writes the
 * config with `cp /dev/stdin` and reloads with `kill -s HUP 1`), staged with their libraries from
 * this machine's pinned Debian packages, with kind's placeholder config.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../../../util/errors.ts';
import { importRootfs } from './docker-cli.ts';
import { stageProgram } from './stage-program.ts';

export const LB_PROGRAMS = ['/usr/sbin/haproxy', '/bin/cp', '/bin/mkdir', '/bin/kill'];
const CONFIG = '/usr/local/etc/haproxy/haproxy.cfg';

/** The load balancer image kind v0.31 runs (a constant of its loadbalancer package). */
export function kindLoadBalancerImage(kindModuleDir: string): string {
  const file = path.join(kindModuleDir, 'pkg/cluster/internal/loadbalancer/const.go');
  const image = /const Image = "([^"]+)"/.exec(readFileSync(file, 'utf8'))?.[1];
  if (!image) throw new EnvironmentError(`${file} names no load balancer image`);
  return image;
}

/** kind's HAProxy config asks for maxconn 100000, which needs about 2 x 100000 + 28 open files. */
const KIND_MAXCONN = 100_000;

/**
 * The connection limit to start HAProxy with (`-n`, which takes precedence over the config's
 * maxconn) where the open-file limit containers inherit is below what kind's maxconn needs:
 * HAProxy refuses to start otherwise. Undefined where the limit suffices (kind's own behaviour).
 */
export function connectionLimit(openFilesHardLimit: number): number | undefined {
  if (openFilesHardLimit >= 2 * KIND_MAXCONN + 28) return undefined;
  return Math.floor((openFilesHardLimit - 100) / 2);
}

/** This process's hard limit on open files (containers inherit dockerd's, which is the same here). */
export function openFilesHardLimit(limits = readFileSync('/proc/self/limits', 'utf8')): number {
  const m = /^Max open files\s+\S+\s+(\S+)/m.exec(limits);
  return m && m[1] !== 'unlimited' ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

export async function buildLoadBalancerImage(
  kindModuleDir: string,
  dir: string,
  ref: string,
  labels: Record<string, string>,
  maxconn: number | undefined,
) {
  mkdirSync(dir, { recursive: true });
  for (const program of LB_PROGRAMS) await stageProgram('/', program, dir);
  mkdirSync(path.join(dir, path.dirname(CONFIG)), { recursive: true });
  copyFileSync(path.join(kindModuleDir, 'images/haproxy/haproxy.cfg'), path.join(dir, CONFIG));
  await importRootfs(dir, ref, [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'STOPSIGNAL SIGUSR1',
    `ENTRYPOINT ${JSON.stringify(['haproxy', '-W', '-db', ...(maxconn ? ['-n', String(maxconn)] : []), '-f', CONFIG])}`,
    ...Object.entries(labels).map(([k, v]) => `LABEL ${k}="${v}"`),
  ]);
}
