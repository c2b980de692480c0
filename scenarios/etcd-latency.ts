import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'etcd-latency',
  description:
    "A slow link: 200 ms (jitter 50 ms) added each way on the etcd leader's peer links, through a proxy " +
    'on each link (the drill starts the cluster with proxied peer links). Every commit waits for a round ' +
    'trip from the leader to a follower, and every linearizable read for one to confirm the leader, so ' +
    "the API slows by 400 ms and more; the delay stays below the election timeout. The apiservers' " +
    "/readyz, which reads etcd, slows with it: the report shows whether the load balancer's check " +
    'timed out and took apiservers out. A pass is not expected.',
  faults: [{ kind: 'etcd-latency', etcd: 'leader', latency: '200ms', jitter: '50ms' }],
});
