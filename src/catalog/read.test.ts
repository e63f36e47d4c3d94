import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalogFile, readCatalogFile } from './read.ts';
import type { CatalogChart } from './types.ts';

const chart: CatalogChart = {
  name: 'alpha',
  registry: 'own',
  sources: [],
  keywords: ['web'],
  maintainers: [{ name: 'Ada' }],
  deprecated: false,
  latest: '1.0.0',
  updated: '2024-01-01T00:00:00.000Z',
  versions: [
    {
      version: '1.0.0',
      created: '2024-01-01T00:00:00.000Z',
      deprecated: false,
      removed: false,
      files: ['Chart.yaml', 'values.yaml'],
    },
  ],
};

const invalid = (message: string): unknown => expect.objectContaining({ code: 'CatalogInvalid', message });
const text = (value: unknown) => JSON.stringify(value);

describe('parseCatalogFile', () => {
  it('returns a document that matches its schema', () => {
    expect(parseCatalogFile('chart.json', text(chart), 'chart')).toEqual(chart);
    expect(parseCatalogFile('catalog.json', '{"formatVersion":1}', 'catalog')).toEqual({ formatVersion: 1 });
  });

  it('names the file and the first thing wrong, with the way back', () => {
    const name = 'catalog/charts/own/alpha/chart.json';
    expect(() => parseCatalogFile(name, '{"name":', 'chart')).toThrow(
      invalid(`${name} does not parse: Unexpected end of JSON input`),
    );
    expect(() => parseCatalogFile(name, text({ ...chart, versions: {} }), 'chart')).toThrow(
      invalid(`${name} does not match its schema (schemas/catalog-chart.schema.json): versions must be array`),
    );
    const { keywords: _, ...withoutKeywords } = chart;
    expect(() => parseCatalogFile(name, text(withoutKeywords), 'chart')).toThrow(
      invalid(`${name} does not match its schema (schemas/catalog-chart.schema.json): the required field "keywords" is missing`),
    );
    const badFile = { ...chart, versions: [{ ...chart.versions[0], files: ['Chart.yaml', 'x'] }] };
    expect(() => parseCatalogFile(name, text(badFile), 'chart')).toThrow(
      invalid(
        `${name} does not match its schema (schemas/catalog-chart.schema.json): versions[0].files[1] must be equal to one of the allowed values ("Chart.yaml", "README.md", "values.yaml", "values.schema.json", "CHANGELOG.md")`,
      ),
    );
    expect(() => parseCatalogFile('catalog/registries/own.json', '[]', 'registry')).toThrow(
      invalid(
        'catalog/registries/own.json does not match its schema (schemas/catalog-registry.schema.json): the document must be object',
      ),
    );
    expect(() => parseCatalogFile(name, '{}', 'chart')).toThrow(
      expect.objectContaining({ hint: `restore it from git (git checkout HEAD -- ${name}) and sync again` }),
    );
  });

  it('checks formats: a created that is not a date-time fails', () => {
    const bad = { ...chart, versions: [{ ...chart.versions[0], created: 'yesterday' }] };
    expect(() => parseCatalogFile('chart.json', text(bad), 'chart')).toThrow(
      invalid('chart.json does not match its schema (schemas/catalog-chart.schema.json): versions[0].created must match format "date-time"'),
    );
  });

  it('says a catalog of another format is not one this chartroom reads', () => {
    expect(() => parseCatalogFile('catalog/catalog.json', '{"formatVersion":2}', 'catalog')).toThrow(
      expect.objectContaining({
        code: 'CatalogFormatUnsupported',
        message: 'catalog/catalog.json has formatVersion 2; this chartroom reads 1',
      }),
    );
  });
});

describe('readCatalogFile', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'chartroom-read-'));
    await mkdir(path.join(root, 'catalog', 'registries'), { recursive: true });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('is undefined for a file that does not exist, and names a bad one relative to the root', async () => {
    const file = path.join(root, 'catalog', 'registries', 'own.json');
    expect(await readCatalogFile(root, file, 'registry')).toBeUndefined();
    await writeFile(file, '{"name": "own"}');
    await expect(readCatalogFile(root, file, 'registry')).rejects.toThrow(
      invalid(
        'catalog/registries/own.json does not match its schema (schemas/catalog-registry.schema.json): the required field "url" is missing',
      ),
    );
  });
});
