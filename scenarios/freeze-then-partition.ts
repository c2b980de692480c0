import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'freeze-then-partition',
  description:
    'Chained faults: an apiserver is frozen for the whole hold; 4 s later the etcd leader is partitioned ' +
    'from its peers for 6 s, then healed, then the apiserver resumed (the reverse order). With stacked ' +
    'etcd two of three apiservers are out at once when they are on different nodes. A pass shows the last ' +
    'one carries the API within the failover SLO and no acknowledged write is lost.',
  faults: [
    { kind: 'freeze', apiserver: 'any' },
    { kind: 'isolate', etcd: 'leader', at: '4s', for: '6s' },
  ],
});
