/**
 * values.yaml highlighting: a small line-based highlighter that marks comments, keys, strings and
 * scalars with classes (colours in global.css, light and dark). Values files are simple YAML, and
 * classes keep the HTML about as small as the file: chart pages stay light at thousands of charts.
 *
 * Values files are untrusted: each line is read by index in one pass (no backtracking regular
 * expression), so highlighting takes time linear in the file, however long a line is.
 */
export function escapeHtml(text: string): string {
  if (!/[&<>"']/.test(text)) return text;
  return text
    .replace(/&/g, '&#38;')
    .replace(/</g, '&#60;')
    .replace(/>/g, '&#62;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');
}

const span = (cls: string, text: string) => (text ? `<span class="${cls}">${escapeHtml(text)}</span>` : '');

/** JavaScript's `\s`, one character at a time. */
const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
const SCALAR = /^(?:true|false|null|~|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)$/;

/** Where the leading whitespace of `text` from `from` ends. */
function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text[i])) i++;
  return i;
}

/** The start of a trailing comment (the whitespace before the first ` #`), or -1. */
function commentStart(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] !== '#' || !isSpace(text[i - 1])) continue;
    let start = i - 1;
    while (start > 0 && isSpace(text[start - 1])) start--;
    return start;
  }
  return -1;
}

function value(text: string): string {
  const trimmed = text.trim();
  const lead = text.slice(0, text.length - text.trimStart().length);
  if (!trimmed) return escapeHtml(text);
  // a trailing comment, outside quotes
  const comment = trimmed.startsWith('"') || trimmed.startsWith("'") ? -1 : commentStart(trimmed);
  if (comment >= 0) {
    return escapeHtml(lead) + value(trimmed.slice(0, comment)) + span('y-c', trimmed.slice(comment));
  }
  if (SCALAR.test(trimmed)) return escapeHtml(lead) + span('y-n', trimmed);
  if (/^[|>][-+]?$/.test(trimmed) || trimmed.startsWith('[') || trimmed.startsWith('{'))
    return escapeHtml(lead) + span('y-p', trimmed);
  return escapeHtml(lead) + span('y-s', trimmed);
}

/** The end of a key that starts at `from` (just past its colon), or -1: `"…":`, `'…':` or `plain:`. */
function keyEnd(text: string, from: number): number {
  const first = text[from];
  if (first === undefined) return -1;
  let colon: number;
  if (first === '"' || first === "'") {
    const close = text.indexOf(first, from + 1);
    if (close < 0) return -1;
    colon = skipSpace(text, close + 1);
    if (text[colon] !== ':') return -1;
  } else {
    if (isSpace(first) || first === '#') return -1;
    colon = from + 1;
    while (colon < text.length && text[colon] !== ':' && text[colon] !== '#') colon++;
    if (text[colon] !== ':') return -1;
  }
  // the colon is followed by whitespace or ends the line
  return colon + 1 === text.length || isSpace(text[colon + 1]) ? colon + 1 : -1;
}

function line(text: string): string {
  const indentEnd = skipSpace(text, 0);
  const indent = text.slice(0, indentEnd);
  if (text[indentEnd] === '#') return span('y-c', text);
  const dashed = text.startsWith('- ', indentEnd);
  for (const dash of dashed ? ['- ', ''] : ['']) {
    const keyStart = indentEnd + dash.length;
    const end = keyEnd(text, keyStart);
    if (end < 0) continue;
    const gap = text.slice(end, end + 1);
    return (
      escapeHtml(indent) +
      span('y-p', dash) +
      span('y-k', text.slice(keyStart, end)) +
      escapeHtml(gap) +
      value(text.slice(end + gap.length))
    );
  }
  if (dashed) return escapeHtml(indent) + span('y-p', '- ') + value(text.slice(indentEnd + 2));
  return escapeHtml(text);
}

export function highlightYaml(code: string): string {
  const lines = (code.endsWith('\n') ? code.slice(0, -1) : code).split('\n');
  return `<pre class="yaml"><code>${lines.map(line).join('\n')}</code></pre>`;
}
