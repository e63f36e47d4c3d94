/** The WWW-Authenticate challenges real registries send, from ../shared/fixtures/oci/README.md. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChallenge } from '../../src/sources/oci/challenge.ts';
import { fixturesDir } from '../../testkit/fixtures.ts';

const readme = readFileSync(path.join(fixturesDir(), 'oci', 'README.md'), 'utf8');
const rows = [...readme.matchAll(/^\| ([^|]+) \| `((?:Bearer|Basic) [^`]+)`[^|]*\|/gm)].map((m) => ({
  registry: m[1]!.trim(),
  header: m[2]!,
}));

describe('challenges of real registries', () => {
  it('has the table', () => {
    expect(rows.map((r) => r.registry)).toEqual([
      'GitHub (GHCR)',
      'Docker Hub',
      'Google Artifact Registry',
      'Amazon ECR',
      'Azure (ACR)',
      'Harbor',
      'GitLab',
    ]);
  });

  it.each(rows)('$registry: scheme, realm and service parse', ({ header }) => {
    const challenge = parseChallenge(header)!;
    expect(['bearer', 'basic']).toContain(challenge.scheme);
    expect(challenge.params.realm).toMatch(/^https:\/\//);
    expect(challenge.params.service).toBeTruthy();
    expect(header).toContain(`realm="${challenge.params.realm}"`);
  });

  it("Docker Hub names a realm on another host than the registry, so the credential goes there by the registry's word", () => {
    const hub = parseChallenge(rows.find((r) => r.registry === 'Docker Hub')!.header)!;
    expect(new URL(hub.params.realm!).host).toBe('auth.docker.io');
    expect(hub.params.service).toBe('registry.docker.io');
  });
});
