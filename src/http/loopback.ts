/**
 * Whether a URL's host is this machine, decided from the parsed address, never from a string
 * prefix (`127.evil.example` is a name anyone can register, not a loopback address).
 */
import { isIP } from 'node:net';

/**
 * `hostname` as `URL.hostname` gives it (IPv6 in brackets; WHATWG parsing has already turned
 * `127.1` or `0x7f.0.0.1` into `127.0.0.1`): 127.0.0.0/8, ::1, ::ffff:127.x.y.z, or `localhost`.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  const family = isIP(host);
  if (family === 4) return host.split('.')[0] === '127';
  if (family === 6) return isLoopbackV6(host);
  return false;
}

function isLoopbackV6(host: string): boolean {
  const groups = expandV6(host);
  if (groups === undefined) return false;
  const zeroes = (n: number) => groups.slice(0, n).every((g) => g === 0);
  if (zeroes(7) && groups[7] === 1) return true; // ::1
  // ::ffff:127.x.y.z, an IPv4-mapped loopback address
  return zeroes(5) && groups[5] === 0xffff && groups[6]! >> 8 === 127;
}

/** The eight 16-bit groups of a valid IPv6 address (a dotted IPv4 tail included). */
function expandV6(host: string): number[] | undefined {
  let text = host.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => parseInt(g, 16));
}
