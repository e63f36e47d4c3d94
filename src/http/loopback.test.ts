import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './loopback.ts';

const hostnameOf = (host: string) => new URL(`http://${host}/`).hostname;

describe('isLoopbackHost', () => {
  it.each([
    '127.0.0.1',
    '127.1',
    '127.255.255.254',
    '0x7f.0.0.1',
    '[::1]',
    '[0:0:0:0:0:0:0:1]',
    '[::ffff:127.0.0.1]',
    'localhost',
    'LOCALHOST',
  ])('%s is loopback', (host) => expect(isLoopbackHost(hostnameOf(host))).toBe(true));
  it.each([
    '127.evil.example',
    '127.0.0.1.evil.example',
    '1270.0.0.1.example',
    'localhost.evil.example',
    '128.0.0.1',
    '10.0.0.1',
    '[::2]',
    '[::ffff:10.0.0.1]',
    '[fe80::1]',
    'example.org',
  ])('%s is not loopback', (host) => expect(isLoopbackHost(hostnameOf(host))).toBe(false));
});
