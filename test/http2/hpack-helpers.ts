/** Shared helpers for the HPACK tests. */
import type { HeaderField } from '../../src/http2/hpack/index.js';

/** Bytes from a hex dump as printed in RFC 7541 Appendix C ("8286 8441 ..."). */
export function hex(dump: string): Uint8Array {
  const digits = dump.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) throw new Error(`bad hex: ${dump}`);
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}

/** Lower-case hex without spaces, for readable assertion failures. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** [name, value] pairs to HeaderFields. */
export function fields(...pairs: ReadonlyArray<readonly [string, string]>): HeaderField[] {
  return pairs.map(([name, value]) => ({ name, value }));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
