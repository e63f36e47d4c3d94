/**
 * Hostile chart content on the site, at the sanitiser: READMEs that try script, event handlers,
 * javascript:/data: URLs (in every spelling), frames, styles, forms and parser tricks; icons and
 * links that are not http(s); values.yaml with markup; odd values schemas. Every rendered README is
 * parsed again and must hold only allowed elements, no event handler or style attribute, and only
 * http(s)/mailto/#anchor URLs. (The built site in Chromium, test/site/site.test.ts, runs the
 * hostile chart in a real browser and checks that nothing ran.)
 */
import { describe, expect, it } from 'vitest';
import { highlightYaml } from '../../site/lib/highlight.ts';
import { httpUrl } from '../../site/lib/safe-url.ts';
import { renderMarkdown } from '../../site/lib/sanitize.ts';
import { schemaTable } from '../../site/lib/schema-table.ts';

const ALLOWED = new Set(
  [
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'kbd', 'samp'],
    ...['ul', 'ol', 'li', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td'],
    ...['a', 'img', 'strong', 'b', 'em', 'i', 'del', 's', 'sub', 'sup', 'span', 'div', 'details', 'summary'],
  ].map((t) => t.toUpperCase()),
);

const decode = (value: string) =>
  value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * What is wrong with rendered HTML, read again tag by tag. The sanitiser serialises its output
 * (text escaped, attributes double-quoted), so its tags can be read exactly; URLs are read as a
 * browser reads them: entities decoded, tabs and newlines removed, leading spaces and controls
 * skipped.
 */
function dangers(html: string): string[] {
  const found: string[] = [];
  for (const [, name, attributes] of html.matchAll(/<([a-zA-Z][\w:-]*)([^>]*)>/g)) {
    const tag = name!.toLowerCase();
    if (!ALLOWED.has(tag.toUpperCase())) found.push(`element <${tag}>`);
    for (const [, attribute, raw = ''] of attributes!.matchAll(/([^\s="'/>]+)(?:="([^"]*)")?/g)) {
      const attr = attribute!.toLowerCase();
      const value = decode(raw)
        .replace(/[\t\n\r]/g, '')
        // leading spaces and C0 controls, which browsers skip
        .replace(/^[\s\p{Cc}]+/u, '');
      if (attr.startsWith('on')) found.push(`handler ${attr} on <${tag}>`);
      if (/^(style|srcset|srcdoc|formaction|action|target|xlink:href|background|dynsrc|lowsrc)$/.test(attr))
        found.push(`attribute ${attr} on <${tag}>`);
      if (attr === 'href' && !/^(https?:\/\/|mailto:|#)/i.test(value)) found.push(`href ${value}`);
      if (attr === 'src' && !/^https?:\/\//i.test(value)) found.push(`src ${value}`);
    }
  }
  return found;
}

const README_PAYLOADS: Array<[label: string, markdown: string, keeps?: string]> = [
  ['script element', `<script>alert('xss')</script>`],
  ['script with a src, in capitals', '<SCRIPT type="module" src="https://evil.example/x.js"></SCRIPT>'],
  ['img onerror', `<img src=x onerror=alert('xss')>`],
  ['img onerror on an http image', '<img src="https://img.example/x.png" onerror="alert(1)">'],
  [
    'event handlers on an allowed element',
    '<p onclick="alert(1)" onmouseover="alert(2)">click me</p>',
    'click me',
  ],
  ['details ontoggle', '<details open ontoggle=alert(1)><summary>more</summary>text</details>', 'more'],
  ['input autofocus onfocus', '<input autofocus onfocus=alert(1)>'],
  ['inline svg onload', '<svg onload=alert(1)><circle r="4"/></svg>'],
  ['script inside svg', '<svg><script>alert(1)</script></svg>'],
  [
    'svg use with xlink:href',
    '<svg><use xlink:href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>',
  ],
  ['iframe', '<iframe src="https://evil.example"></iframe>'],
  ['iframe srcdoc', `<iframe srcdoc="<script>alert(1)</script>"></iframe>`],
  ['style element', '<style>body{background:url(javascript:alert(1))}</style>'],
  ['style attribute', '<div style="position:fixed;inset:0">overlay</div>', 'overlay'],
  [
    'form with formaction',
    '<form action="https://evil.example"><button formaction="javascript:alert(1)">go</button></form>',
  ],
  ['object and embed', '<object data="x.swf"></object><embed src="x.swf">'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=https://evil.example">'],
  ['base href', '<base href="https://evil.example/">'],
  ['link stylesheet', '<link rel="stylesheet" href="https://evil.example/x.css">'],
  ['a href JaVaScRiPt: in mixed case', '<a href="JaVaScRiPt:alert(1)">x</a>'],
  ['a href javascript: after a space', '<a href=" javascript:alert(1)">x</a>'],
  ['a href javascript: split by a tab', '<a href="java\tscript:alert(1)">x</a>'],
  ['a href javascript: split by an encoded newline', '<a href="java&#10;script:alert(1)">x</a>'],
  ['a href javascript&#58; (entity-encoded colon)', '<a href="javascript&#58;alert(1)">x</a>'],
  [
    'a href javascript: fully entity-encoded',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  ],
  ['a href javascript: hex entity', '<a href="&#x6A;avascript:alert(1)">x</a>'],
  ['a href vbscript:', '<a href="vbscript:msgbox(1)">x</a>'],
  ['a href data:text/html', `<a href="data:text/html,<script>alert(1)</script>">x</a>`],
  ['img src data:image/svg+xml with onload', `<img src="data:image/svg+xml,<svg onload=alert(1)>">`],
  ['img srcset javascript:', '<img src="https://img.example/x.png" srcset="javascript:alert(1) 2x">'],
  ['a target=_blank (tab-nabbing)', '<a href="https://docs.example/" target="_blank">docs</a>', 'docs'],
  ['protocol-relative link', '<a href="//evil.example/x">x</a>'],
  ['markdown link to javascript:', '[x](javascript:alert(1))'],
  ['markdown link to javascript&#58;', '[x](javascript&#58;alert(1))'],
  ['markdown link to JAVASCRIPT: with a space', '[x]( JAVASCRIPT:alert(1))'],
  ['markdown image with javascript:', '![x](javascript:alert(1))'],
  ['markdown image with data:', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
  ['markdown reference link to javascript:', '[x][evil]\n\n[evil]: javascript:alert(1)'],
  ['markdown autolink to javascript:', '<javascript:alert(1)>'],
  [
    'mutation XSS through math and style',
    '<math><mtext><style><img src=x onerror=alert(1)></style></mtext></math>',
  ],
  [
    'mutation XSS through noscript',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  ],
  ['comment breakout', '<!--><img src=x onerror=alert(1)>-->'],
  ['textarea breakout', '<textarea><img src=x onerror=alert(1)></textarea>'],
  ['unclosed tag with a handler', '<img src="https://img.example/x.png" onerror="alert(1)"'],
];

describe('a hostile README', () => {
  it.each(README_PAYLOADS)(
    '%s: renders with no script, handler, style or unsafe URL',
    (_label, markdown, keeps) => {
      const html = renderMarkdown(`# readme\n\n${markdown}\n`);
      expect(dangers(html)).toEqual([]);
      // what is left of the payload is text: no tag carries any of it
      for (const [tag] of html.matchAll(/<[^>]*>/g))
        expect(tag.toLowerCase()).not.toMatch(/javascript|vbscript|data:|onerror|onload|onclick|alert/);
      if (keeps) expect(html).toContain(keeps);
      // the rest of the README survives
      expect(html).toContain('<h1>readme</h1>');
    },
  );

  it('keeps safe links and images, marked nofollow and loaded without referrer', () => {
    const html = renderMarkdown(
      '[docs](https://docs.example/) <a href="mailto:team@example.com">mail</a> [top](#readme) ![logo](https://img.example/l.svg)',
    );
    expect(dangers(html)).toEqual([]);
    expect(html).toContain('<a href="https://docs.example/" rel="nofollow noopener noreferrer ugc">docs</a>');
    expect(html).toContain('href="mailto:team@example.com"');
    expect(html).toContain('href="#readme"');
    // an SVG image from a README is an <img>, never inline SVG: scripts in it cannot run
    expect(html).toContain(
      '<img alt="logo" src="https://img.example/l.svg" loading="lazy" referrerpolicy="no-referrer" />',
    );
  });

  it('checks itself: the danger check finds what an unsanitised README holds', () => {
    expect(
      dangers(
        '<script>x</script><p onclick="x" style="a">t</p><a href=" java&#x09;script:x">y</a><img src="x" />',
      ),
    ).toEqual([
      'element <script>',
      'handler onclick on <p>',
      'attribute style on <p>',
      'href javascript:x',
      'src x',
    ]);
  });
});

describe('hostile icons and links from Chart.yaml', () => {
  it.each([
    [
      'icon data:image/svg+xml with onload',
      `data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`,
    ],
    ['icon data:image/png', 'data:image/png;base64,iVBORw0KGgo='],
    ['icon javascript: in mixed case', 'JavaScript:alert(1)'],
    ['icon javascript: after whitespace', '  javascript:alert(1)'],
    ['icon javascript: split by a newline', 'java\nscript:alert(1)'],
    ['icon protocol-relative', '//evil.example/icon.svg'],
    ['icon file:', 'file:///etc/passwd'],
    ['icon relative path', 'icon.svg'],
  ])('%s is refused: no image, no link', (_label, value) => {
    expect(httpUrl(value)).toBeUndefined();
  });

  it('an https SVG icon is kept, as a URL for an <img> (the site never inlines an icon)', () => {
    expect(httpUrl('https://charts.example/icon.svg')).toBe('https://charts.example/icon.svg');
    expect(httpUrl(' https://charts.example/icon.svg ')).toBe('https://charts.example/icon.svg');
  });
});

describe('hostile values.yaml', () => {
  it('is highlighted as text: markup in keys, values and comments stays text', () => {
    const html = highlightYaml(
      [
        `# </code></pre><script>alert('comment')</script>`,
        `"<img src=x onerror=alert(1)>": value`,
        `name: "<script>alert('value')</script>"`,
        `plain: <b onmouseover=alert(1)>bold</b>`,
        `- <iframe src=javascript:alert(1)>`,
        `text: |`,
        `  </span><svg onload=alert(1)>`,
      ].join('\n'),
    );
    // only the highlighter's own elements, with only its class attributes
    expect(
      html
        .match(/<[a-z][^>]*>/gi)!
        .every((tag) => /^<(pre class="yaml"|code|span class="y-[a-z]")>$/.test(tag)),
    ).toBe(true);
    expect(html).not.toMatch(/<(script|img|svg|iframe|b)\b/i);
    expect(html).toContain('&#60;script&#62;');
  });
});

describe('hostile values.schema.json', () => {
  it('a $ref cycle still makes a bounded table, quickly', () => {
    const started = Date.now();
    const table = schemaTable(
      JSON.stringify({
        definitions: { node: { type: 'object', properties: { child: { $ref: '#/definitions/node' } } } },
        properties: { root: { $ref: '#/definitions/node' }, self: { $ref: '#' } },
      }),
    );
    expect(table.ok).toBe(true);
    expect(table.ok && table.rows.length).toBeLessThanOrEqual(500);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('50,000 properties are cut to 500 rows and say so', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 50_000 }, (_, i) => [`p${i}`, { type: 'string' }]),
    );
    const table = schemaTable(JSON.stringify({ properties }));
    expect(table).toMatchObject({ ok: true, truncated: true });
    expect(table.ok && table.rows).toHaveLength(500);
  });

  it('descriptions and defaults with markup come back as plain strings for the page to escape', () => {
    const table = schemaTable(
      JSON.stringify({
        properties: {
          name: {
            type: 'string',
            description: '<img src=x onerror=alert(1)>',
            default: '<script>x</script>',
          },
        },
      }),
    );
    expect(table.ok && table.rows[0]).toMatchObject({
      path: 'name',
      description: '<img src=x onerror=alert(1)>',
      default: '"<script>x</script>"',
    });
  });

  it('a schema nested 10,000 levels deep does not overflow the stack', () => {
    let nested = '{"type":"string"}';
    for (let i = 0; i < 10_000; i++) nested = `{"type":"object","properties":{"a":${nested}}}`;
    const table = schemaTable(nested);
    expect(table.ok).toBe(true);
    expect(table.ok && table.rows.length).toBeLessThanOrEqual(10);
  });
});
