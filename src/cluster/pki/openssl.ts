import { chmod, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError } from '../../util/errors.ts';
import { lastLines, run } from '../../util/exec.ts';

/**
 * Certificate issuance with the openssl CLI. Every certificate is signed by `openssl ca`, because it is
 * the one OpenSSL 3.0 command that takes an exact notBefore/notAfter (expiry drills need minutes, not days).
 */

export interface KeyPair {
  cert: string;
  key: string;
}

export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

/** What a certificate says: subject, and for a leaf its usages and subject alternative names. */
export interface CertProfile {
  commonName: string;
  organizations: readonly string[];
  isCa: boolean;
  usages: readonly ExtendedKeyUsage[];
  dnsNames: readonly string[];
  ips: readonly string[];
}

export interface ValidityWindow {
  notBefore: Date;
  notAfter: Date;
}

const P256_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc'];
const OPENSSL_HINT = 'install openssl 3 (`npm run setup` does)';
const PRIVATE = 0o600;
const PUBLIC = 0o644;

/**
 * Writes a certificate for `profile` to `files.cert`, signed by `issuer` (or by its own key for a CA).
 * A new P-256 key is made unless `reuseKey`, in which case `files.key` signs the request. Files are
 * renamed into place, so a process reading them never sees half a certificate.
 */
export async function issueCert(
  files: KeyPair,
  profile: CertProfile,
  window: ValidityWindow,
  issuer: KeyPair | 'self',
  reuseKey: boolean,
): Promise<void> {
  const target = { cert: path.resolve(files.cert), key: path.resolve(files.key) };
  const name = path.basename(target.cert);
  const work = await mkdtemp(path.join(path.dirname(target.cert), '.issue-'));
  try {
    await writeFile(path.join(work, 'openssl.cnf'), opensslConfig(profile));
    await writeFile(path.join(work, 'index.txt'), '');
    const keyFile = reuseKey ? target.key : path.join(work, 'new.key');
    const keyArgs = reuseKey ? ['-key', target.key] : [...P256_KEY, '-keyout', keyFile];
    await openssl(`make the key and request for ${name}`, work, [
      ...['req', '-new', '-config', 'openssl.cnf', '-out', 'request.csr'],
      ...keyArgs,
    ]);
    const signer = issuer === 'self' ? ['-selfsign', '-keyfile', keyFile] : issuerArgs(issuer);
    await openssl(`sign ${name}`, work, [
      ...['ca', '-batch', '-notext', '-config', 'openssl.cnf', '-in', 'request.csr', '-out', 'cert.pem'],
      ...['-startdate', asn1Time(window.notBefore), '-enddate', asn1Time(window.notAfter)],
      ...signer,
    ]);
    if (!reuseKey) await install(keyFile, target.key, PRIVATE);
    await install(path.join(work, 'cert.pem'), target.cert, PUBLIC);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The key pair apiservers sign and verify service-account tokens with. */
export async function makeSigningKey(privateFile: string, publicFile: string): Promise<void> {
  const name = path.basename(privateFile);
  const work = await mkdtemp(path.join(path.dirname(privateFile), '.issue-'));
  try {
    const key = path.join(work, 'new.key');
    const pub = path.join(work, 'new.pub');
    const genpkey = ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key];
    await openssl(`make the key ${name}`, work, genpkey);
    await openssl(`derive the public key of ${name}`, work, ['pkey', '-in', key, '-pubout', '-out', pub]);
    await install(key, privateFile, PRIVATE);
    await install(pub, publicFile, PUBLIC);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function issuerArgs(issuer: KeyPair): string[] {
  // openssl runs in the work directory, so relative paths would miss.
  return ['-cert', path.resolve(issuer.cert), '-keyfile', path.resolve(issuer.key)];
}

async function install(from: string, to: string, mode: number): Promise<void> {
  await chmod(from, mode);
  await rename(from, to);
}

async function openssl(step: string, cwd: string, args: string[]): Promise<void> {
  const r = await run('openssl', args, {
    cwd,
    allowFailure: true,
    timeoutMs: 30_000,
    installHint: OPENSSL_HINT,
  });
  if (r.exitCode !== 0) {
    const output = (r.stderr || r.stdout).replace(/^Using configuration from .*\n?/m, '');
    throw new EnvironmentError(
      `openssl could not ${step}: ${lastLines(output, 15) || `exit code ${r.exitCode}`}`,
    );
  }
}

/** GeneralizedTime (YYYYMMDDHHMMSSZ), which `openssl ca` turns into the form RFC 5280 asks for. */
export function asn1Time(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:T]/g, '');
}

/**
 * One config serves both `req` (the subject) and `ca` (a throw-away database and the extensions).
 * Paths are relative to the work directory so no user path is ever parsed as config syntax.
 */
export function opensslConfig(profile: CertProfile): string {
  const organizations = profile.organizations.map((o, i) => `${i}.O = ${configValue(o)}`);
  return [
    '[req]',
    'distinguished_name = subject',
    'prompt = no',
    '[subject]',
    `CN = ${configValue(profile.commonName)}`,
    ...organizations,
    '[ca]',
    'default_ca = issuer',
    '[issuer]',
    'database = index.txt',
    'new_certs_dir = .',
    'default_md = sha256',
    'rand_serial = yes',
    'unique_subject = no',
    'email_in_dn = no',
    // Keep the request's subject as is: the apiserver reads users and groups from CN and O.
    'preserve = yes',
    'policy = any_subject',
    'x509_extensions = extensions',
    '[any_subject]',
    'commonName = supplied',
    'organizationName = optional',
    '[extensions]',
    ...(profile.isCa ? caExtensions() : leafExtensions(profile)),
    '',
  ].join('\n');
}

function caExtensions(): string[] {
  return [
    'basicConstraints = critical, CA:TRUE',
    'keyUsage = critical, digitalSignature, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
  ];
}

function leafExtensions(profile: CertProfile): string[] {
  const sans = [
    ...profile.dnsNames.map((d, i) => `DNS.${i} = ${configValue(d)}`),
    ...profile.ips.map((ip, i) => `IP.${i} = ${configValue(ip)}`),
  ];
  return [
    'basicConstraints = critical, CA:FALSE',
    // ECDSA keys only sign; keyEncipherment belongs to RSA key exchange.
    'keyUsage = critical, digitalSignature',
    `extendedKeyUsage = ${profile.usages.join(', ')}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    ...(sans.length > 0 ? ['subjectAltName = @sans', '[sans]', ...sans] : []),
  ];
}

/** Names reach the config unquoted, so only characters with no meaning to its parser may pass. */
function configValue(value: string): string {
  if (!/^[A-Za-z0-9:][A-Za-z0-9.:_@ -]*$/.test(value)) {
    throw new Error(`refusing to put ${JSON.stringify(value)} in an openssl config`);
  }
  return value;
}
