/**
 * Where each field's value stands in its registry file, for errors found after parsing (a
 * credential file that does not exist, a caFile that is not there, a key that does not load).
 */
import type { RegistryDefinition } from './types.ts';
import type { Position } from './yaml-errors.ts';

// Kept beside the definition rather than in it, so the definition stays plain data (sync hashes it).
const positions = new WeakMap<RegistryDefinition, Map<string, Position>>();

/** The line and column of a field's value in the registry's file, when it came from one. */
export function fieldPosition(registry: RegistryDefinition, field: string): Position | undefined {
  return positions.get(registry)?.get(field);
}

/** Remembers where `registry`'s fields stand (checkRegistryFile, once the file parsed). */
export function rememberPositions(registry: RegistryDefinition, at: Map<string, Position>): void {
  positions.set(registry, at);
}
