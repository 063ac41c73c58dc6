/**
 * FIFO of bytes for the streaming layers (records, handshake reassembly). Amortised O(1) per byte
 * however the input is fragmented (one byte at a time included): a single growable buffer with a
 * read offset, compacted when the consumed prefix dominates.
 */

export class ByteQueue {
  #buf = new Uint8Array(0);
  #start = 0;
  #end = 0;

  get length(): number {
    return this.#end - this.#start;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.#end + bytes.length > this.#buf.length) {
      const live = this.length;
      const need = live + bytes.length;
      if (need * 2 <= this.#buf.length) {
        // At least half the buffer is free once compacted, so compaction stays amortised O(1).
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        const next = new Uint8Array(Math.max(need, this.#buf.length * 2, 64));
        next.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = next;
      }
      this.#start = 0;
      this.#end = live;
    }
    this.#buf.set(bytes, this.#end);
    this.#end += bytes.length;
  }

  /** Byte at `i` from the head; caller guarantees i < length. */
  at(i: number): number {
    return this.#buf[this.#start + i]!;
  }

  /** Removes and returns a copy of the first n bytes; caller guarantees n <= length. */
  take(n: number): Uint8Array {
    const out = this.#buf.slice(this.#start, this.#start + n);
    this.#start += n;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
      // Drop a big buffer once drained so one large message does not pin memory.
      if (this.#buf.length > 1 << 16) this.#buf = new Uint8Array(0);
    }
    return out;
  }

  clear(): void {
    this.#buf = new Uint8Array(0);
    this.#start = 0;
    this.#end = 0;
  }
}
