/**
 * A values schema as rows a person can read: one row per property (nested objects flattened to
 * dotted paths), with its type, default and description. Anything odd in a schema is shown as
 * best it can be, never thrown on: schemas come from charts. The walk is bounded (rows, depth,
 * steps, options followed, characters per cell) and never recurses on the schema's own nesting
 * beyond those depths, so a schema nested thousands deep or a huge one takes bounded time.
 */
export interface SchemaRow {
  path: string;
  type: string;
  default?: string;
  description?: string;
  required: boolean;
  /** how deep the property is nested (0: a top-level property); rows come parent first */
  depth: number;
}

export type SchemaTable =
  | { ok: true; draft: string; rows: SchemaRow[]; truncated: boolean }
  /** `text`: the schema as plain text, when it could not be made into a table */
  | { ok: false; error: string; text?: string };

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const MAX_ROWS = 500;
const MAX_DEPTH = 6;

export function schemaDraft(schema: Node): string {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (declared.includes('2020-12')) return '2020-12';
  if (declared.includes('2019-09')) return '2019-09';
  // `http://json-schema.org/schema#`, draft-07 and no $schema at all: draft-07, as Helm reads them
  return 'draft-07';
}

/** Steps the whole walk may take: each property looked at, each option or enum item shown, counts one. */
const MAX_STEPS = 100_000;
/** How deep `anyOf`/`oneOf`/`allOf` options are followed for a type. */
const MAX_TYPE_DEPTH = 4;
const MAX_DESCRIPTION = 2000;
/** Options of an `anyOf`/`oneOf`/`allOf`, and items of an `enum` or type list, shown at most. */
const MAX_OPTIONS = 10;
const MAX_ITEMS = 120;
/** A default, const, type or enum cell is cut at this many characters. */
const SHORT = 120;

/** A schema nested deeper is not parsed (parsing and collecting it grows faster than its size). */
export const MAX_JSON_DEPTH = 50_000;

export function schemaTable(text: string): SchemaTable {
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) {
    return {
      ok: false,
      error: `values.schema.json is nested more than ${MAX_JSON_DEPTH} levels deep: it is shown as plain text.`,
      text: text.length > 256 * 1024 ? `${text.slice(0, 256 * 1024)}…` : text,
    };
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `values.schema.json is not valid JSON: ${(error as Error).message}` };
  }
  if (!isNode(schema)) return { ok: false, error: 'values.schema.json is not a JSON object' };
  const rows: SchemaRow[] = [];
  const root = schema;
  let steps = 0;
  walk(schema, '', 0);
  return {
    ok: true,
    draft: schemaDraft(schema),
    rows: rows.slice(0, MAX_ROWS),
    truncated: rows.length > MAX_ROWS || steps > MAX_STEPS,
  };

  /** A node with its local refs (#/definitions/x, #/$defs/x) followed, up to 4: the node first. */
  function resolve(node: Node): Node[] {
    const chain = [node];
    let current = node;
    for (let i = 0; i < 4 && typeof current.$ref === 'string' && current.$ref.startsWith('#/'); i++) {
      let target: unknown = root;
      for (const part of current.$ref.slice(2).split('/', 32)) {
        target = isNode(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
      }
      if (!isNode(target)) break;
      chain.push(target);
      current = target;
    }
    return chain;
  }

  function walk(node: Node, prefix: string, depth: number): void {
    const chain = resolve(node);
    const properties = field(chain, 'properties');
    if (!isNode(properties)) return;
    const required = new Set(asArray(field(chain, 'required')).slice(0, MAX_ROWS));
    for (const name in properties) {
      if (rows.length > MAX_ROWS || ++steps > MAX_STEPS) return;
      const raw = properties[name];
      if (!isNode(raw)) continue;
      const property = resolve(raw);
      const path = prefix ? `${prefix}.${name}` : name;
      const dflt = field(property, 'default');
      const description = field(property, 'description');
      rows.push({
        path,
        type: typeOf(property, 0),
        ...(dflt !== undefined ? { default: preview(dflt) } : {}),
        ...(typeof description === 'string' ? { description: short(description, MAX_DESCRIPTION) } : {}),
        required: required.has(name),
        depth,
      });
      if (depth >= MAX_DEPTH) continue;
      if (isNode(field(property, 'properties'))) walk(raw, path, depth + 1);
      else {
        // an array of objects: its items' properties, under name[]
        const items = field(property, 'items');
        if (isNode(items) && isNode(field(resolve(items), 'properties'))) walk(items, `${path}[]`, depth + 1);
      }
    }
  }

  function typeOf(chain: Node[], depth: number): string {
    const type = field(chain, 'type');
    if (Array.isArray(type))
      return short(
        type
          .slice(0, MAX_ITEMS)
          .map((t) => short(String(t)))
          .join(' | '),
      );
    if (typeof type === 'string') {
      const items = field(chain, 'items');
      if (type === 'array' && isNode(items) && typeof items.type === 'string')
        return `array of ${short(items.type)}`;
      return short(type);
    }
    const values = field(chain, 'enum');
    if (Array.isArray(values)) {
      steps += Math.min(values.length, MAX_ITEMS);
      return `enum: ${short(
        values
          .slice(0, MAX_ITEMS)
          .map((v) => preview(v))
          .join(', '),
      )}`;
    }
    const constant = field(chain, 'const');
    if (constant !== undefined) return `const ${preview(constant)}`;
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const options = field(chain, key);
      if (!Array.isArray(options)) continue;
      if (depth >= MAX_TYPE_DEPTH) return '…';
      const shown = options.slice(0, MAX_OPTIONS).map((o) => {
        steps++;
        return isNode(o) ? typeOf(resolve(o), depth + 1) : '?';
      });
      return short(shown.join(key === 'allOf' ? ' & ' : ' | ') + (options.length > MAX_OPTIONS ? ' …' : ''));
    }
    if (isNode(field(chain, 'properties'))) return 'object';
    return 'any';
  }
}

/** Whether JSON text nests arrays and objects deeper than `max`: one pass, strings skipped. */
function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: to its closing quote, past escapes
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** The first node of a resolved chain that has the field: a node's own keywords win over its $ref's. */
function field(chain: Node[], key: string): unknown {
  for (const node of chain) if (node[key] !== undefined) return node[key];
  return undefined;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function short(text: string, max = SHORT): string {
  return text.length > max ? `${text.slice(0, max - 3)}…` : text;
}

/** Text the preview writes as it is, between the values it walks. */
class Piece {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/**
 * JSON text of a value, cut at SHORT characters: written from an explicit stack (no recursion, so
 * a default nested thousands deep cannot overflow it) that stops as soon as it has enough, and
 * reads no more of a long array, object or string than it can show.
 */
function preview(value: unknown): string {
  let out = '';
  const stack: unknown[] = [value];
  while (stack.length > 0 && out.length <= SHORT) {
    const next = stack.pop();
    if (next instanceof Piece) out += next.text;
    else if (Array.isArray(next)) {
      out += '[';
      stack.push(new Piece(']'));
      for (let i = Math.min(next.length, SHORT) - 1; i >= 0; i--) {
        stack.push(next[i] === undefined ? null : next[i]);
        if (i > 0) stack.push(new Piece(','));
      }
    } else if (isNode(next)) {
      out += '{';
      stack.push(new Piece('}'));
      const keys: string[] = [];
      for (const key in next) if (keys.push(key) >= SHORT) break;
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        stack.push(next[key], new Piece(`${JSON.stringify(key.slice(0, SHORT + 1))}:`));
        if (i > 0) stack.push(new Piece(','));
      }
    } else if (typeof next === 'string') out += JSON.stringify(next.slice(0, SHORT + 1));
    else out += JSON.stringify(next) ?? 'null';
  }
  return short(out);
}
