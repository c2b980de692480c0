import { chmod, mkdir } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { UsageError } from '../util/errors.ts';
import {
  issueCert,
  makeSigningKey,
  type CertProfile,
  type KeyPair,
  type ValidityWindow,
} from './pki/openssl.ts';

export { writeKubeconfig, type KubeconfigOptions } from './pki/kubeconfig.ts';
export type { CertProfile, ExtendedKeyUsage, KeyPair } from './pki/openssl.ts';

/**
 * The cluster's PKI: two CAs (cluster and etcd), every serving, peer and client certificate the control
 * plane needs, and the service-account key pair. planPki says where every file lives; makePki creates
 * them; reissueCert replaces one certificate with a new validity (expiry drills).
 */

export interface PkiNode {
  name: string;
  ip: string;
}

/** A lifetime from now, or an exact window (which may lie wholly in the past). */
export type Validity = { days: number } | { notAfter: Date; notBefore?: Date };

export type CaId = 'ca' | 'etcd/ca';
export type LeafId =
  | 'apiserver'
  | 'apiserver-etcd-client'
  | 'admin'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'coredns'
  | 'kwok'
  | 'load'
  | 'lb-check'
  | 'etcd/probe-client'
  | `etcd/${string}-server`
  | `etcd/${string}-peer`;
/** Names a certificate; also its path under the PKI directory without the extension. */
export type CertId = CaId | LeafId;

export interface PkiSpec {
  nodes: readonly PkiNode[];
  /** Addresses clients reach the apiservers by through the load balancer: IPs and/or DNS names. */
  loadBalancerAddresses: readonly string[];
  /** Cluster IP of the `kubernetes` Service, e.g. 10.96.0.1. */
  kubernetesServiceIp: string;
  /** Default cluster.local. */
  clusterDomain?: string;
  /**
   * Where proxies on the etcd peer links connect from: a member checks that a peer's certificate names
   * the address the connection comes from, so each member's certificate names these too.
   */
  etcdPeerProxyAddresses?: readonly string[];
  /** Lifetime of every leaf certificate; fractions are allowed (0.01 days is about 14 minutes). */
  lifetimeDays: number;
  /** Lifetime of both CAs; default ten years (or lifetimeDays if longer), so CAs outlive their leaves. */
  caLifetimeDays?: number;
  /** Validity of single certificates, overriding the lifetimes above. */
  validity?: Partial<Record<CertId, Validity>>;
}

export interface Cert extends KeyPair {
  id: CertId;
  profile: CertProfile;
  /** The CA that signs it; 'self' for a CA. */
  issuer: KeyPair | 'self';
}

export interface EtcdMemberCerts {
  server: Cert;
  peer: Cert;
}

export interface Pki {
  /** Absolute; every path below is absolute too. */
  dir: string;
  ca: Cert;
  etcdCa: Cert;
  apiserver: Cert;
  apiserverEtcdClient: Cert;
  admin: Cert;
  controllerManager: Cert;
  scheduler: Cert;
  coredns: Cert;
  kwok: Cert;
  /** Client the load generator (k6) presents: only what the load does, in the probe namespace. */
  load: Cert;
  /** Client HAProxy presents on its /readyz health checks (anonymous auth is off). */
  loadBalancerCheck: Cert;
  /** Client the tool's own etcd probes (etcdctl) present. */
  etcdProbeClient: Cert;
  /** Keyed by node name. */
  etcdMembers: Record<string, EtcdMemberCerts>;
  /** Signs and verifies service-account tokens; shared by every apiserver. */
  serviceAccount: { key: string; pub: string };
}

const DAY_MS = 86_400_000;
const DEFAULT_CA_DAYS = 3650;

/** Where every file of the PKI for `spec` lives in `dir`; creates nothing, so it also describes an existing PKI. */
export function planPki(dir: string, spec: PkiSpec): Pki {
  checkSpec(spec);
  const root = path.resolve(dir);
  const cert = (id: CertId, profile: CertProfile, issuer: KeyPair | 'self'): Cert => ({
    id,
    cert: path.join(root, `${id}.crt`),
    key: path.join(root, `${id}.key`),
    profile,
    issuer,
  });
  const ca = cert('ca', caProfile('kubernetes-ca'), 'self');
  const etcdCa = cert('etcd/ca', caProfile('etcd-ca'), 'self');
  const etcdMembers = Object.fromEntries(
    spec.nodes.map((node) => {
      const profile = etcdMemberProfile(node, spec.etcdPeerProxyAddresses ?? []);
      const server = cert(`etcd/${node.name}-server`, profile, etcdCa);
      const peer = cert(`etcd/${node.name}-peer`, profile, etcdCa);
      return [node.name, { server, peer }];
    }),
  );
  const pki: Pki = {
    dir: root,
    ca,
    etcdCa,
    apiserver: cert('apiserver', apiserverProfile(spec), ca),
    apiserverEtcdClient: cert('apiserver-etcd-client', clientProfile('kube-apiserver-etcd-client'), etcdCa),
    admin: cert('admin', clientProfile('kubernetes-admin', ['system:masters']), ca),
    controllerManager: cert('kube-controller-manager', clientProfile('system:kube-controller-manager'), ca),
    scheduler: cert('kube-scheduler', clientProfile('system:kube-scheduler'), ca),
    coredns: cert('coredns', clientProfile('coredns'), ca),
    // Own identities with RBAC of their own (bootstrap.ts), not system:masters.
    kwok: cert('kwok', clientProfile('kwok-controller'), ca),
    load: cert('load', clientProfile('kube-ha-drill-load'), ca),
    // Any authenticated user may read /readyz (system:public-info-viewer), so it needs no group.
    loadBalancerCheck: cert('lb-check', clientProfile('kube-ha-drill-lb-check'), ca),
    etcdProbeClient: cert('etcd/probe-client', clientProfile('kube-ha-drill-etcd-probe'), etcdCa),
    etcdMembers,
    serviceAccount: { key: path.join(root, 'sa.key'), pub: path.join(root, 'sa.pub') },
  };
  checkValidityOverrides(spec, pki);
  return pki;
}

/** Every certificate of the PKI, CAs first. */
export function certsOf(pki: Pki): Cert[] {
  return [pki.ca, pki.etcdCa, ...leafCertsOf(pki)];
}

export function leafCertsOf(pki: Pki): Cert[] {
  return [
    pki.apiserver,
    pki.apiserverEtcdClient,
    pki.admin,
    pki.controllerManager,
    pki.scheduler,
    pki.coredns,
    pki.kwok,
    pki.load,
    pki.loadBalancerCheck,
    pki.etcdProbeClient,
    ...Object.values(pki.etcdMembers).flatMap((m) => [m.server, m.peer]),
  ];
}

/**
 * Creates the PKI for `spec` in `dir` (mode 0700; keys 0600), replacing any files already there.
 * Keys are made concurrently: the CAs and the service-account key first, then every leaf.
 */
export async function makePki(dir: string, spec: PkiSpec): Promise<Pki> {
  const pki = planPki(dir, spec);
  await makePrivateDir(pki.dir);
  await makePrivateDir(path.join(pki.dir, 'etcd'));
  const now = new Date();
  const issue = (cert: Cert) =>
    issueCert(cert, cert.profile, windowOf(validityOf(spec, cert.id), now), cert.issuer, false);
  await Promise.all([
    issue(pki.ca),
    issue(pki.etcdCa),
    makeSigningKey(pki.serviceAccount.key, pki.serviceAccount.pub),
  ]);
  await Promise.all(leafCertsOf(pki).map(issue));
  return pki;
}

/**
 * Replaces one certificate by one with the same subject, names and key but a new validity, e.g.
 * `{ notAfter: new Date(Date.now() + 60_000) }` for one that expires in a minute. Processes that load
 * the certificate again pick it up; a kubeconfig that embeds it must be written again.
 */
export async function reissueCert(cert: Cert, validity: Validity): Promise<void> {
  await issueCert(cert, cert.profile, windowOf(validity, new Date()), cert.issuer, true);
}

function validityOf(spec: PkiSpec, id: CertId): Validity {
  const override = spec.validity?.[id];
  if (override) return override;
  if (id === 'ca' || id === 'etcd/ca') {
    return { days: spec.caLifetimeDays ?? Math.max(DEFAULT_CA_DAYS, spec.lifetimeDays) };
  }
  return { days: spec.lifetimeDays };
}

function windowOf(validity: Validity, now: Date): ValidityWindow {
  if ('days' in validity) {
    checkDays('validity days', validity.days);
    return { notBefore: now, notAfter: new Date(now.getTime() + validity.days * DAY_MS) };
  }
  const { notAfter } = validity;
  // An exact notAfter in the past still needs a window before it to be a well-formed certificate.
  const notBefore = validity.notBefore ?? new Date(Math.min(now.getTime(), notAfter.getTime() - DAY_MS));
  if (!(notBefore.getTime() < notAfter.getTime())) {
    throw new UsageError(
      `certificate validity starts (${notBefore.toISOString()}) after it ends (${notAfter.toISOString()})`,
      'give a notBefore earlier than notAfter',
    );
  }
  return { notBefore, notAfter };
}

function caProfile(commonName: string): CertProfile {
  return { commonName, organizations: [], isCa: true, usages: [], dnsNames: [], ips: [] };
}

function clientProfile(commonName: string, organizations: string[] = []): CertProfile {
  return { commonName, organizations, isCa: false, usages: ['clientAuth'], dnsNames: [], ips: [] };
}

/** etcd's gRPC gateway dials its own member with the server certificate, so it needs clientAuth too. */
function etcdMemberProfile(node: PkiNode, proxies: readonly string[]): CertProfile {
  return {
    commonName: node.name,
    organizations: [],
    isCa: false,
    usages: ['serverAuth', 'clientAuth'],
    ...splitNames([node.ip, '127.0.0.1', 'localhost', node.name, ...proxies]),
  };
}

function apiserverProfile(spec: PkiSpec): CertProfile {
  const domain = spec.clusterDomain ?? 'cluster.local';
  return {
    commonName: 'kube-apiserver',
    organizations: [],
    isCa: false,
    usages: ['serverAuth'],
    ...splitNames([
      ...spec.loadBalancerAddresses,
      ...spec.nodes.map((n) => n.ip),
      '127.0.0.1',
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      `kubernetes.default.svc.${domain}`,
      spec.kubernetesServiceIp,
    ]),
  };
}

/** Sorts names into DNS and IP subject alternative names, without duplicates. */
function splitNames(names: readonly string[]): { dnsNames: string[]; ips: string[] } {
  const unique = [...new Set(names)];
  return { dnsNames: unique.filter((n) => isIP(n) === 0), ips: unique.filter((n) => isIP(n) !== 0) };
}

async function makePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing directory's mode alone.
  await chmod(dir, 0o700);
}

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

function checkSpec(spec: PkiSpec): void {
  if (spec.nodes.length === 0) throw new UsageError('the PKI needs at least one node');
  const names = new Set<string>();
  for (const node of spec.nodes) {
    checkDnsName('node name', node.name);
    checkIp(`IP of ${node.name}`, node.ip);
    if (names.has(node.name)) throw new UsageError(`node name ${node.name} is used twice`);
    names.add(node.name);
  }
  for (const address of spec.loadBalancerAddresses) {
    if (isIP(address) === 0) checkDnsName('load balancer address', address);
  }
  checkIp('kubernetes service IP', spec.kubernetesServiceIp);
  if (spec.clusterDomain !== undefined) checkDnsName('cluster domain', spec.clusterDomain);
  checkDays('lifetimeDays', spec.lifetimeDays);
  if (spec.caLifetimeDays !== undefined) checkDays('caLifetimeDays', spec.caLifetimeDays);
}

function checkValidityOverrides(spec: PkiSpec, pki: Pki): void {
  const known = new Set<string>(certsOf(pki).map((c) => c.id));
  for (const id of Object.keys(spec.validity ?? {})) {
    if (!known.has(id)) {
      throw new UsageError(
        `validity is given for unknown certificate ${id}`,
        `use one of: ${[...known].join(', ')}`,
      );
    }
  }
}

function checkDnsName(what: string, value: string): void {
  if (!DNS_NAME.test(value)) {
    throw new UsageError(
      `${what} ${JSON.stringify(value)} is not a valid DNS name`,
      'use lower-case a-z, 0-9, - and .',
    );
  }
}

function checkIp(what: string, value: string): void {
  if (isIP(value) === 0) throw new UsageError(`${what} ${JSON.stringify(value)} is not an IP address`);
}

function checkDays(what: string, days: number): void {
  if (!Number.isFinite(days) || days <= 0) {
    throw new UsageError(`${what} must be a positive number of days, not ${days}`);
  }
}
