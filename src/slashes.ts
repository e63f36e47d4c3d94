/**
 * Trimming slashes in linear time. Not `replace(/\/+$/, '')`: a regular expression anchored at
 * the end retries from every slash of a run, which is quadratic in the run's length, and the
 * strings trimmed here (archive entry names, registry URLs, --base) come from outside.
 */

/** `s` without the slashes it ends with. */
export function withoutTrailingSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s[end - 1] === '/') end--;
  return s.slice(0, end);
}

/** `s` without the slashes it starts and ends with. */
export function withoutEdgeSlashes(s: string): string {
  let start = 0;
  while (start < s.length && s[start] === '/') start++;
  return withoutTrailingSlashes(s.slice(start));
}
