/**
 * YAML syntax errors said where they can be fixed (an unclosed quote or bracket at its opening,
 * not at the end of the file) and what to do. Registry files and credential files share it.
 * The `yaml` package (not js-yaml) reads them: it keeps source positions, so every error can name
 * file:line:col, and it refuses duplicate keys. These files are tiny, so its speed does not matter
 * here (indexes use a faster parser, see sources/helm).
 */
import {
  isCollection,
  isScalar,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type YAMLError,
} from 'yaml';

export interface Position {
  line: number;
  column: number;
}

export interface LocatedYaml {
  doc: Document;
  /** line and column (1-based) of an offset in the source */
  at: (offset: number | undefined) => Position | undefined;
  /** the first syntax error, placed and described; the document is unusable when set */
  syntax?: { at: Position; message: string; hint: string };
}

/** Parses a small YAML file (duplicate keys refused) keeping positions for its errors. */
export function parseLocated(source: string): LocatedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return undefined;
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const first = doc.errors[0];
  if (!first) return { doc, at };
  const { offset, message, hint } = describeYamlError(doc, source, first);
  return { doc, at, syntax: { at: at(offset)!, message, hint } };
}

/** A YAML syntax error, placed where it can be fixed: an unclosed quote or bracket at its opening. */
function describeYamlError(
  doc: Document,
  source: string,
  error: YAMLError,
): { offset: number; message: string; hint: string } {
  const offset = error.pos[0];
  const message = error.message.split('\n')[0]!;
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return { offset, message, hint: 'indent with spaces, not tabs' };
    case 'DUPLICATE_KEY': {
      const key = /^[^:\n]*/
        .exec(source.slice(offset))![0]
        .trim()
        .replace(/^["']|["']$/g, '');
      return {
        offset,
        message: `"${key}" is set twice (map keys must be unique)`,
        hint: `keep one of the two ${key}: lines`,
      };
    }
    case 'MULTIPLE_DOCS':
      return {
        offset,
        message: 'a second YAML document starts here (---): the file must hold one',
        hint: 'remove the --- line and what follows, or move it to a file of its own',
      };
    case 'MISSING_CHAR':
    case 'BAD_INDENT': {
      const open = unclosedAt(doc, offset);
      if (open?.kind === 'quote') {
        return {
          offset: open.offset,
          message: `${message}: the quoted value that starts here is never closed`,
          hint: `close the quote (${source[open.offset]}) on the same value, or remove it`,
        };
      }
      if (open?.kind === 'flow') {
        const closing = source[open.offset] === '{' ? '}' : ']';
        return {
          offset: open.offset,
          message: `${message}: the ${source[open.offset]} that starts here is never closed`,
          hint: `close it with ${closing}, or write the list one "- item" per line`,
        };
      }
    }
  }
  return {
    offset,
    message,
    hint: 'fix the YAML syntax: fields start in column 1 as key: value, list items as "- item"',
  };
}

function unclosedAt(doc: Document, offset: number): { kind: 'quote' | 'flow'; offset: number } | undefined {
  let found: { kind: 'quote' | 'flow'; offset: number } | undefined;
  visit(doc, {
    Node(_key, node) {
      const range = node.range;
      if (!range || range[0] >= offset || range[1] < offset) return;
      if (found && found.offset > range[0]) return;
      if (isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE'))
        found = { kind: 'quote', offset: range[0] };
      else if (isCollection(node) && node.flow) found = { kind: 'flow', offset: range[0] };
    },
  });
  return found;
}
