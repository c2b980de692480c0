import https from 'node:https';
import tls from 'node:tls';
import { KubeConfig } from '@kubernetes/client-node';
import { EnvironmentError, errorMessage } from './errors.ts';
import type { TlsMaterial } from './tls-client.ts';

/**
 * The credentials of a kubeconfig's current context as TLS material plus headers, whatever form
 * they take there: certificate files or data, a bearer token, or an exec plugin (run once, here).
 * Probes then talk to the apiservers as any kubectl user of that kubeconfig would.
 */
export async function credentialsFromKubeconfig(file: string): Promise<TlsMaterial> {
  const kc = new KubeConfig();
  const options: https.RequestOptions = {};
  try {
    kc.loadFromFile(file);
    await kc.applyToHTTPSOptions(options);
  } catch (err) {
    throw new EnvironmentError(
      `cannot read the credentials of ${file}: ${errorMessage(err)}`,
      'check the kubeconfig with `kubectl --kubeconfig <file> get --raw /readyz`',
    );
  }
  const material = {
    ca: toBuffer(options.ca),
    cert: toBuffer(options.cert),
    key: toBuffer(options.key),
  };
  const headers: Record<string, string> = {};
  const auth = (options.headers as Record<string, unknown> | undefined)?.Authorization;
  if (typeof auth === 'string') headers.authorization = auth;
  return {
    ...material,
    headers,
    context: tls.createSecureContext({
      ...(material.ca ? { ca: material.ca } : {}),
      ...(material.cert ? { cert: material.cert } : {}),
      ...(material.key ? { key: material.key } : {}),
    }),
  };
}

function toBuffer(v: unknown): Buffer | undefined {
  if (v === undefined || v === null) return undefined;
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v);
  if (Array.isArray(v)) return Buffer.concat(v.map((x) => toBuffer(x) ?? Buffer.alloc(0)));
  return undefined;
}
