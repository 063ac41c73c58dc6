import type { ByteWriter } from './byte-writer.js';
import { compressionError } from './errors.js';

/**
 * Largest integer the decoder accepts (RFC 7541 5.1 asks for a limit on
 * value and on encoded length). 2^31-1 is far above any table size, index
 * or string length we can hold, and keeps all arithmetic exact.
 */
export const MAX_INTEGER = 0x7fffffff;

/**
 * After the prefix, 5 continuation bytes carry 35 bits: enough for
 * MAX_INTEGER plus some zero padding. A 6th is an attack, not an encoding.
 */
const MAX_CONTINUATION_BYTES = 5;

/** Read position inside a header block. */
export interface Cursor {
  readonly buf: Uint8Array;
  pos: number;
}

/**
 * Encodes `value` with an N-bit prefix (RFC 7541 5.1). `highBits` are the
 * representation's pattern bits that share the first byte.
 */
export function encodeInteger(out: ByteWriter, value: number, prefixBits: number, highBits: number): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out.byte(highBits | value);
    return;
  }
  out.byte(highBits | max);
  let rest = value - max;
  while (rest >= 128) {
    out.byte((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.byte(rest);
}

/**
 * Decodes an N-bit-prefix integer at cur.pos (whose high bits belong to the
 * representation and are ignored) and advances past it.
 * Throws COMPRESSION on truncation, overflow or too many continuation bytes.
 */
export function decodeInteger(cur: Cursor, prefixBits: number): number {
  const buf = cur.buf;
  let pos = cur.pos;
  if (pos >= buf.length) throw compressionError('truncated integer');
  const max = (1 << prefixBits) - 1;
  let value = buf[pos++]! & max;
  if (value < max) {
    cur.pos = pos;
    return value;
  }
  // Multiplication, not shifts: a shift by 28+ would wrap in 32-bit ints.
  let multiplier = 1;
  for (let i = 0; i < MAX_CONTINUATION_BYTES; i++) {
    if (pos >= buf.length) throw compressionError('truncated integer');
    const b = buf[pos++]!;
    value += (b & 0x7f) * multiplier;
    if (value > MAX_INTEGER) throw compressionError('integer overflow');
    if ((b & 0x80) === 0) {
      cur.pos = pos;
      return value;
    }
    multiplier *= 128;
  }
  throw compressionError('integer has too many continuation bytes');
}
