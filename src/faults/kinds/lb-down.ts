import { z } from 'zod';
import { LB_TARGETS } from '../../providers/provider.ts';
import { defineFaultKind } from '../fault-kind.ts';
import { FAULT_TIMING } from '../timing.ts';

/**
 * The load balancer itself fails: one of a pair sharing a virtual IP drops off the network with its
 * HAProxy and keepalived, as a machine that dies. The other takes the address when its VRRP
 * advertisements stop; clients lose the connections they had through the dead one.
 */
export default defineFaultKind({
  kind: 'lb-down',
  summary:
    'take one load balancer of a pair sharing a virtual IP down (link cut, HAProxy and keepalived killed) until the heal',
  schema: z.strictObject({
    kind: z.literal('lb-down'),
    loadBalancer: z
      .enum(LB_TARGETS, {
        error: `must be one of ${LB_TARGETS.map((t) => `"${t}"`).join(', ')}`,
      })
      .default('active')
      .describe(
        'Which load balancer: "active" (the one holding the virtual IP, the default), "standby", or "lb-1" / "lb-2".',
      ),
    ...FAULT_TIMING,
  }),
  needs: ['lb-down'],
  act: (spec, cluster) => cluster.verbs.downLoadBalancer!(spec.loadBalancer),
});
