/** Chart sources the site tests write themselves: ordinary, hostile and odd-schema charts. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChartSource } from '../../src/demo/repository.ts';

/** A chart's source folder in a temp dir: a template beside the given files. */
export async function chartDir(name: string, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `site-chart-${name}-`));
  for (const [file, content] of Object.entries({
    'templates/deployment.yaml': 'kind: Deployment\n',
    ...files,
  })) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

const chartYaml = (name: string, extra = '') =>
  `apiVersion: v2\nname: ${name}\ndescription: The ${name} test chart\nversion: 0.0.1\nappVersion: "1.0"\nkeywords: [test, ${name}]\n${extra}`;

export const ALPHA_SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/schema#',
  type: 'object',
  required: ['replicas'],
  properties: {
    replicas: { type: 'integer', minimum: 1, default: 1, description: 'How many pods run' },
    image: {
      type: 'object',
      properties: { tag: { type: 'string', description: 'The image tag' } },
    },
  },
});

/** The payloads of the hostile chart: each sets window.__pwned if it ever runs. */
export const HOSTILE_README = `# hostile

A chart whose README tries everything.

<script>window.__pwned = 'script'</script>

<img src="x" onerror="window.__pwned = 'onerror'">

<p onclick="window.__pwned = 'onclick'" style="position:fixed">click me</p>

[javascript link](javascript:window.__pwned='javascript-md')

<a href="javascript:window.__pwned='javascript-html'">html javascript link</a>

<a href="data:text/html,<script>parent.__pwned='data'</script>">data link</a>

<iframe src="javascript:parent.__pwned='iframe'"></iframe>

<svg onload="window.__pwned='svg'"><circle r="4"/></svg>

<form action="javascript:window.__pwned='form'"><button>go</button></form>

<a href="https://example.com/ok">a fine link</a>
`;

/** Chart metadata and files of the hostile chart that the site must show as text. */
export const HOSTILE_KEYWORD = "<script>window.__pwned='keyword'</script>";
export const HOSTILE_VALUES = [
  `# </code></pre><script>window.__pwned='values-comment'</script>`,
  `name: "<img src=x onerror=window.__pwned='values'>"`,
  'replicas: 1',
  '',
].join('\n');
export const HOSTILE_SCHEMA_DESCRIPTION = "<img src=x onerror=window.__pwned='schema'>";
export const MODERN_ICON = 'https://example.com/modern.svg';

export async function ownSiteCharts(): Promise<{ own: ChartSource[]; other: ChartSource[] }> {
  const alphaValues1 = '# alpha values\nreplicas: 1\nimage:\n  tag: "1.0"\n';
  const alphaValues2 = '# alpha values\nreplicas: 2\nimage:\n  tag: "2.0"\nextra: true\n';
  const alphaReadme =
    '# alpha\n\nThe alpha chart guides ships like a lighthouse.\n\n| key | meaning |\n|---|---|\n| replicas | pods |\n';
  const alpha1 = await chartDir('alpha', {
    'Chart.yaml': chartYaml(
      'alpha',
      'icon: https://example.com/alpha.png\nhome: https://example.com/alpha\n',
    ),
    'README.md': alphaReadme,
    'values.yaml': alphaValues1,
    'values.schema.json': ALPHA_SCHEMA,
  });
  const alpha2 = await chartDir('alpha2', {
    'Chart.yaml': chartYaml(
      'alpha',
      'icon: https://example.com/alpha.png\nhome: https://example.com/alpha\n',
    ),
    'README.md': alphaReadme,
    'values.yaml': alphaValues2,
    'values.schema.json': ALPHA_SCHEMA,
  });
  const hostile = await chartDir('hostile', {
    'Chart.yaml': chartYaml(
      'hostile',
      [
        // an SVG data: URL whose onload would run if the icon were inlined or allowed
        "icon: \"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='window.__pwned=1'/>\"",
        'home: "javascript:window.__pwned=\'home\'"',
        'sources: ["data:text/html,<script>alert(1)</script>", "https://example.com/src"]',
        'maintainers: [{name: "<img src=x onerror=window.__pwned=1>", url: "javascript:window.__pwned=\'maintainer\'"}]',
        '',
      ].join('\n'),
    )
      .replace(
        'description: The hostile test chart',
        'description: "<img src=x onerror=window.__pwned=\'description\'>"',
      )
      .replace('keywords: [test, hostile]', `keywords: [test, hostile, "${HOSTILE_KEYWORD}"]`),
    'README.md': HOSTILE_README,
    'values.yaml': HOSTILE_VALUES,
    'values.schema.json': JSON.stringify({
      type: 'object',
      properties: {
        name: {
          type: 'string',
          description: HOSTILE_SCHEMA_DESCRIPTION,
          default: "<script>window.__pwned='default'</script>",
        },
      },
    }),
  });
  const modern = await chartDir('modern', {
    // an SVG icon over https: shown as an <img>, where its scripts cannot run
    'Chart.yaml': chartYaml('modern', `icon: ${MODERN_ICON}\n`),
    'README.md': '# modern\n\nA chart with a 2020-12 schema.\n',
    'values.yaml': 'port: 8080\nhosts: []\n',
    'values.schema.json': JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { port: { type: 'integer', maximum: 65535 } },
      properties: {
        port: { $ref: '#/$defs/port' },
        hosts: { type: 'array', prefixItems: [{ type: 'string' }], 'x-helm-docs': 'tolerated' },
      },
    }),
  });
  const broken = await chartDir('broken', {
    'Chart.yaml': chartYaml('broken'),
    'README.md': '# broken\n\nIts schema cannot compile.\n',
    'values.yaml': 'a: 1\n',
    'values.schema.json': JSON.stringify({ type: 'object', properties: { a: { type: 'nonsense' } } }),
  });
  const regex = await chartDir('regex', {
    'Chart.yaml': chartYaml('regex'),
    'README.md': '# regex\n\nIts schema has a catastrophic pattern.\n',
    'values.yaml': 'name: aaa\n',
    'values.schema.json': JSON.stringify({
      type: 'object',
      properties: { name: { type: 'string', pattern: '^(a+)+$' } },
    }),
  });
  const beta = await chartDir('beta', {
    'Chart.yaml': chartYaml('beta', 'deprecated: true\n'),
    'README.md': '# beta\n\nAnother lighthouse keeper, now deprecated.\n',
    'values.yaml': 'enabled: true\n',
  });
  return {
    own: [
      { dir: alpha1, name: 'alpha', versions: ['1.0.0', '1.1.0'] },
      { dir: alpha2, name: 'alpha', versions: ['2.0.0'] },
      { dir: hostile, name: 'hostile', versions: ['0.1.0'] },
      { dir: modern, name: 'modern', versions: ['1.0.0'] },
      { dir: broken, name: 'broken', versions: ['1.0.0'] },
      { dir: regex, name: 'regex', versions: ['1.0.0'] },
    ],
    other: [{ dir: beta, name: 'beta', versions: ['0.1.0', '0.2.0'] }],
  };
}
