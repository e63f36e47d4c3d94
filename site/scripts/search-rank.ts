/**
 * The ranking of the search's name index (site/lib/name-index.ts), in the browser: a chart's
 * name first (exact, then prefix, then one of its dash-separated words), then its keywords, then
 * a name one small typo away, then its description. Full text (README) is Pagefind's, merged
 * after these by search.ts. Pure functions over the index: no DOM.
 *
 * Costs: one pass over the charts per query, each name and keyword compared with bounded work
 * (strings cut to MAX_TERM characters, the edit distance stops past its bound).
 */
import type { NameIndex } from '../lib/name-index.ts';
import { withinEdits } from './search-typo.ts';

/** lower tiers rank first */
export const TIER = {
  exactName: 0,
  namePrefix: 1,
  nameWord: 2,
  keyword: 3,
  typo: 4,
  description: 5,
} as const;

const MAX_TERM = 64;
const MAX_WORDS = 8;

export interface NameHit {
  name: string;
  registry: string;
  latest: string;
  description: string;
  deprecated: boolean;
  /** the signature badge's state and label, when the catalog records it */
  badge: [string, string] | undefined;
  tier: number;
}

export interface NameFilters {
  registry?: string;
  keyword?: string;
  deprecated?: string;
  signature?: string;
}

/** The query's words, lower case, bounded in number and length. */
export function queryWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[\s,;:/]+/)
    .map((w) => w.slice(0, MAX_TERM))
    .filter(Boolean)
    .slice(0, MAX_WORDS);
}

/** The index's names, keywords and descriptions lower-cased and split once, not on every keystroke. */
interface Prepared {
  names: string[];
  parts: string[][];
  descriptions: string[];
  keywords: string[];
}
const prepared = new WeakMap<NameIndex, Prepared>();

function prepare(index: NameIndex): Prepared {
  let ready = prepared.get(index);
  if (!ready) {
    const names = index.charts.map(([name]) => name.toLowerCase().slice(0, MAX_TERM));
    ready = {
      names,
      parts: names.map((n) => n.split(/[-_.]+/)),
      descriptions: index.charts.map((c) => c[3].toLowerCase()),
      keywords: index.keywords.map((k) => k.toLowerCase().slice(0, MAX_TERM)),
    };
    prepared.set(index, ready);
  }
  return ready;
}

/** The charts of the index that match the query, best first (tier, then name length, then name). */
export function rankNames(index: NameIndex, query: string, filters: NameFilters = {}): NameHit[] {
  const words = queryWords(query);
  if (words.length === 0) return [];
  const joined = words.join('-');
  const ready = prepare(index);
  const hits: NameHit[] = [];
  index.charts.forEach(([name, registryId, latest, description, keywordIds, deprecated, badgeId], i) => {
    const registry = index.registries[registryId] ?? '';
    const badge = badgeId >= 0 ? index.badges[badgeId] : undefined;
    if (
      !passes(
        filters,
        registry,
        keywordIds.map((k) => index.keywords[k] ?? ''),
        deprecated,
        badge,
      )
    )
      return;
    const lower = ready.names[i]!;
    const chart = { name: lower, parts: ready.parts[i]!, description: ready.descriptions[i]! };
    const keywords = keywordIds.map((k) => ready.keywords[k] ?? '');
    const tier = Math.min(
      nameTier(lower, joined),
      Math.max(...words.map((w) => wordTier(w, chart, keywords))),
    );
    if (tier === Infinity) return;
    hits.push({ name, registry, latest, description, deprecated: deprecated === 1, badge, tier });
  });
  return hits.sort(
    (a, b) => a.tier - b.tier || a.name.length - b.name.length || a.name.localeCompare(b.name),
  );
}

function passes(
  filters: NameFilters,
  registry: string,
  keywords: string[],
  deprecated: 0 | 1,
  badge: [string, string] | undefined,
): boolean {
  if (filters.registry && filters.registry !== registry) return false;
  if (filters.keyword && !keywords.includes(filters.keyword)) return false;
  if (filters.deprecated && filters.deprecated !== (deprecated ? 'yes' : 'no')) return false;
  if (filters.signature && filters.signature !== badge?.[0]) return false;
  return true;
}

/** The whole query against the name ("argo cd" is argo-cd). */
function nameTier(name: string, joined: string): number {
  if (name === joined) return TIER.exactName;
  if (name.startsWith(joined)) return TIER.namePrefix;
  return Infinity;
}

/** One word of the query against one chart: the best place it matches, Infinity when none. */
function wordTier(
  word: string,
  chart: { name: string; parts: string[]; description: string },
  keywords: string[],
): number {
  const { name, parts, description } = chart;
  if (name === word) return TIER.exactName;
  if (name.startsWith(word)) return TIER.namePrefix;
  if (parts.some((p) => p.startsWith(word))) return TIER.nameWord;
  if (keywords.some((k) => k === word || (word.length >= 3 && k.startsWith(word)))) return TIER.keyword;
  if (typoOfName(word, name, parts)) return TIER.typo;
  if (word.length >= 2 && hasWordStarting(description, word)) return TIER.description;
  return Infinity;
}

/** A small typo of the name, of one of its words, or of its start (typed so far). */
function typoOfName(word: string, name: string, parts: string[]): boolean {
  if (word.length < 4) return false;
  const edits = word.length >= 8 ? 2 : 1;
  return (
    withinEdits(word, name, edits) ||
    parts.some((p) => p.length >= 3 && withinEdits(word, p, edits)) ||
    (name.length > word.length && withinEdits(word, name.slice(0, word.length), edits))
  );
}

/** `text` has a word that starts with `word` (no regex: chart text, plain indexOf). */
function hasWordStarting(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    if (at === 0 || !/[a-z0-9]/.test(text[at - 1]!)) return true;
  }
  return false;
}
