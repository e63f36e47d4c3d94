/**
 * Chart READMEs are untrusted input. Markdown is rendered with `marked` and the HTML is then
 * reduced to an allow-list: no script, style, iframe, form or event handler survives, and links
 * and images keep only http(s) (links also mailto: and in-page #anchors) URLs.
 *
 * `marked` recurses once per nested blockquote or list and takes time superlinear in the size of
 * some blocks (long runs of emphasis or brackets, deep lists). So its nesting is capped (a part
 * nested deeper is shown as plain text, with a note), a README past MAX_README is rendered only up
 * to there (with a note), and a long README is rendered in parts of about CHUNK characters, cut
 * between top-level blocks, and each part is sanitised on its own: each part costs at most a
 * constant, so the whole takes linear time.
 * Reference definitions are read from every part first, so a link may use one from another part.
 */
import { Lexer, Marked, Parser, Tokenizer, type MarkedOptions, type TokensList } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { escapeHtml } from './highlight.ts';
import { httpUrl } from './safe-url.ts';

/** Blockquotes and lists nested deeper than this are not rendered: their part is shown as text. */
export const MAX_NESTING = 32;
/** A README is cut into parts of at least this many characters, between top-level blocks... */
export const CHUNK = 8 * 1024;
/** ...and of at most this many, wherever the cut falls, when no block ends sooner. */
const HARD_CHUNK = 12 * 1024;
/** Only this much of a README is rendered; a note on the page says so. */
export const MAX_README = 512 * 1024;

class NestingTooDeep extends Error {}

let depth = 0;
function nested<T>(run: () => T): T {
  if (depth >= MAX_NESTING) throw new NestingTooDeep(`nested more than ${MAX_NESTING} levels deep`);
  depth++;
  try {
    return run();
  } finally {
    depth--;
  }
}

const marked = new Marked({ gfm: true, async: false });
marked.use({
  tokenizer: {
    blockquote(src) {
      return nested(() => Tokenizer.prototype.blockquote.call(this, src));
    },
    list(src) {
      return nested(() => Tokenizer.prototype.list.call(this, src));
    },
  },
});
const OPTIONS_MD: MarkedOptions = marked.defaults;

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

export interface RenderedReadme {
  html: string;
  /** what could not be rendered as markdown, or was left out, as the page's note says it */
  notes: string[];
}

/** The README as sanitised HTML, with a note above it for whatever was capped or shown as text. */
export function renderReadme(markdown: string, file = 'README.md'): RenderedReadme {
  const notes: string[] = [];
  let text = markdown.replace(/\r\n?/g, '\n');
  if (text.length > MAX_README) {
    const cut = text.lastIndexOf('\n', MAX_README);
    text = text.slice(0, cut > MAX_README / 2 ? cut : MAX_README);
    notes.push(`${file} is ${kib(markdown.length)}: only its first ${kib(text.length)} are shown.`);
  }
  const parts = chunksOf(text);
  const links = parts.length > 1 ? referenceLinks(parts) : undefined;
  let html = '';
  for (const part of parts) {
    try {
      // each part is sanitised on its own: the sanitiser's time grows with the square of how
      // deeply unclosed elements nest, and a part bounds that
      html += scrollableTables(sanitizeHtmlFragment(renderPart(part, links)));
    } catch (error) {
      notes.push(`Part of ${file} could not be rendered (${reason(error)}): it is shown as plain text.`);
      html += `<pre>${escapeHtml(part)}</pre>`;
    }
  }
  return { html: noteHtml(notes) + html, notes };
}

/**
 * Each table in its own focusable scroll region, so a wide table scrolls inside the README rather
 * than squeezing its cells to a letter a line. The sanitiser allows no attribute on <table> and
 * serialises tags exactly, so the plain string match sees every table and nothing else.
 */
export function scrollableTables(html: string): string {
  return html
    .replaceAll('<table>', '<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table>')
    .replaceAll('</table>', '</table></div>');
}

export function renderMarkdown(markdown: string): string {
  return renderReadme(markdown).html;
}

/** What went wrong, for a note: a stack overflow says so. */
export function reason(error: unknown): string {
  if (error instanceof RangeError) return 'it is nested too deeply to render';
  return (error as Error)?.message?.split('\n')[0]?.slice(0, 200) ?? String(error);
}

export function noteHtml(notes: string[]): string {
  return notes.map((note) => `<p class="banner warn" role="note">${escapeHtml(note)}</p>`).join('');
}

const kib = (chars: number) =>
  chars >= 1024 * 1024 ? `${(chars / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(chars / 1024)} KiB`;

function renderPart(part: string, links: TokensList['links'] | undefined): string {
  const lexer = new Lexer(OPTIONS_MD);
  if (links) Object.assign(lexer.tokens.links, links);
  return Parser.parse(lexer.lex(part), OPTIONS_MD);
}

/** The reference definitions of every part, the first of a name winning (as in one document). */
function referenceLinks(parts: string[]): TokensList['links'] {
  const links: TokensList['links'] = Object.create(null) as TokensList['links'];
  for (const part of parts) {
    try {
      const lexer = new Lexer(OPTIONS_MD);
      lexer.blockTokens(part);
      for (const [name, link] of Object.entries(lexer.tokens.links)) links[name] ??= link;
    } catch {
      // that part is shown as text: its definitions are not needed
    }
  }
  return links;
}

/**
 * The README cut into parts: after at least CHUNK characters, before a line that starts a new
 * top-level block (after a blank line, at column 0, not a list item, quote or table row, outside
 * a fenced code block); after HARD_CHUNK characters wherever a line ends (a fence open there is
 * closed and opened again, a table goes on under its header again), or in the middle of a line
 * longer than that.
 */
export function chunksOf(text: string): string[] {
  if (text.length <= HARD_CHUNK) return [text];
  const parts: string[] = [];
  let start = 0;
  let reopen = '';
  let fence: string | undefined;
  let header: string | undefined;
  let previous = '';
  let blank = false;
  let at = 0;
  const cut = (end: number, carry: boolean) => {
    const close = carry && fence ? `\n${fence}\n` : '';
    parts.push(reopen + text.slice(start, end) + close);
    reopen = !carry ? '' : fence ? `${fence}\n` : header ? `${header}\n` : '';
    start = end;
  };
  while (at < text.length) {
    const newline = text.indexOf('\n', at);
    const end = newline < 0 ? text.length : newline + 1;
    if (at > start && at - start >= CHUNK && !fence && blank && opensBlock(text, at)) cut(at, false);
    else if (at > start && (at - start >= HARD_CHUNK || end - start > HARD_CHUNK)) cut(at, true);
    while (end - start > HARD_CHUNK) cut(start + HARD_CHUNK, true);
    const line = text.slice(at, Math.min(end, at + 4096));
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (!fence || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence ? undefined : marker;
    }
    // a table's header and delimiter row, while its rows go on
    if (!fence && previous.includes('|') && isDelimiterRow(line.trimEnd()))
      header = `${previous}\n${line.trimEnd()}`;
    else if (!line.includes('|')) header = undefined;
    previous = end - at <= 4096 ? line.trimEnd() : '';
    blank = line.trim() === '' && end - at <= 4096 ? true : text.slice(at, end).trim() === '';
    at = end;
  }
  if (start < text.length) cut(text.length, false);
  return parts;
}

/** A table's delimiter row (`|---|:-:|`), read with one character class: no backtracking. */
const isDelimiterRow = (line: string) => line.includes('-') && /^[|\-: \t]+$/.test(line);

function opensBlock(text: string, at: number): boolean {
  const c = text[at];
  return c !== undefined && !/[\s\-*+>|0-9=]/.test(c);
}
