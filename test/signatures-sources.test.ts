/**
 * findSignatures of both sources against real servers: a chart repository on loopback serving
 * provenance files (and faults), and the real distribution registry with cosign `.sig` images in
 * the layout `cosign sign --key` writes and charts pushed with a provenance layer. Requests are
 * counted through the HTTP client, so "no request" is asserted, not assumed.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import type { ChartVersionMeta } from '../src/chart/metadata.ts';
import { startChartRepoServer, type ChartRepoServer } from '../src/demo/chart-repo-server.ts';
import { createHelmSource } from '../src/sources/helm/index.ts';
import { createOciSource } from '../src/sources/oci/index.ts';
import type { ListResult, RegistrySource, SourceDefinition } from '../src/sources/types.ts';
import type { CosignSignatureEvidence, SignatureEvidence } from '../src/trust/types.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { serveCharts, type ServedRepository } from '../testkit/serve.ts';
import {
  cosignConfig,
  cosignLayer,
  cosignPayload,
  cosignSignatureImage,
  pushCosignSignature,
  SIMPLE_SIGNING,
  COSIGN_SIGNATURE_ANNOTATION,
  cosignKeyPair,
} from '../testkit/signing.ts';
import { startFaultFront, type FaultFront } from './helpers/fault-front.ts';
import { writeOwnChart, type OwnChart } from './helpers/own-charts.ts';
import { recordingHttp } from './helpers/recording-http.ts';

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function listed(result: ListResult) {
  if (result.notModified) throw new Error('not modified');
  return result;
}

/** each piece of evidence as `<kind> <code>: <message>` when unreadable, else `<kind> read` */
const unreadables = (evidence: SignatureEvidence[]) =>
  evidence.map((e) =>
    'unreadable' in e ? `${e.kind} ${e.unreadable.code}: ${e.unreadable.message}` : `${e.kind} read`,
  );

const find = (versions: ChartVersionMeta[], chart: string, version: string) =>
  versions.find((v) => v.chart === chart && v.version === version)!;

describe('the cosign layout the testkit pushes', () => {
  it('rebuilds the config digests of both Harbor samples from their layer digests (233 bytes)', () => {
    // cosign-layout.md §2.5: config sha256:d4e6059e… from layer 91a821a0…, c025e953… from 38d07d81…
    const one = cosignConfig(['sha256:91a821a0e2412f1b99b07bfe176451bcc343568b761388718abbf38076048564']);
    expect(one.length).toBe(233);
    expect(sha256(one)).toBe('sha256:d4e6059ece7bea95266fd7766353130d4bf3dc21048b8a9783c98b8412618c38');
    const two = cosignConfig(['sha256:38d07d81bf1d026da6420295113115d999ad6da90073b5e67147f978626423e6']);
    expect(sha256(two)).toBe('sha256:c025e9532dbc880534be96dbbb86a6bf63a272faced7f07bb8b4ceb45ca938d1');
    // two signatures: two diff_ids and two history entries, as mutate.Append leaves them
    const both = JSON.parse(cosignConfig(['sha256:a', 'sha256:b']).toString()) as {
      history: unknown[];
      rootfs: { diff_ids: string[] };
    };
    expect(both.history).toHaveLength(2);
    expect(both.rootfs.diff_ids).toEqual(['sha256:a', 'sha256:b']);
  });

  it('writes the payload byte for byte as cosign does (the containers/image sample, 261 bytes)', () => {
    const payload = cosignPayload({
      dockerReference: '192.168.64.2:5000/cosign-signed-single-sample',
      manifestDigest: 'sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00',
    });
    expect(payload.length).toBe(261);
    expect(sha256(payload)).toBe('sha256:cf482371b51a7633b3f02e29b87fc3f4a18b3f127af61cb114af5f2c04fcdd75');
  });

  it('lays the manifest out as go-containerregistry marshals it', () => {
    const layer = { payload: Buffer.from('{"x":1}'), signature: 'c2ln' };
    const image = cosignSignatureImage(`sha256:${'ab'.repeat(32)}`, [layer]);
    expect(image.tag).toBe(`sha256-${'ab'.repeat(32)}.sig`);
    const text = image.manifest.toString();
    expect(text).toBe(
      `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":${image.config.length},"digest":"${sha256(image.config)}"},"layers":[{"mediaType":"${SIMPLE_SIGNING}","size":7,"digest":"${sha256(layer.payload)}","annotations":{"${COSIGN_SIGNATURE_ANNOTATION}":"c2ln"}}]}`,
    );
  });
});

describe('HTTP: the provenance file beside the archive', () => {
  let chart: OwnChart;
  let served: ServedRepository;
  let other: ChartRepoServer;
  const http = recordingHttp();
  const definition = (over: Partial<SourceDefinition> = {}): SourceDefinition => ({
    name: 'charts',
    url: served.url,
    charts: undefined,
    insecure: true,
    passCredentials: false,
    credential: undefined,
    ...over,
  });
  const source = (over: Partial<SourceDefinition> = {}) =>
    createHelmSource(definition(over), http, () => Promise.reject(new Error('no OCI here')));
  const versionsOf = async (s: RegistrySource) => listed(await s.list({})).versions;

  beforeAll(async () => {
    chart = await writeOwnChart('alpha');
    served = await serveCharts([{ dir: chart.dir, name: 'alpha', versions: ['1.0.0', '1.1.0'] }]);
    other = await startChartRepoServer({ host: '127.0.0.2' });
  });
  afterAll(async () => {
    await served.close();
    await other.close();
    await http.close();
  });

  it('a .prov beside the archive is helm evidence with its bytes and the archive name', async () => {
    const prov = '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nname: alpha\n';
    served.setProvenance('alpha', '1.0.0', prov);
    const s = source();
    const meta = find(await versionsOf(s), 'alpha', '1.0.0');
    served.reset();
    const evidence = await s.findSignatures!(meta, { digest: meta.digest });
    expect(evidence).toEqual([{ kind: 'helm', provenance: Buffer.from(prov), fileName: 'alpha-1.0.0.tgz' }]);
    // one request, to the archive URL plus .prov
    expect(served.since().map((r) => r.path)).toEqual(['/charts/alpha-1.0.0.tgz.prov']);
  });

  it('a 404 (and a 410) is an unsigned version: no evidence', async () => {
    const s = source();
    const meta = find(await versionsOf(s), 'alpha', '1.1.0');
    expect(await s.findSignatures!(meta, {})).toEqual([]);
    served.server.fault = (req, res) => {
      if (!req.url?.endsWith('.prov')) return false;
      res.writeHead(410).end('gone');
      return true;
    };
    try {
      expect(await s.findSignatures!(find(await versionsOf(s), 'alpha', '1.0.0'), {})).toEqual([]);
    } finally {
      served.server.fault = undefined;
    }
  });

  it('a 500, a 401 and a body over 1 MiB are unreadable evidence, not a throw', async () => {
    const s = source();
    const meta = find(await versionsOf(s), 'alpha', '1.0.0');
    const answer = (status: number, body: string | Buffer = 'no') => {
      served.server.fault = (req, res) => {
        if (!req.url?.endsWith('.prov')) return false;
        res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)) }).end(body);
        return true;
      };
    };
    try {
      answer(500);
      const [failed] = await s.findSignatures!(meta, {});
      expect(unreadables([failed!])).toEqual([
        expect.stringMatching(/^helm HTTPError: .*answered 500 for the provenance file of alpha 1\.0\.0$/),
      ]);
      answer(401);
      const [refused] = await s.findSignatures!(meta, {});
      expect(refused).toMatchObject({ kind: 'helm', unreadable: { code: 'AuthenticationFailed' } });
      expect((refused as { unreadable: { message: string } }).unreadable.message).toMatch(
        /^unauthorized: authentication required: GET .*alpha-1\.0\.0\.tgz\.prov answered 401/,
      );
      answer(200, Buffer.alloc(1024 * 1024 + 1, 'a'));
      expect(unreadables(await s.findSignatures!(meta, {}))).toEqual([
        expect.stringMatching(/^helm TooLarge: .*the provenance file is larger than the 1 MiB cap$/),
      ]);
    } finally {
      served.server.fault = undefined;
    }
  });

  it('a connection that fails throws (the look-up failed; the sync keeps what it had)', async () => {
    const s = source();
    const meta = find(await versionsOf(s), 'alpha', '1.0.0');
    served.server.fault = (req, res) => {
      if (!req.url?.endsWith('.prov')) return false;
      res.socket?.destroy();
      return true;
    };
    try {
      await expect(s.findSignatures!(meta, {})).rejects.toMatchObject({ code: 'ConnectionFailed' });
    } finally {
      served.server.fault = undefined;
    }
  });

  it('follows the archive to another host by redirect, without the credential there', async () => {
    const prov = Buffer.from('provenance at the storage host\n');
    other.setFile('/store/alpha-1.0.0.tgz.prov', prov);
    served.server.basicAuth = { username: 'reader', password: 'reader-pass-1' };
    served.server.fault = (req, res) => {
      const match = /^\/charts\/(alpha-1\.0\.0\.tgz(?:\.prov)?)$/.exec(req.url ?? '');
      if (!match || req.headers.authorization === undefined) return false;
      res.writeHead(302, { location: `${other.origin}/store/${match[1]}` }).end();
      return true;
    };
    try {
      const s = source({ credential: { username: 'reader', password: 'reader-pass-1' } });
      const meta = find(await versionsOf(s), 'alpha', '1.0.0');
      const before = other.requests.length;
      expect(await s.findSignatures!(meta, {})).toEqual([
        { kind: 'helm', provenance: prov, fileName: 'alpha-1.0.0.tgz' },
      ]);
      const atStorage = other.requests.slice(before);
      expect(atStorage.map((r) => r.path)).toEqual(['/store/alpha-1.0.0.tgz.prov']);
      expect(atStorage[0]!.headers.authorization).toBeUndefined();
    } finally {
      served.server.fault = undefined;
      served.server.basicAuth = undefined;
    }
  });

  it('an archive URL on another host gets the credential only with passCredentials', async () => {
    const index = await serveCharts([{ dir: chart.dir, name: 'alpha', versions: ['2.0.0'] }], {
      baseUrl: `${other.origin}/charts`,
    });
    try {
      other.setFile('/charts/alpha-2.0.0.tgz.prov', 'signed\n');
      const credential = { username: 'reader', password: 'reader-pass-1' };
      for (const passCredentials of [false, true]) {
        const s = source({ url: index.url, credential, passCredentials });
        const meta = find(await versionsOf(s), 'alpha', '2.0.0');
        expect(meta.urls).toEqual([`${other.origin}/charts/alpha-2.0.0.tgz`]);
        const before = other.requests.length;
        expect(await s.findSignatures!(meta, {})).toMatchObject([
          { kind: 'helm', fileName: 'alpha-2.0.0.tgz' },
        ]);
        const sent = other.requests.slice(before).map((r) => r.headers.authorization);
        expect(sent).toEqual([passCredentials ? expect.stringMatching(/^Basic /) : undefined]);
      }
    } finally {
      await index.close();
    }
  });

  it('the file name is the decoded base name of the archive path; a query stays after .prov', async () => {
    const s = source();
    const meta: ChartVersionMeta = {
      ...find(await versionsOf(s), 'alpha', '1.0.0'),
      urls: [`${other.origin}/dl/alpha%2B1-1.0.0.tgz?sig=abc`],
    };
    other.setFile('/dl/alpha+1-1.0.0.tgz.prov', 'p');
    const before = other.requests.length;
    expect(await s.findSignatures!(meta, {})).toEqual([
      { kind: 'helm', provenance: Buffer.from('p'), fileName: 'alpha+1-1.0.0.tgz' },
    ]);
    expect(other.requests.slice(before).map((r) => r.path)).toEqual(['/dl/alpha+1-1.0.0.tgz.prov']);
    // a version listed by oci:// reference only: its provenance is not looked up over HTTP
    expect(await s.findSignatures!({ ...meta, urls: ['oci://127.0.0.1:1/x/alpha:1.0.0'] }, {})).toEqual([]);
  });
});

describe('OCI: the provenance layer and cosign .sig images', () => {
  let registry: TestRegistry;
  let front: FaultFront;
  let alpha: OwnChart;
  const key = cosignKeyPair();
  const http = recordingHttp();
  const pushed: Record<string, { manifestDigest: string; layerDigest: string }> = {};
  const prov = Buffer.from('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nname: alpha\n...\n');
  let signature: { tag: string; digest: string };

  const definition = (host: string): SourceDefinition => ({
    name: 'oci',
    url: `oci://${host}/charts`,
    charts: ['alpha', 'beta'],
    insecure: true,
    passCredentials: false,
    credential: undefined,
  });
  const requestsDuring = async <T>(work: () => Promise<T>): Promise<{ result: T; urls: string[] }> => {
    http.reset();
    const result = await work();
    return { result, urls: [...http.urls] };
  };
  const reference = () => `${registry.host}/charts/alpha`;

  beforeAll(async () => {
    registry = await startRegistry('none');
    front = await startFaultFront(registry.origin);
    alpha = await writeOwnChart('alpha');
    for (const version of ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0']) {
      const archive = await packChartDir(alpha.dir, { name: 'alpha', version });
      pushed[version] = await pushChart(registry, 'charts/alpha', archive, version, {
        ...(version === '1.2.0' ? { provenance: prov } : {}),
      });
    }
    const beta = await writeOwnChart('beta');
    await pushChart(
      registry,
      'charts/beta',
      await packChartDir(beta.dir, { name: 'beta', version: '0.1.0' }),
      '0.1.0',
    );
    // 1.1.0: two signatures (a second `cosign sign` appends a layer)
    signature = await pushCosignSignature({
      registry,
      repository: 'charts/alpha',
      subjectDigest: pushed['1.1.0']!.manifestDigest,
      layers: [
        cosignLayer(key.privateKey, reference(), pushed['1.1.0']!.manifestDigest),
        {
          ...cosignLayer(key.privateKey, reference(), pushed['1.1.0']!.manifestDigest),
          annotations: { note: 'second' },
        },
      ],
    });
    // 1.3.0: no top-level mediaType (Harbor's first sample)
    await pushCosignSignature({
      registry,
      repository: 'charts/alpha',
      subjectDigest: pushed['1.3.0']!.manifestDigest,
      layers: [cosignLayer(key.privateKey, reference(), pushed['1.3.0']!.manifestDigest)],
      noMediaType: true,
    });
  });
  afterAll(async () => {
    await http.close();
    await front.close();
    await registry.close();
  });

  it('list() lists chart versions only, and chartDigests over every tag', async () => {
    const source = createOciSource(definition(registry.host), http);
    const result = listed(await source.list({}));
    expect(result.versions.filter((v) => v.chart === 'alpha').map((v) => v.version)).toEqual([
      '1.0.0',
      '1.1.0',
      '1.2.0',
      '1.3.0',
      '1.4.0',
    ]);
    expect(result.unchanged).toBeUndefined();
    const tags = [
      '1.0.0',
      '1.1.0',
      '1.2.0',
      '1.3.0',
      '1.4.0',
      signature.tag,
      `${pushed['1.3.0']!.manifestDigest.replace(':', '-')}.sig`,
    ].sort();
    expect(result.chartDigests?.alpha).toBe(sha256(tags.join('\n')));
    expect(result.chartDigests?.beta).toBe(sha256('0.1.0'));
    // the sync passes the digests back as hints: they change nothing for OCI
    const again = listed(
      await createOciSource(definition(registry.host), http).list({}, { charts: result.chartDigests! }),
    );
    expect(again).toEqual(result);
  });

  it('an unsigned version costs no request after fetchVersion', async () => {
    const source = createOciSource(definition(registry.host), http);
    const meta = find(listed(await source.list({})).versions, 'alpha', '1.0.0');
    const fetched = await source.fetchVersion(meta);
    const { result, urls } = await requestsDuring(() =>
      source.findSignatures!(meta, { digest: fetched.digest, manifestDigest: fetched.manifestDigest }),
    );
    expect(result).toEqual([]);
    // the run's one probe of the referrers API (docker-registry has none: 404); then nothing
    const probe = `/v2/charts/alpha/referrers/${fetched.manifestDigest}`;
    expect(urls.map((u) => new URL(u).pathname)).toEqual([probe]);
    const again = await requestsDuring(() =>
      source.findSignatures!(meta, { digest: fetched.digest, manifestDigest: fetched.manifestDigest }),
    );
    expect(again.urls.filter((u) => !u.endsWith(`/manifests/${fetched.manifestDigest}`))).toEqual([]);
  });

  it('a .sig image gives its layers: payloads, media types and annotations', async () => {
    const source = createOciSource(definition(registry.host), http);
    const meta = find(listed(await source.list({})).versions, 'alpha', '1.1.0');
    const fetched = await source.fetchVersion(meta);
    expect(fetched.manifestDigest).toBe(pushed['1.1.0']!.manifestDigest);
    const { result, urls } = await requestsDuring(() =>
      source.findSignatures!(meta, { digest: fetched.digest, manifestDigest: fetched.manifestDigest }),
    );
    expect(result).toHaveLength(1);
    const evidence = result[0] as CosignSignatureEvidence;
    expect(evidence.kind).toBe('cosign');
    expect(evidence.digest).toBe(signature.digest);
    expect(evidence.unchanged).toBeUndefined();
    expect(evidence.layers).toHaveLength(2);
    for (const layer of evidence.layers) {
      expect(layer.mediaType).toBe(SIMPLE_SIGNING);
      expect(JSON.parse(layer.payload.toString())).toMatchObject({
        critical: { image: { 'docker-manifest-digest': pushed['1.1.0']!.manifestDigest } },
      });
      expect(layer.annotations[COSIGN_SIGNATURE_ANNOTATION]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    }
    expect(evidence.layers[1]!.annotations.note).toBe('second');
    // the .sig manifest, then one blob per layer, then the run's referrers probe (a 404 here);
    // the chart's manifest is not asked for again
    expect(urls.map((u) => new URL(u).pathname)).toEqual([
      `/v2/charts/alpha/manifests/${signature.tag}`,
      expect.stringMatching(/^\/v2\/charts\/alpha\/blobs\/sha256:/),
      expect.stringMatching(/^\/v2\/charts\/alpha\/blobs\/sha256:/),
      `/v2/charts/alpha/referrers/${fetched.manifestDigest}`,
    ]);
  });

  it('a .sig image already recorded is unchanged: its manifest, no blob', async () => {
    const source = createOciSource(definition(registry.host), http);
    const meta = find(listed(await source.list({})).versions, 'alpha', '1.1.0');
    const subject = { manifestDigest: pushed['1.1.0']!.manifestDigest, known: [signature.digest] };
    // a re-check: nothing fetched this run, so the chart's manifest is read once (by its digest)
    const { result, urls } = await requestsDuring(() => source.findSignatures!(meta, subject));
    expect(result).toEqual([{ kind: 'cosign', digest: signature.digest, unchanged: true, layers: [] }]);
    expect(urls.map((u) => new URL(u).pathname)).toEqual([
      `/v2/charts/alpha/manifests/${pushed['1.1.0']!.manifestDigest}`,
      `/v2/charts/alpha/manifests/${signature.tag}`,
      `/v2/charts/alpha/referrers/${pushed['1.1.0']!.manifestDigest}`,
    ]);
  });

  it('Docker media types and a manifest without mediaType are read alike', async () => {
    // COSIGN_DOCKER_MEDIA_TYPES=true: a Docker schema 2 manifest and config
    const beta = await createOciSource(definition(registry.host), http).describeVersion!({
      chart: 'beta',
      version: '0.1.0',
    } as ChartVersionMeta);
    await pushCosignSignature({
      registry,
      repository: 'charts/beta',
      subjectDigest: beta.manifestDigest!,
      layers: [cosignLayer(key.privateKey, `${registry.host}/charts/beta`, beta.manifestDigest!)],
      docker: true,
    });
    const source = createOciSource(definition(registry.host), http);
    const versions = listed(await source.list({})).versions;
    for (const [chart, version, manifestDigest] of [
      ['alpha', '1.3.0', pushed['1.3.0']!.manifestDigest],
      ['beta', '0.1.0', beta.manifestDigest!],
    ] as const) {
      const evidence = await source.findSignatures!(find(versions, chart, version), { manifestDigest });
      expect(evidence, chart).toMatchObject([{ kind: 'cosign', layers: [{ mediaType: SIMPLE_SIGNING }] }]);
    }
  });

  it('a provenance layer is helm evidence, with no second manifest request after fetchVersion', async () => {
    const source = createOciSource(definition(registry.host), http);
    const meta = find(listed(await source.list({})).versions, 'alpha', '1.2.0');
    const fetched = await source.fetchVersion(meta);
    const { result, urls } = await requestsDuring(() =>
      source.findSignatures!(meta, { digest: fetched.digest, manifestDigest: fetched.manifestDigest }),
    );
    expect(result).toEqual([{ kind: 'helm', provenance: prov, fileName: 'alpha-1.2.0.tgz' }]);
    expect(urls.map((u) => new URL(u).pathname)).toEqual([
      `/v2/charts/alpha/blobs/${sha256(prov)}`,
      `/v2/charts/alpha/referrers/${fetched.manifestDigest}`,
    ]);
    // describeVersion's manifest is reused the same way
    const other = createOciSource(definition(registry.host), http);
    const meta2 = find(listed(await other.list({})).versions, 'alpha', '1.2.0');
    const described = await other.describeVersion!(meta2);
    const second = await requestsDuring(() =>
      other.findSignatures!(meta2, { digest: described.digest, manifestDigest: described.manifestDigest }),
    );
    expect(second.urls.filter((u) => u.includes('/manifests/'))).toEqual([]);
    expect(second.result).toEqual([{ kind: 'helm', provenance: prov, fileName: 'alpha-1.2.0.tgz' }]);
  });

  it('chartDigests change when a .sig tag is pushed, for that chart only', async () => {
    const before = listed(await createOciSource(definition(registry.host), http).list({})).chartDigests!;
    const sig = await pushCosignSignature({
      registry,
      repository: 'charts/alpha',
      subjectDigest: pushed['1.4.0']!.manifestDigest,
      layers: [cosignLayer(key.privateKey, reference(), pushed['1.4.0']!.manifestDigest)],
    });
    const source = createOciSource(definition(registry.host), http);
    const after = listed(await source.list({})).chartDigests!;
    expect(after.alpha).not.toBe(before.alpha);
    expect(after.beta).toBe(before.beta);
    const meta = find(listed(await source.list({})).versions, 'alpha', '1.4.0');
    const evidence = await source.findSignatures!(meta, { manifestDigest: pushed['1.4.0']!.manifestDigest });
    expect(evidence).toMatchObject([{ kind: 'cosign', digest: sig.digest, layers: [{}] }]);
  });

  it('a malformed or oversize .sig manifest is unreadable; the other versions are unaffected', async () => {
    const source = createOciSource(definition(front.host), http);
    const versions = listed(await source.list({})).versions;
    const tagOf = (v: string) => `${pushed[v]!.manifestDigest.replace(':', '-')}.sig`;
    const notJson = front.inject(new RegExp(`/manifests/${tagOf('1.1.0')}$`), {
      kind: 'status',
      status: 200,
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: '<html>not a manifest</html>',
    });
    front.inject(new RegExp(`/manifests/${tagOf('1.3.0')}$`), {
      kind: 'status',
      status: 200,
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: `{"layers":[],"pad":"${'x'.repeat(300 * 1024)}"}`,
    });
    try {
      const sign = (v: string) =>
        source.findSignatures!(find(versions, 'alpha', v), { manifestDigest: pushed[v]!.manifestDigest });
      expect(unreadables(await sign('1.1.0'))).toEqual([
        expect.stringMatching(/^cosign OCIInvalid: .*the manifest is not JSON$/),
      ]);
      expect(notJson.hits).toBe(1);
      expect(unreadables(await sign('1.3.0'))).toEqual([
        expect.stringMatching(/^cosign TooLarge: .*the manifest is larger than the 256 KiB cap$/),
      ]);
      expect(await sign('1.4.0')).toMatchObject([
        { kind: 'cosign', layers: [{ mediaType: SIMPLE_SIGNING }] },
      ]);
      // a 500 for the .sig manifest: unreadable too
      front.clear();
      front.inject(new RegExp(`/manifests/${tagOf('1.4.0')}$`), {
        kind: 'status',
        status: 500,
        body: 'boom',
      });
      expect(await sign('1.4.0')).toMatchObject([{ kind: 'cosign', unreadable: { code: 'HTTPError' } }]);
    } finally {
      front.clear();
    }
  });

  it('a corrupt layer blob is unreadable on its own; the good layer beside it is read', async () => {
    const source = createOciSource(definition(front.host), http);
    const meta = find(listed(await source.list({})).versions, 'alpha', '1.1.0');
    const evidence: SignatureEvidence[] = [];
    front.inject(/\/blobs\/sha256:/, { kind: 'corrupt' }, { times: 1 });
    try {
      evidence.push(
        ...(await source.findSignatures!(meta, { manifestDigest: pushed['1.1.0']!.manifestDigest })),
      );
    } finally {
      front.clear();
    }
    expect(evidence).toMatchObject([
      { kind: 'cosign', digest: signature.digest, layers: [{ annotations: { note: 'second' } }] },
      { kind: 'cosign', unreadable: { code: 'DigestMismatch' } },
    ]);
  });

  it('more than 16 layers: the first 16 are read, the rest reported unreadable', async () => {
    const subject = pushed['1.0.0']!.manifestDigest;
    const layers = Array.from({ length: 17 }, (_, i) => ({
      ...cosignLayer(key.privateKey, `${reference()}-${i}`, subject),
    }));
    await pushCosignSignature({ registry, repository: 'charts/alpha', subjectDigest: subject, layers });
    const source = createOciSource(definition(registry.host), http);
    const meta = find(listed(await source.list({})).versions, 'alpha', '1.0.0');
    const { result, urls } = await requestsDuring(() =>
      source.findSignatures!(meta, { manifestDigest: subject }),
    );
    expect((result[0] as CosignSignatureEvidence).layers).toHaveLength(16);
    expect(result[1]).toMatchObject({ kind: 'cosign', unreadable: { code: 'TooLarge' } });
    expect(urls.filter((u) => u.includes('/blobs/'))).toHaveLength(16);
  });
});
