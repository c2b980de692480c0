import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'etcd-snapshot-restore',
  description:
    'Restores every etcd member from a snapshot taken when the fault starts, as a botched restore from backup would; writes acknowledged during the hold are lost, and the lost-write check must name them and fail.',
  faults: [{ kind: 'etcd-snapshot-restore' }],
});
