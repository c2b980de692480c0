import { ETCD_PEER_LINKS, LB_CHECKS, LOAD_BALANCERS } from '../../analysis/bounds.ts';
import { z } from 'zod';
import { problemCheck, strictObject, wholeNumber, whenValid } from '../../schema/building-blocks.ts';
import { withValue } from '../../schema/messages.ts';
import { cidrContains, isLoopbackAddress, parseCidr, type Cidr } from '../../util/net.ts';
import { COMPONENTS } from './components.ts';
import { DEFAULT_STATE_ROOT, stateRootProblem } from './state-root.ts';

/** Private ranges only: a public range would capture the host's traffic to it. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((range) =>
  parseCidr(range),
);

function subnetProblem(subnet: string): string | undefined {
  let cidr: Cidr;
  try {
    cidr = parseCidr(subnet);
  } catch (err) {
    return `is invalid: ${(err as Error).message}`;
  }
  if (cidr.prefix > 27) return 'is too small: the cluster needs at least a /27';
  if (cidr.prefix < 16) return 'is too large: at most a /16';
  if (!PRIVATE_RANGES.some((range) => cidrContains(range, cidr)))
    return 'must lie in a private range (10/8, 172.16/12, 192.168/16 or 100.64/10)';
  return undefined;
}

// The traffic rule: load and faults go only to loopback or to the cluster's own namespaces.
const loopback = withValue(
  'must be a loopback address, 127.0.0.1 to 127.255.255.254 (each part 0-255): clients reach the ' +
    'cluster only through loopback',
);
const knownComponents = `known: ${COMPONENTS.join(', ')}`;

/** Every option of the local provider; each bad value is named with the bound or rule it breaks. */
export const localConfigSchema = strictObject(
  {
    /**
     * Prefix of every network namespace, bridge, rule and directory the cluster makes. Default "khd".
     * Short: it prefixes interface names (<name>-br0, <name>-n1), which hold at most 15 characters.
     */
    name: z
      .string({
        error: withValue(
          'must be 1-6 lower-case letters or digits, starting with a letter (interface names are short)',
        ),
      })
      .regex(/^[a-z][a-z0-9]{0,5}$/),
    /** Subnet of the cluster network. Default 10.213.0.0/24: bridge .1, DNS address .10, nodes .11-.13. */
    subnet: z
      .string({ error: withValue('must be an IPv4 CIDR such as 10.213.0.0/24') })
      .superRefine(problemCheck(subnetProblem)),
    /** Loopback address HAProxy listens on for clients (one load balancer). Default 127.0.0.1. */
    lbAddress: z.string({ error: loopback }).refine(isLoopbackAddress),
    /** Port of the load balancer (also served on the bridge address for in-cluster clients). Default 16443. */
    lbPort: wholeNumber(1024, 65535),
    /**
     * single: one HAProxy on the host, at lbAddress. vrrp-pair: two HAProxy instances in namespaces
     * of their own (.21, .22) with keepalived moving a virtual IP (.20) to the one alive; clients
     * use the virtual IP. per-node: no central one; the host's HAProxy at lbAddress serves the host's
     * clients only, and each node runs its own on its loopback for the clients inside it (CoreDNS).
     */
    loadBalancers: z.enum(LOAD_BALANCERS, {
      error: withValue('must be "single", "vrrp-pair" or "per-node"'),
    }),
    /** stacked: each apiserver uses its local etcd member (kubeadm); external-all: every apiserver uses all three. */
    etcdTopology: z.enum(['stacked', 'external-all'], {
      error: withValue('must be "stacked" or "external-all"'),
    }),
    etcdHeartbeatMs: wholeNumber(10, 5000),
    etcdElectionTimeoutMs: wholeNumber(50, 50000),
    /** HAProxy health check of each apiserver's /readyz: interval, failures to mark down, successes to mark up. */
    haproxyInterMs: wholeNumber(100, 60000),
    haproxyFall: wholeNumber(1, 100),
    haproxyRise: wholeNumber(1, 100),
    /** The apiservers' endpoint HAProxy checks: readyz drains an apiserver in its shutdown delay, healthz does not. */
    haproxyCheck: z.enum(LB_CHECKS, { error: withValue('must be "readyz" or "healthz"') }),
    /** kube-apiserver --shutdown-delay-duration: how long it keeps serving after SIGTERM with /readyz failing. */
    apiserverShutdownDelayMs: wholeNumber(0, 600000),
    /** proxied: every etcd peer link (member to member, each way) through a toxiproxy proxy on the host. */
    etcdPeerLinks: z.enum(ETCD_PEER_LINKS, { error: withValue('must be "direct" or "proxied"') }),
    /** Certificate lifetime of every certificate the cluster's PKI issues. */
    certLifetimeDays: wholeNumber(1, 3650),
    /**
     * Restart back-off of supervised processes: first delay, doubled per quick crash up to the max.
     * 5 s by default: longer than an etcd election (2 x election timeout), so a killed leader comes
     * back as a follower instead of winning again before the survivors campaign (the kubelet waits 10 s).
     * Below 100 ms a component that dies at once would be restarted in a busy loop.
     */
    restartBackoffMs: wholeNumber(100, 600000),
    /** Default 20 s, or restartBackoffMs when that is longer. */
    restartBackoffMaxMs: wholeNumber(100, 600000),
    /** Components that are not restarted when they die (e.g. ["etcd"]). */
    noRestart: z.array(
      z.enum(COMPONENTS, { error: withValue(`is not a known component; ${knownComponents}`) }),
      {
        error: withValue(`must be a list of components; ${knownComponents}`),
      },
    ),
    /** Fake worker nodes made by kwok. */
    fakeNodes: wholeNumber(0, 100),
    /** Where the cluster's files live; tmpfs by default, so etcd's fsyncs do not dominate latency. */
    stateRoot: z.string({ error: withValue(`must be a path; e.g. ${DEFAULT_STATE_ROOT}`) }).superRefine(
      problemCheck((root: string) => {
        const why = stateRootProblem(root);
        return why && `${why}; e.g. ${DEFAULT_STATE_ROOT}`;
      }),
    ),
  },
  'option',
)
  .superRefine(
    (c, ctx) => {
      if (c.etcdElectionTimeoutMs < 5 * c.etcdHeartbeatMs)
        ctx.addIssue({
          code: 'custom',
          path: ['etcdElectionTimeoutMs'],
          message: `${c.etcdElectionTimeoutMs} must be at least 5 x etcdHeartbeatMs (${c.etcdHeartbeatMs}), as etcd requires`,
        });
    },
    { when: whenValid('etcdHeartbeatMs', 'etcdElectionTimeoutMs') },
  )
  .superRefine(
    (c, ctx) => {
      if (c.restartBackoffMaxMs < c.restartBackoffMs)
        ctx.addIssue({
          code: 'custom',
          path: ['restartBackoffMaxMs'],
          message: `${c.restartBackoffMaxMs} must be at least restartBackoffMs (${c.restartBackoffMs}): the back-off doubles up to it`,
        });
    },
    { when: whenValid('restartBackoffMs', 'restartBackoffMaxMs') },
  );

export type LocalClusterConfig = z.infer<typeof localConfigSchema>;
