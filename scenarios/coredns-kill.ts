import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'coredns-kill',
  description:
    'Kills CoreDNS replica 0 until the supervisor restarts it 5 s later. The one DNS address keeps sending ' +
    'about half the lookups to the dead replica (it has no endpoint removal, unlike kube-proxy), so the failover ' +
    'measures that restart; the other replica answers throughout, as its own probe shows.',
  faults: [{ kind: 'kill', coredns: 0 }],
});
