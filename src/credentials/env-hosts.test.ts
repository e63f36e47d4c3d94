import { describe, expect, it } from 'vitest';
import { parseEnvHosts, refusal } from './env-hosts.ts';

describe('CHARTROOM_ENV_HOSTS', () => {
  it('reads entries separated by newlines, spaces or ;, hosts by ,', () => {
    const bindings = parseEnvHosts(
      'A=one.example\n B=two.example,three.example:5000 ;C=[::1]:5000;;A=four.example',
    );
    expect(Object.fromEntries(bindings.hosts)).toEqual({
      A: ['one.example', 'four.example'],
      B: ['two.example', 'three.example:5000'],
      C: ['[::1]:5000'],
    });
    expect(bindings.problems).toEqual([]);
  });

  it('matches a hostname on any port and host:port on that port only', () => {
    const bindings = parseEnvHosts('A=one.example B=two.example:5000');
    expect(refusal('A', 'one.example:8443', bindings)).toBeUndefined();
    expect(refusal('A', 'ONE.example', bindings)).toBeUndefined();
    expect(refusal('B', 'two.example:5000', bindings)).toBeUndefined();
    expect(refusal('B', 'two.example:5001', bindings)).toContain(
      "CHARTROOM_ENV_HOSTS='B=two.example:5000,two.example:5001'",
    );
    expect(refusal('A', 'one.example.evil.example', bindings)).toContain('binds to one.example only');
    expect(refusal('C', 'one.example', bindings)).toContain("CHARTROOM_ENV_HOSTS='C=one.example'");
  });

  it('never binds SOPS_AGE_KEY*, and reports entries it cannot read', () => {
    const bindings = parseEnvHosts(
      'SOPS_AGE_KEY=h.example;SOPS_AGE_KEY_FILE=h.example sops_age_key=h.example X= =h.example Y=a/b Z',
    );
    expect([...bindings.hosts.keys()]).toEqual([]);
    expect(bindings.problems).toEqual([
      'SOPS_AGE_KEY can never be bound: it decrypts every SOPS credential',
      'SOPS_AGE_KEY_FILE can never be bound: it decrypts every SOPS credential',
      'sops_age_key can never be bound: it decrypts every SOPS credential',
      '"X=" is not NAME=host[,host…]',
      '"=h.example" is not NAME=host[,host…]',
      '"Y=a/b" is not NAME=host[,host…]',
      '"Z" is not NAME=host[,host…]',
    ]);
    for (const name of ['SOPS_AGE_KEY', 'SOPS_AGE_KEY_FILE', 'SOPS_AGE_KEY_CMD'])
      expect(refusal(name, 'h.example', bindings)).toContain('which no credential may read');
  });
});
