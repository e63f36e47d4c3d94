/**
 * A values schema as rows a person can read: one row per property (nested objects flattened to
 * dotted paths), with its type, default and description. Anything odd in a schema is shown as
 * best it can be, never thrown on: schemas come from charts.
 */
export interface SchemaRow {
  path: string;
  type: string;
  default?: string;
  description?: string;
  required: boolean;
}

export type SchemaTable =
  { ok: true; draft: string; rows: SchemaRow[]; truncated: boolean } | { ok: false; error: string };

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

export function schemaTable(text: string): SchemaTable {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `values.schema.json is not valid JSON: ${(error as Error).message}` };
  }
  if (!isNode(schema)) return { ok: false, error: 'values.schema.json is not a JSON object' };
  const rows: SchemaRow[] = [];
  const root = schema;
  walk(schema, '', 0);
  return {
    ok: true,
    draft: schemaDraft(schema),
    rows: rows.slice(0, MAX_ROWS),
    truncated: rows.length > MAX_ROWS,
  };

  function resolve(node: Node): Node {
    // follow local refs (#/definitions/x, #/$defs/x) once or twice, enough for readable rows
    let current = node;
    for (let i = 0; i < 4 && typeof current.$ref === 'string' && current.$ref.startsWith('#/'); i++) {
      let target: unknown = root;
      for (const part of current.$ref.slice(2).split('/')) {
        target = isNode(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
      }
      if (!isNode(target)) break;
      current = { ...target, ...current, $ref: undefined };
    }
    return current;
  }

  function walk(node: Node, prefix: string, depth: number): void {
    const resolved = resolve(node);
    const properties = isNode(resolved.properties) ? resolved.properties : {};
    const required = Array.isArray(resolved.required) ? resolved.required : [];
    for (const [name, raw] of Object.entries(properties)) {
      if (rows.length > MAX_ROWS) return;
      if (!isNode(raw)) continue;
      const property = resolve(raw);
      const path = prefix ? `${prefix}.${name}` : name;
      rows.push({
        path,
        type: typeOf(property),
        ...(property.default !== undefined ? { default: short(JSON.stringify(property.default)) } : {}),
        ...(typeof property.description === 'string' ? { description: property.description } : {}),
        required: required.includes(name),
      });
      if (depth < MAX_DEPTH && isNode(property.properties)) walk(property, path, depth + 1);
    }
  }
}

function typeOf(node: Node): string {
  if (Array.isArray(node.type)) return node.type.join(' | ');
  if (typeof node.type === 'string') {
    if (node.type === 'array' && isNode(node.items) && typeof node.items.type === 'string')
      return `array of ${node.items.type}`;
    return node.type;
  }
  if (Array.isArray(node.enum)) return `enum: ${short(node.enum.map((v) => JSON.stringify(v)).join(', '))}`;
  if (node.const !== undefined) return `const ${short(JSON.stringify(node.const))}`;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = node[key];
    if (Array.isArray(options))
      return options.map((o) => (isNode(o) ? typeOf(o) : '?')).join(key === 'allOf' ? ' & ' : ' | ');
  }
  if (isNode(node.properties)) return 'object';
  return 'any';
}

function short(text: string | undefined): string {
  if (text === undefined) return '';
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
