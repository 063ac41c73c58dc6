/**
 * A strict DER framing reader (ITU-T X.690 section 10): just enough to cut a certificate into the
 * exact byte ranges that signatures and name chaining need. Field values are decoded by
 * @peculiar/asn1-x509 in parse.ts; this file only checks tags and lengths.
 *
 * DER rules enforced (X.690 sections 8.1.2-8.1.3 and 10.1): single-byte tags only (X.509 never
 * needs the high-tag-number form), definite lengths in the minimal number of octets, and nothing
 * after the last element.
 */
import { DerTag, KeyFormatError, readTlv as readDerTlv } from '../crypto/keys.js';
import { CertificateError } from './errors.js';

export interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  /** Offset of the first content byte. */
  readonly contentStart: number;
  /** Offset just past the content. */
  readonly end: number;
}

export const TAG = { BOOLEAN: 0x01, ...DerTag } as const;

function malformed(message: string): never {
  throw new CertificateError('malformed', message);
}

/**
 * Reads one TLV starting at `offset` that must end at or before `limit`. The DER rules (minimal
 * lengths, no indefinite form, X.690 10.1) live in the one reader of crypto/keys.ts; this gives
 * its result as offsets, which certificate parsing needs to cut out the exact signed bytes.
 */
export function readTlv(buf: Uint8Array, offset: number, limit: number): Tlv {
  let tlv;
  try {
    tlv = readDerTlv(buf.subarray(0, limit), offset);
  } catch (err) {
    if (err instanceof KeyFormatError) malformed(err.message);
    throw err;
  }
  const contentStart = tlv.contents.byteOffset - buf.byteOffset;
  return { tag: tlv.tag, start: offset, contentStart, end: contentStart + tlv.contents.length };
}

/** Reads a whole buffer that must hold exactly one element. */
export function readSingle(buf: Uint8Array, expectedTag?: number): Tlv {
  const tlv = readTlv(buf, 0, buf.length);
  if (tlv.end !== buf.length) malformed('trailing bytes after DER element');
  if (expectedTag !== undefined) expectTag(tlv, expectedTag);
  return tlv;
}

/** The elements inside a constructed element. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  if ((parent.tag & 0x20) === 0) malformed('expected a constructed element');
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const child = readTlv(buf, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

export function expectTag(tlv: Tlv | undefined, tag: number): Tlv {
  if (!tlv) return malformed(`missing element with tag 0x${tag.toString(16)}`);
  if (tlv.tag !== tag) malformed(`expected tag 0x${tag.toString(16)}, got 0x${tlv.tag.toString(16)}`);
  return tlv;
}

export function whole(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.slice(tlv.start, tlv.end);
}

export function content(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.slice(tlv.contentStart, tlv.end);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
