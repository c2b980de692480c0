import { z } from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { FAULT_TIMING } from '../timing.ts';
import { onPeerLinksOf, PEER_LINK_MEMBERS } from './peer-links.ts';

/**
 * A lossy link between etcd members: a random share of the packets on the peer links of one member
 * (or all) is dropped, each way. TCP resends most within milliseconds and a lost tail only after its
 * retransmission timeout (200 ms and up), so commits stall now and then rather than slowing evenly.
 */
export default defineFaultKind({
  kind: 'etcd-loss',
  summary: 'drop a share of the packets, each way, on the peer links of one etcd member or of all',
  schema: z.strictObject({
    kind: z.literal('etcd-loss'),
    etcd: PEER_LINK_MEMBERS,
    percent: z
      .number({ error: 'must be a number of percent from 0.1 to 100' })
      .min(0.1, 'must be a number of percent from 0.1 to 100')
      .max(100, 'must be a number of percent from 0.1 to 100')
      .describe('The share of packets dropped, in percent.'),
    ...FAULT_TIMING,
  }),
  needs: ['peer-loss'],
  act: (spec, cluster, ctx) =>
    onPeerLinksOf(spec.etcd, cluster, ctx, (members) =>
      cluster.verbs.losePeerPackets!(members, spec.percent),
    ),
});
