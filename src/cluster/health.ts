/** Health questions every provider's cluster can be asked over the network, with the admin's credentials. */
import http from 'node:http';
import https from 'node:https';
import { httpsRequest, type TlsMaterial } from '../util/tls-client.ts';

export interface EtcdMemberStatus {
  /** Hex member id. */
  id: string;
  /** Hex id of the leader this member follows (0 when it knows none). */
  leader: string;
  raftTerm: number;
  revision: number;
}

const hex = (dec: string | number | undefined): string =>
  dec === undefined ? '0' : BigInt(dec).toString(16);

/** etcd's maintenance Status through its JSON gateway: one request, no etcdctl process per probe. */
export async function etcdStatus(
  clientUrl: string,
  tls: TlsMaterial,
  timeoutMs = 1000,
): Promise<EtcdMemberStatus> {
  const r = await httpsRequest(`${clientUrl}/v3/maintenance/status`, tls, {
    method: 'POST',
    body: '{}',
    timeoutMs,
  });
  return parseEtcdStatus(r);
}

/** The answer of etcd's maintenance Status (JSON gateway), or an error for anything but 200. */
export function parseEtcdStatus(r: { status: number; body: string }): EtcdMemberStatus {
  if (r.status !== 200) throw new Error(`etcd status HTTP ${r.status}: ${r.body.slice(0, 200)}`);
  const s = JSON.parse(r.body) as {
    header?: { member_id?: string; revision?: string };
    leader?: string;
    raftTerm?: string;
  };
  return {
    id: hex(s.header?.member_id),
    leader: hex(s.leader),
    raftTerm: Number(s.raftTerm ?? 0),
    revision: Number(s.header?.revision ?? 0),
  };
}

export async function apiserverReady(baseUrl: string, tls: TlsMaterial, timeoutMs = 2000): Promise<boolean> {
  try {
    return (await httpsRequest(`${baseUrl}/readyz`, tls, { timeoutMs })).status === 200;
  } catch {
    return false;
  }
}

export function httpOk(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Who holds a kube-system lease (controller-manager and scheduler leader election), or undefined. */
export async function leaseHolder(
  apiServer: string,
  tls: TlsMaterial,
  name: string,
): Promise<string | undefined> {
  try {
    const r = await httpsRequest(
      `${apiServer}/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${name}`,
      tls,
    );
    if (r.status !== 200) return undefined;
    return (JSON.parse(r.body) as { spec?: { holderIdentity?: string } }).spec?.holderIdentity || undefined;
  } catch {
    return undefined;
  }
}

/**
 * /healthz of a controller-manager or scheduler: served on their own
 * self-signed certificate and open to anonymous clients, so nothing to verify
 * or present; the address is a node of our own network.
 */
export function selfSignedHealthz(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(url, { timeout: timeoutMs, agent: false, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
