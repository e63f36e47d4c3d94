/**
 * Chart keywords as the site's filters use them: counted across charts (the keyword filter offers
 * the most used first) and spelt as a filter value (Pagefind splits a filter value at a comma).
 * Pure, so the browse and search libraries and their unit tests share it without the data layer.
 */

/** keyword -> number of charts that have it, most used first, then by name */
export function keywordCounts(charts: Array<{ keywords: string[] }>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const chart of charts)
    for (const k of new Set(chart.keywords)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The keyword as chart pages index it for the keyword filter: commas as spaces. */
export function filterKeyword(keyword: string): string {
  return keyword.replace(/,/g, ' ');
}
