import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'coredns-kill',
  description:
    'Kills CoreDNS replica 0 for the hold, then restarts it; a pass shows DNS lookups keep being answered ' +
    'by the other replica within the failover SLO.',
  faults: [{ kind: 'coredns-kill', replica: 0 }],
});
