import { defineScenario } from '../src/scenario/types.ts';

export default defineScenario({
  name: 'cert-expiry',
  description:
    "The certificate nobody renewed: the apiservers' serving certificate is swapped for one that expired " +
    'a minute ago (same key; the apiservers serve it at once). Every new TLS connection of a client ' +
    'that verifies the server fails; connections opened before it keep working. HAProxy checks with ' +
    'TLS but resumes a cached session, which skips the certificate, so as a rule it keeps every backend ' +
    'in rotation. The heal is the rotation: a valid certificate, served by every apiserver. A pass is ' +
    'not expected: the outage of new connections lasts the hold.',
  faults: [{ kind: 'cert-expiry' }],
});
