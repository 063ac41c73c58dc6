/**
 * The dynamic table (RFC 7541 2.3.2, 4): a FIFO of entries, newest first.
 *
 * Stored as a ring buffer so that inserting and evicting are O(1) (no array
 * shifting). Entries get a sequence number (`id`) in insertion order; the
 * entry with id k sits at dynamic position insertCount - 1 - k. Subclasses
 * hook insert/evict to maintain lookup indexes (see EncoderTable).
 */
import { ENTRY_OVERHEAD } from './header-field.js';

export class DynamicTable {
  private names: string[];
  private values: string[];
  private mask: number;
  /** Ring slot of the oldest entry. */
  private oldest = 0;
  private count = 0;
  private bytes = 0;
  private max: number;
  /** Number of entries ever inserted: the id the next entry will get. */
  protected insertCount = 0;
  private addCount = 0;

  constructor(maxSize: number) {
    this.max = maxSize;
    this.names = new Array<string>(16).fill('');
    this.values = new Array<string>(16).fill('');
    this.mask = 15;
  }

  /** Number of entries. */
  get length(): number {
    return this.count;
  }

  /** Number of add() calls so far, including ones that only emptied the table. */
  get additions(): number {
    return this.addCount;
  }

  /** Sum of entry sizes (RFC 7541 4.1). */
  get size(): number {
    return this.bytes;
  }

  get maxSize(): number {
    return this.max;
  }

  /** Name at dynamic position i (0 = newest). Caller checks i < length. */
  nameAt(i: number): string {
    return this.names[(this.oldest + this.count - 1 - i) & this.mask]!;
  }

  valueAt(i: number): string {
    return this.values[(this.oldest + this.count - 1 - i) & this.mask]!;
  }

  /**
   * Inserts an entry, evicting old ones first (RFC 7541 4.4). An entry larger
   * than the whole table empties it and is not stored.
   */
  add(name: string, value: string): void {
    this.addCount++;
    const entrySize = name.length + value.length + ENTRY_OVERHEAD;
    if (entrySize > this.max) {
      this.clear();
      return;
    }
    this.evictDownTo(this.max - entrySize);
    if (this.count === this.names.length) this.grow();
    const slot = (this.oldest + this.count) & this.mask;
    this.names[slot] = name;
    this.values[slot] = value;
    this.count++;
    this.bytes += entrySize;
    this.onInsert(name, value, this.insertCount++);
  }

  /** Evicts every entry. */
  clear(): void {
    this.evictDownTo(0);
  }

  /** New maximum size (RFC 7541 4.3): evicts until the table fits. */
  setMaxSize(maxSize: number): void {
    this.max = maxSize;
    this.evictDownTo(maxSize);
  }

  protected onInsert(_name: string, _value: string, _id: number): void {}
  protected onEvict(_name: string, _value: string, _id: number): void {}

  private evictDownTo(targetSize: number): void {
    while (this.bytes > targetSize) {
      const slot = this.oldest;
      const name = this.names[slot]!;
      const value = this.values[slot]!;
      // Drop references so evicted strings can be collected.
      this.names[slot] = '';
      this.values[slot] = '';
      this.oldest = (slot + 1) & this.mask;
      this.count--;
      this.bytes -= name.length + value.length + ENTRY_OVERHEAD;
      this.onEvict(name, value, this.insertCount - this.count - 1);
    }
  }

  private grow(): void {
    const cap = this.names.length * 2;
    const names = new Array<string>(cap).fill('');
    const values = new Array<string>(cap).fill('');
    for (let i = 0; i < this.count; i++) {
      const slot = (this.oldest + i) & this.mask;
      names[i] = this.names[slot]!;
      values[i] = this.values[slot]!;
    }
    this.names = names;
    this.values = values;
    this.oldest = 0;
    this.mask = cap - 1;
  }
}
