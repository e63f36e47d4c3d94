/**
 * values.yaml highlighting: a small line-based highlighter that marks comments, keys, strings and
 * scalars with classes (colours in global.css, light and dark). Values files are simple YAML, and
 * classes keep the HTML about as small as the file: chart pages stay light at thousands of charts.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const span = (cls: string, text: string) => (text ? `<span class="${cls}">${escapeHtml(text)}</span>` : '');

function value(text: string): string {
  const trimmed = text.trim();
  const lead = text.slice(0, text.length - text.trimStart().length);
  if (!trimmed) return escapeHtml(text);
  // a trailing comment, outside quotes
  const comment = /\s+#.*$/.exec(trimmed);
  if (comment && !/^["']/.test(trimmed)) {
    return (
      escapeHtml(lead) + value(trimmed.slice(0, comment.index)) + span('y-c', trimmed.slice(comment.index))
    );
  }
  if (/^(["']).*\1$/.test(trimmed)) return escapeHtml(lead) + span('y-s', trimmed);
  if (/^(true|false|null|~|-?\d+(\.\d+)?([eE][-+]?\d+)?)$/.test(trimmed))
    return escapeHtml(lead) + span('y-n', trimmed);
  if (/^[|>][-+]?$/.test(trimmed) || /^[[{]/.test(trimmed)) return escapeHtml(lead) + span('y-p', trimmed);
  return escapeHtml(lead) + span('y-s', trimmed);
}

function line(text: string): string {
  if (/^\s*#/.test(text)) return span('y-c', text);
  const match = /^(\s*)(- )?((?:"[^"]*"|'[^']*'|[^\s#'"][^:#]*?)\s*:)(\s|$)(.*)$/.exec(text);
  if (match) {
    const [, indent = '', dash = '', key = '', gap = '', rest = ''] = match;
    return escapeHtml(indent) + span('y-p', dash) + span('y-k', key) + escapeHtml(gap) + value(rest);
  }
  const item = /^(\s*)(- )(.*)$/.exec(text);
  if (item) return escapeHtml(item[1] ?? '') + span('y-p', item[2] ?? '') + value(item[3] ?? '');
  return escapeHtml(text);
}

export function highlightYaml(code: string): string {
  const lines = code.replace(/\n$/, '').split('\n');
  return `<pre class="yaml"><code>${lines.map(line).join('\n')}</code></pre>`;
}
