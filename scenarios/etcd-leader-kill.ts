import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'etcd-leader-kill',
  description:
    'Kills the etcd member that is leader at injection; the supervisor restarts it 5 s later as a follower. ' +
    'A pass shows the survivors elect a new leader, the API is healthy again within the failover SLO and ' +
    'meets P99 and error SLOs without the killed member, and no acknowledged write is lost.',
  faults: [{ kind: 'kill', etcd: 'leader' }],
});
