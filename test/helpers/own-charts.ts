/** Charts the tests write themselves (the project's own suite must not need ../shared). */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface OwnChart {
  dir: string;
  name: string;
  files: Record<string, string>;
}

export async function writeOwnChart(
  name: string,
  options: { schema?: boolean; readme?: boolean } = {},
): Promise<OwnChart> {
  const dir = await mkdtemp(path.join(tmpdir(), `chart-${name}-`));
  const files: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\ndescription: Test chart ${name}\nversion: 0.0.1\nappVersion: "1.0"\nkeywords: [test, ${name}]\n`,
    'values.yaml': `# values of ${name}\nreplicas: 1\nimage:\n  repository: example/${name}\n  tag: ""\n`,
    'templates/deployment.yaml': 'kind: Deployment\n',
  };
  if (options.readme !== false) files['README.md'] = `# ${name}\n\nA chart for tests. <b>bold</b>\n`;
  if (options.schema)
    files['values.schema.json'] = '{"type":"object","properties":{"replicas":{"type":"integer"}}}\n';
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return { dir, name, files };
}
