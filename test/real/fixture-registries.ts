/**
 * The real fixture charts as the site tests serve them: each organisation (argo, grafana,
 * prometheus-community) its own registry, each chart with the versions `versions` gives it.
 */
import path from 'node:path';
import { fixtureCharts, type FixtureChart } from '../../testkit/fixtures.ts';
import type { Registry } from '../site/browser.ts';

export function fixtureRegistries(versions: (chart: FixtureChart) => string[]): Registry[] {
  const byOrg = new Map<string, FixtureChart[]>();
  for (const chart of fixtureCharts()) {
    const org = path.basename(path.dirname(chart.dir));
    byOrg.set(org, [...(byOrg.get(org) ?? []), chart]);
  }
  return [...byOrg].map(([org, charts]) => ({
    name: org,
    charts: charts.map((c) => ({ dir: c.dir, name: c.name, versions: versions(c) })),
  }));
}
