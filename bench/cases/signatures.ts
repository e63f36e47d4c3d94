/**
 * Case 9: what signatures cost. A first sync of N signed versions against N unsigned ones, on
 * both protocols, each synced in a fresh process into a fresh catalog repository, then a quiet
 * sync of each:
 * - OCI: the real distribution registry on loopback; the signed charts carry a cosign `.sig`
 *   image each (cosign's layout, one simple-signing layer) under `verify: {provider: cosign,
 *   required: true}`; the unsigned ones have no `.sig` tag and no policy.
 * - HTTP: a chart repository on loopback; the signed one serves a `.prov` beside every archive
 *   (clearsigned with an OpenPGP key made here) under `verify: {provider: helm, required: true}`;
 *   the unsigned one serves none (each look-up is a 404) and has no policy.
 * Requests are counted by the sync's HTTP client; the quiet syncs must send exactly as many
 * requests signed as unsigned (no look-up at all).
 */
import pLimit from 'p-limit';
import { packChartDir } from '../../src/chart/pack.ts';
import { pushChart } from '../../testkit/oci-push.ts';
import { startRegistry } from '../../testkit/oci-registry.ts';
import { serveCharts, type ServedRepository } from '../../testkit/serve.ts';
import {
  cosignKeyPair,
  cosignLayer,
  openpgpKeyPair,
  pushCosignSignature,
  signProvenance,
} from '../../testkit/signing.ts';
import { fixtureCharts } from '../data/fixtures.ts';
import { n, round, type BenchContext, type CaseResult } from '../lib.ts';
import { added, measureVariants, variantsJson, variantsTable, type SyncVariant } from './sync-variants.ts';

export async function signatures(ctx: BenchContext): Promise<CaseResult> {
  const perChart = ctx.small ? 2 : 20;
  const charts = fixtureCharts().slice(0, ctx.small ? 2 : 10);
  const total = charts.length * perChart;
  const versions = Array.from({ length: perChart }, (_, v) => `0.${v}.0`);
  const registry = await startRegistry('none');
  const cosign = cosignKeyPair();
  const pgp = await openpgpKeyPair('Bench Signer', 'bench@example.invalid');
  const served: ServedRepository[] = [];
  try {
    // OCI: the same archives under plain/ (unsigned) and signed/ (a .sig image each)
    const push = pLimit(4);
    await Promise.all(
      charts.flatMap((chart) =>
        versions.map((version) =>
          push(async () => {
            const archive = await packChartDir(chart.dir, { name: chart.name, version });
            await pushChart(registry, `plain/${chart.name}`, archive, version);
            const { manifestDigest } = await pushChart(registry, `signed/${chart.name}`, archive, version);
            await pushCosignSignature({
              registry,
              repository: `signed/${chart.name}`,
              subjectDigest: manifestDigest,
              layers: [
                cosignLayer(cosign.privateKey, `${registry.host}/signed/${chart.name}`, manifestDigest),
              ],
            });
          }),
        ),
      ),
    );
    // HTTP: one repository without provenance files, one with a .prov beside every archive
    const sources = charts.map((c) => ({ dir: c.dir, name: c.name, versions }));
    const unsignedHttp = await serveCharts(sources);
    served.push(unsignedHttp);
    const signedHttp = await serveCharts(sources);
    served.push(signedHttp);
    for (const chart of charts) {
      for (const version of versions) {
        const archive = signedHttp.archive(chart.name, version);
        signedHttp.setProvenance(
          chart.name,
          version,
          await signProvenance({ archive, name: chart.name, version }, pgp.privateKey),
        );
      }
    }

    const names = charts.map((c) => c.name).join(', ');
    const oci = (ns: string) =>
      `url: oci://${registry.host}/${ns}\ninsecure: true\nkeep: all\ncharts: [${names}]\n`;
    const http = (s: ServedRepository) => `url: ${s.url}\ninsecure: true\nkeep: all\n`;
    const policy = (provider: string, key: string) =>
      `verify:\n  provider: ${provider}\n  key: keys/${key}\n  required: true\n`;
    const variants: SyncVariant[] = [
      { name: 'OCI, unsigned', registry: oci('plain'), files: {}, versions: total, verified: 0 },
      {
        name: 'OCI, cosign-signed, verified',
        registry: oci('signed') + policy('cosign', 'cosign.pub'),
        files: { 'keys/cosign.pub': cosign.publicKeyPem },
        versions: total,
        verified: total,
      },
      { name: 'HTTP, unsigned', registry: http(unsignedHttp), files: {}, versions: total, verified: 0 },
      {
        name: 'HTTP, .prov-signed, verified',
        registry: http(signedHttp) + policy('helm', 'helm.asc'),
        files: { 'keys/helm.asc': pgp.publicKeyArmored },
        versions: total,
        verified: total,
      },
    ];

    const rows = await measureVariants(ctx.runs, variants);

    const [ociPlain, ociSigned, httpPlain, httpSigned] = rows as [
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
    ];
    const ociAdded = added(ociSigned, ociPlain, total);
    const httpAdded = added(httpSigned, httpPlain, total);
    const data = `${n(total)} versions (${charts.length} real charts x ${perChart}) per variant, keep: all, all on loopback`;
    const json = {
      data,
      versions: total,
      variants: variantsJson(rows),
      ociAdded,
      httpAdded,
    };
    const markdown = `## 9. Signatures: ${data}

${variantsTable(rows)}

Added by signing, first sync: OCI **${n(ociAdded.requests)} requests** (${round(ociAdded.requests / total, 2)} per version: the \`.sig\` manifest and its one layer blob; an unsigned version costs none, its tag is not in the tags list already read) and ${ociAdded.ms} ms; HTTP **${n(httpAdded.requests)} requests** and ${httpAdded.ms} ms (the \`.prov\` look-up is one request per new version whether or not it is signed: the unsigned repository answers each with a 404, so what signing adds over HTTP is the verification, not requests).
Quiet sync: signed minus unsigned = ${ociAdded.quietRequests} requests (OCI) and ${httpAdded.quietRequests} (HTTP): nothing is looked up when the listing did not change.
`;
    const quietMet = ociAdded.quietRequests === 0 && httpAdded.quietRequests === 0;
    return {
      json,
      markdown,
      targets: [
        {
          case: '9. signatures: quiet sync',
          target: 'a quiet sync of signed registries adds no request',
          measured: `${ociAdded.quietRequests} (OCI), ${httpAdded.quietRequests} (HTTP) added`,
          met: quietMet,
        },
        {
          case: '9. signatures: first sync',
          target: 'requests and time added by signatures (no target in the issue)',
          measured: `OCI +${n(ociAdded.requests)} requests, +${ociAdded.ms} ms; HTTP +${n(httpAdded.requests)} requests, +${httpAdded.ms} ms for ${n(total)} versions`,
          met: true,
        },
      ],
    };
  } finally {
    await Promise.all(served.map((s) => s.close()));
    await registry.close();
  }
}
