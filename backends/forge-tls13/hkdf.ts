/**
 * HKDF (RFC 5869) built on the provider's HMAC, and TLS 1.3's HKDF-Expand-Label / Derive-Secret
 * (RFC 8446 section 7.1).
 */

import { concatBytes, hashLength } from './crypto/keys.js';
import type { CryptoProvider, HashAlgorithm } from './crypto/provider.js';

export { hashLength };

const TLS13_LABEL_PREFIX = 'tls13 ';
const textEncoder = new TextEncoder();

/**
 * HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM) (RFC 5869 section 2.2). A missing salt is
 * HashLen zero octets; TLS 1.3 writes that as "0".
 */
export async function hkdfExtract(
  p: CryptoProvider,
  hash: HashAlgorithm,
  salt: Uint8Array | null | undefined,
  ikm: Uint8Array,
): Promise<Uint8Array> {
  return p.hmac(hash, salt ?? new Uint8Array(hashLength(hash)), ikm);
}

/**
 * HKDF-Expand(PRK, info, L) (RFC 5869 section 2.3): T(0) = "", T(i) = HMAC(PRK, T(i-1) | info |
 * i), output the first L octets of T(1) | T(2) | ...
 */
export async function hkdfExpand(
  p: CryptoProvider,
  hash: HashAlgorithm,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const hashLen = hashLength(hash);
  if (!Number.isSafeInteger(length) || length < 0 || length > 255 * hashLen) {
    throw new RangeError(`HKDF-Expand length must be 0..${255 * hashLen}`);
  }
  if (prk.length < hashLen) throw new RangeError('HKDF-Expand PRK shorter than the hash output');
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, offset = 0; offset < length; i++) {
    previous = await p.hmac(hash, prk, concatBytes(previous, info, Uint8Array.of(i)));
    out.set(previous.subarray(0, Math.min(previous.length, length - offset)), offset);
    offset += previous.length;
  }
  return out;
}

/**
 * The HkdfLabel structure (RFC 8446 section 7.1):
 *   struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; }
 */
export function encodeHkdfLabel(label: string, context: Uint8Array, length: number): Uint8Array {
  const fullLabel = textEncoder.encode(TLS13_LABEL_PREFIX + label);
  if (fullLabel.length < 7 || fullLabel.length > 255) throw new RangeError('HKDF label must be 1..249 bytes');
  if (context.length > 255) throw new RangeError('HKDF label context must be at most 255 bytes');
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) throw new RangeError('HKDF label length must fit in uint16');
  return concatBytes(
    Uint8Array.of(length >> 8, length & 0xff, fullLabel.length),
    fullLabel,
    Uint8Array.of(context.length),
    context,
  );
}

/** HKDF-Expand-Label(Secret, Label, Context, Length) (RFC 8446 section 7.1). */
export async function hkdfExpandLabel(
  p: CryptoProvider,
  hash: HashAlgorithm,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  return hkdfExpand(p, hash, secret, encodeHkdfLabel(label, context, length), length);
}

/**
 * Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label,
 * Transcript-Hash(Messages), Hash.length). Takes the transcript hash, not the messages.
 */
export async function deriveSecret(
  p: CryptoProvider,
  hash: HashAlgorithm,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Promise<Uint8Array> {
  const len = hashLength(hash);
  if (transcriptHash.length !== len) throw new RangeError(`transcript hash must be ${len} bytes for ${hash}`);
  return hkdfExpandLabel(p, hash, secret, label, transcriptHash, len);
}
