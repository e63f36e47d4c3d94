/**
 * A clean excerpt from Pagefind's: its excerpt is plain text with the matched words in <mark>.
 * Only the marks are kept (as elements built here, text by textContent); table and markdown
 * debris (runs of pipes, dashes, backticks, braces) becomes one space; an excerpt with no match
 * in it, or nearly no words, is left out, since the description already says what the chart is.
 * Pagefind joins the page's blocks with ". ": the leading blocks that only repeat what the result
 * already shows (the name, the description, the "README" heading) are dropped.
 */
const DEBRIS = /(?:[|`*#>{}[\]=~^\\]+\s*){1,}|-{2,}|\s{2,}/g;
const MAX_CHARS = 300;

export function cleanExcerpt(html: string, shown: string[] = []): HTMLElement | undefined {
  const parsed = new DOMParser().parseFromString(html.slice(0, MAX_CHARS * 4), 'text/html');
  const p = document.createElement('p');
  p.className = 'muted result-excerpt';
  let marks = 0;
  let letters = 0;
  for (const node of parsed.body.childNodes) {
    const text = (node.textContent ?? '').replace(DEBRIS, ' ');
    letters += text.replace(/[^\p{L}\p{N}]/gu, '').length;
    if (node.nodeName === 'MARK') {
      const mark = document.createElement('mark');
      mark.textContent = text;
      p.append(mark);
      marks++;
    } else p.append(document.createTextNode(text));
  }
  if (marks === 0 || letters < 12) return undefined;
  p.normalize();
  const first = p.firstChild;
  if (first?.nodeType === Node.TEXT_NODE) first.textContent = withoutShown(first.textContent ?? '', shown);
  return p;
}

/** The text without its leading ". "-separated blocks that are one of `shown` (or "README"). */
function withoutShown(text: string, shown: string[]): string {
  const known = new Set(['readme', ...shown.map((s) => s.trim().replace(/\.$/, '').toLowerCase())]);
  const blocks = text.trimStart().split('. ');
  let drop = 0;
  // the last block runs into the first match: it is never dropped
  while (drop < blocks.length - 1 && known.has(blocks[drop]!.trim().replace(/\.$/, '').toLowerCase())) drop++;
  return blocks.slice(drop).join('. ');
}
