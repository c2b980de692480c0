import {
  EXPIRY_WARNING_DAYS,
  expiryWords,
  flagged,
  type CertificateInventory,
} from '../cluster/certificates.ts';
import { code, md, table } from './md.ts';

const STATE_WORDS = {
  valid: 'valid',
  'expires-soon': `**expires within ${EXPIRY_WARNING_DAYS} days**`,
  expired: '**expired**',
  'not-yet-valid': '**not yet valid**',
} as const;

/** Every certificate of the cluster and when it expires; those needing attention first. */
export function certificatesSection(inventory: CertificateInventory | undefined): string {
  if (!inventory)
    return '## Certificates\n\nNot in this report: the drill did not reach a cluster (or was recorded before reports listed certificates).';
  const attention = flagged(inventory);
  const summary =
    attention.length === 0
      ? `None of the ${inventory.certificates.length} certificates read expires within ${EXPIRY_WARNING_DAYS} days of ${inventory.checkedAt}.`
      : `**${attention.length} of ${inventory.certificates.length} certificates need attention** ` +
        `(expired, not yet valid, or expiring within ${EXPIRY_WARNING_DAYS} days of ${inventory.checkedAt}): ` +
        attention.map((c) => `${md(c.name)} ${expiryWords(c, inventory.checkedAt)}`).join('; ') +
        '.';
  const order = [...attention, ...inventory.certificates.filter((c) => c.state === 'valid')];
  const rows = order.map((c) => [
    md(c.name),
    STATE_WORDS[c.state],
    md(expiryWords(c, inventory.checkedAt)),
    c.notAfter,
    md(c.subject),
    code(c.source),
  ]);
  return [
    '## Certificates',
    `Read before the baseline, from the files the components load and from what the load balancer's address serves. ${summary}`,
    table(['Certificate', 'State', 'Expiry', 'Not after', 'Subject', 'Read from'], rows),
    ...(inventory.unreadable.length
      ? [`Could not be read: ${inventory.unreadable.map(md).join('; ')}.`]
      : []),
  ].join('\n\n');
}
