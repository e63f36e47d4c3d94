/** The real fixtures the benchmark scales up (../shared/fixtures or $CHARTROOM_FIXTURES). */
import path from 'node:path';
import { fixturesDir } from '../../testkit/fixtures.ts';

export { fixtureCharts, missingFixtures } from '../../testkit/fixtures.ts';

export const argoIndexFile = () => path.join(fixturesDir(), 'index', 'argo-helm.index.yaml');
