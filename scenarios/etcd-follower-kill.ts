import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'etcd-follower-kill',
  description:
    'Kills an etcd member that is not the leader; the supervisor restarts it 5 s later. The leader keeps ' +
    'its quorum, so etcd never stops taking writes: a pass shows no leader change, the apiserver on the ' +
    "killed member's node fails until HAProxy takes it out (stacked etcd), and no acknowledged write is lost.",
  faults: [{ kind: 'kill', etcd: 'follower' }],
});
