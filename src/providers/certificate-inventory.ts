import {
  EXPIRY_WARNING_DAYS,
  expiryWords,
  flagged,
  inventoryOf,
  type CertificateInventory,
  type FoundCertificate,
} from '../cluster/certificates.ts';
import { servedCertificate } from '../cluster/served-cert.ts';
import type { AcquiredCluster } from './provider.ts';
import { errorMessage } from '../util/errors.ts';

/**
 * Reads every certificate the cluster runs on: the provider's files and the one the load balancer's
 * address serves. What cannot be read is said, never fatal.
 */
export async function readCertificates(cluster: AcquiredCluster): Promise<CertificateInventory> {
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
  return inventory;
}

/** What a person should know of an inventory, a line each: the count, what needs attention, what was not read. */
export function inventoryLines(inventory: CertificateInventory): string[] {
  const attention = flagged(inventory);
  return [
    `certificates: ${inventory.certificates.length} read` +
      (attention.length === 0
        ? `, none expires within ${EXPIRY_WARNING_DAYS} days`
        : `; ${attention.length} need attention: ` +
          attention.map((c) => `${c.name} ${expiryWords(c, inventory.checkedAt)}`).join(', ')),
    ...inventory.unreadable.map((u) => `certificates: could not read ${u}`),
  ];
}
