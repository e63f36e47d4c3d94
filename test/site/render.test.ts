/** The site's pure parts: README sanitising, the schema table, install snippets, the feed. */
import { describe, expect, it } from 'vitest';
import type { CatalogRegistry } from '../../src/catalog/types.ts';
import { renderMarkdown } from '../../site/lib/sanitize.ts';
import { schemaDraft, schemaTable } from '../../site/lib/schema-table.ts';
import { installSnippets } from '../../site/lib/snippets.ts';
import { httpUrl } from '../../site/lib/safe-url.ts';

const registry = (over: Partial<CatalogRegistry>): CatalogRegistry => ({
  name: 'acme',
  url: 'https://charts.acme.example',
  kind: 'http',
  private: false,
  charts: 1,
  versions: 1,
  failedVersions: [],
  republished: [],
  ...over,
});

describe('README sanitising', () => {
  it.each([
    ['<script>alert(1)</script>', '<script'],
    ['<img src="https://a.example/x.png" onerror="alert(1)">', 'onerror'],
    ['[x](javascript:alert(1))', 'javascript:'],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', 'avascript'],
    ['<a href=" javascript:alert(1)">x</a>', 'javascript'],
    ['<a href="data:text/html,hi">x</a>', 'data:'],
    ['<img src="data:image/svg+xml,<svg onload=alert(1)>">', 'data:'],
    ['<iframe src="https://evil.example"></iframe>', 'iframe'],
    ['<svg><script>alert(1)</script></svg>', 'script'],
    ['<math><mtext><style><img src=x onerror=alert(1)></style></mtext></math>', 'onerror'],
    ['<div style="background:url(javascript:alert(1))">x</div>', 'style'],
    ['<form action="https://evil.example"><input name=x></form>', 'form'],
    ['<object data="x.swf"></object><embed src="x.swf">', 'object'],
    ['<a href="//evil.example/x">x</a>', 'evil.example'],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example">', 'refresh'],
    ['<base href="https://evil.example/">', 'base'],
  ])('%s loses %s', (input, banned) => {
    expect(renderMarkdown(input).toLowerCase()).not.toContain(banned.toLowerCase());
  });

  it('keeps ordinary markdown, tables, code and http(s) links and images', () => {
    const html = renderMarkdown(
      '# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```yaml\nkey: <value>\n```\n\n[docs](https://docs.example/) ![logo](https://img.example/l.png) [top](#title)',
    );
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<td>1</td>');
    expect(html).toContain('<code>key: &lt;value&gt;\n</code>');
    expect(html).toContain('<a href="https://docs.example/" rel="nofollow noopener noreferrer ugc">docs</a>');
    expect(html).toContain('src="https://img.example/l.png"');
    expect(html).toContain('href="#title"');
  });

  it('accepts only http(s) URLs for icons and links', () => {
    expect(httpUrl('https://x.example/i.png')).toBe('https://x.example/i.png');
    expect(httpUrl('javascript:alert(1)')).toBeUndefined();
    expect(httpUrl('data:image/png;base64,AAAA')).toBeUndefined();
    expect(httpUrl('/relative.png')).toBeUndefined();
    expect(httpUrl(undefined)).toBeUndefined();
  });
});

describe('the values schema table', () => {
  it('reads schema#, draft-07 and no $schema as draft-07, and 2020-12 as 2020-12', () => {
    expect(schemaDraft({ $schema: 'http://json-schema.org/schema#' })).toBe('draft-07');
    expect(schemaDraft({})).toBe('draft-07');
    expect(schemaDraft({ $schema: 'http://json-schema.org/draft-07/schema#' })).toBe('draft-07');
    expect(schemaDraft({ $schema: 'https://json-schema.org/draft/2020-12/schema' })).toBe('2020-12');
  });

  it('flattens nested properties, follows local refs and shows types, defaults and descriptions', () => {
    const table = schemaTable(
      JSON.stringify({
        definitions: { port: { type: 'integer', default: 80, description: 'A port' } },
        required: ['service'],
        properties: {
          service: { type: 'object', properties: { port: { $ref: '#/definitions/port' } } },
          mode: { enum: ['a', 'b'] },
          tags: { type: 'array', items: { type: 'string' } },
          either: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        },
      }),
    );
    expect(table).toEqual({
      ok: true,
      draft: 'draft-07',
      truncated: false,
      rows: [
        { path: 'service', type: 'object', required: true, depth: 0 },
        {
          path: 'service.port',
          type: 'integer',
          default: '80',
          description: 'A port',
          required: false,
          depth: 1,
        },
        { path: 'mode', type: 'enum: "a", "b"', required: false, depth: 0 },
        { path: 'tags', type: 'array of string', required: false, depth: 0 },
        { path: 'either', type: 'string | null', required: false, depth: 0 },
      ],
    });
  });

  it('reports a schema that is not JSON instead of throwing', () => {
    const table = schemaTable('{ nope');
    expect(table.ok).toBe(false);
    expect(!table.ok && table.error).toContain('not valid JSON');
  });
});

describe('install snippets', () => {
  it('use the repository form for an HTTP registry', () => {
    const [helm, flux, argo] = installSnippets(registry({}), 'web', '1.2.3');
    expect(helm!.code).toBe(
      'helm repo add acme https://charts.acme.example\nhelm repo update acme\nhelm install web acme/web --version 1.2.3',
    );
    expect(flux!.code).toContain('kind: HelmRepository');
    expect(flux!.code).not.toContain('secretRef');
    expect(argo!.code).toContain('repoURL: https://charts.acme.example');
  });

  it('use oci:// and OCIRepository for an OCI registry, with secretRef placeholders when private', () => {
    const [helm, flux, argo] = installSnippets(
      registry({ kind: 'oci', url: 'oci://ghcr.io/acme/charts', private: true }),
      'web',
      '1.2.3',
    );
    expect(helm!.code).toBe(
      'helm registry login ghcr.io --username <username> --password-stdin\nhelm install web oci://ghcr.io/acme/charts/web --version 1.2.3',
    );
    expect(flux!.code).toContain('kind: OCIRepository');
    expect(flux!.code).toContain('url: oci://ghcr.io/acme/charts/web');
    expect(flux!.code).toContain('tag: "1.2.3"');
    expect(flux!.code).toMatch(/secretRef:\n {4}name: acme-auth/);
    expect(flux!.code).toContain('chartRef:\n    kind: OCIRepository');
    expect(argo!.code).toContain('repoURL: ghcr.io/acme/charts');
    expect(argo!.code).toContain('enableOCI: "true"');
    expect(argo!.code).toContain('password: <password>');
  });
});
