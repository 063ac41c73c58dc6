/**
 * FIFO of bytes for the streaming layers (records, handshake reassembly): a list of chunks, each a
 * private copy of what was pushed. Taking bytes that lie within one chunk (the common case: whole
 * records inside one socket read) returns a view of it, without copying; only a message that
 * straddles chunks is assembled into a new buffer. Amortised O(1) per byte however the input is
 * fragmented (one byte at a time included).
 */

export class ByteQueue {
  #chunks: (Uint8Array | undefined)[] = [];
  /** Index of the first live chunk, and how much of it was consumed. */
  #head = 0;
  #offset = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Appends a copy of `bytes` (the caller may reuse its buffer). */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#chunks.push(bytes.slice());
    this.#length += bytes.length;
  }

  /** Byte at `i` from the head; caller guarantees i < length. */
  at(i: number): number {
    let c = this.#head;
    let index = this.#offset + i;
    for (;;) {
      const chunk = this.#chunks[c]!;
      if (index < chunk.length) return chunk[index]!;
      index -= chunk.length;
      c++;
    }
  }

  /**
   * Removes and returns the first n bytes; caller guarantees n <= length. The result may be a view
   * of the queue's own copy of the input: nothing else refers to those bytes, and it never changes.
   */
  take(n: number): Uint8Array {
    const first = this.#chunks[this.#head];
    if (first !== undefined && this.#offset + n <= first.length) {
      const out = first.subarray(this.#offset, this.#offset + n);
      this.#consume(n);
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[this.#head]!;
      const count = Math.min(chunk.length - this.#offset, n - filled);
      out.set(chunk.subarray(this.#offset, this.#offset + count), filled);
      filled += count;
      this.#consume(count);
    }
    return out;
  }

  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#offset = 0;
    this.#length = 0;
  }

  /** Drops n bytes from the head chunk (n at most what is left of it). */
  #consume(n: number): void {
    this.#offset += n;
    this.#length -= n;
    const chunk = this.#chunks[this.#head];
    if (chunk !== undefined && this.#offset === chunk.length) {
      this.#chunks[this.#head] = undefined; // released at once, not when the array is compacted
      this.#head++;
      this.#offset = 0;
      if (this.#head === this.#chunks.length) {
        this.#chunks = [];
        this.#head = 0;
      } else if (this.#head >= 64 && this.#head * 2 >= this.#chunks.length) {
        this.#chunks = this.#chunks.slice(this.#head);
        this.#head = 0;
      }
    }
  }
}
