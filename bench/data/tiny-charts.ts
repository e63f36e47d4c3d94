/** Small charts written by the benchmark itself, for cases that need many chart repositories. */
import { packEntries } from '../../src/chart/pack.ts';

export function tinyChart(name: string, version: string): Buffer {
  return packEntries([
    {
      path: `${name}/Chart.yaml`,
      body: Buffer.from(
        `apiVersion: v2\nname: ${name}\nversion: ${version}\nappVersion: "1.0.0"\ndescription: ${name}, a chart the benchmark writes\n`,
      ),
    },
    {
      path: `${name}/values.yaml`,
      body: Buffer.from(`replicaCount: 1\nimage:\n  repository: example/${name}\n`),
    },
    { path: `${name}/README.md`, body: Buffer.from(`# ${name}\n\nA chart the benchmark writes.\n`) },
    { path: `${name}/templates/deployment.yaml`, body: Buffer.from('kind: Deployment\n') },
  ]);
}
