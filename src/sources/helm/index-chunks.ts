/**
 * Splits a YAML Helm index at its chart boundaries, so each chart's versions can be parsed on
 * their own and their parse tree dropped before the next: peak memory is then the text plus one
 * chart's tree, not the text plus the whole document's tree (a 30 MB index would otherwise need
 * over 500 MB). Helm, ChartMuseum, Harbor and the rest write indexes in block style:
 *
 *   apiVersion: v1
 *   entries:
 *     argo-cd:          <- a chart key, always at the first indentation under "entries:"
 *     - name: argo-cd   <- its versions, at that indentation or deeper
 *   generated: "…"
 *
 * Only the layout is read here, never the YAML: a line at the chart keys' indentation can only be
 * a key of "entries", because block scalars and continuation lines inside a version sit deeper.
 * Anything else (flow style, tabs, a second "entries:") returns undefined and the caller parses
 * the whole document, so this is a fast path, never a second dialect.
 */
export interface IndexChunks {
  /** the document without the entries block */
  header: string;
  charts: ChartChunk[];
}

/**
 * One chart: its key line (a one-key mapping with no value of its own) and one text per version,
 * each a one-item YAML sequence. Parsing a version at a time keeps every parse tree small
 * enough to die young, which is what keeps the peak low.
 */
export interface ChartChunk {
  key: string;
  versions: string[];
}

const ENTRIES_LINE = /^entries:[ ]*(#.*)?$/gm;

export function splitIndexByChart(text: string): IndexChunks | undefined {
  const found = [...text.matchAll(ENTRIES_LINE)];
  if (found.length !== 1) return undefined;
  const entriesLine = found[0]!.index;
  let pos = text.indexOf('\n', entriesLine);
  if (pos === -1) return undefined;
  pos++;
  let chartIndent = -1;
  let itemIndent = -1;
  let itemStart = -1;
  let chart: ChartChunk | undefined;
  const charts: ChartChunk[] = [];
  let blockEnd = text.length;
  const endItem = (at: number) => {
    if (chart && itemStart !== -1) chart.versions.push(text.slice(itemStart, at));
    itemStart = -1;
  };
  while (pos < text.length) {
    let next = text.indexOf('\n', pos);
    if (next === -1) next = text.length;
    let spaces = 0;
    while (text.charCodeAt(pos + spaces) === 32) spaces++;
    const first = text.charCodeAt(pos + spaces);
    const blank = pos + spaces >= next || first === 13 || first === 35; // empty, \r, #comment
    if (!blank) {
      if (first === 9) return undefined; // a tab: not a layout to guess at
      if (spaces === 0) {
        if (first === 45) return undefined; // "- " here would be a list under "entries:"
        blockEnd = pos; // the next top-level key or document marker ends the entries block
        break;
      }
      if (chartIndent === -1) chartIndent = spaces;
      if (spaces === chartIndent && first !== 45 /* - */) {
        endItem(pos);
        chart = { key: text.slice(pos, next + 1), versions: [] };
        charts.push(chart);
        itemIndent = -1;
      } else if (!chart || spaces < chartIndent) {
        return undefined; // a sequence under "entries:", or content before the first key
      } else {
        if (itemIndent === -1) {
          if (first !== 45) return undefined;
          itemIndent = spaces;
        }
        if (spaces < itemIndent || (spaces === itemIndent && first !== 45)) return undefined;
        if (spaces === itemIndent) {
          endItem(pos);
          itemStart = pos;
        }
      }
    }
    pos = next + 1;
  }
  endItem(blockEnd);
  return { header: text.slice(0, entriesLine) + text.slice(blockEnd), charts };
}
