/**
 * The lines of the install snippets (snippets.ts) that verify again at deploy what the catalog
 * verified: provider `helm` → `helm install --verify --keyring …` (HTTP and OCI; helm reads a
 * binary keyring, so an armored `.asc` key is dearmored first); provider `cosign` (OCI) → Flux's
 * OCIRepository `spec.verify` (provider cosign, a `secretRef` to a Secret holding the public key as
 * `cosign.pub`) and the `kubectl create secret` line that makes it; a keyless policy
 * (`matchOIDCIdentity`) → `spec.verify.matchOIDCIdentity` with the same regular expressions and no
 * secretRef (with a key too, both: Flux then verifies with the key, which a comment says), and the
 * `cosign verify --certificate-identity-regexp … --certificate-oidc-issuer-regexp …` line for helm
 * users. What a tool cannot verify is said in a comment: Flux does not check Helm provenance
 * files, Argo CD no chart signature at all.
 */
import type { CatalogRegistry, CatalogVerifyPolicy } from '../../src/catalog/types.ts';
import { oneLine, q } from './format.ts';

/** A word safe in a shell command as it is; anything else single-quoted. */
const shellWord = (value: string) =>
  /^[\w./@:+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;

export interface SnippetPolicy extends Pick<CatalogVerifyPolicy, 'provider' | 'required'> {
  key?: string;
  /** the trusted root keyless signatures were verified under, when it is not the shipped public-good one */
  privateRoot?: string;
  /** cosign: the identities a keyless signature must have (RE2 regular expressions) */
  identities: { issuer: string; subject: string }[];
}

/** A pattern as the snippets write it: one line, bounded (the registry file's own cap). */
const pattern = (value: unknown) =>
  typeof value === 'string' && oneLine(value) !== '' ? oneLine(value).slice(0, 1024) : undefined;

/** A catalog's `matchOIDCIdentity`, the entries with both patterns (a hand-edited catalog may hold odd ones). */
function identitiesOf(value: unknown): SnippetPolicy['identities'] {
  if (!Array.isArray(value)) return [];
  return value.slice(0, 16).flatMap((entry: unknown) => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const issuer = pattern(e.issuer);
    const subject = pattern(e.subject);
    return issuer && subject ? [{ issuer, subject }] : [];
  });
}

/** The registry's policy when it is one the snippets can act on (a catalog may hold an odd one). */
export function policyOf(registry: CatalogRegistry): SnippetPolicy | undefined {
  const verify = registry.verify as unknown;
  if (typeof verify !== 'object' || verify === null) return undefined;
  const { provider, key, required, matchOIDCIdentity, sigstoreRoot } = verify as Record<string, unknown>;
  if (provider !== 'helm' && provider !== 'cosign') return undefined;
  // one line: a key path is written into comments and commands
  const path = typeof key === 'string' && key.trim() ? oneLine(key) : undefined;
  const identities = provider === 'cosign' ? identitiesOf(matchOIDCIdentity) : [];
  if (!path && identities.length === 0) return undefined;
  // the sync words the shipped root "the public-good Sigstore root shipped with chartroom (…)"
  const root = pattern(sigstoreRoot);
  const privateRoot = identities.length > 0 && root && !root.startsWith('the public-good') ? root : undefined;
  return {
    provider,
    ...(path ? { key: path } : {}),
    identities,
    ...(privateRoot ? { privateRoot } : {}),
    required: required === true,
  };
}

/** What the policy verifies with, in words: `keys/cosign.pub`, `keyless identities`, or both. */
export const policyMeans = (policy: SnippetPolicy) =>
  [
    ...(policy.key ? [policy.key] : []),
    ...(policy.identities.length > 0
      ? ['keyless signatures of the identities in its matchOIDCIdentity']
      : []),
  ].join(' or ');

/** The comment lines that tell a helm user how cosign verifies what chartroom verified. */
export function cosignCliLines(policy: SnippetPolicy, image: string, plainHttp: boolean): string[] {
  const http = plainHttp ? ' --allow-http-registry' : '';
  const keyed = policy.key
    ? [
        `# helm does not check cosign signatures; cosign does (the key is ${policy.key} in the catalog repository):`,
        `# cosign verify --key ${shellWord(policy.key)}${http} ${image}`,
      ]
    : [];
  const keyless = policy.identities.length
    ? [
        `# ${policy.key ? 'or, keyless' : 'helm does not check cosign signatures; cosign does (keyless'}: the certificate must match ${policy.identities.length === 1 ? 'this identity' : 'one of these identities'}${policy.key ? '' : ')'}:`,
        ...policy.identities.map(
          (i) =>
            `# cosign verify --certificate-identity-regexp ${shellWord(i.subject)} --certificate-oidc-issuer-regexp ${shellWord(i.issuer)}${http} ${image}`,
        ),
      ]
    : [];
  return [...keyed, ...keyless];
}

/** Flux's `spec.verify` of the OCIRepository: a secretRef for the key, matchOIDCIdentity for keyless. */
export function fluxVerifyLines(policy: SnippetPolicy, secret: string): string[] {
  return [
    '  verify:',
    '    provider: cosign',
    ...(policy.key ? ['    secretRef:', `      name: ${secret} # the public key, as cosign.pub`] : []),
    ...(policy.identities.length > 0
      ? [
          '    matchOIDCIdentity:',
          ...policy.identities.flatMap((i) => [
            `      - issuer: ${q(i.issuer)}`,
            `        subject: ${q(i.subject)}`,
          ]),
        ]
      : []),
  ];
}

/** The keyring file helm is given: the key's own name, or for an armored key the dearmored file's. */
function keyringOf(key: string): { file: string; dearmor: boolean } {
  const name = key.split('/').pop() || key;
  const armored = /\.(asc|txt)$/i.test(name);
  return armored
    ? { file: `${name.replace(/\.[^.]+$/, '')}.gpg`, dearmor: true }
    : { file: name, dearmor: false };
}

export function helmVerifyLines(key: string): { comments: string[]; flags: string } {
  const keyring = keyringOf(key);
  const comments = keyring.dearmor
    ? [
        `# --verify checks the chart's provenance file against the keyring, ${key} in the catalog repository;`,
        `# helm reads a binary keyring: gpg --dearmor < ${shellWord(key)} > ${shellWord(keyring.file)}`,
      ]
    : [`# --verify checks the chart's provenance file against the keyring, ${key} in the catalog repository`];
  return { comments, flags: ` --verify --keyring ${shellWord(keyring.file)}` };
}

/** What the Flux snippet says first: the Secret its `verify:` names, or what Flux cannot verify. */
export function fluxComments(
  registry: CatalogRegistry,
  policy: ReturnType<typeof policyOf>,
  secret: string,
  oci: boolean,
): string[] {
  if (!policy) return [];
  if (policy.provider === 'cosign' && oci) {
    const key = policy.key
      ? [
          `# the public key Flux verifies the chart's cosign signature with (${policy.key} in the catalog repository):`,
          `# kubectl create secret generic ${secret} --namespace flux-system --from-file=cosign.pub=${shellWord(policy.key)}`,
        ]
      : [];
    const keyless =
      policy.identities.length === 0
        ? []
        : policy.key
          ? [
              '# with a secretRef Flux verifies with the key; remove secretRef to verify keyless signatures',
              "# against matchOIDCIdentity instead (both are this registry's policy in the catalog)",
            ]
          : [
              "# Flux verifies the chart's keyless cosign signature: its certificate must match an identity",
              '# of matchOIDCIdentity (issuer and subject are regular expressions), as chartroom checked at sync',
            ];
    // Flux checks keyless signatures against the public Sigstore instance's root
    const root = policy.privateRoot
      ? [
          `# chartroom verified them under ${policy.privateRoot}; Flux uses the public Sigstore instance's root,`,
          '# so a private Sigstore deployment needs a key (secretRef) or another verifier at deploy',
        ]
      : [];
    return [...key, ...keyless, ...root];
  }
  if (policy.provider === 'helm' && policy.key)
    return [
      '# Flux does not verify Helm provenance files (it verifies cosign and Notation signatures):',
      `# check it first with helm pull --verify --keyring ${shellWord(keyringOf(policy.key).file)} (see the helm tab)`,
    ];
  return [`# ${registry.name}'s cosign policy applies to OCI charts only: Flux verifies nothing here`];
}
