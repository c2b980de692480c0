import { defineSuite } from '../src/gameday/suite.ts';

export default defineSuite({
  name: 'core',
  description:
    'The four failures every HA control plane must ride out (an apiserver, the etcd leader, a partition, ' +
    'a DNS replica), on one cluster.',
  drills: ['apiserver-kill', 'etcd-leader-kill', 'etcd-partition', 'coredns-kill'],
});
