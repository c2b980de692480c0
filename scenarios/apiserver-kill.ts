import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'apiserver-kill',
  description:
    'Kills the kube-apiserver on node-1; the supervisor restarts it after its 5 s back-off, as a kubelet ' +
    'would. A pass shows HAProxy takes it out of rotation and back without the service failing for longer ' +
    'than the failover SLO, P99 and errors within their SLOs before, during and after, and no acknowledged write lost.',
  faults: [{ kind: 'kill', apiserver: 'node-1' }],
});
