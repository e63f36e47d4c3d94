/**
 * Install snippets for one chart version (helm, Flux and Argo CD, in the registry's own form),
 * and the registry-level set-up its page shows. An OCI registry with `insecure: true` is reached
 * over plain http: helm then needs `--plain-http` (install and `helm registry login`), Flux's
 * OCIRepository `spec.insecure: true` and Argo CD a repository Secret with
 * `insecureOCIForceHttp: "true"`. A plain-http chart repository needs none of these: its
 * `http://` URL says so (Flux's HelmRepository `insecure` applies to `type: oci` only).
 *
 * A registry with a `verify:` policy gets snippets that verify again at deploy what the catalog
 * verified (snippet-verify.ts).
 * Callers never pass a refused version (signatures.ts, installableVersion).
 */
import type { CatalogRegistry } from '../../src/catalog/types.ts';
import { parseOciReference } from '../../src/sources/oci/reference.ts';
import { withoutTrailingSlashes } from '../../src/slashes.ts';
import { q } from './format.ts';
import {
  cosignCliLines,
  fluxComments,
  fluxVerifyLines,
  helmVerifyLines,
  policyMeans,
  policyOf,
} from './snippet-verify.ts';

export interface Snippet {
  id: string;
  title: string;
  language: 'shell' | 'yaml';
  code: string;
}

/** An OCI registry reached over plain http (see the top of this file). */
const overPlainHttp = (registry: CatalogRegistry) => registry.kind === 'oci' && registry.insecure === true;

const CREDENTIAL_FLAGS = '--username <username> --password-stdin';

function registryLogin(registry: CatalogRegistry, host: string): string {
  return `helm registry login ${host}${overPlainHttp(registry) ? ' --plain-http' : ''} ${CREDENTIAL_FLAGS}`;
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
