/**
 * A first-in first-out queue with O(1) push and shift. Plain arrays make `shift()` linear once
 * they grow large, and a 1-byte-per-chunk link queues tens of thousands of entries.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined; // let the item be collected before the array compacts
    this.head += 1;
    // Compact once the dead prefix dominates, so memory stays proportional to the live items.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }

  /** Removes every item matching `pred` (linear; for cancellation, not the hot path). */
  remove(pred: (item: T) => boolean): number {
    const before = this.length;
    this.items = this.items.slice(this.head).filter((x) => !pred(x as T));
    this.head = 0;
    return before - this.items.length;
  }
}
