import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'apiserver-kill',
  description:
    'Kills the kube-apiserver on node-1 for the hold, then restarts it; a pass shows HAProxy routes ' +
    'around the dead master within the failover SLO and no acknowledged write is lost.',
  faults: [{ kind: 'apiserver-kill', target: 'node-1' }],
});
