import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'lb-per-node',
  description:
    'No central load balancer: every node runs its own HAProxy on its loopback to all three apiservers ' +
    "(the per-node pattern), and the host's clients use the host's own. The apiserver on node-1 is " +
    'killed and restarted 5 s later, as in apiserver-kill: each balancer takes it out by its own checks ' +
    'and routes its clients to the other two, with no shared balancer in the path. The report holds the ' +
    "host's balancer against the bound; each node's own marks are in its log.",
  cluster: { loadBalancers: 'per-node' },
  faults: [{ kind: 'kill', apiserver: 'node-1' }],
});
