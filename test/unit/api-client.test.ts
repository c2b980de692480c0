import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { makePki } from '../../src/cluster/pki.ts';
import { apiClient, type ClientStyle } from '../../src/util/api-client.ts';
import { loadTls, type TlsMaterial } from '../../src/util/tls-client.ts';

/**
 * The probes' two HTTP clients against a real HTTP/2 server (HTTP/1.1 too) that cuts an answer off
 * after its status and half its body, as a load balancer closing a backend's connections does: the
 * client must report an error, never a short body as the answer.
 */
describe('API clients, given an answer cut off mid-body', function () {
  this.timeout(30_000);
  const whole = JSON.stringify({ metadata: { name: 'x', resourceVersion: '42' } });
  let dir: string;
  let server: http2.Http2SecureServer;
  let base: string;
  let tlsMaterial: TlsMaterial;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'khd-api-client-'));
    const pki = await makePki(dir, {
      nodes: [{ name: 'node-1', ip: '127.0.0.1' }],
      loadBalancerAddresses: ['127.0.0.1'],
      kubernetesServiceIp: '10.96.0.1',
      lifetimeDays: 1,
    });
    server = http2.createSecureServer(
      { cert: readFileSync(pki.apiserver.cert), key: readFileSync(pki.apiserver.key), allowHTTP1: true },
      (req, res) => {
        if (req.url === '/whole') {
          res.writeHead(201, { 'content-type': 'application/json', 'content-length': whole.length });
          res.end(whole);
          return;
        }
        res.writeHead(201, { 'content-type': 'application/json', 'content-length': whole.length });
        res.write(whole.slice(0, 20));
        // The connection goes, as HAProxy's shutdown-sessions takes it, with the answer half sent.
        setTimeout(() => req.socket.destroy(), 20);
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tlsMaterial = loadTls({ ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key });
  });

  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const style of ['keepalive', 'new-connection'] as ClientStyle[]) {
    it(`${style}: a whole answer is the answer; a cut one is an error, not a short body`, async () => {
      const client = apiClient(style, base, tlsMaterial);
      try {
        const ok = await client.request('/whole', { method: 'POST', body: '{}', timeoutMs: 5000 });
        expect(ok).to.deep.equal({ status: 201, body: whole });
        const cut = await client.request('/cut', { method: 'POST', body: '{}', timeoutMs: 5000 }).then(
          (r) => r,
          (err: unknown) => err as Error & { code?: string },
        );
        expect(cut, 'an error').to.be.instanceOf(Error);
        expect((cut as { code?: string }).code).to.equal('ECONNRESET');
      } finally {
        client.close();
      }
    });
  }
});
