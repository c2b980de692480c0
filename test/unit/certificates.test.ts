import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  certificateRecord,
  expiryWords,
  flagged,
  inventoryOf,
  kubeconfigClientCerts,
} from '../../src/cluster/certificates.ts';
import { certificatesSection } from '../../src/report/md-certificates.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Issued by the tool's PKI code for this test: CN=kube-apiserver, valid 2026-01-01 to 2026-12-31. */
const pem = readFileSync(path.join(here, '..', 'fixtures', 'certificates', 'serving-2026.crt'), 'utf8');
const found = { name: 'apiserver', source: '/pki/apiserver.crt', pem };
const at = (iso: string) => new Date(iso);

describe('certificate expiry', () => {
  it('reads subject, issuer and validity, and the days left at the moment of reading', () => {
    const c = certificateRecord(found, at('2026-06-01T00:00:00Z'));
    expect(c).to.deep.include({
      name: 'apiserver',
      source: '/pki/apiserver.crt',
      subject: 'CN=kube-apiserver, O=fixture',
      issuer: 'CN=fixture-ca',
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2026-12-31T00:00:00.000Z',
      daysLeft: 213,
      state: 'valid',
    });
  });

  it('is flagged from 30 days before it expires, expired from its notAfter, and before its notBefore', () => {
    const state = (iso: string) => certificateRecord(found, at(iso)).state;
    expect(state('2025-12-31T23:59:59Z')).to.equal('not-yet-valid');
    expect(state('2026-12-01T00:00:00Z')).to.equal('valid');
    expect(state('2026-12-01T00:00:01Z')).to.equal('expires-soon');
    expect(state('2026-12-30T23:59:59Z')).to.equal('expires-soon');
    expect(state('2026-12-31T00:00:00Z')).to.equal('expired');
  });

  it('says how long is left, or how long ago it expired, in the unit that reads best', () => {
    const words = (iso: string) => expiryWords(certificateRecord(found, at(iso)), iso);
    expect(words('2026-06-01T00:00:00Z')).to.equal('expires in 213.0 days');
    expect(words('2026-12-30T12:00:00Z')).to.equal('expires in 12 h');
    expect(words('2026-12-30T23:15:00Z')).to.equal('expires in 45 min');
    expect(words('2027-01-02T00:00:00Z')).to.equal('expired 2.0 days ago');
    expect(words('2025-06-01T00:00:00Z')).to.equal('not valid until 2026-01-01T00:00:00.000Z');
  });

  it('reads the certificate of a file that holds a key first (as the kubelet writes its client pair)', () => {
    const key = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n';
    expect(certificateRecord({ ...found, pem: key + pem }, at('2026-06-01T00:00:00Z')).subject).to.equal(
      'CN=kube-apiserver, O=fixture',
    );
  });

  it('finds the client certificates a kubeconfig embeds, by user, and skips users that name a file', () => {
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      'users:',
      '- name: system:kube-controller-manager',
      '  user:',
      `    client-certificate-data: ${Buffer.from(pem).toString('base64')}`,
      '    client-key-data: S0VZ',
      '- name: default-auth',
      '  user:',
      '    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem',
    ].join('\n');
    const certs = kubeconfigClientCerts(kubeconfig, 'node:/etc/kubernetes/controller-manager.conf');
    expect(certs.map((c) => [c.name, c.source])).to.deep.equal([
      ['system:kube-controller-manager (client)', 'node:/etc/kubernetes/controller-manager.conf'],
    ]);
    expect(certificateRecord(certs[0]!, at('2026-06-01T00:00:00Z')).notAfter).to.equal(
      '2026-12-31T00:00:00.000Z',
    );
  });

  it('names what it cannot read instead of failing, and flags only what needs attention', () => {
    const inv = inventoryOf(
      [found, { name: 'broken', source: '/pki/broken.crt', pem: 'not a certificate' }],
      at('2026-12-20T00:00:00Z'),
    );
    expect(inv.checkedAt).to.equal('2026-12-20T00:00:00.000Z');
    expect(inv.certificates.map((c) => c.name)).to.deep.equal(['apiserver']);
    expect(inv.unreadable).to.deep.equal(['broken (/pki/broken.crt): no PEM certificate in it']);
    expect(flagged(inv).map((c) => c.state)).to.deep.equal(['expires-soon']);
  });

  it('report.md lists certificates needing attention first and says so above the table', () => {
    const ok = { ...found, name: 'ca' };
    const inv = inventoryOf([ok, found], at('2026-12-20T00:00:00Z'));
    inv.certificates[0]!.state = 'valid';
    const text = certificatesSection(inv);
    expect(text).to.include('**1 of 2 certificates need attention**');
    const rows = text.split('\n').filter((l) => /^\| (ca|apiserver) /.test(l));
    expect(rows.map((l) => l.split(' | ')[0])).to.deep.equal(['| apiserver', '| ca']);
    const soon = inventoryOf([found], at('2026-06-01T00:00:00Z'));
    expect(certificatesSection(soon)).to.include('None of the 1 certificates read expires within 30 days');
    const expired = certificatesSection(inventoryOf([found], at('2027-01-01T00:00:00Z'))).split('\n');
    expect(expired.find((l) => l.startsWith('| apiserver')))
      .to.include('**expired**')
      .and.include('expired 1.0 days ago');
  });
});
