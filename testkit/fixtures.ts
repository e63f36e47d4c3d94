/** Where the real third-party fixtures are: $CHARTROOM_FIXTURES, else ../shared/fixtures beside the checkout. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

export function fixturesDir(): string {
  return process.env.CHARTROOM_FIXTURES
    ? path.resolve(process.env.CHARTROOM_FIXTURES)
    : fileURLToPath(new URL('../../shared/fixtures/', import.meta.url));
}

export function missingFixtures(): string | undefined {
  const dir = fixturesDir();
  for (const sub of [
    'charts/argo',
    'charts/grafana',
    'charts/prometheus-community',
    'index/argo-helm.index.yaml',
    'signing/helm/provenance',
    'signing/helm/signtest',
    'signing/cosign/containers-image',
  ]) {
    if (!existsSync(path.join(dir, sub))) {
      return `the real-data fixtures are missing: ${path.join(dir, sub)} does not exist. Put the shared fixtures at ../shared/fixtures beside this checkout, or set CHARTROOM_FIXTURES to their folder.`;
    }
  }
  return undefined;
}

export interface FixtureChart {
  /** source folder */
  dir: string;
  /** the chart's name from Chart.yaml (not always the folder's) */
  name: string;
  /** the published version in Chart.yaml */
  version: string;
  deprecated: boolean;
}

export function fixtureCharts(): FixtureChart[] {
  const root = path.join(fixturesDir(), 'charts');
  const charts: FixtureChart[] = [];
  for (const org of readdirSync(root).sort()) {
    for (const folder of readdirSync(path.join(root, org)).sort()) {
      const dir = path.join(root, org, folder);
      const meta = load(readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) as {
        name: string;
        version: string;
        deprecated?: boolean;
      };
      charts.push({
        dir,
        name: meta.name,
        version: String(meta.version),
        deprecated: meta.deprecated === true,
      });
    }
  }
  return charts;
}
