import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'controller-manager-leader-kill',
  description:
    'Kills the kube-controller-manager that holds the lease; the supervisor restarts it 5 s later. A dead ' +
    'holder never releases its lease, so no controller runs until it expires (lease duration 15 s) and ' +
    'another instance, or the restarted one, takes it. The run shows when the lease changed hands and ' +
    'when a newly created Deployment got a Running pod again, both against lease duration + retry period; ' +
    'the API itself is not touched.',
  faults: [{ kind: 'kill', 'controller-manager': 'leader' }],
  phases: { holdSeconds: 25 },
});
