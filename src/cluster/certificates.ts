import { X509Certificate } from 'node:crypto';
import { parse } from 'yaml';

/**
 * The certificates a control plane runs on and when each expires: the classic hours-long outage is a
 * certificate nobody renewed. Every report lists them, flagging those that expire within 30 days.
 */

/** kubeadm warns from here too; a month is the usual renewal lead. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export type CertificateState = 'valid' | 'expires-soon' | 'expired' | 'not-yet-valid';

export interface CertificateRecord {
  /** What the certificate is for, as the provider names it: "apiserver", "etcd/node-1-peer", ... */
  name: string;
  /** Where it was read: a file, a kubeconfig, or the address that served it. */
  source: string;
  subject: string;
  issuer: string;
  /** ISO 8601, UTC. */
  notBefore: string;
  notAfter: string;
  /** Days from the inventory's checkedAt to notAfter, two decimals; negative once expired. */
  daysLeft: number;
  state: CertificateState;
}

/** The certificates of a cluster as read at one moment. */
export interface CertificateInventory {
  /** ISO 8601, UTC: the moment daysLeft and state refer to. */
  checkedAt: string;
  certificates: CertificateRecord[];
  /** What could not be read, one sentence each. */
  unreadable: string[];
}

/** A PEM text found in a file or kubeconfig, with where it came from. */
export interface FoundCertificate {
  name: string;
  source: string;
  pem: string;
}

export function stateAt(notBefore: Date, notAfter: Date, at: Date): CertificateState {
  if (at.getTime() < notBefore.getTime()) return 'not-yet-valid';
  if (at.getTime() >= notAfter.getTime()) return 'expired';
  return notAfter.getTime() - at.getTime() < EXPIRY_WARNING_DAYS * DAY_MS ? 'expires-soon' : 'valid';
}

/** The first certificate of a PEM text (a leaf comes before its chain), read at `at`. */
export function certificateRecord(found: FoundCertificate, at: Date): CertificateRecord {
  const pem = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/.exec(found.pem)?.[0];
  if (pem === undefined) throw new Error('no PEM certificate in it');
  const cert = new X509Certificate(pem);
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  return {
    name: found.name,
    source: found.source,
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.round(((notAfter.getTime() - at.getTime()) / DAY_MS) * 100) / 100,
    state: stateAt(notBefore, notAfter, at),
  };
}

/** Reads every certificate found; one that does not parse is named in `unreadable`, not fatal. */
export function inventoryOf(found: readonly FoundCertificate[], at: Date): CertificateInventory {
  const certificates: CertificateRecord[] = [];
  const unreadable: string[] = [];
  for (const f of found) {
    try {
      certificates.push(certificateRecord(f, at));
    } catch (err) {
      unreadable.push(`${f.name} (${f.source}): ${(err as Error).message}`);
    }
  }
  return { checkedAt: at.toISOString(), certificates, unreadable };
}

/** The certificates of a kubeconfig's users (client-certificate-data), by user name. */
export function kubeconfigClientCerts(text: string, source: string): FoundCertificate[] {
  const config = parse(text) as { users?: { name?: string; user?: Record<string, unknown> }[] } | null;
  return (config?.users ?? []).flatMap((u) => {
    const data = u.user?.['client-certificate-data'];
    return typeof data === 'string'
      ? [{ name: `${u.name ?? 'user'} (client)`, source, pem: Buffer.from(data, 'base64').toString() }]
      : [];
  });
}

/** Certificates that need attention: expired, not yet valid, or expiring within EXPIRY_WARNING_DAYS. */
export function flagged(inventory: CertificateInventory): CertificateRecord[] {
  return inventory.certificates.filter((c) => c.state !== 'valid');
}

/** "expired 2.0 days ago", "expires in 12.5 days", "expires in 45 min", "not valid until ..." */
export function expiryWords(c: CertificateRecord, checkedAt: string): string {
  if (c.state === 'not-yet-valid') return `not valid until ${c.notBefore}`;
  const left = Date.parse(c.notAfter) - Date.parse(checkedAt);
  return left <= 0 ? `expired ${span(-left)} ago` : `expires in ${span(left)}`;
}

function span(ms: number): string {
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < DAY_MS) return `${Math.round(ms / 3_600_000)} h`;
  return `${(ms / DAY_MS).toFixed(1)} days`;
}

/** node:crypto gives subjects one attribute per line. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}
