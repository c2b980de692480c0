import { existsSync } from 'node:fs';

/**
 * Where a cluster's files may live. The tool runs as root and writes and later deletes there, and the
 * path goes unquoted into config files and command lines: so only an absolute path of letters, digits
 * and . _ / -, with no . or .. segment and no doubled or trailing slash, and none of the machine's own
 * directories. Its length leaves room for HAProxy's stats socket (a unix socket path holds 107 bytes).
 */

/** tmpfs when the machine has it, so etcd's fsyncs do not dominate latency. */
export const DEFAULT_STATE_ROOT = existsSync('/dev/shm') ? '/dev/shm/kube-ha-drill' : '/run/kube-ha-drill';

/** The characters a path written into a config file may hold. */
export const SAFE_PATH = /^[A-Za-z0-9._/-]+$/;
const MAX_STATE_ROOT_LENGTH = 80;
/** The machine's own directories: with --name ssl, a root of /etc is /etc/ssl, written into and removed by `down`. */
const SYSTEM_DIRS = (
  '/bin /boot /dev /dev/shm /etc /home /lib /lib32 /lib64 /media /mnt /opt /proc /root /run /sbin /srv ' +
  '/sys /tmp /usr /usr/bin /usr/lib /usr/local /usr/sbin /var /var/lib /var/log /var/tmp'
).split(' ');
/** The kernel's own trees: nothing of a cluster belongs there (/dev/shm, tmpfs, aside). */
const KERNEL_TREES = ['/proc/', '/sys/', '/dev/'];

/** Why `root` cannot be the state root, or undefined when it can. */
export function stateRootProblem(root: string): string | undefined {
  if (!root.startsWith('/')) return 'must be an absolute path';
  if (!SAFE_PATH.test(root))
    return 'may hold only letters, digits and . _ / - (it goes into config files and command lines)';
  if (root === '/') return 'must not be / itself';
  const parts = root.slice(1).split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..'))
    return 'must not have a . or .. segment, a doubled slash or a trailing slash';
  if (SYSTEM_DIRS.includes(root)) return `must not be the system directory ${root} itself`;
  if (KERNEL_TREES.some((tree) => root.startsWith(tree)) && !root.startsWith('/dev/shm/'))
    return "must not lie in /proc, /sys or /dev (other than /dev/shm): those are the kernel's";
  if (root.length > MAX_STATE_ROOT_LENGTH)
    return `must be at most ${MAX_STATE_ROOT_LENGTH} characters: HAProxy's socket lies in it, and a socket path holds 107`;
  return undefined;
}
