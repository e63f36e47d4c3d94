/**
 * A version's changes from its `artifacthub.io/changes` annotation, in both of Artifact Hub's
 * forms: a list of plain strings, or of `{kind, description, links: [{name, url}]}`. Untrusted:
 * bounded counts and lengths, kinds from Artifact Hub's list only, links http(s) only.
 */
import { isNode, MAX_ANNOTATION, namedLinks, parseBoundedYaml, text, type NamedLink } from './chart-yaml.ts';

export const CHANGE_KINDS = ['added', 'changed', 'deprecated', 'removed', 'fixed', 'security'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface Change {
  kind?: ChangeKind;
  description: string;
  links: NamedLink[];
}

export const MAX_CHANGES = 100;
const MAX_DESCRIPTION = 1000;

export function changesFromAnnotation(annotation: string): { changes: Change[]; notes: string[] } {
  const notes: string[] = [];
  const doc = parseBoundedYaml(annotation, 'artifacthub.io/changes', MAX_ANNOTATION, notes);
  if (doc !== undefined && !Array.isArray(doc)) {
    notes.push('artifacthub.io/changes is not a list: it is left out.');
    return { changes: [], notes };
  }
  const changes: Change[] = [];
  for (const item of (doc as unknown[] | undefined)?.slice(0, MAX_CHANGES) ?? []) {
    const plain = text(item, MAX_DESCRIPTION);
    if (plain && !isNode(item)) {
      changes.push({ description: plain, links: [] });
      continue;
    }
    if (!isNode(item)) continue;
    const description = text(item.description, MAX_DESCRIPTION);
    if (!description) continue;
    const kind = CHANGE_KINDS.find((k) => k === text(item.kind, 20)?.toLowerCase());
    changes.push({ ...(kind ? { kind } : {}), description, links: namedLinks(item.links) });
  }
  return { changes, notes };
}
