/**
 * The site's signature words and the snippets that carry verification (site/lib/signatures.ts,
 * site/lib/snippets.ts), on records as the sync writes them and on odd ones a hand-edited or
 * future catalog could hold: unknown kinds, missing fields, non-objects, control characters.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogRegistry, CatalogVersion } from '../../src/catalog/types.ts';
import {
  installableVersion,
  isRefused,
  policyWords,
  shortIdentity,
  signatureBadge,
} from '../../site/lib/signatures.ts';
import { installSnippets } from '../../site/lib/snippets.ts';

const FINGERPRINT = '672C657BE06B4B30969C4A57461449C25E36B98E';
const SPKI = `sha256:${'ab12'.repeat(16)}`;

const registry = (over: Partial<CatalogRegistry> = {}): CatalogRegistry => ({
  name: 'acme',
  url: 'https://charts.acme.example',
  kind: 'http',
  private: false,
  charts: 1,
  versions: 1,
  failedVersions: [],
  republished: [],
  ...over,
});
const helmPolicy = (required: boolean) =>
  ({
    provider: 'helm',
    key: 'keys/helm-signing.asc',
    required,
    keyDigest: `sha256:${'0'.repeat(64)}`,
  }) as const;
const cosignPolicy = {
  provider: 'cosign',
  key: 'keys/cosign.pub',
  required: true,
  keyDigest: `sha256:${'1'.repeat(64)}`,
} as const;

const version = (over: Partial<CatalogVersion> = {}): CatalogVersion => ({
  version: '1.0.0',
  created: '2026-11-01T00:00:00.000Z',
  deprecated: false,
  removed: false,
  files: [],
  ...over,
});

describe('signature badges', () => {
  it('says nothing for a version never checked, "unsigned" for signatures: []', () => {
    expect(signatureBadge(version(), registry())).toBeUndefined();
    expect(signatureBadge(undefined, registry())).toBeUndefined();
    expect(signatureBadge(version({ signatures: [] }), registry())).toMatchObject({
      state: 'unsigned',
      label: 'unsigned',
    });
  });

  it('names the signer, a shortened key identity and the kind of a verified signature', () => {
    const badge = signatureBadge(
      version({
        signatures: [
          { kind: 'cosign', verified: false, reason: 'a foreign signature' },
          { kind: 'helm', verified: true, signer: 'Helm Signer <signer@example.com>', identity: FINGERPRINT },
        ],
        policy: 'passed',
      }),
      registry({ verify: helmPolicy(true) }),
    );
    expect(badge).toMatchObject({ state: 'verified', label: 'signed · verified', level: 'ok' });
    expect(badge!.detail).toBe(
      'Signed and verified by Helm Signer <signer@example.com> (key 4614 49C2 5E36 B98E, Helm provenance).',
    );
    expect(badge!.lines).toHaveLength(2);
    expect(shortIdentity(SPKI)).toBe('sha256:ab12ab12ab12…');
    expect(shortIdentity(`https://github.com/${'x'.repeat(100)}`)).toHaveLength(58);
  });

  it('gives the first reason of a signature that did not verify', () => {
    const badge = signatureBadge(
      version({
        signatures: [{ kind: 'cosign', verified: false, reason: 'the payload names another digest' }],
      }),
      registry(),
    );
    expect(badge).toMatchObject({ state: 'signed', label: 'signed · not verified', level: 'warn' });
    expect(badge!.detail).toBe('cosign signature, not verified: the payload names another digest');
  });

  it('refuses a version that failed a required policy, with the policy error; a failed optional policy is not a refusal', () => {
    const failed = version({
      signatures: [],
      policy: 'failed',
      policyError: { code: 'SignatureMissing', message: 'web 1.0.0 has no Helm provenance file' },
    });
    const badge = signatureBadge(failed, registry({ verify: helmPolicy(true) }));
    expect(badge).toMatchObject({ state: 'refused', label: 'refused by policy', level: 'bad' });
    expect(badge!.detail).toBe('SignatureMissing: web 1.0.0 has no Helm provenance file');
    expect(isRefused(failed, registry({ verify: helmPolicy(false) }))).toBe(false);
    // …it is said beside the badge instead
    expect(signatureBadge(failed, registry({ verify: helmPolicy(false) }))).toMatchObject({
      state: 'unsigned',
      policyNote: { code: 'SignatureMissing', message: 'web 1.0.0 has no Helm provenance file' },
    });
  });

  it('reads odd records as far as they go and never throws', () => {
    const odd = version({
      signatures: [
        42,
        null,
        'x',
        { kind: 'pgp-v9', verified: 'yes', signer: 7 },
        { verified: false, reason: 'a\u0000b\u202Ec\nd' },
      ] as unknown as CatalogVersion['signatures'],
    });
    const badge = signatureBadge(odd, registry());
    expect(badge?.state).toBe('signed');
    expect(badge!.lines.map((l) => l.kindLabel)).toEqual(['unknown kind pgp-v9', 'unknown kind']);
    // control and bidi characters become spaces: one line, nothing reordered
    expect(badge!.lines[1]!.reason).toBe('a b c d');
    expect(signatureBadge(version({ signatures: 'none' as unknown as [] }), registry())).toBeUndefined();
    // a refused version whose policyError is missing still says something
    const bare = signatureBadge(version({ policy: 'failed' }), registry({ verify: helmPolicy(true) }));
    expect(bare?.detail).toMatch(/^PolicyFailed: /);
    expect(policyWords(registry({ verify: 'x' as unknown as CatalogRegistry['verify'] }))).toBeUndefined();
    expect(policyWords(registry({ verify: helmPolicy(true) }))).toEqual({
      provider: 'Helm provenance (OpenPGP keyring)',
      key: 'keys/helm-signing.asc',
      identities: [],
      required: true,
    });
  });

  it('bounds upstream text', () => {
    const badge = signatureBadge(
      version({ signatures: [{ kind: 'helm', verified: false, reason: 'r'.repeat(100_000) }] }),
      registry(),
    );
    expect(badge!.lines[0]!.reason!.length).toBeLessThanOrEqual(1001);
  });

  it('offers the latest unless it is refused, else the newest version that is not', () => {
    const reg = registry({ verify: helmPolicy(true) });
    const versions = [
      version({ version: '2.0.0', policy: 'failed' }),
      version({ version: '1.1.0', policy: 'failed' }),
      version({ version: '1.0.0', policy: 'passed' }),
    ];
    expect(installableVersion(versions, reg, '2.0.0')?.version).toBe('1.0.0');
    expect(installableVersion(versions, reg, '1.0.0')?.version).toBe('1.0.0');
    expect(installableVersion(versions.slice(0, 2), reg, '2.0.0')).toBeUndefined();
    // without a required policy nothing is refused
    expect(installableVersion(versions, registry(), '2.0.0')?.version).toBe('2.0.0');
  });
});

describe('install snippets that verify', () => {
  const code = (snippets: ReturnType<typeof installSnippets>, id: string) =>
    snippets.find((s) => s.id === id)?.code ?? '';

  it('adds nothing without a policy', () => {
    const snippets = installSnippets(registry(), 'web', '1.0.0');
    expect(snippets.map((s) => s.code).join('\n')).not.toMatch(/verify|keyring|cosign|signature/);
  });

  it('helm provider, HTTP: helm install --verify --keyring, the keyring dearmored from the key in the catalog repository', () => {
    const snippets = installSnippets(registry({ verify: helmPolicy(true) }), 'web', '1.0.0');
    const helm = code(snippets, 'helm-repo');
    expect(helm).toContain('helm install web acme/web --version 1.0.0 --verify --keyring helm-signing.gpg');
    expect(helm).toContain('keys/helm-signing.asc in the catalog repository');
    expect(helm).toContain(
      '# helm reads a binary keyring: gpg --dearmor < keys/helm-signing.asc > helm-signing.gpg',
    );
    expect(code(snippets, 'flux')).toContain('# Flux does not verify Helm provenance files');
    expect(code(snippets, 'argocd')).toMatch(/^# Argo CD does not verify chart signatures/);
  });

  it('helm provider, OCI, with a binary keyring: --verify --keyring of that file', () => {
    const reg = registry({
      kind: 'oci',
      url: 'oci://registry.example/charts',
      verify: { ...helmPolicy(false), key: 'keys/pubring.gpg' },
    });
    const helm = code(installSnippets(reg, 'web', '1.0.0'), 'helm-oci');
    expect(helm).toContain(
      'helm install web oci://registry.example/charts/web --version 1.0.0 --verify --keyring pubring.gpg',
    );
    expect(helm).toContain('keys/pubring.gpg in the catalog repository');
    expect(helm).not.toContain('dearmor');
  });

  it('cosign provider, OCI: a Flux verify block with a secretRef, the kubectl line that makes the Secret, and cosign verify for helm users', () => {
    const reg = registry({
      name: 'harbor',
      kind: 'oci',
      url: 'oci://registry.example/charts',
      verify: cosignPolicy,
    });
    const snippets = installSnippets(reg, 'api', '2.1.0');
    const flux = code(snippets, 'flux');
    expect(flux).toContain(
      '# kubectl create secret generic harbor-cosign-pub --namespace flux-system --from-file=cosign.pub=keys/cosign.pub',
    );
    expect(flux).toContain(
      ['  verify:', '    provider: cosign', '    secretRef:', '      name: harbor-cosign-pub'].join('\n'),
    );
    // the verify block is the OCIRepository's, before the HelmRelease
    expect(flux.indexOf('verify:')).toBeLessThan(flux.indexOf('kind: HelmRelease'));
    expect(flux.indexOf('kind: OCIRepository')).toBeLessThan(flux.indexOf('verify:'));
    const helm = code(snippets, 'helm-oci');
    expect(helm).toContain('# cosign verify --key keys/cosign.pub registry.example/charts/api:2.1.0');
    expect(helm).not.toContain('--verify');
  });

  it('quotes a key path that is not a plain word in the commands it writes', () => {
    const reg = registry({ verify: { ...helmPolicy(true), key: "keys/it's $(id).asc" } });
    const helm = code(installSnippets(reg, 'web', '1.0.0'), 'helm-repo');
    expect(helm).toContain(`gpg --dearmor < 'keys/it'\\''s $(id).asc' > 'it'\\''s $(id).gpg'`);
    expect(helm).toContain(`--verify --keyring 'it'\\''s $(id).gpg'`);
  });
});

describe('keyless signatures, Sigstore bundles and Notation', () => {
  const SAN = 'https://github.com/org/app/.github/workflows/release.yaml@refs/tags/v3.0.0';
  const ISSUER = 'https://token.actions.githubusercontent.com';
  const identities = [
    {
      issuer: '^https://token\\.actions\\.githubusercontent\\.com$',
      subject: '^https://github\\.com/org/app/\\.github/workflows/release\\.yaml@refs/tags/v.*$',
    },
  ];
  const keyless = {
    provider: 'cosign',
    required: false,
    matchOIDCIdentity: identities,
    sigstoreRoot: 'the public-good Sigstore root shipped with chartroom (2026-11-20)',
    sigstoreRootDigest: `sha256:${'2'.repeat(64)}`,
  } as const;
  const oci = (verify: CatalogRegistry['verify']) =>
    registry({ name: 'ci', kind: 'oci', url: 'oci://ghcr.io/org/charts', verify });
  const code = (snippets: ReturnType<typeof installSnippets>, id: string) =>
    snippets.find((s) => s.id === id)?.code ?? '';

  it('a verified keyless signature or bundle is "by" its identity, with its issuer', () => {
    for (const [kind, label] of [
      ['sigstore', 'Sigstore bundle'],
      ['cosign', 'cosign (keyless)'],
    ] as const) {
      const badge = signatureBadge(
        version({
          signatures: [
            {
              kind,
              verified: true,
              identity: SAN,
              issuer: ISSUER,
              signer: 'keyless, Sigstore root shipped',
              digest: SPKI,
            },
          ],
        }),
        oci(keyless),
      );
      expect(badge).toMatchObject({ state: 'verified', label: 'signed · verified' });
      expect(badge!.detail).toBe(
        `Signed and verified by ${shortIdentity(SAN)} (issuer ${ISSUER}, ${label}).`,
      );
      expect(badge!.lines[0]).toMatchObject({
        keyless: true,
        identity: SAN,
        issuer: ISSUER,
        kindLabel: label,
      });
    }
  });

  it('a Notation signature alone is detected, not verified; beside a cosign one, the cosign one speaks', () => {
    const notation = {
      kind: 'notation',
      verified: false,
      digest: SPKI,
      reason: 'a Notation signature: detected, not verified; verify it with notation verify',
    } as const;
    const alone = signatureBadge(version({ signatures: [notation] }), oci(keyless));
    expect(alone).toMatchObject({ state: 'signed', label: 'signed · not verified' });
    expect(alone!.detail).toBe(`Notation signature detected, not verified: ${notation.reason}`);
    const beside = signatureBadge(
      version({ signatures: [notation, { kind: 'cosign', verified: false, reason: 'no identity matches' }] }),
      oci(keyless),
    );
    expect(beside!.detail).toBe('cosign signature, not verified: no identity matches');
  });

  it('the registry page words: identities and root, keyless only or beside a key', () => {
    expect(policyWords(oci(keyless))).toEqual({
      provider: 'cosign (keyless)',
      identities,
      sigstoreRoot: keyless.sigstoreRoot,
      required: false,
    });
    expect(policyWords(oci({ ...keyless, key: 'keys/cosign.pub', keyDigest: SPKI }))).toMatchObject({
      provider: 'cosign (public key or keyless)',
      key: 'keys/cosign.pub',
    });
    expect(policyWords(oci(cosignPolicy))).toEqual({
      provider: 'cosign (public key)',
      key: 'keys/cosign.pub',
      identities: [],
      required: true,
    });
  });

  it('Flux verifies keyless with matchOIDCIdentity and no secretRef; helm users get cosign verify with the regexps', () => {
    const snippets = installSnippets(oci(keyless), 'app', '3.0.0');
    const flux = code(snippets, 'flux');
    expect(flux).toContain(
      [
        '  verify:',
        '    provider: cosign',
        '    matchOIDCIdentity:',
        '      - issuer: "^https://token\\\\.actions\\\\.githubusercontent\\\\.com$"',
        '        subject: "^https://github\\\\.com/org/app/\\\\.github/workflows/release\\\\.yaml@refs/tags/v.*$"',
        '---',
      ].join('\n'),
    );
    expect(flux).not.toContain('secretRef');
    expect(flux).not.toContain('kubectl create secret');
    expect(flux).toContain("# Flux verifies the chart's keyless cosign signature");
    expect(code(snippets, 'helm-oci')).toContain(
      "# cosign verify --certificate-identity-regexp '^https://github\\.com/org/app/\\.github/workflows/release\\.yaml@refs/tags/v.*$' --certificate-oidc-issuer-regexp '^https://token\\.actions\\.githubusercontent\\.com$' ghcr.io/org/charts/app:3.0.0",
    );
    expect(code(snippets, 'argocd')).toContain(
      '# keyless signatures of the identities in its matchOIDCIdentity (cosign) when it synced',
    );
  });

  it('a private trusted root: the Flux snippet says Flux checks keyless signatures against the public one', () => {
    const flux = (sigstoreRoot: string) =>
      code(installSnippets(oci({ ...keyless, sigstoreRoot }), 'app', '3.0.0'), 'flux');
    expect(flux('trust/trusted_root.json')).toContain(
      "# chartroom verified them under trust/trusted_root.json; Flux uses the public Sigstore instance's root,",
    );
    expect(flux(keyless.sigstoreRoot)).not.toContain('chartroom verified them under');
  });

  it('with a key too: the secretRef and matchOIDCIdentity both, and what Flux does with them', () => {
    const both = oci({ ...keyless, key: 'keys/cosign.pub', keyDigest: SPKI });
    const snippets = installSnippets(both, 'app', '3.0.0');
    const flux = code(snippets, 'flux');
    expect(flux).toContain(
      [
        '    secretRef:',
        '      name: ci-cosign-pub # the public key, as cosign.pub',
        '    matchOIDCIdentity:',
      ].join('\n'),
    );
    expect(flux).toContain(
      '# with a secretRef Flux verifies with the key; remove secretRef to verify keyless',
    );
    const helm = code(snippets, 'helm-oci');
    expect(helm).toContain('# cosign verify --key keys/cosign.pub ghcr.io/org/charts/app:3.0.0');
    expect(helm).toContain('# or, keyless: the certificate must match this identity:');
  });

  it('an odd matchOIDCIdentity in a hand-edited catalog: entries without both patterns go, text stays one line', () => {
    const odd = oci({
      provider: 'cosign',
      required: false,
      matchOIDCIdentity: [
        { issuer: 'x' } as never,
        'nope' as never,
        { issuer: 'iss\n--- injected: true', subject: "it's" },
      ],
    });
    const flux = code(installSnippets(odd, 'app', '1.0.0'), 'flux');
    expect(flux).toContain('      - issuer: "iss --- injected: true"\n        subject: "it\'s"');
    expect(flux.match(/- issuer/g)).toHaveLength(1);
    expect(policyWords(odd)!.identities).toEqual([{ issuer: 'iss --- injected: true', subject: "it's" }]);
    // nothing to verify with: no policy block at all
    expect(
      code(installSnippets(oci({ provider: 'cosign', required: false }), 'app', '1.0.0'), 'flux'),
    ).not.toContain('verify:');
  });
});
