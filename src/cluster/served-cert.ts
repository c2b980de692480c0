import { isIP } from 'node:net';
import tls from 'node:tls';
import type { FoundCertificate } from './certificates.ts';

/**
 * The certificate an HTTPS endpoint presents, as a client sees it in the handshake. It is read, not
 * trusted: an expired one is exactly what this is for.
 */
export function servedCertificate(url: string, name: string, timeoutMs = 5_000): Promise<FoundCertificate> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      {
        host: u.hostname,
        port: Number(u.port || 443),
        ...(isIP(u.hostname) ? {} : { servername: u.hostname }),
        rejectUnauthorized: false,
      },
      () => {
        const cert = socket.getPeerX509Certificate();
        socket.end();
        if (cert) resolve({ name, source: `served at ${u.host}`, pem: cert.toString() });
        else reject(new Error(`${u.host} presented no certificate`));
      },
    );
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no TLS handshake with ${u.host} within ${timeoutMs} ms`)),
    );
    socket.on('error', reject);
  });
}
