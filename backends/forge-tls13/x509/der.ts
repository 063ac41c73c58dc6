/**
 * A strict DER framing reader (ITU-T X.690 section 10): just enough to cut a certificate into the
 * exact byte ranges that signatures and name chaining need. Field values are decoded by
 * @peculiar/asn1-x509 in parse.ts; this file only checks tags and lengths.
 *
 * DER rules enforced (X.690 sections 8.1.2-8.1.3 and 10.1): single-byte tags only (X.509 never
 * needs the high-tag-number form), definite lengths in the minimal number of octets, and nothing
 * after the last element.
 */
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

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

function malformed(message: string): never {
  throw new CertificateError('malformed', message);
}

/** Reads one TLV starting at `offset` that must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) malformed('truncated DER element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) malformed('high-tag-number form is not used in X.509');
  const first = buf[offset + 1]!;
  let length: number;
  let contentStart: number;
  if (first < 0x80) {
    length = first;
    contentStart = offset + 2;
  } else {
    const count = first & 0x7f;
    // 0x80 is the BER indefinite form (X.690 section 10.1 forbids it); 4 octets cover 4 GiB.
    if (count === 0 || count > 4) malformed('indefinite or oversized DER length');
    if (offset + 2 + count > limit) malformed('truncated DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[offset + 2 + i]!;
    if (buf[offset + 2]! === 0 || length < 0x80) malformed('non-minimal DER length');
    contentStart = offset + 2 + count;
  }
  const end = contentStart + length;
  if (end > limit) malformed('DER element runs past its container');
  return { tag, start: offset, contentStart, end };
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
