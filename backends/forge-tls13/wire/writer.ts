/**
 * Growable byte writer with length-prefixed vectors (RFC 8446 section 3.4).
 *
 * Encoders enforce the same RFC bounds the decoders check, so we never emit something a
 * conforming peer must reject. A violation is our bug: TlsError internal_error.
 */

import { TlsError } from './errors.js';

const MAX_BY_PREFIX = [0, 0xff, 0xffff, 0xffffff] as const;

export class ByteWriter {
  #buf: Uint8Array;
  #len = 0;

  constructor(initialCapacity = 256) {
    this.#buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.#len;
  }

  #reserve(n: number): void {
    const need = this.#len + n;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  #checkInt(v: number, max: number, field: string): void {
    if (!Number.isInteger(v) || v < 0 || v > max) {
      throw TlsError.internalError(`${field || 'value'}: ${v} does not fit (max ${max})`);
    }
  }

  u8(v: number, field = ''): this {
    this.#checkInt(v, 0xff, field);
    this.#reserve(1);
    this.#buf[this.#len++] = v;
    return this;
  }

  u16(v: number, field = ''): this {
    this.#checkInt(v, 0xffff, field);
    this.#reserve(2);
    this.#buf[this.#len++] = v >>> 8;
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  u24(v: number, field = ''): this {
    this.#checkInt(v, 0xffffff, field);
    this.#reserve(3);
    this.#buf[this.#len++] = v >>> 16;
    this.#buf[this.#len++] = (v >>> 8) & 0xff;
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  u32(v: number, field = ''): this {
    this.#checkInt(v, 0xffffffff, field);
    this.#reserve(4);
    this.#buf[this.#len++] = v >>> 24;
    this.#buf[this.#len++] = (v >>> 16) & 0xff;
    this.#buf[this.#len++] = (v >>> 8) & 0xff;
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  /** Raw bytes, no prefix. If `exactLength` is given the input must have it. */
  bytes(b: Uint8Array, field = '', exactLength?: number): this {
    if (exactLength !== undefined && b.length !== exactLength) {
      throw TlsError.internalError(`${field || 'bytes'}: length ${b.length}, expected ${exactLength}`);
    }
    this.#reserve(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
    return this;
  }

  #putLength(at: number, prefix: 1 | 2 | 3, len: number): void {
    const b = this.#buf;
    if (prefix === 3) b[at++] = len >>> 16;
    if (prefix >= 2) b[at++] = (len >>> 8) & 0xff;
    b[at] = len & 0xff;
  }

  /** `opaque x<min..max>`. */
  opaque(prefix: 1 | 2 | 3, b: Uint8Array, min: number, max: number, field = ''): this {
    if (b.length < min || b.length > max || b.length > MAX_BY_PREFIX[prefix]) {
      throw TlsError.internalError(`${field || 'vector'}: length ${b.length} outside <${min}..${max}>`);
    }
    this.#reserve(prefix);
    this.#putLength(this.#len, prefix, b.length);
    this.#len += prefix;
    return this.bytes(b);
  }

  opaque8(b: Uint8Array, min: number, max: number, field = ''): this {
    return this.opaque(1, b, min, max, field);
  }
  opaque16(b: Uint8Array, min: number, max: number, field = ''): this {
    return this.opaque(2, b, min, max, field);
  }
  opaque24(b: Uint8Array, min: number, max: number, field = ''): this {
    return this.opaque(3, b, min, max, field);
  }

  /** A vector whose contents `body` writes; the prefix is patched afterwards and bounds-checked. */
  vector(prefix: 1 | 2 | 3, min: number, max: number, field: string, body: (w: this) => void): this {
    this.#reserve(prefix);
    const at = this.#len;
    this.#len += prefix;
    body(this);
    const len = this.#len - at - prefix;
    if (len < min || len > max || len > MAX_BY_PREFIX[prefix]) {
      throw TlsError.internalError(`${field || 'vector'}: length ${len} outside <${min}..${max}>`);
    }
    this.#putLength(at, prefix, len);
    return this;
  }

  u16List(prefix: 1 | 2, values: readonly number[], min: number, max: number, field = ''): this {
    return this.vector(prefix, min, max, field, (w) => {
      for (const v of values) w.u16(v, field);
    });
  }

  u8List(prefix: 1 | 2, values: readonly number[], min: number, max: number, field = ''): this {
    return this.vector(prefix, min, max, field, (w) => {
      for (const v of values) w.u8(v, field);
    });
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}
