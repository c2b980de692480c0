import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'apiserver-graceful',
  description:
    'Shuts one apiserver down gracefully (SIGTERM), as a rolling upgrade does; it serves on for its 5 s ' +
    'shutdown delay with /readyz failing, and HAProxy, checking /readyz every second, takes it out before it ' +
    'stops listening. The run shows whether the drain cost requests: only those in flight when HAProxy ' +
    'marks it down may fail (its on-marked-down shutdown-sessions cuts them). The apiserver exits up to 60 s ' +
    'after its delay (its HTTP server waits the request timeout for open connections) and is started again.',
  cluster: { lbHealthCheck: 'readyz', apiserverShutdownDelaySeconds: 5 },
  faults: [{ kind: 'terminate', apiserver: 'node-1' }],
});
