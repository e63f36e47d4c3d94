/**
 * Install snippets for one chart version (helm, Flux and Argo CD, in the registry's own form),
 * and the registry-level set-up its page shows. An OCI registry with `insecure: true` is reached
 * over plain http: helm then needs `--plain-http` (install and `helm registry login`), Flux's
 * OCIRepository `spec.insecure: true` and Argo CD a repository Secret with
 * `insecureOCIForceHttp: "true"`. A plain-http chart repository needs none of these: its
 * `http://` URL says so (Flux's HelmRepository `insecure` applies to `type: oci` only).
 *
 * A registry with a `verify:` policy gets snippets that verify again at deploy what the catalog
 * verified: provider `helm` → `helm install --verify --keyring …` (HTTP and OCI; helm reads a
 * binary keyring, so an armored `.asc` key is dearmored first); provider `cosign` (OCI) → Flux's
 * OCIRepository `spec.verify` (provider cosign, a `secretRef` to a Secret holding the public key as
 * `cosign.pub`) and the `kubectl create secret` line that makes it; a keyless policy
 * (`matchOIDCIdentity`) → `spec.verify.matchOIDCIdentity` with the same regular expressions and no
 * secretRef (with a key too, both: Flux then verifies with the key, which a comment says), and the
 * `cosign verify --certificate-identity-regexp … --certificate-oidc-issuer-regexp …` line for helm
 * users. What a tool cannot verify is said in a comment: Flux does not check Helm provenance
 * files, Argo CD no chart signature at all.
 * Callers never pass a refused version (signatures.ts, installableVersion).
 */
import type { CatalogRegistry, CatalogVerifyPolicy } from '../../src/catalog/types.ts';
import { parseOciReference } from '../../src/sources/oci/reference.ts';
import { withoutTrailingSlashes } from '../../src/slashes.ts';
import { oneLine } from './format.ts';

export interface Snippet {
  id: string;
  title: string;
  language: 'shell' | 'yaml';
  code: string;
}

const q = (value: string) => JSON.stringify(value);

/** An OCI registry reached over plain http (see the top of this file). */
const overPlainHttp = (registry: CatalogRegistry) => registry.kind === 'oci' && registry.insecure === true;

const CREDENTIAL_FLAGS = '--username <username> --password-stdin';

function registryLogin(registry: CatalogRegistry, host: string): string {
  return `helm registry login ${host}${overPlainHttp(registry) ? ' --plain-http' : ''} ${CREDENTIAL_FLAGS}`;
}

/** A word safe in a shell command as it is; anything else single-quoted. */
const shellWord = (value: string) =>
  /^[\w./@:+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;

interface SnippetPolicy extends Pick<CatalogVerifyPolicy, 'provider' | 'required'> {
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
function policyOf(registry: CatalogRegistry): SnippetPolicy | undefined {
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
const policyMeans = (policy: SnippetPolicy) =>
  [
    ...(policy.key ? [policy.key] : []),
    ...(policy.identities.length > 0
      ? ['keyless signatures of the identities in its matchOIDCIdentity']
      : []),
  ].join(' or ');

/** The comment lines that tell a helm user how cosign verifies what chartroom verified. */
function cosignCliLines(policy: SnippetPolicy, image: string, plainHttp: boolean): string[] {
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
function fluxVerifyLines(policy: SnippetPolicy, secret: string): string[] {
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

function helmVerifyLines(key: string): { comments: string[]; flags: string } {
  const keyring = keyringOf(key);
  const comments = keyring.dearmor
    ? [
        `# --verify checks the chart's provenance file against the keyring, ${key} in the catalog repository;`,
        `# helm reads a binary keyring: gpg --dearmor < ${shellWord(key)} > ${shellWord(keyring.file)}`,
      ]
    : [`# --verify checks the chart's provenance file against the keyring, ${key} in the catalog repository`];
  return { comments, flags: ` --verify --keyring ${shellWord(keyring.file)}` };
}

export function installSnippets(registry: CatalogRegistry, chart: string, version: string): Snippet[] {
  const oci = registry.kind === 'oci';
  const policy = policyOf(registry);
  const helmVerify = policy?.provider === 'helm' && policy.key ? helmVerifyLines(policy.key) : undefined;
  const cosignVerify = policy?.provider === 'cosign' && oci;
  const cosignSecret = `${registry.name}-cosign-pub`;
  const base = withoutTrailingSlashes(registry.url);
  // host and path of an OCI registry: what `helm registry login` and Argo CD's repoURL take
  const ref = oci ? parseOciReference(registry.url) : undefined;
  const ociRef = `${base}/${chart}`;
  const privateNote = registry.private;
  const secret = privateNote ? `${registry.name}-auth` : `${registry.name}-repository`;
  const plainHttp = overPlainHttp(registry);
  const snippets: Snippet[] = [];

  if (ref) {
    snippets.push({
      id: 'helm-oci',
      title: 'helm install (OCI)',
      language: 'shell',
      code: [
        ...(privateNote ? [registryLogin(registry, ref.host)] : []),
        ...(helmVerify?.comments ?? []),
        ...(cosignVerify
          ? cosignCliLines(policy, `${ociRef.replace(/^oci:\/\//, '')}:${version}`, plainHttp)
          : []),
        `helm install ${chart} ${ociRef} --version ${version}${plainHttp ? ' --plain-http' : ''}${helmVerify?.flags ?? ''}`,
      ].join('\n'),
    });
  } else {
    snippets.push({
      id: 'helm-repo',
      title: 'helm install (repository)',
      language: 'shell',
      code: [
        `helm repo add ${registry.name} ${base}${privateNote ? ` ${CREDENTIAL_FLAGS}` : ''}`,
        `helm repo update ${registry.name}`,
        ...(helmVerify?.comments ?? []),
        `helm install ${chart} ${registry.name}/${chart} --version ${version}${helmVerify?.flags ?? ''}`,
      ].join('\n'),
    });
  }

  const secretRef = (comment: string) =>
    privateNote ? ['  secretRef:', `    name: ${secret} # ${comment}`] : [];
  const fluxSource = oci
    ? [
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: OCIRepository',
        'metadata:',
        `  name: ${chart}`,
        '  namespace: flux-system',
        'spec:',
        '  interval: 1h',
        `  url: ${ociRef}`,
        ...(plainHttp ? ['  insecure: true'] : []),
        '  ref:',
        `    tag: ${q(version)}`,
        '  layerSelector:',
        '    mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip',
        '    operation: copy',
        ...secretRef('a kubernetes.io/dockerconfigjson Secret you create'),
        ...(cosignVerify ? fluxVerifyLines(policy, cosignSecret) : []),
      ]
    : [
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: HelmRepository',
        'metadata:',
        `  name: ${registry.name}`,
        '  namespace: flux-system',
        'spec:',
        '  interval: 1h',
        `  url: ${base}`,
        ...secretRef('a Secret with username and password that you create'),
      ];
  const release = [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata:',
    `  name: ${chart}`,
    '  namespace: flux-system',
    'spec:',
    '  interval: 1h',
    ...(oci
      ? ['  chartRef:', '    kind: OCIRepository', `    name: ${chart}`]
      : [
          '  chart:',
          '    spec:',
          `      chart: ${chart}`,
          `      version: ${q(version)}`,
          '      sourceRef:',
          '        kind: HelmRepository',
          `        name: ${registry.name}`,
        ]),
    '  values: {}',
  ];
  snippets.push({
    id: 'flux',
    title: `Flux ${oci ? 'OCIRepository' : 'HelmRepository'} + HelmRelease`,
    language: 'yaml',
    code: [...fluxComments(registry, policy, cosignSecret, oci), ...fluxSource, '---', ...release].join('\n'),
  });

  const repoURL = ref ? [ref.host, ref.namespace].filter(Boolean).join('/') : base;
  const application = [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    `  name: ${chart}`,
    '  namespace: argocd',
    'spec:',
    '  project: default',
    '  source:',
    `    repoURL: ${repoURL}`,
    `    chart: ${chart}`,
    `    targetRevision: ${q(version)}`,
    '    helm:',
    `      releaseName: ${chart}`,
    '  destination:',
    '    server: https://kubernetes.default.svc',
    `    namespace: ${chart}`,
    // the release's namespace does not exist yet on a first install
    '  syncPolicy:',
    '    syncOptions:',
    '      - CreateNamespace=true',
  ];
  const repoSecret =
    privateNote || plainHttp
      ? [
          '---',
          privateNote
            ? '# the credentials Argo CD uses for this registry: a repository Secret you create'
            : '# Argo CD reaches this registry over plain http only through a repository Secret that says so',
          'apiVersion: v1',
          'kind: Secret',
          'metadata:',
          `  name: ${secret}`,
          '  namespace: argocd',
          '  labels:',
          '    argocd.argoproj.io/secret-type: repository',
          'stringData:',
          '  type: helm',
          `  url: ${repoURL}`,
          ...(oci ? ['  enableOCI: "true"'] : []),
          ...(plainHttp ? ['  insecureOCIForceHttp: "true"'] : []),
          ...(privateNote ? ['  username: <username>', '  password: <password>'] : []),
        ]
      : [];
  snippets.push({
    id: 'argocd',
    title: 'Argo CD Application',
    language: 'yaml',
    code: [
      ...(policy
        ? [
            '# Argo CD does not verify chart signatures: chartroom verified this version against',
            `# ${policyMeans(policy)} (${policy.provider}) when it synced; nothing checks it again at deploy`,
          ]
        : []),
      ...application,
      ...repoSecret,
    ].join('\n'),
  });
  return snippets;
}

/** What the Flux snippet says first: the Secret its `verify:` names, or what Flux cannot verify. */
function fluxComments(
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

/** What a registry's page offers before any chart: a command to run once, and a note. */
export interface RegistrySetUp {
  snippets: Snippet[];
  note: string;
}

/**
 * The registry-level set-up: `helm repo add` for a chart repository, `helm registry login` for a
 * private OCI registry; a public OCI registry needs nothing, which the note says.
 */
export function registrySetUp(registry: CatalogRegistry): RegistrySetUp {
  if (registry.kind !== 'oci') {
    const credential = registry.private ? ` ${CREDENTIAL_FLAGS}` : '';
    return {
      snippets: [
        {
          id: 'helm-repo-add',
          title: 'helm repo add',
          language: 'shell',
          code: `helm repo add ${registry.name} ${withoutTrailingSlashes(registry.url)}${credential}`,
        },
      ],
      note: registry.private
        ? `Add the repository once, with its credential (--password-stdin reads the password from standard input); then install its charts as ${registry.name}/CHART.`
        : `Add the repository once; then install its charts as ${registry.name}/CHART.`,
    };
  }
  const plain = overPlainHttp(registry)
    ? ' It is reached over plain http: helm commands need --plain-http, as the chart pages show.'
    : '';
  if (!registry.private) {
    return {
      snippets: [],
      note: `An OCI registry needs no helm repo add and this one no login: install each chart by the oci:// reference on its page.${plain}`,
    };
  }
  return {
    snippets: [
      {
        id: 'helm-registry-login',
        title: 'helm registry login',
        language: 'shell',
        code: registryLogin(registry, parseOciReference(registry.url).host),
      },
    ],
    note: `Log in once (--password-stdin reads the password from standard input); then install each chart by the oci:// reference on its page.${plain}`,
  };
}
