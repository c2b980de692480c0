import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'etcd-quorum-loss',
  description:
    'Stops both etcd followers for the hold: the remaining member has no quorum, steps down and commits ' +
    'nothing, so every write fails (etcd documents it: no progress without a majority) and reads that ' +
    'need etcd fail with it. At the heal both members start again. A pass is not expected: the outage ' +
    'lasts the hold. The run shows writes failing during the fault, the service back after the heal, ' +
    'and no acknowledged write lost.',
  faults: [
    { kind: 'stop', etcd: 'follower' },
    { kind: 'stop', etcd: 'follower' },
  ],
});
