/**
 * The local cluster's load balancers, in the setup its config names: one HAProxy on the host
 * (single), a pair in namespaces of their own with keepalived sharing a virtual IP (vrrp-pair), or
 * no central one and a HAProxy on each node's loopback besides the host's (per-node).
 */
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pki } from '../../cluster/pki.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import type { Layout } from './config.ts';
import { haproxyCheckScript, haproxyConfig, keepalivedConfig } from './config-files.ts';
import { lbStatsSocketOf, type ProcessSpec } from './process-spec.ts';
import { haproxySpec, keepalivedSpec, type Binaries } from './specs.ts';

/** What starts, for the progress line. */
export function loadBalancerWords(layout: Layout): string {
  switch (layout.config.loadBalancers) {
    case 'vrrp-pair':
      return 'haproxy x2, keepalived x2';
    case 'per-node':
      return 'haproxy on the host and on each node';
    default:
      return 'haproxy';
  }
}

/** Writes every load balancer's configuration into the cluster's directory. */
export function writeLoadBalancerFiles(layout: Layout, pki: Pki): void {
  const { dir, config } = layout;
  // HAProxy presents a client certificate on its /readyz checks: anonymous auth is off.
  const checkPem = path.join(dir, 'haproxy-check.pem');
  writeFileAtomic(
    checkPem,
    readFileSync(pki.loadBalancerCheck.cert, 'utf8') + readFileSync(pki.loadBalancerCheck.key, 'utf8'),
  );
  const files = (at?: string) => ({
    caFile: pki.ca.cert,
    checkCertFile: checkPem,
    statsSocket: lbStatsSocketOf(dir, at),
  });
  const write = (at: string | undefined, binds: string[]) =>
    writeFileAtomic(haproxyConfigFile(dir, at), haproxyConfig(layout, files(at), binds));
  switch (config.loadBalancers) {
    case 'vrrp-pair': {
      const checkScript = path.join(dir, 'keepalived-check.sh');
      writeFileAtomic(checkScript, haproxyCheckScript(layout));
      chmodSync(checkScript, 0o700);
      for (const lb of layout.lbNodes) {
        // Every address of its namespace: its own, and the virtual IP whenever it holds it.
        write(lb.name, ['0.0.0.0']);
        writeFileAtomic(keepalivedFiles(dir, lb.name).config, keepalivedConfig(layout, lb, checkScript));
      }
      return;
    }
    case 'per-node':
      // The host's for the host's clients only; each node's on its own loopback for the clients in it.
      write(undefined, [config.lbAddress]);
      for (const n of layout.nodes) write(n.name, ['127.0.0.1']);
      return;
    default:
      // The one balancer also listens on the bridge, for the clients inside the nodes.
      write(undefined, [config.lbAddress, layout.bridgeIp]);
  }
}

/** The supervised processes of the load balancers. */
export function loadBalancerSpecs(layout: Layout, bin: Binaries): ProcessSpec[] {
  const { dir } = layout;
  const host = haproxySpec(layout, bin, haproxyConfigFile(dir));
  switch (layout.config.loadBalancers) {
    case 'vrrp-pair':
      return layout.lbNodes.flatMap((lb) => [
        haproxySpec(layout, bin, haproxyConfigFile(dir, lb.name), lb),
        keepalivedSpec(layout, bin, lb, keepalivedFiles(dir, lb.name)),
      ]);
    case 'per-node':
      return [host, ...layout.nodes.map((n) => haproxySpec(layout, bin, haproxyConfigFile(dir, n.name), n))];
    default:
      return [host];
  }
}

/** haproxy.cfg of the host's; haproxy-<where>.cfg of one in a namespace. */
function haproxyConfigFile(dir: string, at?: string): string {
  return path.join(dir, at ? `haproxy-${at}.cfg` : 'haproxy.cfg');
}

function keepalivedFiles(dir: string, lb: string) {
  return {
    config: path.join(dir, `keepalived-${lb}.conf`),
    pid: path.join(dir, `keepalived-${lb}.pid`),
    vrrpPid: path.join(dir, `keepalived-vrrp-${lb}.pid`),
  };
}
