/**
 * Case 10: what keyless signatures, Sigstore bundles and the referrers API cost. A first sync of N
 * versions per variant, each in a fresh process into a fresh catalog repository, then a quiet sync
 * of each. All signatures come from a private Sigstore deployment made here (testkit/sigstore.ts),
 * named in chartroom.yaml (`trust.sigstoreRoot`), verified under `matchOIDCIdentity`:
 * - on the real distribution registry (docker-registry 2.8: no referrers API, one 404 probe per
 *   run, then the fallback tag `sha256-<hex>`): unsigned; keyless cosign `.sig` images; cosign 3
 *   bundles, each a referrer in the version's fallback index;
 * - through a front that answers the referrers API (testkit/referrers-front.ts): unsigned (each
 *   version costs its referrers request); bundles found through the API.
 * Requests are counted by the sync's HTTP client; the quiet syncs must send exactly as many
 * requests signed as unsigned (no look-up at all).
 */
import pLimit from 'p-limit';
import { packChartDir } from '../../src/chart/pack.ts';
import { pushChart } from '../../testkit/oci-push.ts';
import { startRegistry } from '../../testkit/oci-registry.ts';
import { startReferrersFront } from '../../testkit/referrers-front.ts';
import { pushBundleReferrer } from '../../testkit/referrers.ts';
import { pushCosignSignature } from '../../testkit/signing.ts';
import { createSigstore } from '../../testkit/sigstore.ts';
import { fixtureCharts } from '../data/fixtures.ts';
import { n, type BenchContext, type CaseResult } from '../lib.ts';
import { added, measureVariants, variantsJson, variantsTable, type SyncVariant } from './sync-variants.ts';

const IDENTITY = {
  subject: 'https://github.com/acme/charts/.github/workflows/release.yml@refs/heads/main',
  issuer: 'https://token.actions.githubusercontent.com',
};
const POLICY = [
  'verify:',
  '  provider: cosign',
  '  matchOIDCIdentity:',
  `    - issuer: '^https://token\\.actions\\.githubusercontent\\.com$'`,
  `      subject: '^https://github\\.com/acme/charts/'`,
  '  required: true',
  '',
].join('\n');

export async function sigstore(ctx: BenchContext): Promise<CaseResult> {
  const perChart = ctx.small ? 2 : 10;
  const charts = fixtureCharts().slice(0, ctx.small ? 2 : 10);
  const total = charts.length * perChart;
  const versions = Array.from({ length: perChart }, (_, v) => `0.${v}.0`);
  const registry = await startRegistry('none');
  const front = await startReferrersFront(registry.origin);
  const deployment = createSigstore();
  const viaFront = { origin: front.origin, auth: undefined };
  try {
    // the same archives under plain/, keyless/, bundle/ (direct) and api-plain/, api-bundle/ (front)
    const push = pLimit(4);
    await Promise.all(
      charts.flatMap((chart) =>
        versions.map((version) =>
          push(async () => {
            const archive = await packChartDir(chart.dir, { name: chart.name, version });
            await pushChart(registry, `plain/${chart.name}`, archive, version);
            await pushChart(registry, `api-plain/${chart.name}`, archive, version);
            const keyless = await pushChart(registry, `keyless/${chart.name}`, archive, version);
            await pushCosignSignature({
              registry,
              repository: `keyless/${chart.name}`,
              subjectDigest: keyless.manifestDigest,
              layers: [
                deployment.keylessSigLayer(keyless.manifestDigest, IDENTITY, {
                  dockerReference: `${registry.host}/keyless/${chart.name}`,
                }),
              ],
            });
            for (const [ns, target] of [
              ['bundle', registry],
              ['api-bundle', viaFront],
            ] as const) {
              const { manifestDigest } = await pushChart(registry, `${ns}/${chart.name}`, archive, version);
              const bundle = Buffer.from(JSON.stringify(deployment.bundleFor(manifestDigest, IDENTITY)));
              await pushBundleReferrer({
                registry: target,
                repository: `${ns}/${chart.name}`,
                subject: manifestDigest,
                bundle,
              });
            }
          }),
        ),
      ),
    );

    const names = charts.map((c) => c.name).join(', ');
    const oci = (host: string, ns: string) =>
      `url: oci://${host}/${ns}\ninsecure: true\nkeep: all\ncharts: [${names}]\n`;
    const files = {
      'trust/sigstore-root.json': JSON.stringify(deployment.trustedRoot()),
      'chartroom.yaml': 'trust:\n  sigstoreRoot: trust/sigstore-root.json\n',
    };
    const variant = (name: string, registry: string, verified: number): SyncVariant => ({
      name,
      registry,
      files,
      versions: total,
      verified,
    });
    const variants = [
      variant('no referrers API, unsigned', oci(registry.host, 'plain'), 0),
      variant('no referrers API, keyless .sig', oci(registry.host, 'keyless') + POLICY, total),
      variant('no referrers API, bundle (fallback tag)', oci(registry.host, 'bundle') + POLICY, total),
      variant('referrers API, unsigned', oci(front.host, 'api-plain'), 0),
      variant('referrers API, bundle', oci(front.host, 'api-bundle') + POLICY, total),
    ];
    const rows = await measureVariants(ctx.runs, variants);

    const [plain, keyless, fallback, apiPlain, apiBundle] = rows as [
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
    ];
    const keylessAdded = added(keyless, plain, total);
    const fallbackAdded = added(fallback, plain, total);
    const apiAdded = added(apiBundle, apiPlain, total);
    const apiUnsigned = apiPlain.first.last.requests - plain.first.last.requests;
    const data = `${n(total)} versions (${charts.length} real charts x ${perChart}) per variant, keep: all, all on loopback`;
    const json = {
      data,
      versions: total,
      variants: variantsJson(rows),
      keylessAdded,
      fallbackAdded,
      apiAdded,
      apiUnsigned,
    };
    const ms = (value: number) => `${value >= 0 ? '+' : ''}${value} ms`;
    const markdown = `## 10. Keyless signatures, Sigstore bundles, referrers: ${data}

${variantsTable(rows)}

Added per signed version, first sync: keyless \`.sig\` **${keylessAdded.perVersion}** requests (its \`.sig\` manifest and layer blob, as for a key-signed one; ${ms(keylessAdded.ms)} for ${n(total)} versions); a bundle through the fallback tag **${fallbackAdded.perVersion}** (the fallback index, the referrer manifest, the bundle blob; ${ms(fallbackAdded.ms)}); a bundle through the referrers API **${apiAdded.perVersion}** over an unsigned version there (the referrer manifest and the bundle blob; ${ms(apiAdded.ms)}).
Unsigned, a registry with the API costs ${n(apiUnsigned)} requests more than one without it for ${n(total)} versions: a referrers list per version, against one 404 probe per registry and run (an absent fallback tag costs no request).
Request counts are exact (the same every run); times are medians on a 2-core machine other work shares, so differences of a few seconds between variants are noise more than cost.
Quiet sync: signed minus unsigned = ${keylessAdded.quietRequests} (keyless), ${fallbackAdded.quietRequests} (fallback), ${apiAdded.quietRequests} (API) requests: nothing is looked up when the listing did not change.
`;
    const quietMet =
      keylessAdded.quietRequests === 0 && fallbackAdded.quietRequests === 0 && apiAdded.quietRequests === 0;
    return {
      json,
      markdown,
      targets: [
        {
          case: '10. sigstore: quiet sync',
          target: 'a quiet sync of keyless- and bundle-signed registries adds no request',
          measured: `${keylessAdded.quietRequests} (keyless), ${fallbackAdded.quietRequests} (fallback), ${apiAdded.quietRequests} (API) added`,
          met: quietMet,
        },
        {
          case: '10. sigstore: first sync',
          target: 'requests added per signed version (no target in the issue)',
          measured: `keyless +${keylessAdded.perVersion}, bundle (fallback) +${fallbackAdded.perVersion}, bundle (API) +${apiAdded.perVersion} per version`,
          met: true,
        },
      ],
    };
  } finally {
    await front.close();
    await registry.close();
  }
}
