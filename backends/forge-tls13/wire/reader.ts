/**
 * Bounds-checked reader over one complete structure (a handshake body, an extension body...).
 *
 * Because the input is complete, running out of bytes is never "need more data" here: it is a
 * message that cannot be parsed, i.e. decode_error (RFC 8446 section 6: "a length extending beyond
 * the message boundary or ... an out-of-range length"). "Need more bytes" only exists at the
 * record and reassembly layers, which return null instead of throwing.
 *
 * Returned byte strings are copies, so decoded messages never alias the caller's buffers.
 */

import { TlsError } from './errors.js';

export class ByteReader {
  readonly #buf: Uint8Array;
  readonly #label: string;
  #pos = 0;

  /** `label` prefixes error messages ("ClientHello.cipher_suites: ..."). */
  constructor(buf: Uint8Array, label = 'message') {
    this.#buf = buf;
    this.#label = label;
  }

  get label(): string {
    return this.#label;
  }
  get offset(): number {
    return this.#pos;
  }
  get remaining(): number {
    return this.#buf.length - this.#pos;
  }
  get atEnd(): boolean {
    return this.#pos === this.#buf.length;
  }

  #fail(field: string, what: string): TlsError {
    return TlsError.decodeError(`${this.#label}${field ? `.${field}` : ''}: ${what}`);
  }

  #need(n: number, field: string): void {
    if (this.remaining < n) {
      throw this.#fail(field, `truncated (need ${n} bytes, have ${this.remaining})`);
    }
  }

  u8(field = ''): number {
    this.#need(1, field);
    return this.#buf[this.#pos++]!;
  }

  u16(field = ''): number {
    this.#need(2, field);
    const b = this.#buf;
    const p = this.#pos;
    this.#pos += 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  u24(field = ''): number {
    this.#need(3, field);
    const b = this.#buf;
    const p = this.#pos;
    this.#pos += 3;
    return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }

  u32(field = ''): number {
    this.#need(4, field);
    const b = this.#buf;
    const p = this.#pos;
    this.#pos += 4;
    return ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  /** Exactly n bytes (a fixed-length field such as Random). */
  bytes(n: number, field = ''): Uint8Array {
    this.#need(n, field);
    const out = this.#buf.slice(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  /** Everything left. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  #length(prefix: 1 | 2 | 3, field: string): number {
    return prefix === 1 ? this.u8(field) : prefix === 2 ? this.u16(field) : this.u24(field);
  }

  /**
   * A vector `opaque x<min..max>` with a 1/2/3-byte length prefix (RFC 8446 section 3.4). The length
   * must lie in [min, max] and fit in what remains; otherwise decode_error.
   */
  opaque(prefix: 1 | 2 | 3, min: number, max: number, field = ''): Uint8Array {
    const len = this.#length(prefix, field);
    if (len < min || len > max) {
      throw this.#fail(field, `length ${len} outside <${min}..${max}>`);
    }
    this.#need(len, field);
    return this.bytes(len, field);
  }

  opaque8(min: number, max: number, field = ''): Uint8Array {
    return this.opaque(1, min, max, field);
  }
  opaque16(min: number, max: number, field = ''): Uint8Array {
    return this.opaque(2, min, max, field);
  }
  opaque24(min: number, max: number, field = ''): Uint8Array {
    return this.opaque(3, min, max, field);
  }

  /**
   * A length-prefixed vector of structures: returns a reader over its contents. The caller parses
   * the elements and must finish with `end()` (trailing bytes inside a vector are decode_error).
   */
  vector(prefix: 1 | 2 | 3, min: number, max: number, field = ''): ByteReader {
    const len = this.#length(prefix, field);
    if (len < min || len > max) {
      throw this.#fail(field, `length ${len} outside <${min}..${max}>`);
    }
    this.#need(len, field);
    const sub = new ByteReader(this.#buf.subarray(this.#pos, this.#pos + len), `${this.#label}${field ? `.${field}` : ''}`);
    this.#pos += len;
    return sub;
  }

  /** Calls `item` until the vector is consumed. */
  list<T>(prefix: 1 | 2 | 3, min: number, max: number, field: string, item: (r: ByteReader) => T): T[] {
    const sub = this.vector(prefix, min, max, field);
    const out: T[] = [];
    while (!sub.atEnd) out.push(item(sub));
    return out;
  }

  /** `uint16 x<min..max>` (a list of 2-byte code points): the byte length must be even. */
  u16List(prefix: 1 | 2, min: number, max: number, field = ''): number[] {
    const sub = this.vector(prefix, min, max, field);
    if (sub.remaining % 2 !== 0) throw this.#fail(field, `odd length ${sub.remaining} for a list of uint16`);
    const out: number[] = [];
    while (!sub.atEnd) out.push(sub.u16());
    return out;
  }

  /** `uint8 x<min..max>`. */
  u8List(prefix: 1 | 2, min: number, max: number, field = ''): number[] {
    return Array.from(this.opaque(prefix, min, max, field));
  }

  /** Asserts everything was consumed: leftovers in a vector or message are decode_error. */
  end(field = ''): void {
    if (!this.atEnd) {
      throw this.#fail(field, `${this.remaining} trailing bytes`);
    }
  }
}
