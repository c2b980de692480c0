import { readFileSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';

/**
 * Client TLS material read and parsed once: a probe issues many requests with it, and parsing the
 * CA, certificate and key for each new connection would cost more than the handshake itself.
 */
export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  context: tls.SecureContext;
  /** Sent with every request: a bearer token when the credentials are one. */
  headers: Record<string, string>;
}

export function loadTls(files: { ca: string; cert: string; key: string }): TlsMaterial {
  const material = {
    ca: readFileSync(files.ca),
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
  };
  return { ...material, headers: {}, context: tls.createSecureContext(material) };
}

export interface HttpsResult {
  status: number;
  body: string;
}

/**
 * One HTTPS request with the client's credentials and a hard timeout. No
 * keep-alive: every request opens its own connection, as a fresh client would,
 * so a dead backend is seen at once instead of through a pooled socket.
 */
export function httpsRequest(
  url: string,
  material: TlsMaterial,
  opts: { method?: string; body?: string; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<HttpsResult> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: opts.method ?? 'GET',
        ...withContext(material),
        agent: false,
        headers: {
          accept: 'application/json',
          ...(opts.body ? { 'content-type': 'application/json' } : {}),
          ...material.headers,
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          // Ended with its connection before the whole message came: an error, not an answer.
          if (!res.complete)
            reject(Object.assign(new Error('answer cut off before its end'), { code: 'ECONNRESET' }));
          else resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    // One deadline for the whole exchange: connect, send, and read the answer.
    const timer = setTimeout(
      () => req.destroy(new TimeoutError(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * Request options that connect with an already parsed secure context. Node passes `secureContext`
 * through to tls.connect; its https typings leave it out.
 */
export function withContext(material: TlsMaterial): https.RequestOptions {
  return { secureContext: material.context } as https.RequestOptions;
}
