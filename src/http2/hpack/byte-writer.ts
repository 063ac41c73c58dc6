/**
 * A growable output buffer, reused across header blocks so that encoding a
 * block allocates only its final copy.
 */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(initialCapacity = 512) {
    this.buf = new Uint8Array(initialCapacity);
  }

  reset(): void {
    this.length = 0;
  }

  /** Make room for n more bytes. */
  reserve(n: number): Uint8Array {
    const needed = this.length + n;
    if (needed > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < needed) cap *= 2;
      const bigger = new Uint8Array(cap);
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
    }
    return this.buf;
  }

  byte(b: number): void {
    this.reserve(1)[this.length++] = b;
  }

  /**
   * Writes a byte string, one byte per char. Returns the OR of all char
   * codes: above 0xFF means some char did not fit (the caller rejects it).
   */
  latin1(s: string): number {
    const buf = this.reserve(s.length);
    let p = this.length;
    let allChars = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      allChars |= c;
      buf[p++] = c;
    }
    this.length = p;
    return allChars;
  }

  /** A copy of what was written, independent of later writes. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
