/** Install snippets for one chart version: helm, Flux and Argo CD, in the registry's own form. */
import type { CatalogRegistry } from '../../src/catalog/types.ts';
import { parseOciReference } from '../../src/sources/oci/reference.ts';
import { withoutTrailingSlashes } from '../../src/slashes.ts';

export interface Snippet {
  id: string;
  title: string;
  language: 'shell' | 'yaml';
  code: string;
}

const q = (value: string) => JSON.stringify(value);

export function installSnippets(registry: CatalogRegistry, chart: string, version: string): Snippet[] {
  const oci = registry.kind === 'oci';
  const base = withoutTrailingSlashes(registry.url);
  // host and path of an OCI registry: what `helm registry login` and Argo CD's repoURL take
  const ref = oci ? parseOciReference(registry.url) : undefined;
  const ociRef = `${base}/${chart}`;
  const secret = `${registry.name}-auth`;
  const privateNote = registry.private;
  const snippets: Snippet[] = [];

  if (ref) {
    snippets.push({
      id: 'helm-oci',
      title: 'helm install (OCI)',
      language: 'shell',
      code: [
        ...(privateNote ? [`helm registry login ${ref.host} --username <username> --password-stdin`] : []),
        `helm install ${chart} ${ociRef} --version ${version}`,
      ].join('\n'),
    });
  } else {
    snippets.push({
      id: 'helm-repo',
      title: 'helm install (repository)',
      language: 'shell',
      code: [
        `helm repo add ${registry.name} ${base}${privateNote ? ' --username <username> --password-stdin' : ''}`,
        `helm repo update ${registry.name}`,
        `helm install ${chart} ${registry.name}/${chart} --version ${version}`,
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
        '  ref:',
        `    tag: ${q(version)}`,
        '  layerSelector:',
        '    mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip',
        '    operation: copy',
        ...secretRef('a kubernetes.io/dockerconfigjson Secret you create'),
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
    code: [...fluxSource, '---', ...release].join('\n'),
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
  ];
  const repoSecret = privateNote
    ? [
        '---',
        '# the credentials Argo CD uses for this registry: a repository Secret you create',
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
        '  username: <username>',
        '  password: <password>',
      ]
    : [];
  snippets.push({
    id: 'argocd',
    title: 'Argo CD Application',
    language: 'yaml',
    code: [...application, ...repoSecret].join('\n'),
  });
  return snippets;
}
