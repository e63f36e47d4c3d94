/**
 * Checks a catalog/ against the published schemas and the crash-safety invariant: every file
 * parses and validates, and every version a chart.json lists with files has exactly those files.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const schemas = {
  catalog: ajv.compile(require('../../schemas/catalog.schema.json') as object),
  chart: ajv.compile(require('../../schemas/catalog-chart.schema.json') as object),
  registry: ajv.compile(require('../../schemas/catalog-registry.schema.json') as object),
  report: ajv.compile(require('../../schemas/sync-report.schema.json') as object),
};

export function reportProblems(report: unknown): string[] {
  return schemas.report(report) ? [] : [ajv.errorsText(schemas.report.errors)];
}

export async function catalogProblems(root: string): Promise<string[]> {
  const dir = path.join(root, 'catalog');
  const problems: string[] = [];
  const check = async (file: string, validate: (typeof schemas)['chart']) => {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
      return undefined;
    }
    if (!validate(data)) problems.push(`${file}: ${ajv.errorsText(validate.errors)}`);
    return data;
  };
  // a run killed before it wrote anything leaves no catalog/ at all
  if ((await readdir(dir).catch(() => undefined)) === undefined) return problems;
  await check(path.join(dir, 'catalog.json'), schemas.catalog);
  for (const file of await readdir(path.join(dir, 'registries')).catch(() => [])) {
    await check(path.join(dir, 'registries', file), schemas.registry);
  }
  for (const registry of await readdir(path.join(dir, 'charts')).catch(() => [])) {
    for (const chart of await readdir(path.join(dir, 'charts', registry))) {
      const chartDir = path.join(dir, 'charts', registry, chart);
      // a folder a killed run left before its first chart.json holds no listed version: allowed, cleaned next run
      if (!(await readdir(chartDir)).includes('chart.json')) continue;
      const doc = (await check(path.join(chartDir, 'chart.json'), schemas.chart)) as
        { versions: Array<{ version: string; files: string[] }>; keptFiles?: string[] } | undefined;
      for (const v of doc?.versions ?? []) {
        if (v.files.length === 0) continue;
        let present = (await readdir(path.join(chartDir, v.version)).catch(() => [])).sort();
        // a chart not yet marked keptFiles may be mid-refetch (sync/kept-files.ts): a file its
        // version does not list yet, which a killed run added, is allowed and cleaned next run
        if (doc && !doc.keptFiles)
          present = present.filter((f) => v.files.includes(f) || f !== 'CHANGELOG.md');
        if (present.join() !== [...v.files].sort().join()) {
          problems.push(
            `${registry}/${chart} ${v.version}: lists ${v.files.join(', ')} but has ${present.join(', ') || 'nothing'}`,
          );
        }
      }
    }
  }
  return problems;
}
