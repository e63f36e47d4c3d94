/**
 * Typo tolerance for the search: whether two short strings are within `max` edits (insert,
 * delete, substitute, or swap two neighbours: the optimal string alignment distance). The
 * strings are bounded by the caller; the work is O(length x length) and stops as soon as a whole
 * row exceeds `max`. Not a library: fastest-levenshtein (the common choice) counts a swap of two
 * neighbours (`promethues`) as two edits and has no early exit, and this runs in the browser on
 * every keystroke over every name.
 */
export function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  if (a === b) return true;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
      if (d < best) best = d;
    }
    if (best > max) return false;
    before = previous;
    previous = row;
  }
  return previous[b.length]! <= max;
}
