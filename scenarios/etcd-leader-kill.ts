import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'etcd-leader-kill',
  description:
    'Kills the etcd member that is leader at injection, then restarts it; a pass shows the two ' +
    'survivors elect a new leader and the API keeps serving within the failover SLO, losing no acknowledged write.',
  faults: [{ kind: 'etcd-leader-kill' }],
});
