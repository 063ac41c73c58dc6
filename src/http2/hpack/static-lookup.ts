/**
 * Reverse index of the static table for the encoder: name -> first index
 * with that name, plus value -> index for exact matches. Built once at load.
 */
import { STATIC_TABLE } from './static-table.js';

export interface StaticNameEntry {
  /** Lowest index with this name (RFC 7541 examples use the first one). */
  readonly nameIndex: number;
  readonly indexByValue: ReadonlyMap<string, number>;
}

export const STATIC_BY_NAME: ReadonlyMap<string, StaticNameEntry> = buildStaticLookup();

function buildStaticLookup(): Map<string, StaticNameEntry> {
  const byName = new Map<string, { nameIndex: number; indexByValue: Map<string, number> }>();
  STATIC_TABLE.forEach(([name, value], i) => {
    const index = i + 1;
    let entry = byName.get(name);
    if (entry === undefined) byName.set(name, (entry = { nameIndex: index, indexByValue: new Map() }));
    if (!entry.indexByValue.has(value)) entry.indexByValue.set(value, index);
  });
  return byName;
}
