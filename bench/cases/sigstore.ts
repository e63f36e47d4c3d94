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
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { packChartDir } from '../../src/chart/pack.ts';
import { pushChart } from '../../testkit/oci-push.ts';
import { startRegistry } from '../../testkit/oci-registry.ts';
import { startReferrersFront } from '../../testkit/referrers-front.ts';
import { pushBundleReferrer } from '../../testkit/referrers.ts';
import { pushCosignSignature } from '../../testkit/signing.ts';
import { createSigstore } from '../../testkit/sigstore.ts';
import { createTempRepo } from '../../testkit/temp-repo.ts';
import { fixtureCharts } from '../data/fixtures.ts';
import { n, round, summarise, worker, type BenchContext, type CaseResult, type Sample } from '../lib.ts';

type SyncSample = Sample & { requests: number; added: number; failed: number; verified: number };
type Summary = ReturnType<typeof summarise<SyncSample>>;

interface Variant {
  name: string;
  registry: string;
  verified: number;
}

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
    const variants: Variant[] = [
      { name: 'no referrers API, unsigned', registry: oci(registry.host, 'plain'), verified: 0 },
      {
        name: 'no referrers API, keyless .sig',
        registry: oci(registry.host, 'keyless') + POLICY,
        verified: total,
      },
      {
        name: 'no referrers API, bundle (fallback tag)',
        registry: oci(registry.host, 'bundle') + POLICY,
        verified: total,
      },
      { name: 'referrers API, unsigned', registry: oci(front.host, 'api-plain'), verified: 0 },
      { name: 'referrers API, bundle', registry: oci(front.host, 'api-bundle') + POLICY, verified: total },
    ];
    const root = JSON.stringify(deployment.trustedRoot());

    // runs interleaved (run i of every variant, then run i + 1): on a machine shared with other
    // work, a slower minute then weighs on every variant alike
    const samples = variants.map(() => ({ first: [] as SyncSample[], quiet: [] as SyncSample[] }));
    for (let i = 0; i < ctx.runs; i++) {
      for (const [index, variant] of variants.entries()) {
        const repo = await createTempRepo();
        await mkdir(path.join(repo.root, 'trust'), { recursive: true });
        await writeFile(path.join(repo.root, 'trust', 'sigstore-root.json'), root);
        await writeFile(
          path.join(repo.root, 'chartroom.yaml'),
          'trust:\n  sigstoreRoot: trust/sigstore-root.json\n',
        );
        await repo.writeRegistry('bench', variant.registry);
        await repo.git.add('.').commit('registry');
        const sample = await worker<SyncSample>('sync.ts', [repo.root]);
        if (sample.added !== total || sample.failed !== 0 || sample.verified !== variant.verified) {
          throw new Error(
            `${variant.name}: the first sync added ${sample.added} of ${total} (${sample.failed} failed), verified ${sample.verified} of ${variant.verified}`,
          );
        }
        samples[index]!.first.push(sample);
        samples[index]!.quiet.push(await worker<SyncSample>('sync.ts', [repo.root]));
        await repo.cleanup();
      }
    }
    const rows: Array<{ variant: Variant; first: Summary; quiet: Summary }> = variants.map((variant, i) => ({
      variant,
      first: summarise(samples[i]!.first),
      quiet: summarise(samples[i]!.quiet),
    }));

    const [plain, keyless, fallback, apiPlain, apiBundle] = rows as [
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
    ];
    const added = (signed: (typeof rows)[0], unsigned: (typeof rows)[0]) => ({
      requests: signed.first.last.requests - unsigned.first.last.requests,
      perVersion: round((signed.first.last.requests - unsigned.first.last.requests) / total, 2),
      ms: round(signed.first.ms - unsigned.first.ms),
      quietRequests: signed.quiet.last.requests - unsigned.quiet.last.requests,
    });
    const keylessAdded = added(keyless, plain);
    const fallbackAdded = added(fallback, plain);
    const apiAdded = added(apiBundle, apiPlain);
    const apiUnsigned = apiPlain.first.last.requests - plain.first.last.requests;
    const data = `${n(total)} versions (${charts.length} real charts x ${perChart}) per variant, keep: all, all on loopback`;
    const json = {
      data,
      versions: total,
      variants: Object.fromEntries(
        rows.map((r) => [
          r.variant.name,
          {
            first: {
              ms: r.first.ms,
              maxRssMiB: r.first.maxRssMiB,
              requests: r.first.last.requests,
              verified: r.first.last.verified,
            },
            quiet: { ms: r.quiet.ms, requests: r.quiet.last.requests },
          },
        ]),
      ),
      keylessAdded,
      fallbackAdded,
      apiAdded,
      apiUnsigned,
    };
    const ms = (value: number) => `${value >= 0 ? '+' : ''}${value} ms`;
    const row = (r: (typeof rows)[0]) =>
      `| ${r.variant.name} | ${r.first.ms} ms | ${n(r.first.last.requests)} | ${n(r.first.last.verified)} | ${r.first.maxRssMiB} MiB | ${r.quiet.ms} ms | ${n(r.quiet.last.requests)} |`;
    const markdown = `## 10. Keyless signatures, Sigstore bundles, referrers: ${data}

| variant | first sync | requests | verified | peak RSS | quiet sync | quiet requests |
|---|---|---|---|---|---|---|
${rows.map(row).join('\n')}

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
