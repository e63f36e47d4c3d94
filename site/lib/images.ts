/**
 * The container images a chart runs: its `artifacthub.io/images` annotation when it has one, else
 * the images its values.yaml names by the usual convention (`image: {registry, repository, tag}`,
 * or `image: "repo:tag"`), marked as found there. Both come from the chart: bounded in size, in
 * how deep and how many nodes are walked, and in how many images are listed.
 */
import { isNode, MAX_ANNOTATION, parseBoundedYaml, text } from './chart-yaml.ts';

export interface ChartImage {
  /** the image reference as the chart gives it */
  image: string;
  name?: string;
  /** only for the annotation's images */
  platforms?: string[];
}

export interface ChartImages {
  images: ChartImage[];
  source: 'annotation' | 'values';
  notes: string[];
}

export const MAX_IMAGES = 50;
/** values.yaml is walked this deep and over at most this many nodes */
const MAX_DEPTH = 12;
const MAX_NODES = 50_000;
/** values.yaml larger than this is not read for images */
export const MAX_VALUES = 1024 * 1024;
/** a reference such as docker.io/bitnami/nginx:1.25 or repo@sha256:…: one character class, no backtracking */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,299}$/;

export function imagesFromAnnotation(annotation: string): ChartImages {
  const notes: string[] = [];
  const doc = parseBoundedYaml(annotation, 'artifacthub.io/images', MAX_ANNOTATION, notes);
  const images: ChartImage[] = [];
  for (const item of Array.isArray(doc) ? doc.slice(0, MAX_IMAGES) : []) {
    if (!isNode(item)) continue;
    const image = text(item.image, 300);
    if (!image) continue;
    const platforms = Array.isArray(item.platforms)
      ? item.platforms
          .slice(0, 10)
          .map((p) => text(p, 40))
          .filter((p): p is string => p !== undefined)
      : [];
    images.push({
      image,
      ...(text(item.name) ? { name: text(item.name)! } : {}),
      ...(platforms.length ? { platforms } : {}),
    });
  }
  if (doc !== undefined && !Array.isArray(doc))
    notes.push('artifacthub.io/images is not a list: it is left out.');
  return { images, source: 'annotation', notes };
}

export function imagesFromValues(values: string): ChartImages {
  const notes: string[] = [];
  const doc = parseBoundedYaml(values, 'values.yaml', MAX_VALUES, notes);
  const found = new Map<string, ChartImage>();
  // an explicit stack: a values.yaml nested thousands deep cannot overflow it
  const stack: Array<{ node: unknown; path: string; depth: number }> = [{ node: doc, path: '', depth: 0 }];
  let nodes = 0;
  while (stack.length > 0 && found.size < MAX_IMAGES && ++nodes <= MAX_NODES) {
    const { node, path, depth } = stack.pop()!;
    if (!isNode(node) || depth > MAX_DEPTH) continue;
    for (const [key, value] of Object.entries(node)) {
      const at = path ? `${path}.${key}` : key;
      if (/^(image|[A-Za-z0-9]*Image)$/.test(key.slice(0, 100))) {
        const image = imageReference(value);
        if (image && !found.has(image)) found.set(image, { image, name: at.slice(0, 200) });
      }
      if (isNode(value)) stack.push({ node: value, path: at, depth: depth + 1 });
    }
  }
  return { images: [...found.values()], source: 'values', notes };
}

/** `repo:tag` as a string, or `{registry, repository, tag, digest}` put together; else undefined. */
export function imageReference(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const s = value.trim();
    return REFERENCE.test(s) && /[:@/]/.test(s) ? s : undefined;
  }
  if (!isNode(value)) return undefined;
  const repository = text(value.repository, 200) ?? text(value.name, 200);
  if (!repository || !REFERENCE.test(repository)) return undefined;
  const registry = text(value.registry, 100);
  const tag = text(value.tag, 100);
  const digest = text(value.digest, 100);
  let ref = registry && REFERENCE.test(registry) ? `${registry}/${repository}` : repository;
  if (tag && REFERENCE.test(tag)) ref += `:${tag}`;
  if (digest && REFERENCE.test(digest)) ref += `@${digest}`;
  return ref;
}
