import path from 'node:path';
import type { EtcdClientTls } from '../cluster/topology.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { TlsMaterial } from '../util/tls-client.ts';

/**
 * What k6 authenticates with: files, because k6 reads its root store (SSL_CERT_FILE) and client
 * certificate from files, and a bearer token when the credentials are one.
 */
export interface LoadCredentials {
  /** Verifies the apiservers: k6's only root. */
  ca: string;
  cert?: string;
  key?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
}

/** The load's own certificate files, as a provider gives them. */
export function loadCredentialsFromFiles(files: EtcdClientTls): LoadCredentials {
  return { ca: files.ca, cert: files.cert, key: files.key };
}

/**
 * Credentials read from a kubeconfig (certificate data, a token, an exec plugin's answer), written
 * for k6 into `dir` readable by the owner only.
 */
export function loadCredentialsFromMaterial(material: TlsMaterial, dir: string): LoadCredentials {
  const file = (name: string, data: Buffer | undefined) => {
    if (!data) return undefined;
    const target = path.join(dir, name);
    writeFileAtomic(target, data, 0o600);
    return target;
  };
  const token = /^Bearer (.+)$/.exec(material.headers.authorization ?? '')?.[1];
  const cert = file('load-client.crt', material.cert);
  const key = file('load-client.key', material.key);
  return {
    // Without a CA of its own the kubeconfig trusts the system's roots: so does k6 then.
    ca: file('load-ca.crt', material.ca) ?? '/etc/ssl/certs/ca-certificates.crt',
    ...(cert && key ? { cert, key } : {}),
    ...(token ? { token } : {}),
  };
}
