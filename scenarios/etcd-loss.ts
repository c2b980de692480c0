import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'etcd-loss',
  description:
    "A lossy link: 5 % of the packets on the etcd leader's peer links dropped, each way (iptables in the " +
    "member's namespace; no proxy needed). TCP resends what was lost, mostly within milliseconds, and a " +
    'lost tail only after its retransmission timeout (200 ms and up): a pass shows the control plane ' +
    'absorbs the loss; when commits stall, the tail latency shows it while the median barely moves. The ' +
    'report says how many peer packets were dropped, how many segments TCP resent, and whether the ' +
    'leader held its place.',
  faults: [{ kind: 'etcd-loss', etcd: 'leader', percent: 5 }],
});
