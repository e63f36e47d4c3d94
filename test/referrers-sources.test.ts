/**
 * findSignatures and OCI 1.1 referrers, against the real distribution registry (no referrers
 * API: the fallback tag `sha256-<hex>`) and the referrers front before it (the API). Referrers
 * are pushed as cosign 3, cosign's OCI-1.1 mode and notation push them (testkit/referrers.ts).
 * Requests are counted through the HTTP client.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packChartDir } from '../src/chart/pack.ts';
import { createOciSource } from '../src/sources/oci/index.ts';
import type { SourceDefinition } from '../src/sources/types.ts';
import type { SignatureEvidence } from '../src/trust/types.ts';
import { pushChart } from '../testkit/oci-push.ts';
import { startRegistry, type TestRegistry } from '../testkit/oci-registry.ts';
import { startReferrersFront, type ReferrersFront } from '../testkit/referrers-front.ts';
import {
  fallbackTag,
  OCI_INDEX,
  OCI_MANIFEST,
  pushBundleReferrer,
  pushCosignReferrer,
  pushFallbackIndex,
  pushNotationSignature,
  pushReferrer,
  readFallbackIndex,
  SIGSTORE_BUNDLE_V03,
  subjectOf,
  type PushedReferrer,
} from '../testkit/referrers.ts';
import { cosignKeyPair, cosignLayer, SIMPLE_SIGNING } from '../testkit/signing.ts';
import { writeOwnChart } from './helpers/own-charts.ts';
import { recordingHttp } from './helpers/recording-http.ts';

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const bundleOf = (digest: string) =>
  Buffer.from(JSON.stringify({ mediaType: SIGSTORE_BUNDLE_V03, note: `a bundle for ${digest}` }));

/** each piece of evidence as `<kind> <code>: <message>` when unreadable, else `<kind> read` */
const unreadables = (evidence: SignatureEvidence[]) =>
  evidence.map((e) =>
    'unreadable' in e ? `${e.kind} ${e.unreadable.code}: ${e.unreadable.message}` : `${e.kind} read`,
  );

const VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0', '1.6.0'];

describe('OCI referrers: fallback tag, referrers API, bounds', () => {
  let registry: TestRegistry;
  let front: ReferrersFront;
  const http = recordingHttp();
  const key = cosignKeyPair();
  /** per repository (`charts/alpha` at the registry, `api/alpha` pushed through the front), per version */
  const pushed: Record<string, Record<string, { manifestDigest: string }>> = {};
  const refs: Record<string, PushedReferrer> = {};

  const definition = (host: string, namespace: string): SourceDefinition => ({
    name: 'oci',
    url: `oci://${host}/${namespace}`,
    charts: ['alpha'],
    insecure: true,
    passCredentials: false,
    credential: undefined,
  });
  const digestOf = (repo: string, version: string) => pushed[repo]![version]!.manifestDigest;
  /** a source after list(), and a look-up of one version with the manifest digest the catalog holds */
  async function listedSource(host: string, namespace: string) {
    const source = createOciSource(definition(host, namespace), http);
    const result = await source.list({});
    if (result.notModified) throw new Error('not modified');
    // the version's manifest as the sync reads it first (describeVersion, by tag): findSignatures
    // reuses it, and paths() leaves that read out
    const look = async (version: string, known?: string[]) => {
      const meta = result.versions.find((v) => v.version === version)!;
      await source.describeVersion!(meta);
      return source.findSignatures!(meta, {
        manifestDigest: digestOf(`${namespace}/alpha`, version),
        ...(known ? { known } : {}),
      });
    };
    return { source, versions: result.versions, look };
  }
  const paths = () =>
    http.urls
      .map((u) => new URL(u).pathname + new URL(u).search)
      .filter((p) => !/\/manifests\/\d+\.\d+\.\d+$/.test(p));
  async function during<T>(work: () => Promise<T>): Promise<{ result: T; urls: string[] }> {
    http.reset();
    const result = await work();
    return { result, urls: paths() };
  }

  beforeAll(async () => {
    registry = await startRegistry('none');
    front = await startReferrersFront(registry.origin);
    const alpha = await writeOwnChart('alpha');
    for (const [repo, origin] of [
      ['charts/alpha', registry.origin],
      ['api/alpha', front.origin],
    ] as const) {
      pushed[repo] = {};
      for (const version of VERSIONS) {
        const archive = await packChartDir(alpha.dir, { name: 'alpha', version });
        pushed[repo][version] = await pushChart({ ...registry, origin }, repo, archive, version);
      }
    }
    const at = (repo: string, origin: string) => ({
      registry: { origin },
      repository: repo,
    });
    for (const [repo, origin] of [
      ['charts/alpha', registry.origin],
      ['api/alpha', front.origin],
    ] as const) {
      const where = at(repo, origin);
      // 1.1.0: a Sigstore bundle (cosign 3)
      refs[`${repo} bundle`] = await pushBundleReferrer({
        ...where,
        subject: digestOf(repo, '1.1.0'),
        bundle: bundleOf(digestOf(repo, '1.1.0')),
      });
      // 1.2.0: a cosign OCI-1.1 signature and a Notation signature
      refs[`${repo} cosign`] = await pushCosignReferrer({
        ...where,
        subject: digestOf(repo, '1.2.0'),
        layers: [cosignLayer(key.privateKey, `${registry.host}/${repo}`, digestOf(repo, '1.2.0'))],
      });
      refs[`${repo} notation`] = await pushNotationSignature({
        ...where,
        subject: digestOf(repo, '1.2.0'),
        thumbprints: ['AB'.repeat(32), 'cd'.repeat(32)],
      });
      // 1.3.0: an SBOM (not a signature), a legacy Notation signature (no artifactType)
      refs[`${repo} sbom`] = await pushReferrer({
        ...where,
        subject: digestOf(repo, '1.3.0'),
        artifactType: 'application/spdx+json',
        layers: [{ mediaType: 'application/spdx+json', body: Buffer.from('{"spdxVersion":"SPDX-2.3"}') }],
      });
      refs[`${repo} legacy notation`] = await pushNotationSignature({
        ...where,
        subject: digestOf(repo, '1.3.0'),
        envelopeType: 'application/cose',
        legacy: true,
      });
    }
  });
  afterAll(async () => {
    await http.close();
    await front.close();
    await registry.close();
  });

  describe('the testkit pushers', () => {
    it('a registry without the API gets the fallback index; through the front, OCI-Subject and no tag', async () => {
      expect(refs['charts/alpha bundle']!.viaApi).toBe(false);
      expect(refs['api/alpha bundle']!.viaApi).toBe(true);
      const index = await readFallbackIndex(
        registry,
        'charts/alpha',
        fallbackTag(digestOf('charts/alpha', '1.2.0')),
      );
      expect(index?.manifests.map((m) => [m.digest, m.artifactType])).toEqual([
        [refs['charts/alpha cosign']!.digest, 'application/vnd.dev.cosign.artifact.sig.v1+json'],
        [refs['charts/alpha notation']!.digest, 'application/vnd.cncf.notary.signature'],
      ]);
      expect(
        await readFallbackIndex(registry, 'api/alpha', fallbackTag(digestOf('api/alpha', '1.2.0'))),
      ).toBeUndefined();
    });

    it('the bundle referrer is laid out as cosign 3 writes it', async () => {
      const manifest = JSON.parse(refs['charts/alpha bundle']!.manifest.toString()) as Record<
        string,
        unknown
      >;
      expect(manifest).toMatchObject({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: SIGSTORE_BUNDLE_V03,
        config: {
          mediaType: 'application/vnd.oci.empty.v1+json',
          size: 2,
          digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
          artifactType: SIGSTORE_BUNDLE_V03,
        },
        layers: [{ mediaType: SIGSTORE_BUNDLE_V03 }],
        subject: await subjectOf(registry, 'charts/alpha', digestOf('charts/alpha', '1.1.0')),
        annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope' },
      });
    });

    it('the front answers the referrers API with the artifactType filter applied, and says so', async () => {
      const url = `${front.origin}/v2/api/alpha/referrers/${digestOf('api/alpha', '1.2.0')}`;
      const all = await fetch(url);
      expect(all.headers.get('content-type')).toBe(OCI_INDEX);
      expect(all.headers.get('oci-filters-applied')).toBeNull();
      expect(((await all.json()) as { manifests: unknown[] }).manifests).toHaveLength(2);
      const one = await fetch(`${url}?artifactType=application/vnd.cncf.notary.signature`);
      expect(one.headers.get('oci-filters-applied')).toBe('artifactType');
      expect(((await one.json()) as { manifests: Array<{ digest: string }> }).manifests).toEqual([
        expect.objectContaining({ digest: refs['api/alpha notation']!.digest }),
      ]);
      // it reads the registry's fallback index too (referrers pushed straight to the registry)
      const fallback = await fetch(
        `${front.origin}/v2/charts/alpha/referrers/${digestOf('charts/alpha', '1.1.0')}`,
      );
      expect(((await fallback.json()) as { manifests: Array<{ digest: string }> }).manifests).toEqual([
        expect.objectContaining({ digest: refs['charts/alpha bundle']!.digest }),
      ]);
    });
  });

  describe('a registry without the referrers API (docker-registry 2.8): the fallback tag', () => {
    it('a bundle: the probe (404), the index under the tag, the referrer manifest, its bundle layer', async () => {
      const { look } = await listedSource(registry.host, 'charts');
      const bundle = refs['charts/alpha bundle']!;
      const { result, urls } = await during(() => look('1.1.0'));
      expect(result).toEqual([
        {
          kind: 'sigstore',
          digest: bundle.digest,
          mediaType: SIGSTORE_BUNDLE_V03,
          bundle: bundleOf(digestOf('charts/alpha', '1.1.0')),
        },
      ]);
      const digest = digestOf('charts/alpha', '1.1.0');
      expect(urls).toEqual([
        `/v2/charts/alpha/referrers/${digest}`,
        `/v2/charts/alpha/manifests/${fallbackTag(digest)}`,
        `/v2/charts/alpha/manifests/${bundle.digest}`,
        `/v2/charts/alpha/blobs/${sha256(bundleOf(digest))}`,
      ]);
    });

    it('one probe per run, shared by concurrent look-ups; then an unsigned version costs no request', async () => {
      const { look } = await listedSource(registry.host, 'charts');
      const { result, urls } = await during(() => Promise.all(VERSIONS.map((v) => look(v))));
      expect(urls.filter((u) => u.includes('/referrers/'))).toHaveLength(1);
      expect(result.map((r) => r.map((e) => e.kind))).toEqual([
        [],
        ['sigstore'],
        ['cosign', 'notation'],
        ['notation'],
        [],
        [],
        [],
      ]);
      const again = await during(() => look('1.0.0'));
      expect(again).toEqual({ result: [], urls: [] });
      // a new run probes again, once
      const next = await listedSource(registry.host, 'charts');
      expect((await during(() => next.look('1.0.0'))).urls).toEqual([
        `/v2/charts/alpha/referrers/${digestOf('charts/alpha', '1.0.0')}`,
      ]);
    });

    it('a cosign OCI-1.1 signature is cosign evidence with the referrer digest; Notation is detected from the manifest alone', async () => {
      const { look } = await listedSource(registry.host, 'charts');
      await look('1.0.0'); // the probe
      const { result, urls } = await during(() => look('1.2.0'));
      expect(result).toMatchObject([
        {
          kind: 'cosign',
          digest: refs['charts/alpha cosign']!.digest,
          layers: [{ mediaType: SIMPLE_SIGNING }],
        },
        {
          kind: 'notation',
          digest: refs['charts/alpha notation']!.digest,
          envelope: 'application/jose+json',
          thumbprints: ['ab'.repeat(32), 'cd'.repeat(32)],
        },
      ]);
      const layer = (result[0] as { layers: Array<{ payload: Buffer }> }).layers[0]!;
      expect(JSON.parse(layer.payload.toString())).toMatchObject({
        critical: { image: { 'docker-manifest-digest': digestOf('charts/alpha', '1.2.0') } },
      });
      // the index, two manifests, one blob (the cosign payload); none for Notation
      expect(urls.filter((u) => u.includes('/blobs/'))).toHaveLength(1);
      expect(urls).toHaveLength(4);
      // the legacy form (config media type, no artifactType) and an SBOM beside it, which is not read
      const legacy = await during(() => look('1.3.0'));
      expect(legacy.result).toEqual([
        {
          kind: 'notation',
          digest: refs['charts/alpha legacy notation']!.digest,
          envelope: 'application/cose',
          thumbprints: ['ab'.repeat(32)],
        },
      ]);
      expect(legacy.urls).not.toContain(`/v2/charts/alpha/manifests/${refs['charts/alpha sbom']!.digest}`);
    });

    it('a referrer recorded before (known) is unchanged: the index only, no manifest, no blob', async () => {
      const { look } = await listedSource(registry.host, 'charts');
      await look('1.0.0');
      const bundle = refs['charts/alpha bundle']!;
      const { result, urls } = await during(() => look('1.1.0', [bundle.digest]));
      expect(result).toEqual([
        {
          kind: 'sigstore',
          digest: bundle.digest,
          unchanged: true,
          mediaType: SIGSTORE_BUNDLE_V03,
          bundle: Buffer.alloc(0),
        },
      ]);
      expect(urls).toEqual([`/v2/charts/alpha/manifests/${fallbackTag(digestOf('charts/alpha', '1.1.0'))}`]);
      const cosign = refs['charts/alpha cosign']!;
      const both = await during(() => look('1.2.0', [cosign.digest]));
      expect(both.result).toMatchObject([
        { kind: 'cosign', digest: cosign.digest, unchanged: true, layers: [] },
        { kind: 'notation' },
      ]);
      expect(both.urls.filter((u) => u.includes('/blobs/'))).toEqual([]);
    });

    it('the legacy .sig tag and the referrers are both looked at', async () => {
      const { pushCosignSignature } = await import('../testkit/signing.ts');
      const digest = digestOf('charts/alpha', '1.4.0');
      const sig = await pushCosignSignature({
        registry,
        repository: 'charts/alpha',
        subjectDigest: digest,
        layers: [cosignLayer(key.privateKey, `${registry.host}/charts/alpha`, digest)],
      });
      const bundle = await pushBundleReferrer({
        registry,
        repository: 'charts/alpha',
        subject: digest,
        bundle: bundleOf(digest),
      });
      const { look } = await listedSource(registry.host, 'charts');
      expect(await look('1.4.0')).toMatchObject([
        { kind: 'cosign', digest: sig.digest },
        { kind: 'sigstore', digest: bundle.digest },
      ]);
    });
  });

  describe('a registry with the referrers API (the front)', () => {
    it('each look-up asks the API; no fallback tag is looked for', async () => {
      const { look } = await listedSource(front.host, 'api');
      const bundle = refs['api/alpha bundle']!;
      const digest = digestOf('api/alpha', '1.1.0');
      const { result, urls } = await during(() => look('1.1.0'));
      expect(result).toEqual([
        { kind: 'sigstore', digest: bundle.digest, mediaType: SIGSTORE_BUNDLE_V03, bundle: bundleOf(digest) },
      ]);
      expect(urls).toEqual([
        `/v2/api/alpha/referrers/${digest}`,
        `/v2/api/alpha/manifests/${bundle.digest}`,
        `/v2/api/alpha/blobs/${sha256(bundleOf(digest))}`,
      ]);
      // an unsigned version costs its referrers request; a known referrer, nothing more
      expect((await during(() => look('1.0.0'))).urls).toEqual([
        `/v2/api/alpha/referrers/${digestOf('api/alpha', '1.0.0')}`,
      ]);
      expect((await during(() => look('1.1.0', [bundle.digest]))).urls).toEqual([
        `/v2/api/alpha/referrers/${digest}`,
      ]);
      const signed = await during(() => look('1.2.0'));
      expect(signed.result.map((e) => e.kind)).toEqual(['cosign', 'notation']);
    });

    it('a probe that fails (a 500) is not remembered: unreadable evidence, and the next look-up probes again', async () => {
      const { look } = await listedSource(front.host, 'api');
      let failures = 1;
      front.answer = ({ url }) =>
        url.includes('/referrers/') && failures-- > 0 ? { status: 500, body: 'boom' } : undefined;
      try {
        expect(await look('1.1.0')).toMatchObject([{ kind: 'sigstore', unreadable: { code: 'HTTPError' } }]);
        expect(await look('1.1.0')).toMatchObject([
          { kind: 'sigstore', digest: refs['api/alpha bundle']!.digest },
        ]);
      } finally {
        front.answer = undefined;
      }
    });
  });

  describe('hostile referrers', () => {
    /** serves `index` as the referrers API's answer for the version (through the front) */
    async function withIndex(
      version: string,
      index: unknown,
      work: (look: (known?: string[]) => Promise<SignatureEvidence[]>) => Promise<void>,
      answers: Record<
        string,
        { status: number; body: string | Buffer; headers?: Record<string, string> }
      > = {},
    ) {
      const { look } = await listedSource(front.host, 'api');
      const body = typeof index === 'string' || Buffer.isBuffer(index) ? index : JSON.stringify(index);
      const digest = digestOf('api/alpha', version);
      front.answer = ({ url }) => {
        if (url === `/v2/api/alpha/referrers/${digest}`)
          return { status: 200, headers: { 'content-type': OCI_INDEX }, body };
        for (const [path, answer] of Object.entries(answers)) if (url === path) return answer;
        return undefined;
      };
      try {
        await work((known) => look(version, known));
      } finally {
        front.answer = undefined;
      }
    }
    const entry = (digest: string, more: Record<string, unknown> = {}) => ({
      mediaType: OCI_MANIFEST,
      digest,
      size: 500,
      artifactType: SIGSTORE_BUNDLE_V03,
      ...more,
    });

    it('an index over 1 MiB is unreadable, not read whole', async () => {
      const huge = JSON.stringify({ manifests: [], pad: 'x'.repeat(1024 * 1024) });
      await withIndex('1.0.0', huge, async (look) => {
        expect(unreadables(await look())).toEqual([
          expect.stringMatching(/^sigstore TooLarge: .*the referrers index is larger than the 1 MiB cap$/),
        ]);
      });
    });

    it('an index that is not an index: unreadable (not JSON), invalid (no list), nothing (no entries)', async () => {
      await withIndex('1.0.0', '<html>', async (look) => {
        expect(await look()).toMatchObject([{ kind: 'sigstore', unreadable: { code: 'OCIInvalid' } }]);
      });
      await withIndex('1.0.0', { manifests: 'many' }, async (look) => {
        expect(await look()).toMatchObject([{ kind: 'sigstore', unreadable: { code: 'OCIInvalid' } }]);
      });
      await withIndex(
        '1.0.0',
        { manifests: [null, 7, { digest: 'md5:x' }, { digest: 'sha256:short' }] },
        async (look) => {
          expect(await look()).toEqual([]);
        },
      );
    });

    it('a manifest that does not hash to the digest the index names is a digest mismatch', async () => {
      const bundle = refs['api/alpha bundle']!;
      const forged = `/v2/api/alpha/manifests/${bundle.digest}`;
      const other = Buffer.from(
        bundle.manifest.toString().replace('"schemaVersion":2', '"schemaVersion":2 '),
      );
      await withIndex(
        '1.1.0',
        { manifests: [entry(bundle.digest)] },
        async (look) => {
          expect(await look()).toMatchObject([{ kind: 'sigstore', unreadable: { code: 'DigestMismatch' } }]);
        },
        { [forged]: { status: 200, body: other, headers: { 'content-type': OCI_MANIFEST } } },
      );
    });

    it('a referrer whose subject is another manifest is ignored (listed under the wrong version)', async () => {
      // the 1.1.0 bundle, listed in 1.0.0's fallback index at the registry
      const bundle = refs['charts/alpha bundle']!;
      await pushFallbackIndex(
        registry,
        'charts/alpha',
        digestOf('charts/alpha', '1.5.0'),
        Buffer.from(
          JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [bundle.descriptor] }),
        ),
      );
      const { look } = await listedSource(registry.host, 'charts');
      const { result, urls } = await during(() => look('1.5.0'));
      expect(result).toEqual([]);
      // read (the index is the registry's word), then left out: no blob
      expect(urls).toContain(`/v2/charts/alpha/manifests/${bundle.digest}`);
      expect(urls.filter((u) => u.includes('/blobs/'))).toEqual([]);
    });

    it('loops and repeats: the version itself, an index, the same referrer twice are read once or not at all', async () => {
      const bundle = refs['api/alpha bundle']!;
      const self = digestOf('api/alpha', '1.1.0');
      await withIndex(
        '1.1.0',
        {
          manifests: [
            entry(self),
            entry(bundle.digest),
            { ...entry(`sha256:${'1'.repeat(64)}`), mediaType: OCI_INDEX },
            entry(bundle.digest),
          ],
        },
        async (look) => {
          http.reset();
          expect(await look()).toMatchObject([{ kind: 'sigstore', digest: bundle.digest }]);
          expect(paths().filter((u) => u.includes('/manifests/'))).toEqual([
            `/v2/api/alpha/manifests/${bundle.digest}`,
          ]);
        },
      );
    });

    it('at most 16 referrers are read; what is not a signature does not count; a manifest over 256 KiB is not read', async () => {
      const many = Array.from({ length: 20 }, (_, i) => entry(`sha256:${i.toString(16).padStart(64, 'a')}`));
      const sboms = Array.from({ length: 50 }, (_, i) =>
        entry(`sha256:${i.toString(16).padStart(64, 'b')}`, { artifactType: 'application/spdx+json' }),
      );
      await withIndex('1.0.0', { manifests: [...sboms, ...many] }, async (look) => {
        http.reset();
        const evidence = await look();
        // each named manifest is missing at the registry: no signature, but asked for
        expect(paths().filter((u) => u.includes('/manifests/'))).toHaveLength(16);
        expect(unreadables(evidence)).toEqual([
          expect.stringMatching(
            /^sigstore TooLarge: .*: 20 referrers may be signatures; only the first 16 were read$/,
          ),
        ]);
      });
      await withIndex(
        '1.0.0',
        { manifests: [entry(`sha256:${'c'.repeat(64)}`, { size: 300 * 1024 })] },
        async (look) => {
          http.reset();
          expect(await look()).toMatchObject([{ kind: 'sigstore', unreadable: { code: 'TooLarge' } }]);
          expect(paths().filter((u) => u.includes('/manifests/'))).toEqual([]);
        },
      );
    });

    it('a known referrer the index does not type: its manifest is read (to know its kind), no blob', async () => {
      const bundle = refs['api/alpha bundle']!;
      await withIndex(
        '1.1.0',
        { manifests: [entry(bundle.digest, { artifactType: undefined })] },
        async (look) => {
          http.reset();
          expect(await look([bundle.digest])).toMatchObject([
            { kind: 'sigstore', digest: bundle.digest, unchanged: true },
          ]);
          expect(paths()).toEqual([
            `/v2/api/alpha/referrers/${digestOf('api/alpha', '1.1.0')}`,
            `/v2/api/alpha/manifests/${bundle.digest}`,
          ]);
        },
      );
    });

    it('pages of the API are followed on the registry origin; another host, a loop or too many pages are refused', async () => {
      const bundle = refs['api/alpha bundle']!;
      const digest = digestOf('api/alpha', '1.1.0');
      const first = `/v2/api/alpha/referrers/${digest}`;
      const page = (manifests: unknown[], link?: string) => ({
        status: 200,
        headers: { 'content-type': OCI_INDEX, ...(link ? { link: `<${link}>; rel="next"` } : {}) },
        body: JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }),
      });
      const serve = (pages: Record<string, ReturnType<typeof page>>) => {
        front.answer = ({ url }) => pages[url];
      };
      const { look } = await listedSource(front.host, 'api');
      try {
        serve({ [first]: page([], `${first}?last=2`), [`${first}?last=2`]: page([entry(bundle.digest)]) });
        http.reset();
        expect(await look('1.1.0')).toMatchObject([{ kind: 'sigstore', digest: bundle.digest }]);
        expect(paths().filter((u) => u.includes('/referrers/'))).toEqual([first, `${first}?last=2`]);
        serve({ [first]: page([], `http://127.0.0.2:1${first}?n=2`) });
        expect(unreadables(await look('1.1.0'))).toEqual([
          expect.stringMatching(/^sigstore OCIInvalid: .*points to another host \(http:\/\/127\.0\.0\.2:1\)/),
        ]);
        serve({ [first]: page([], `${first}?a`), [`${first}?a`]: page([], `${first}?a`) });
        expect(unreadables(await look('1.1.0'))).toEqual([expect.stringMatching(/^sigstore TooManyPages: /)]);
        const endless = Object.fromEntries(
          Array.from({ length: 20 }, (_, i) => [
            i ? `${first}?p=${i}` : first,
            page([], `${first}?p=${i + 1}`),
          ]),
        );
        serve(endless);
        http.reset();
        expect(unreadables(await look('1.1.0'))).toEqual([
          expect.stringMatching(/^sigstore TooManyPages: .*past 8 pages/),
        ]);
        expect(paths().filter((u) => u.includes('/referrers/'))).toHaveLength(8);
      } finally {
        front.answer = undefined;
      }
    });

    it('a bundle referrer with two layers is no bundle; a bundle layer over 256 KiB is not read', async () => {
      const subject = digestOf('api/alpha', '1.6.0');
      const two = await pushReferrer({
        registry: { origin: front.origin },
        repository: 'api/alpha',
        subject,
        artifactType: SIGSTORE_BUNDLE_V03,
        layers: [
          { mediaType: SIGSTORE_BUNDLE_V03, body: Buffer.from('{"a":1}') },
          { mediaType: SIGSTORE_BUNDLE_V03, body: Buffer.from('{"b":2}') },
        ],
      });
      const big = Buffer.alloc(300 * 1024, 0x20);
      const large = await pushBundleReferrer({
        registry: { origin: front.origin },
        repository: 'api/alpha',
        subject,
        bundle: big,
      });
      const { look } = await listedSource(front.host, 'api');
      http.reset();
      const evidence = await look('1.6.0');
      expect(unreadables(evidence)).toEqual([
        expect.stringMatching(
          /^sigstore TooLarge: .*the bundle layer sha256:[0-9a-f]{64} is 307200 bytes, over the 256 KiB cap/,
        ),
      ]);
      expect(unreadables(evidence)[0]).toContain(`@${large.digest}`);
      expect(paths()).toEqual([
        `/v2/api/alpha/referrers/${subject}`,
        `/v2/api/alpha/manifests/${two.digest}`,
        `/v2/api/alpha/manifests/${large.digest}`,
      ]);
    });
  });

  describe('a private registry (token auth)', () => {
    let secured: TestRegistry;
    beforeAll(async () => {
      secured = await startRegistry('token', {
        admin: { password: 'admin-pass-1', push: true },
        reader: { password: 'reader-pass-1', push: false },
      });
    });
    afterAll(async () => secured.close());

    it('the probe and the fallback index authenticate as every request does', async () => {
      const alpha = await writeOwnChart('alpha');
      const archive = await packChartDir(alpha.dir, { name: 'alpha', version: '2.0.0' });
      const { manifestDigest } = await pushChart(secured, 'private/alpha', archive, '2.0.0');
      const bundle = await pushBundleReferrer({
        registry: secured,
        repository: 'private/alpha',
        subject: manifestDigest,
        bundle: bundleOf(manifestDigest),
      });
      const source = createOciSource(
        {
          ...definition(secured.host, 'private'),
          credential: { username: 'reader', password: 'reader-pass-1' },
        },
        http,
      );
      const result = await source.list({});
      if (result.notModified) throw new Error('not modified');
      const evidence = await source.findSignatures!(result.versions[0]!, { manifestDigest });
      expect(evidence).toEqual([
        {
          kind: 'sigstore',
          digest: bundle.digest,
          mediaType: SIGSTORE_BUNDLE_V03,
          bundle: bundleOf(manifestDigest),
        },
      ]);
    });

    it('through the API of a private registry: an anonymous referrers request gets the challenge, then the token', async () => {
      const privateFront = await startReferrersFront(secured.origin);
      try {
        const alpha = await writeOwnChart('alpha');
        const archive = await packChartDir(alpha.dir, { name: 'alpha', version: '3.0.0' });
        const through = { ...secured, origin: privateFront.origin };
        const { manifestDigest } = await pushChart(through, 'viaapi/alpha', archive, '3.0.0');
        const bundle = await pushBundleReferrer({
          registry: { origin: privateFront.origin, auth: await secured.pushAuth('viaapi/alpha') },
          repository: 'viaapi/alpha',
          subject: manifestDigest,
          bundle: bundleOf(manifestDigest),
        });
        expect(bundle.viaApi).toBe(true);
        const anonymous = await fetch(`${privateFront.origin}/v2/viaapi/alpha/referrers/${manifestDigest}`);
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
        const source = createOciSource(
          {
            ...definition(privateFront.host, 'viaapi'),
            credential: { username: 'reader', password: 'reader-pass-1' },
          },
          http,
        );
        const result = await source.list({});
        if (result.notModified) throw new Error('not modified');
        expect(await source.findSignatures!(result.versions[0]!, { manifestDigest })).toMatchObject([
          { kind: 'sigstore', digest: bundle.digest, bundle: bundleOf(manifestDigest) },
        ]);
      } finally {
        await privateFront.close();
      }
    });
  });
});
