/**
 * Big-endian integer helpers for frame (de)serialisation (RFC 9113 uses network byte order).
 * Manual shifts instead of a DataView: no allocation per frame. Callers check bounds first;
 * the non-null assertions below rely on that.
 */

/** Clears the reserved high bit of a 31-bit field (stream ids, window increments: RFC 9113 4.1, 6.9). */
export const U31_MASK = 0x7fffffff;

export function readU32(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}

export function readU16(buf: Uint8Array, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}

export function writeU32(buf: Uint8Array, off: number, value: number): void {
  buf[off] = value >>> 24;
  buf[off + 1] = value >>> 16;
  buf[off + 2] = value >>> 8;
  buf[off + 3] = value;
}

export function writeU16(buf: Uint8Array, off: number, value: number): void {
  buf[off] = value >>> 8;
  buf[off + 1] = value;
}
