import { z } from 'zod';
import { duration } from '../../scenario/duration-field.ts';
import { MAX_PHASE_SECONDS } from '../../scenario/limits.ts';
import { defineFaultKind } from '../fault-kind.ts';
import { FAULT_TIMING } from '../timing.ts';

/**
 * The certificate nobody renewed: the apiservers' serving certificate is replaced by one that has
 * expired (or expires during the hold), and the heal is the rotation. Clients that verify the server
 * fail on every new connection; what the load balancer's health check and long-lived connections
 * see is what the drill is for.
 */
export default defineFaultKind({
  kind: 'cert-expiry',
  summary:
    "swap the apiservers' serving certificate for an expired one (or one expiring after validFor); the heal rotates in a valid one",
  schema: z.strictObject({
    kind: z.literal('cert-expiry'),
    certificate: z
      .literal('apiserver-serving')
      .default('apiserver-serving')
      .describe(
        "Which certificate expires: the apiservers' serving certificate (the one this version can swap).",
      ),
    validFor: duration(
      's',
      { min: 0, max: MAX_PHASE_SECONDS },
      'How long after the injection the new certificate expires (to the second). Default 0: it has already expired.',
    ).optional(),
    ...FAULT_TIMING,
  }),
  needs: ['cert-expiry'],
  act: (spec, cluster) => cluster.verbs.expireServingCert!(Math.round((spec.validFor ?? 0) * 1000)),
});
