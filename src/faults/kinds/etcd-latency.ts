import { z } from 'zod';
import { duration } from '../../scenario/duration-field.ts';
import { defineFaultKind } from '../fault-kind.ts';
import { FAULT_TIMING } from '../timing.ts';
import { onPeerLinksOf, PEER_LINK_MEMBERS } from './peer-links.ts';

/**
 * A slow link between etcd members: every byte on the peer links of one member (or all) waits, each
 * way, through a proxy on the link. Every commit needs a round trip from the leader to a majority, so
 * the API's write latency grows with it; a delay near the election timeout costs leaders.
 */
export default defineFaultKind({
  kind: 'etcd-latency',
  summary:
    'add latency (and jitter) each way on the peer links of one etcd member or of all, through a proxy on each link',
  schema: z.strictObject({
    kind: z.literal('etcd-latency'),
    etcd: PEER_LINK_MEMBERS,
    latency: duration('ms', { min: 1, max: 60_000 }, 'Added to every byte, each way.'),
    jitter: duration(
      'ms',
      { min: 0, max: 60_000 },
      'The added latency varies by up to this much either side. Default 0.',
    ).optional(),
    ...FAULT_TIMING,
  }),
  needs: ['peer-delay'],
  act: (spec, cluster, ctx) =>
    onPeerLinksOf(spec.etcd, cluster, ctx, (members) =>
      cluster.verbs.delayPeerLinks!(members, Math.round(spec.latency), Math.round(spec.jitter ?? 0)),
    ),
});
