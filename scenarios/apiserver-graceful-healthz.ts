import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'apiserver-graceful-healthz',
  description:
    'Like apiserver-graceful, with HAProxy checking /healthz instead of /readyz, as kind and many hand-made ' +
    'balancers do: /healthz stays 200 through the 5 s shutdown delay, so HAProxy keeps the apiserver in ' +
    'rotation until it stops listening, and new connections fail until the checks see the closed port. ' +
    'The failures come after the delay, so read them in the unavailable time and the error rate.',
  cluster: { lbHealthCheck: 'healthz', apiserverShutdownDelaySeconds: 5 },
  faults: [{ kind: 'terminate', apiserver: 'node-1' }],
});
