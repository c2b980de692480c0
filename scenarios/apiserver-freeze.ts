import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'apiserver-freeze',
  description:
    'Freezes one apiserver (SIGSTOP) for the hold and resumes it (SIGCONT): a grey failure. Its sockets stay ' +
    "open, so connections are accepted and then never answered; HAProxy's /readyz check times out instead of " +
    'being refused. A pass shows HAProxy takes the hung backend out within the failover SLO and no ' +
    'acknowledged write is lost; requests already on the frozen apiserver wait for the probe timeout.',
  faults: [{ kind: 'freeze', apiserver: 'any' }],
});
