import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'lb-failover',
  description:
    'The load balancer dies: the drill starts the cluster with two HAProxy instances sharing a virtual ' +
    'IP by VRRP (keepalived), and the one holding the address drops off the network, its HAProxy and ' +
    'keepalived killed. The other takes the address when three advertisements went unheard; clients ' +
    'lose their connections through the dead one and open new ones to the virtual IP. The outage the ' +
    "API probes see is the virtual IP's; the fault reports when the address moved. The heal brings the " +
    'dead one back as a standby (nopreempt: the address stays where it is). A watch held through the ' +
    'dead one hears nothing and sends nothing: it learns only from its liveness check after 30 s of ' +
    'silence (as client-go does), so the hold is 45 s to see it come back.',
  phases: { holdSeconds: 45 },
  faults: [{ kind: 'lb-down', loadBalancer: 'active' }],
});
