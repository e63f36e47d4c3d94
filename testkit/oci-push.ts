/** Pushes charts as Helm OCI artifacts to a test distribution registry (testkit/oci-registry.ts). */
import { pushChartArchive, type PushOptions } from '../src/demo/oci-push.ts';
import type { TestRegistry } from './oci-registry.ts';

export { HELM_CONFIG, HELM_LAYER } from '../src/demo/oci-push.ts';

/** Pushes a chart to a test registry with a credential that may push there. */
export async function pushChart(
  registry: TestRegistry,
  repository: string,
  archive: Buffer,
  version: string,
  options: PushOptions = {},
) {
  return pushChartArchive(
    { origin: registry.origin, auth: await registry.pushAuth(repository) },
    repository,
    archive,
    version,
    options,
  );
}
