import net from 'node:net';

/** IPv4 dotted quad <-> 32-bit number. */
export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`"${ip}" is not an IPv4 address`);
  }
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  base: number;
  prefix: number;
}

/** A subnet as the user gives it: /8 to /28, so that it holds the cluster and is not absurdly large. */
export function parseCidr(cidr: string): Cidr {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`"${cidr}" is not an IPv4 CIDR such as 10.213.0.0/24`);
  const prefix = Number(m[2]);
  if (prefix < 8 || prefix > 28) throw new Error(`prefix /${prefix} of "${cidr}" must be between /8 and /28`);
  return cidrOf(m[1]!, prefix);
}

/** Any address and prefix length (0 to 32), e.g. a route of the machine. */
export function cidrOf(ip: string, prefix: number): Cidr {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ipToInt(ip) & mask) >>> 0, prefix };
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
  return (a.base & mask) >>> 0 === (b.base & mask) >>> 0;
}

/** True when every address of `inner` lies in `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrOverlaps(outer, inner);
}

export function hostInCidr(c: Cidr, offset: number): string {
  return intToIp(c.base + offset);
}

/** True when nothing listens on host:port (a TCP bind succeeds). */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}
