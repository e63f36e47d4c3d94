/** Charts the chart-panels tests write: every panel filled, one hostile, one in a private registry. */
import type { ChartSource } from '../../src/demo/repository.ts';
import { laughs } from '../../testkit/alias-bomb.ts';
import { chartDir } from './own-site-charts.ts';

/** YAML text as a block scalar under an annotation key, indented for Chart.yaml. */
const block = (key: string, yaml: string) =>
  `  ${key}: |\n${yaml
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;

export const CHANGELOG_MARK = 'panelapp changelog entry: the queue is faster';
export const SECRET_CHANGELOG = 'secretapp changelog: not for the public';
export const HOSTILE_CHANGE = "<img src=x onerror=window.__pwned='change'>";

export const PANEL_SCHEMA = JSON.stringify({
  type: 'object',
  required: ['server'],
  $defs: { port: { type: 'integer', default: 8080, description: 'The listening port' } },
  properties: {
    server: {
      type: 'object',
      description: 'The server block',
      properties: {
        port: { $ref: '#/$defs/port' },
        tls: {
          type: 'object',
          properties: { enabled: { type: 'boolean', default: false, description: 'Serve over TLS' } },
        },
      },
    },
    extraContainers: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string', description: 'Container name' } } },
    },
    averyveryverylongpropertynamewithoutanybreakthatmustwraponaphone: {
      type: 'string',
      default: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    },
  },
});

const WIDE_TABLE = [
  '| Parameter | Description | Default |',
  '|---|---|---|',
  ...Array.from(
    { length: 4 },
    (_, i) =>
      `| \`server.option${i}\` | What option ${i} does to the server when it is set, in a long sentence that explains it | \`"value-${i}"\` |`,
  ),
].join('\n');

export async function panelCharts(): Promise<{ one: ChartSource[]; vault: ChartSource[] }> {
  const panelapp = await chartDir('panelapp', {
    'Chart.yaml': [
      'apiVersion: v2',
      'name: panelapp',
      'description: A queue that shows every panel',
      'version: 0.0.1',
      'kubeVersion: ">=1.25.0-0"',
      'keywords: [panelstore, queue]',
      'home: https://example.com/panelapp',
      'sources: [https://example.com/panelapp/src]',
      'maintainers: [{name: Pat Panel, email: pat@example.com}]',
      'dependencies:',
      '  - {name: basedb, version: "1.x", repository: "https://charts.example.com/stable", condition: basedb.enabled}',
      '  - {name: redis, version: "18.x", repository: "https://charts.elsewhere.example"}',
      'annotations:',
      '  artifacthub.io/license: Apache-2.0',
      block(
        'artifacthub.io/links',
        '- name: Documentation\n  url: https://docs.example.com/panelapp\n- name: Evil\n  url: "javascript:window.__pwned=1"',
      ).trimEnd(),
      block(
        'artifacthub.io/images',
        '- name: panelapp\n  image: ghcr.io/example/panelapp:1.2.3\n  platforms: [linux/amd64, linux/arm64]\n- name: sidecar\n  image: docker.io/library/busybox:1.36',
      ).trimEnd(),
      block(
        'artifacthub.io/changes',
        '- kind: added\n  description: A faster queue\n  links:\n    - name: PR 12\n      url: https://github.com/example/panelapp/pull/12\n    - name: bad\n      url: "javascript:alert(1)"\n- kind: fixed\n  description: The crash on start\n- kind: nonsense\n  description: Kind not in the list',
      ).trimEnd(),
      '',
    ].join('\n'),
    'README.md': `# panelapp\n\nThe panel app.\n\n${WIDE_TABLE}\n`,
    'values.yaml': 'server:\n  port: 8080\nimage:\n  repository: ignored/because-annotated\n  tag: "1"\n',
    'values.schema.json': PANEL_SCHEMA,
    'CHANGELOG.md': `# Changelog\n\n## 0.0.2\n\n- ${CHANGELOG_MARK}\n- <script>window.__pwned='changelog'</script> [x](javascript:window.__pwned=2)\n`,
  });
  const basedb = await chartDir('basedb', {
    'Chart.yaml': [
      'apiVersion: v2',
      'name: basedb',
      'description: A database other charts depend on',
      'version: 0.0.1',
      'keywords: [panelstore, database]',
      'annotations:',
      block('artifacthub.io/changes', '- Plain string change one\n- Plain string change two').trimEnd(),
      '',
    ].join('\n'),
    'values.yaml': [
      'image:',
      '  registry: docker.io',
      '  repository: library/postgres',
      '  tag: "16.1"',
      'metrics:',
      '  exporterImage: "quay.io/prometheuscommunity/postgres-exporter:v0.15.0"',
      'notAnImage: "x"',
      '',
    ].join('\n'),
  });
  const hostile = await chartDir('hostilepanels', {
    'Chart.yaml': [
      'apiVersion: v2',
      'name: hostilepanels',
      'description: A chart whose annotations attack the panels',
      'version: 0.0.1',
      'kubeVersion: "<b onmouseover=window.__pwned=1>1.2</b>"',
      'keywords: [hostile]',
      'dependencies:',
      ...Array.from({ length: 150 }, (_, i) => `  - {name: "dep${i}<script>", version: "1"}`),
      'annotations:',
      `  artifacthub.io/license: "<img src=x onerror=window.__pwned='license'>"`,
      '  artifacthub.io/images: "[{{ not yaml"',
      block(
        'artifacthub.io/changes',
        `- kind: added\n  description: "${HOSTILE_CHANGE}"\n- bomb:\n${laughs(8, 'z: *l7')
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n')}`,
      ).trimEnd(),
      block(
        'artifacthub.io/links',
        '- name: "<script>x</script>"\n  url: "data:text/html,<script>alert(1)</script>"',
      ).trimEnd(),
      '',
    ].join('\n'),
    'values.yaml': 'a: 1\n',
  });
  const secretapp = await chartDir('secretapp', {
    'Chart.yaml': [
      'apiVersion: v2',
      'name: secretapp',
      'description: A private chart',
      'version: 0.0.1',
      'kubeVersion: ">=1.28.0"',
      'dependencies: [{name: basedb, version: "1.x"}]',
      'annotations:',
      '  artifacthub.io/license: MIT',
      block('artifacthub.io/images', '- name: secret\n  image: registry.internal/secret:1').trimEnd(),
      block('artifacthub.io/changes', '- Secret change').trimEnd(),
      '',
    ].join('\n'),
    'values.yaml': 'image: "registry.internal/secret:1"\n',
    'CHANGELOG.md': `# Changelog\n\n- ${SECRET_CHANGELOG}\n`,
  });
  return {
    one: [
      { dir: panelapp, name: 'panelapp', versions: ['0.0.1', '0.0.2'] },
      { dir: basedb, name: 'basedb', versions: ['1.0.0'] },
      { dir: hostile, name: 'hostilepanels', versions: ['0.0.1'] },
    ],
    vault: [{ dir: secretapp, name: 'secretapp', versions: ['0.0.1'] }],
  };
}
