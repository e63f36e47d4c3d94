/**
 * The values schema as a tree for the nested explorer: the schema table's rows (schema-table.ts,
 * already bounded in rows, depth and work, with local $refs followed) put under their parents.
 * Rows come parent first with their depth, so one pass with a stack of open parents builds it.
 */
import type { SchemaRow } from './schema-table.ts';

export interface SchemaNode extends SchemaRow {
  /** the property's own name (the last part of its path) */
  name: string;
  children: SchemaNode[];
}

export function schemaTree(rows: SchemaRow[]): SchemaNode[] {
  const roots: SchemaNode[] = [];
  const open: SchemaNode[] = [];
  for (const row of rows) {
    const node: SchemaNode = { ...row, name: lastPart(row.path, open[row.depth - 1]?.path), children: [] };
    open.length = row.depth;
    const parent = open[row.depth - 1];
    (parent ? parent.children : roots).push(node);
    open.push(node);
  }
  return roots;
}

/** The part of a path after its parent's (a name may hold dots itself). */
function lastPart(path: string, parent: string | undefined): string {
  if (parent && path.startsWith(parent)) return path.slice(parent.length).replace(/^(\[\])?\./, '');
  return path;
}

/** How many nodes the tree holds under (and with) each node: for the "n properties" of a summary. */
export function countNodes(nodes: SchemaNode[]): number {
  let count = 0;
  const stack = [...nodes];
  while (stack.length > 0) {
    const node = stack.pop()!;
    count++;
    stack.push(...node.children);
  }
  return count;
}
