import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'etcd-partition',
  description:
    'Drops all packets between the etcd leader and its peers for the hold, then heals; a pass shows the ' +
    'majority elects a new leader, the API stays within the failover SLO, and the old leader rejoins ' +
    'without losing an acknowledged write.',
  faults: [{ kind: 'isolate', etcd: 'leader' }],
});
