import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { reissueCert } from '../../cluster/pki.ts';
import { servedCertificate } from '../../cluster/served-cert.ts';
import type { ClusterInfo } from '../../cluster/topology.ts';
import { now } from '../../observe/clock.ts';
import { EnvironmentError } from '../../util/errors.ts';
import { pollUntil } from '../../util/wait-until.ts';
import type { Disruption } from '../provider.ts';
import { plannedPki } from './pki-spec.ts';
import { layoutOfCluster } from './state.ts';

/**
 * The apiservers' serving certificate (one file, pki/apiserver.crt, that all three load) swapped for
 * one that has expired or soon will, with the same key, and rotated back to a valid one at the heal.
 * kube-apiserver watches the file and serves a new certificate at once, so no restart is involved.
 */

const MINUTE_MS = 60_000;
/** How long the apiservers may take to serve a new certificate after the file changed. */
const SERVED_TIMEOUT_MS = 30_000;
/** Present while a drill's expired certificate is in place; a crashed drill leaves it for the next. */
const MARKER = 'serving-cert-swapped-by-drill';

function pkiOf(info: ClusterInfo) {
  const layout = layoutOfCluster(info.dir);
  return { pki: plannedPki(layout), lifetimeDays: layout.config.certLifetimeDays };
}

const markerOf = (info: ClusterInfo) => path.join(info.dir, MARKER);

/** Certificates count time in whole seconds: what is said is what the certificate says. */
const wholeSecond = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

/** Waits until every apiserver, asked directly, serves a certificate that ends at `notAfter`. */
async function waitServed(info: ClusterInfo, notAfter: Date): Promise<number> {
  const started = Date.now();
  const wanted = Math.floor(notAfter.getTime() / 1000);
  for (const [node, url] of Object.entries(info.endpoints.apiServerOf)) {
    const served = await pollUntil(
      async () => {
        const found = await servedCertificate(url, node).catch(() => undefined);
        if (!found) return undefined;
        const end = Math.floor(Date.parse(new X509Certificate(found.pem).validTo) / 1000);
        return end === wanted ? true : undefined;
      },
      { timeoutMs: SERVED_TIMEOUT_MS, intervalMs: 200 },
    );
    if (!served)
      throw new EnvironmentError(
        `the apiserver on ${node} (${url}) did not serve the new certificate within ${SERVED_TIMEOUT_MS / 1000} s`,
      );
  }
  return Date.now() - started;
}

/** A valid certificate again, for the cluster's configured lifetime: the rotation. */
async function rotate(info: ClusterInfo): Promise<{ notAfter: Date; servedAfterMs: number }> {
  const { pki, lifetimeDays } = pkiOf(info);
  const notBefore = wholeSecond(Date.now() - MINUTE_MS);
  const notAfter = new Date(notBefore.getTime() + lifetimeDays * 86_400_000);
  await reissueCert(pki.apiserver, { notBefore, notAfter });
  const servedAfterMs = await waitServed(info, notAfter);
  rmSync(markerOf(info), { force: true });
  return { notAfter, servedAfterMs };
}

/**
 * Swaps the serving certificate: `validForMs` 0 for one that expired a minute ago, otherwise one that
 * expires that long after the swap (the outage then begins during the hold, as a real expiry does).
 */
export async function expireServingCert(info: ClusterInfo, validForMs: number): Promise<Disruption> {
  const { pki } = pkiOf(info);
  const at = now();
  const wall = Date.now();
  const window =
    validForMs === 0
      ? { notBefore: wholeSecond(wall - 60 * MINUTE_MS), notAfter: wholeSecond(wall - MINUTE_MS) }
      : { notBefore: wholeSecond(wall - MINUTE_MS), notAfter: wholeSecond(wall + validForMs) };
  // Written first: whatever stops the drill from here on, the next one rotates the certificate back.
  writeFileSync(markerOf(info), `${process.pid}\n`);
  await reissueCert(pki.apiserver, window);
  const servedAfterMs = await waitServed(info, window.notAfter);
  const ends = window.notAfter.toISOString();
  let healed = false;
  return {
    at,
    description:
      `the apiservers' serving certificate (${path.relative(info.dir, pki.apiserver.cert)}, same key) ` +
      `replaced by one ${validForMs === 0 ? `that expired at ${ends}` : `that expires at ${ends}`}; ` +
      `every apiserver served it ${(servedAfterMs / 1000).toFixed(1)} s later`,
    data: { certificate: 'apiserver', notAfter: ends, validForMs, servedAfterMs },
    heal: async () => {
      if (healed) return undefined;
      const at = now();
      const rotated = await rotate(info);
      healed = true;
      return {
        at,
        description:
          `rotation: a new serving certificate valid until ${rotated.notAfter.toISOString()}, ` +
          `served by every apiserver ${(rotated.servedAfterMs / 1000).toFixed(1)} s later`,
        data: {
          certificate: 'apiserver',
          notAfter: rotated.notAfter.toISOString(),
          servedAfterMs: rotated.servedAfterMs,
        },
      };
    },
  };
}

/** Rotates a certificate an interrupted drill left swapped; undefined when there was none. */
export async function rotateLeftoverServingCert(info: ClusterInfo): Promise<string | undefined> {
  if (!existsSync(markerOf(info))) return undefined;
  const { notAfter } = await rotate(info);
  return `rotated the apiservers' serving certificate it had swapped (now valid until ${notAfter.toISOString()})`;
}
