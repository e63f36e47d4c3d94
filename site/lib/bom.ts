/**
 * A kept file's text without a leading UTF-8 byte order mark, as Helm reads it. The sync stores
 * none (src/chart/archive.ts drops them), but a catalog synced before it did may hold one, and a
 * mark before `# Title` would keep the README's first heading from being one.
 */
export function withoutBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
