/**
 * The library surface: `import … from 'chartroom'` resolves through package.json `exports` to
 * src/index.ts.
 */
import * as chartroom from 'chartroom';
import { describe, expect, it } from 'vitest';

describe("the package's public names", () => {
  it('resolves the package by its name and exports the listed values', () => {
    const values = Object.keys(chartroom).sort();
    expect(values).toEqual(
      [
        'CATALOG_DIR',
        'ChartroomError',
        'ERROR_CATALOGUE',
        'ERROR_CODES',
        'errorEntry',
        'parseCatalogFile',
        'readCatalogFile',
        'sourceFor',
        'ConfigError',
        'ConfigErrors',
        'DEFAULTS',
        'FORMAT_VERSION',
        'SHARD_REPORT',
        'UsageError',
        'buildSite',
        'createCatalogStore',
        'createSync',
        'describeError',
        'isChartroomError',
        'loadRegistries',
        'parseRegistryFile',
      ].sort(),
    );
    for (const name of [
      'createSync',
      'loadRegistries',
      'createCatalogStore',
      'readCatalogFile',
      'sourceFor',
      'buildSite',
      'isChartroomError',
    ])
      expect(typeof chartroom[name as keyof typeof chartroom]).toBe('function');
  });

  it('keeps the error classes one hierarchy', () => {
    const error = new chartroom.ConfigError('registries/x.yaml', { line: 1, column: 2 }, 'bad');
    expect(error).toBeInstanceOf(chartroom.ChartroomError);
    expect(chartroom.isChartroomError(error)).toBe(true);
    expect(error.message).toBe('registries/x.yaml:1:2: bad');
  });

  it('names the types a caller needs', () => {
    // type-only: compiles when the names are exported (tsc -p . checks this file)
    const options: chartroom.SyncOptions = { force: true };
    const report: Pick<chartroom.SyncReport, 'exitCode'> = { exitCode: 0 };
    const registry: Pick<chartroom.RegistryDefinition, 'name'> = { name: 'x' };
    const chart: Pick<chartroom.CatalogChart, 'name'> = { name: 'y' };
    expect([options.force, report.exitCode, registry.name, chart.name]).toEqual([true, 0, 'x', 'y']);
  });
});
