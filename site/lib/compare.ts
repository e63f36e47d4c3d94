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
