import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../../util/atomic-write.ts';

export interface KubeconfigOptions {
  /** https URL of the apiserver or of the load balancer in front of it. */
  server: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  user: string;
  clusterName: string;
}

/**
 * Writes a kubeconfig that embeds the CA, client certificate and key as base64 data, so it works from any
 * directory and keeps working if the PKI directory moves. Mode 0600: it carries a private key.
 */
export async function writeKubeconfig(file: string, opts: KubeconfigOptions): Promise<void> {
  const [ca, cert, key] = await Promise.all([opts.caFile, opts.certFile, opts.keyFile].map(base64Of));
  const context = `${opts.user}@${opts.clusterName}`;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: opts.clusterName, cluster: { server: opts.server, 'certificate-authority-data': ca } },
    ],
    users: [{ name: opts.user, user: { 'client-certificate-data': cert, 'client-key-data': key } }],
    contexts: [{ name: context, context: { cluster: opts.clusterName, user: opts.user } }],
    'current-context': context,
    preferences: {},
  };
  // A fresh file renamed over the old one gets the mode even if the old one was more open.
  writeFileAtomic(file, stringify(config), 0o600);
}

async function base64Of(file: string): Promise<string> {
  return (await readFile(file)).toString('base64');
}
