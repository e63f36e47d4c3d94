/**
 * Chart READMEs are untrusted input. Markdown is rendered with `marked` and the HTML is then
 * reduced to an allow-list: no script, style, iframe, form or event handler survives, and links
 * and images keep only http(s) (links also mailto: and in-page #anchors) URLs.
 */
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { httpUrl } from './safe-url.ts';

const marked = new Marked({ gfm: true, async: false });

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'kbd', 'samp'],
    ...['ul', 'ol', 'li', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td'],
    ...['a', 'img', 'strong', 'b', 'em', 'i', 'del', 's', 'sub', 'sup', 'span', 'div', 'details', 'summary'],
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['align', 'colspan', 'rowspan'],
    td: ['align', 'colspan', 'rowspan'],
    ol: ['start'],
    details: ['open'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  // script, style, iframe, textarea… are dropped with their content, not just unwrapped
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template'],
  transformTags: {
    a: (tagName, attribs) => {
      const href = attribs.href ?? '';
      const kept = href.startsWith('#') || href.startsWith('mailto:') ? href : httpUrl(href);
      const { href: _drop, ...rest } = attribs;
      return {
        tagName,
        attribs: kept ? { ...rest, href: kept, rel: 'nofollow noopener noreferrer ugc' } : rest,
      };
    },
    img: (tagName, attribs) => {
      const src = httpUrl(attribs.src);
      const { src: _drop, ...rest } = attribs;
      return {
        tagName,
        attribs: src ? { ...rest, src, loading: 'lazy', referrerpolicy: 'no-referrer' } : rest,
      };
    },
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};
// the attributes the transforms add must survive the allow-list that runs after them
OPTIONS.allowedAttributes = {
  ...(OPTIONS.allowedAttributes as Record<string, string[]>),
  a: ['href', 'title', 'rel'],
  img: ['src', 'alt', 'title', 'width', 'height', 'loading', 'referrerpolicy'],
};

export function sanitizeHtmlFragment(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}

export function renderMarkdown(markdown: string): string {
  return sanitizeHtmlFragment(marked.parse(markdown) as string);
}
