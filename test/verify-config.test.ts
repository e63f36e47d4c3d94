/** `verify:` in a registry file: accepted with its default, every problem placed at its value, at once. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fieldPosition } from '../src/config/field-positions.ts';
import { checkRegistryFile, loadRegistries } from '../src/config/load.ts';
import { createTempRepo, type TempRepo } from '../testkit/temp-repo.ts';
import { chartroom } from './helpers/cli.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'chartroom-verify-config-'));
  await mkdir(path.join(root, 'registries'));
  await mkdir(path.join(root, 'keys'));
  await writeFile(path.join(root, 'keys', 'helm.asc'), '-----BEGIN PGP PUBLIC KEY BLOCK-----\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const messages = (source: string, file = 'registries/corp.yaml') =>
  checkRegistryFile(file, source).errors.map((e) => e.message);

describe('verify: in a registry file', () => {
  it('is read with required false by default, and its key placed', async () => {
    await writeFile(
      path.join(root, 'registries', 'corp.yaml'),
      'url: https://charts.example\nverify:\n  provider: helm\n  key: keys/helm.asc\n',
    );
    const { registries, errors } = await loadRegistries(root);
    expect(errors).toEqual([]);
    expect(registries[0]!.verify).toEqual({ provider: 'helm', key: 'keys/helm.asc', required: false });
    expect(fieldPosition(registries[0]!, 'verify.key')).toEqual({ line: 4, column: 8 });
  });

  it('is absent from a definition without it', () => {
    const { registry } = checkRegistryFile('registries/a.yaml', 'url: https://charts.example\n');
    expect(registry && 'verify' in registry).toBe(false);
  });

  it('reports every problem of a bad block at once, each at its place', () => {
    expect(
      messages(
        'url: https://charts.example\nverify:\n  provider: gpg\n  required: yes please\n  keyring: k.asc\n',
      ),
    ).toEqual([
      'registries/corp.yaml:3:3: verify: is missing "key"',
      'registries/corp.yaml:3:13: verify.provider must be helm or cosign, not the string "gpg"',
      'registries/corp.yaml:4:13: verify.required must be true or false, not the string "yes please"',
      'registries/corp.yaml:5:3: unknown field "keyring": did you mean "key"?',
    ]);
  });

  it('refuses a value that is not a mapping, an empty key, and a key outside the repository', () => {
    expect(messages('url: https://charts.example\nverify: helm\n')).toEqual([
      'registries/corp.yaml:2:9: verify must be a mapping with provider and key, not the string "helm"',
    ]);
    expect(messages('url: https://charts.example\nverify: {provider: helm, key: ""}\n')).toEqual([
      'registries/corp.yaml:2:31: verify.key is empty',
    ]);
    expect(
      messages('url: https://charts.example\nverify: {provider: helm, key: /etc/keyring.gpg}\n'),
    ).toEqual(['registries/corp.yaml:2:31: verify.key "/etc/keyring.gpg" is not inside the repository']);
    expect(
      messages('url: https://charts.example\nverify:\n  provider: helm\n  key: keys/../../k.asc\n'),
    ).toEqual(['registries/corp.yaml:4:8: verify.key "keys/../../k.asc" is not inside the repository']);
  });

  it('refuses cosign for a chart repository (cosign signs OCI manifests)', () => {
    expect(messages('url: https://charts.example\nverify:\n  provider: cosign\n  key: cosign.pub\n')).toEqual(
      [
        'registries/corp.yaml:3:13: verify.provider cosign needs an OCI registry: cosign signs OCI manifests, and a chart repository has none',
      ],
    );
    expect(
      messages('url: oci://ghcr.io/corp/charts\nverify:\n  provider: cosign\n  key: cosign.pub\n'),
    ).toEqual([]);
  });

  it("refuses a key file that is missing, a folder, or a link out of the repository, with the other files' problems", async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'chartroom-outside-'));
    try {
      await writeFile(path.join(outside, 'k.asc'), 'x');
      await symlink(path.join(outside, 'k.asc'), path.join(root, 'keys', 'link.asc'));
      const write = (name: string, key: string) =>
        writeFile(
          path.join(root, 'registries', `${name}.yaml`),
          `url: https://charts.example\nverify:\n  provider: helm\n  key: ${key}\n`,
        );
      await write('a', 'keys/gone.asc');
      await write('b', 'keys');
      await write('c', 'keys/link.asc');
      await write('d', 'keys/helm.asc');
      const { registries, errors } = await loadRegistries(root);
      expect(registries.map((r) => r.name)).toEqual(['d']);
      expect(errors.map((e) => e.message)).toEqual([
        'registries/a.yaml:4:8: verify.key "keys/gone.asc" does not exist',
        'registries/b.yaml:4:8: verify.key "keys" is not a file',
        'registries/c.yaml:4:8: verify.key "keys/link.asc" leads outside the repository (a symbolic link)',
      ]);
      expect(errors[0]!.hint).toContain('commit the keyring');
      expect(errors[1]!.hint).toContain('OpenPGP public keyring');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

const GITHUB = 'issuer: ^https://token\\.actions\\.githubusercontent\\.com$';
const WORKFLOW =
  'subject: ^https://github\\.com/org/charts/\\.github/workflows/release\\.yaml@refs/tags/v.*$';

describe('verify.matchOIDCIdentity (keyless cosign, as in Flux)', () => {
  it('is read beside a key or instead of one, in the order written', () => {
    const keyless = checkRegistryFile(
      'registries/corp.yaml',
      `url: oci://ghcr.io/org/charts\nverify:\n  provider: cosign\n  matchOIDCIdentity:\n    - ${GITHUB}\n      ${WORKFLOW}\n    - {issuer: ^https://accounts\\.google\\.com$, subject: '@org\\.example$'}\n  required: true\n`,
    );
    expect(keyless.errors).toEqual([]);
    expect(keyless.registry!.verify).toEqual({
      provider: 'cosign',
      matchOIDCIdentity: [
        {
          issuer: '^https://token\\.actions\\.githubusercontent\\.com$',
          subject: '^https://github\\.com/org/charts/\\.github/workflows/release\\.yaml@refs/tags/v.*$',
        },
        { issuer: '^https://accounts\\.google\\.com$', subject: '@org\\.example$' },
      ],
      required: true,
    });
    expect(fieldPosition(keyless.registry!, 'verify.matchOIDCIdentity')).toEqual({ line: 5, column: 5 });
    const both = checkRegistryFile(
      'registries/corp.yaml',
      `url: oci://ghcr.io/org/charts\nverify:\n  provider: cosign\n  key: cosign.pub\n  matchOIDCIdentity: [{issuer: x, subject: y}]\n`,
    );
    expect(both.registry!.verify).toEqual({
      provider: 'cosign',
      key: 'cosign.pub',
      matchOIDCIdentity: [{ issuer: 'x', subject: 'y' }],
      required: false,
    });
  });

  it('keeps a key-only policy exactly as before (no new field, so its definition hash stays)', () => {
    const { registry } = checkRegistryFile(
      'registries/corp.yaml',
      'url: oci://ghcr.io/org/charts\nverify: {provider: cosign, key: cosign.pub}\n',
    );
    expect(Object.keys(registry!.verify!)).toEqual(['provider', 'key', 'required']);
  });

  it('refuses cosign with neither key nor identities, helm without a key, and identities under helm', () => {
    expect(messages('url: oci://ghcr.io/org/charts\nverify:\n  provider: cosign\n')).toEqual([
      'registries/corp.yaml:3:3: verify: is missing "key"',
    ]);
    expect(
      messages(
        'url: https://charts.example\nverify:\n  provider: helm\n  matchOIDCIdentity: [{issuer: x, subject: y}]\n',
      ),
    ).toEqual([
      'registries/corp.yaml:3:3: verify: is missing "key"',
      'registries/corp.yaml:4:22: verify.matchOIDCIdentity is for provider cosign (keyless signatures and Sigstore bundles): provider helm verifies OpenPGP provenance files with key',
    ]);
  });

  it('refuses a pattern that is not RE2 (lookaround, a bad group), at its place, each one told', () => {
    const errors = checkRegistryFile(
      'registries/corp.yaml',
      'url: oci://ghcr.io/org/charts\nverify:\n  provider: cosign\n  matchOIDCIdentity:\n    - issuer: "(?=https)"\n      subject: ok\n    - issuer: ok\n      subject: "a(b"\n',
    ).errors;
    expect(errors.map((e) => e.message)).toEqual([
      'registries/corp.yaml:5:15: verify.matchOIDCIdentity item 1: issuer "(?=https)" is not an RE2 regular expression (invalid or unsupported Perl syntax: `(?=`)',
      'registries/corp.yaml:8:16: verify.matchOIDCIdentity item 2: subject "a(b" is not an RE2 regular expression (missing closing ): `a(b`)',
    ]);
    expect(errors[0]!.hint).toContain("Go's RE2 syntax");
  });

  it('refuses a bad list: empty, too long, an entry missing a field, an unknown field, a wrong type', () => {
    const head = 'url: oci://ghcr.io/org/charts\nverify:\n  provider: cosign\n';
    expect(messages(`${head}  matchOIDCIdentity: []\n`)).toEqual([
      'registries/corp.yaml:4:22: verify.matchOIDCIdentity is empty',
    ]);
    const many = Array.from({ length: 17 }, () => '{issuer: x, subject: y}').join(', ');
    expect(messages(`${head}  matchOIDCIdentity: [${many}]\n`)).toEqual([
      'registries/corp.yaml:4:22: verify.matchOIDCIdentity has more than 16 entries',
    ]);
    expect(
      messages(
        `${head}  matchOIDCIdentity:\n    - issuer: x\n    - issuer: x\n      subjectRegex: y\n      subject: 3\n`,
      ),
    ).toEqual([
      'registries/corp.yaml:5:7: verify.matchOIDCIdentity item 1 is missing "subject"',
      'registries/corp.yaml:7:7: unknown field "subjectRegex": did you mean "subject"?',
      'registries/corp.yaml:8:16: verify.matchOIDCIdentity item 2: subject must be a regular expression (text), not 3',
    ]);
    expect(messages(`${head}  matchOIDCIdentity: [{issuer: '${'a'.repeat(1100)}', subject: y}]\n`)).toEqual([
      'registries/corp.yaml:4:32: verify.matchOIDCIdentity item 1: issuer is longer than 1024 characters',
    ]);
  });
});

describe('validate with a keyless policy', () => {
  let repo: TempRepo;
  beforeEach(async () => {
    repo = await createTempRepo();
    await repo.writeRegistry(
      'ci',
      'url: oci://ghcr.io/org/charts\nverify:\n  provider: cosign\n  matchOIDCIdentity:\n    - issuer: ^https://token\\.actions\\.githubusercontent\\.com$\n      subject: ^https://github\\.com/org/\n',
    );
  });
  afterEach(() => repo.cleanup());

  it('shows the identities and the trusted root it loaded (the shipped one)', async () => {
    const validate = await chartroom(['validate'], { cwd: repo.root });
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain(
      'ok registries/ci.yaml: oci oci://ghcr.io/org/charts, interval 2m, verify cosign keyless (issuer ^https://token\\.actions\\.githubusercontent\\.com$ subject ^https://github\\.com/org/) (not required: recorded only)',
    );
    expect(validate.stdout).toMatch(/ok Sigstore trusted root: .*public-good.* \(sha256:[0-9a-f]{64}\)/);
  });

  it('refuses a trust.sigstoreRoot that is missing or not a trusted root, at its place in chartroom.yaml', async () => {
    await writeFile(path.join(repo.root, 'chartroom.yaml'), 'trust:\n  sigstoreRoot: roots/missing.json\n');
    const missing = await chartroom(['validate'], { cwd: repo.root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'error: chartroom.yaml:2:17: trust.sigstoreRoot "roots/missing.json" does not exist (SigstoreRootInvalid)',
    );
    await mkdir(path.join(repo.root, 'roots'));
    await writeFile(path.join(repo.root, 'roots', 'missing.json'), '{"not": "a root"}\n');
    const invalid = await chartroom(['validate'], { cwd: repo.root });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('chartroom.yaml:2:17: trust.sigstoreRoot "roots/missing.json"');
    expect(invalid.stderr).toContain('(SigstoreRootInvalid)');
    expect(invalid.stderr).toContain('hint:');
  });
});
