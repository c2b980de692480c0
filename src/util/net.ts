import net from 'node:net';

/** A dotted-quad part: 0 to 255 without leading zeros, which some tools would read as octal. */
const OCTET = /^(0|[1-9]\d{0,2})$/;

/** IPv4 dotted quad <-> 32-bit number. */
export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p) && Number(p) <= 255)) {
    throw new Error(`"${ip}" is not an IPv4 address (four numbers from 0 to 255, e.g. 127.0.0.1)`);
  }
  const [a, b, c, d] = parts.map(Number) as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** 127.0.0.1 to 127.255.255.254: the loopback network without its network and broadcast addresses. */
export function isLoopbackAddress(ip: string): boolean {
  let n: number;
  try {
    n = ipToInt(ip);
  } catch {
    return false;
  }
  return n >>> 24 === 127 && n !== 0x7f000000 && n !== 0x7fffffff;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  base: number;
  prefix: number;
}

/**
 * A subnet as the user gives it: /8 to /28, so that it holds the cluster and is not absurdly large,
 * written as its network address (10.213.0.0/24, not 10.213.0.5/24, which would be silently masked).
 */
export function parseCidr(cidr: string): Cidr {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/([1-9]\d?)$/.exec(cidr);
  if (!m) throw new Error(`"${cidr}" is not an IPv4 CIDR such as 10.213.0.0/24`);
  const prefix = Number(m[2]);
  if (prefix < 8 || prefix > 28) throw new Error(`prefix /${prefix} of "${cidr}" must be between /8 and /28`);
  const c = cidrOf(m[1]!, prefix);
  if (c.base !== ipToInt(m[1]!))
    throw new Error(`"${cidr}" has host bits set; its network is ${intToIp(c.base)}/${prefix}`);
  return c;
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
