import {
  EXPIRY_WARNING_DAYS,
  expiryWords,
  flagged,
  inventoryOf,
  type CertificateInventory,
  type FoundCertificate,
} from '../cluster/certificates.ts';
import { servedCertificate } from '../cluster/served-cert.ts';
import type { AcquiredCluster } from '../providers/provider.ts';
import { errorMessage } from '../util/errors.ts';
import { progress } from '../util/progress.ts';

/**
 * Reads every certificate the cluster runs on before the drill begins: the provider's files and the
 * one the load balancer's address serves. What cannot be read is said, never fatal to the drill.
 */
export async function takeCertificateInventory(cluster: AcquiredCluster): Promise<CertificateInventory> {
  const at = new Date();
  const found: FoundCertificate[] = [];
  const missed: string[] = [];
  try {
    found.push(...(await cluster.certificates()));
  } catch (err) {
    missed.push(`the provider's certificate files: ${errorMessage(err)}`);
  }
  try {
    found.push(
      await servedCertificate(cluster.info.endpoints.apiServer, 'load balancer (as clients see it)'),
    );
  } catch (err) {
    missed.push(`the certificate served at ${cluster.info.endpoints.apiServer}: ${errorMessage(err)}`);
  }
  const inventory = inventoryOf(found, at);
  inventory.unreadable.unshift(...missed);
  const attention = flagged(inventory);
  progress(
    `certificates: ${inventory.certificates.length} read` +
      (attention.length === 0
        ? `, none expires within ${EXPIRY_WARNING_DAYS} days`
        : `; ${attention.length} need attention: ` +
          attention.map((c) => `${c.name} ${expiryWords(c, inventory.checkedAt)}`).join(', ')),
  );
  for (const u of inventory.unreadable) progress(`certificates: could not read ${u}`);
  return inventory;
}
