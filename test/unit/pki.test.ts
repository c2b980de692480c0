import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { parse } from 'yaml';
import {
  certsOf,
  leafCertsOf,
  makePki,
  planPki,
  reissueCert,
  writeKubeconfig,
  type Cert,
  type Pki,
  type PkiSpec,
} from '../../src/cluster/pki.ts';
import { EnvironmentError, UsageError } from '../../src/util/errors.ts';
import { run } from '../../src/util/exec.ts';

const DAY_MS = 86_400_000;

const spec: PkiSpec = {
  nodes: [1, 2, 3].map((i) => ({ name: `node-${i}`, ip: `10.213.0.${10 + i}` })),
  loadBalancerAddresses: ['127.0.0.1', '127.0.1.10', 'api.khd.test'],
  kubernetesServiceIp: '10.96.0.1',
  lifetimeDays: 30,
  validity: { kwok: { days: 2 } },
};

async function openssl(args: string[]): Promise<{ ok: boolean; out: string }> {
  const r = await run('openssl', args, { allowFailure: true });
  return { ok: r.exitCode === 0, out: `${r.stdout}\n${r.stderr}` };
}

async function subjectAltNames(certFile: string): Promise<string[]> {
  const { out } = await openssl(['x509', '-in', certFile, '-noout', '-ext', 'subjectAltName']);
  const line = out.split('\n').find((l) => /DNS:|IP Address:/.test(l)) ?? '';
  return line.trim().split(/,\s*/);
}

async function notAfterOf(certFile: string): Promise<Date> {
  const { out } = await openssl(['x509', '-in', certFile, '-noout', '-enddate']);
  return new Date(/notAfter=(.*)/.exec(out)![1]!);
}

async function publicKeyOfCert(certFile: string): Promise<string> {
  return (await openssl(['x509', '-in', certFile, '-noout', '-pubkey'])).out.trim();
}

async function publicKeyOfKey(keyFile: string): Promise<string> {
  return (await openssl(['pkey', '-in', keyFile, '-pubout'])).out.trim();
}

function issuerCert(cert: Cert): string {
  return cert.issuer === 'self' ? cert.cert : cert.issuer.cert;
}

function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

describe('cluster PKI', function () {
  this.timeout(30_000);
  let tmp: string;
  let pki: Pki;
  let startedAt: number;
  let finishedAt: number;

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'khd-pki-'));
    startedAt = Date.now();
    pki = await makePki(path.join(tmp, 'pki'), spec);
    finishedAt = Date.now();
  });

  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('every certificate chains to its own CA and not to the other one', async () => {
    for (const cert of leafCertsOf(pki)) {
      const ownCa = issuerCert(cert);
      const otherCa = ownCa === pki.ca.cert ? pki.etcdCa.cert : pki.ca.cert;
      const own = await openssl(['verify', '-CAfile', ownCa, cert.cert]);
      expect(own.ok, `${cert.id}: ${own.out}`).to.equal(true);
      expect((await openssl(['verify', '-CAfile', otherCa, cert.cert])).ok, cert.id).to.equal(false);
    }
    for (const ca of [pki.ca, pki.etcdCa]) {
      expect((await openssl(['verify', '-CAfile', ca.cert, ca.cert])).ok, ca.id).to.equal(true);
    }
  });

  it('signs the etcd certificates with the etcd CA and the Kubernetes ones with the cluster CA', () => {
    const etcdSigned = leafCertsOf(pki).filter((c) => issuerCert(c) === pki.etcdCa.cert);
    expect(etcdSigned.map((c) => c.id)).to.have.members([
      'apiserver-etcd-client',
      'etcd/probe-client',
      ...spec.nodes.flatMap((n) => [`etcd/${n.name}-server`, `etcd/${n.name}-peer`]),
    ]);
  });

  it('gives every certificate the usages its role needs', async () => {
    for (const cert of leafCertsOf(pki)) {
      for (const usage of cert.profile.usages) {
        const purpose = usage === 'serverAuth' ? 'sslserver' : 'sslclient';
        const r = await openssl(['verify', '-purpose', purpose, '-CAfile', issuerCert(cert), cert.cert]);
        expect(r.ok, `${cert.id} for ${purpose}: ${r.out}`).to.equal(true);
      }
    }
    const peer = pki.etcdMembers['node-2']!.peer;
    expect(peer.profile.usages).to.have.members(['serverAuth', 'clientAuth']);
    expect(
      (await openssl(['verify', '-purpose', 'sslserver', '-CAfile', pki.ca.cert, pki.admin.cert])).ok,
    ).to.equal(false);
  });

  it('the apiserver certificate names the load balancer, every node and the kubernetes service', async () => {
    const sans = await subjectAltNames(pki.apiserver.cert);
    expect(sans).to.include.members([
      'IP Address:127.0.0.1',
      'IP Address:127.0.1.10',
      'DNS:api.khd.test',
      'IP Address:10.213.0.11',
      'IP Address:10.213.0.12',
      'IP Address:10.213.0.13',
      'DNS:localhost',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local',
      'IP Address:10.96.0.1',
    ]);
  });

  it('each etcd member certificate names its node', async () => {
    for (const node of spec.nodes) {
      const member = pki.etcdMembers[node.name]!;
      for (const cert of [member.server, member.peer]) {
        expect(await subjectAltNames(cert.cert)).to.have.members([
          `IP Address:${node.ip}`,
          'IP Address:127.0.0.1',
          'DNS:localhost',
          `DNS:${node.name}`,
        ]);
      }
    }
  });

  it('client subjects carry the user and group the apiserver authorizes', async () => {
    const subject = async (cert: Cert) =>
      (await openssl(['x509', '-in', cert.cert, '-noout', '-subject'])).out.trim();
    expect(await subject(pki.admin)).to.equal('subject=CN = kubernetes-admin, O = system:masters');
    expect(await subject(pki.controllerManager)).to.equal('subject=CN = system:kube-controller-manager');
    expect(await subject(pki.scheduler)).to.equal('subject=CN = system:kube-scheduler');
    expect(await subject(pki.coredns)).to.equal('subject=CN = coredns');
    // Only the admin is in system:masters; kwok and the load have RBAC of their own.
    expect(await subject(pki.kwok)).to.equal('subject=CN = kwok-controller');
    expect(await subject(pki.load)).to.equal('subject=CN = kube-ha-drill-load');
  });

  it('every certificate holds the public half of its key, and sa.pub that of sa.key', async () => {
    for (const cert of certsOf(pki)) {
      expect(await publicKeyOfCert(cert.cert), cert.id).to.equal(await publicKeyOfKey(cert.key));
    }
    const saPub = readFileSync(pki.serviceAccount.pub, 'utf8').trim();
    expect(await publicKeyOfKey(pki.serviceAccount.key)).to.equal(saPub);
  });

  it('keys are readable by the owner only, and so is the directory', () => {
    for (const key of [...certsOf(pki).map((c) => c.key), pki.serviceAccount.key]) {
      expect(modeOf(key), key).to.equal(0o600);
    }
    expect(modeOf(pki.dir)).to.equal(0o700);
    expect(modeOf(path.join(pki.dir, 'etcd'))).to.equal(0o700);
  });

  it('honours the lifetime, its per-certificate override and the longer CA lifetime', async () => {
    const expectLifetime = async (cert: Cert, days: number) => {
      const notAfter = (await notAfterOf(cert.cert)).getTime();
      // notAfter is truncated to the second.
      expect(notAfter, cert.id).to.be.within(startedAt + days * DAY_MS - 1000, finishedAt + days * DAY_MS);
    };
    await expectLifetime(pki.apiserver, 30);
    await expectLifetime(pki.etcdMembers['node-3']!.peer, 30);
    await expectLifetime(pki.kwok, 2);
    await expectLifetime(pki.ca, 3650);
  });

  it('re-issues one certificate with an exact notAfter and the same key', async () => {
    const server = pki.etcdMembers['node-1']!.server;
    const keyBefore = readFileSync(server.key, 'utf8');
    const notAfter = new Date(Math.floor(Date.now() / 1000) * 1000 + 90_000);
    await reissueCert(server, { notAfter });
    expect((await notAfterOf(server.cert)).getTime()).to.equal(notAfter.getTime());
    expect(readFileSync(server.key, 'utf8')).to.equal(keyBefore);
    expect(await publicKeyOfCert(server.cert)).to.equal(await publicKeyOfKey(server.key));
    expect((await openssl(['verify', '-CAfile', pki.etcdCa.cert, server.cert])).ok).to.equal(true);
    expect(await subjectAltNames(server.cert)).to.include('DNS:node-1');
  });

  it('re-issues a certificate that has already expired', async () => {
    const peer = pki.etcdMembers['node-2']!.peer;
    await reissueCert(peer, { notAfter: new Date(Date.now() - 60_000) });
    const r = await openssl(['verify', '-CAfile', pki.etcdCa.cert, peer.cert]);
    expect(r.ok).to.equal(false);
    expect(r.out).to.match(/certificate has expired/);
  });

  it('writes a kubeconfig that embeds its certificates and gets through TLS to the apiserver', async () => {
    const file = path.join(tmp, 'admin.conf');
    const server = await tlsServer(pki);
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const user = 'kubernetes-admin';
      const opts = {
        server: url,
        caFile: pki.ca.cert,
        certFile: pki.admin.cert,
        keyFile: pki.admin.key,
        user,
      };
      await writeKubeconfig(file, { ...opts, clusterName: 'khd' });
      expect(modeOf(file)).to.equal(0o600);
      const config = parse(readFileSync(file, 'utf8'));
      expect(config['current-context']).to.equal('kubernetes-admin@khd');
      const cluster = config.clusters[0].cluster;
      const credentials = config.users[0].user;
      expect(cluster.server).to.equal(url);
      const decode = (data: string) => Buffer.from(data, 'base64').toString('utf8');
      expect(decode(credentials['client-key-data'])).to.equal(readFileSync(pki.admin.key, 'utf8'));
      const seen = await tlsHandshake(url, {
        ca: decode(cluster['certificate-authority-data']),
        cert: decode(credentials['client-certificate-data']),
        key: decode(credentials['client-key-data']),
      });
      expect(seen).to.deep.equal({ server: 'kube-apiserver', client: 'kubernetes-admin' });
    } finally {
      server.close();
    }
  });

  it('names the failing step and the openssl error', async () => {
    const missing = path.join(tmp, 'missing-ca.key');
    const orphan: Cert = { ...pki.etcdProbeClient, issuer: { cert: pki.etcdCa.cert, key: missing } };
    const err = await reissueCert(orphan, { days: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EnvironmentError);
    expect((err as Error).message).to.match(/openssl could not sign probe-client\.crt/);
    expect((err as Error).message).to.include('missing-ca.key');
  });

  it('rejects a spec it cannot turn into certificates', () => {
    const bad = (change: Partial<PkiSpec>) => () => planPki(tmp, { ...spec, ...change });
    expect(bad({ kubernetesServiceIp: '10.96.0.300' })).to.throw(UsageError, /not an IP address/);
    expect(bad({ nodes: [{ name: 'Node_1', ip: '10.0.0.1' }] })).to.throw(UsageError, /not a valid DNS name/);
    expect(bad({ lifetimeDays: 0 })).to.throw(UsageError, /positive/);
    expect(bad({ validity: { 'etcd/node-9-peer': { days: 1 } } })).to.throw(
      UsageError,
      /unknown certificate/,
    );
  });
});

/** A TLS server with the apiserver's certificate that, like the apiserver, demands a client certificate. */
async function tlsServer(pki: Pki): Promise<tls.Server> {
  const server = tls.createServer(
    {
      cert: readFileSync(pki.apiserver.cert),
      key: readFileSync(pki.apiserver.key),
      ca: readFileSync(pki.ca.cert),
      requestCert: true,
      rejectUnauthorized: true,
    },
    // Under TLS 1.3 the client learns of a rejected certificate only later, so the server answers with it.
    (socket) => socket.end(String(socket.getPeerCertificate().subject.CN)),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Connects with full verification (chain and IP SAN); returns the server's CN and the client CN it accepted. */
async function tlsHandshake(
  url: string,
  creds: { ca: string; cert: string; key: string },
): Promise<{ server: string; client: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), ...creds });
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('end', () =>
      resolve({ server: String(socket.getPeerCertificate().subject.CN), client: reply }),
    );
    socket.on('error', reject);
  });
}
