/**
 * Writes versions straight into a synced catalog: a chart with thousands of versions (as a
 * registry that publishes every build would have) and a registry with hundreds of failed and
 * republished versions, so the tests see how pages grow with them without syncing them all.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CatalogChart, CatalogRegistry, CatalogVersion } from '../../src/catalog/types.ts';

const chartFile = (root: string, registry: string, chart: string) =>
  path.join(root, 'catalog', 'charts', registry, chart, 'chart.json');
const registryFile = (root: string, registry: string) =>
  path.join(root, 'catalog', 'registries', `${registry}.json`);

/** A version with no kept files (so no page of its own), older than every synced one. */
export function olderVersion(i: number): CatalogVersion {
  return {
    version: `0.${Math.floor(i / 100)}.${99 - (i % 100)}`,
    appVersion: `0.${i}`,
    digest: `sha256:${i.toString(16).padStart(64, 'a')}`,
    created: new Date(Date.UTC(2020, 0, 1) - i * 3_600_000).toISOString(),
    deprecated: i % 7 === 3,
    removed: i % 11 === 5,
    files: [],
  };
}

/** Appends `count` older versions to the chart's chart.json (newest first, as the sync writes it). */
export async function addOlderVersions(root: string, registry: string, chart: string, count: number) {
  const file = chartFile(root, registry, chart);
  const doc = JSON.parse(await readFile(file, 'utf8')) as CatalogChart;
  doc.versions = [...doc.versions, ...Array.from({ length: count }, (_, i) => olderVersion(i))];
  await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`);
  return doc;
}

/** Gives the registry `count` failed and `count` republished versions of its chart. */
export async function addFailures(root: string, registry: string, chart: string, count: number) {
  const file = registryFile(root, registry);
  const doc = JSON.parse(await readFile(file, 'utf8')) as CatalogRegistry;
  const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
  doc.failedVersions = Array.from({ length: count }, (_, i) => ({
    chart,
    version: `9.${i}.0`,
    code: 'HTTPError',
    message: `HTTP 500 for ${chart} 9.${i}.0`,
    attempts: 1,
    firstFailure: at,
    lastFailure: at,
    nextRetry: at,
    gaveUp: false,
  }));
  doc.republished = Array.from({ length: count }, (_, i) => ({
    chart,
    version: `8.${i}.0`,
    previousDigest: `sha256:${'1'.repeat(64)}`,
    digest: `sha256:${'2'.repeat(64)}`,
  }));
  await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`);
}
