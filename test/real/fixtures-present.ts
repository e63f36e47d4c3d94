import { missingFixtures } from '../../testkit/fixtures.ts';

// Fail the whole real-data suite, loudly, when its data is not there: a skipped suite would pass.
export default function setup(): void {
  const missing = missingFixtures();
  if (missing) throw new Error(missing);
}
