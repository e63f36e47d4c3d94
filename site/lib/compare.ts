/**
 * Two values.yaml, line by line, for the compare page. Myers' diff (the `diff` package) takes
 * O(N·D) time, quadratic for two files that share nothing: the edit length it searches is capped
 * at MAX_EDIT_LINES, and past it the page says the files differ too much to show line by line.
 */
import { diffLines } from 'diff';

export const MAX_EDIT_LINES = 2000;

export interface ComparedLine {
  sign: '+' | '-' | ' ';
  text: string;
}

export type Comparison =
  { ok: true; lines: ComparedLine[]; added: number; removed: number } | { ok: false; note: string };

export function compareValues(from: string, to: string): Comparison {
  const parts = diffLines(from, to, { maxEditLength: MAX_EDIT_LINES });
  if (!parts) {
    return {
      ok: false,
      note: `These two values.yaml differ in more than ${MAX_EDIT_LINES} lines: too much to show line by line. Download both to compare them.`,
    };
  }
  let added = 0;
  let removed = 0;
  const lines: ComparedLine[] = [];
  for (const part of parts) {
    const sign = part.added ? '+' : part.removed ? '-' : ' ';
    if (part.added) added += part.count ?? 0;
    if (part.removed) removed += part.count ?? 0;
    const text = part.value.endsWith('\n') ? part.value.slice(0, -1) : part.value;
    for (const line of text.split('\n')) lines.push({ sign, text: line });
  }
  return { ok: true, lines, added, removed };
}

/** Unchanged lines shown around each change in the "changes only" view. */
export const CONTEXT_LINES = 3;

/** A row of the "changes only" view: a line (with the number of its change, if it starts one), or a collapsed run. */
export type ChangeRow = (ComparedLine & { change?: number }) | { skipped: number };

/**
 * The "changes only" view of a comparison: each change (a run of added and removed lines) with
 * `context` unchanged lines either side; longer unchanged runs collapse to one row that says how
 * many lines it hides. Two passes, O(lines).
 */
export function changesOnly(lines: readonly ComparedLine[], context = CONTEXT_LINES): ChangeRow[] {
  const shown = new Array<boolean>(lines.length).fill(false);
  let last = -Infinity;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.sign !== ' ') last = i;
    if (i - last <= context) shown[i] = true;
  }
  last = Infinity;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.sign !== ' ') last = i;
    if (last - i <= context) shown[i] = true;
  }
  const rows: ChangeRow[] = [];
  let hidden = 0;
  for (const [i, line] of numberChanges(lines).entries()) {
    if (!shown[i]) {
      hidden++;
      continue;
    }
    if (hidden > 0) rows.push({ skipped: hidden });
    hidden = 0;
    rows.push(line);
  }
  if (hidden > 0) rows.push({ skipped: hidden });
  return rows;
}

/** The lines with `change` (0, 1, …) on the first line of each run of added and removed lines. */
export function numberChanges(lines: readonly ComparedLine[]): Array<ComparedLine & { change?: number }> {
  let changes = 0;
  return lines.map((line, i) => {
    const starts = line.sign !== ' ' && (i === 0 || lines[i - 1]!.sign === ' ');
    return starts ? { ...line, change: changes++ } : line;
  });
}
