/**
 * Key and signature *encoding* helpers shared by both providers: a small strict DER reader and
 * writer, PKCS#8 / SubjectPublicKeyInfo / PEM parsing, the signature-scheme table, and the ECDSA
 * DER <-> IEEE P1363 (r || s) conversion. No cryptographic primitive lives here: these only move
 * bytes between container formats so that node-forge and WebCrypto can be handed the key material
 * in the form each one accepts.
 */

import type { HashAlgorithm, PrivateKeyHandle, SignatureSchemeName } from './provider.js';

// ---------------------------------------------------------------------------------------------
// Bytes
// ---------------------------------------------------------------------------------------------

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Compares without an early exit, so the time taken does not depend on where a difference is. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i] as number;
  return acc === 0;
}

/** Decodes RFC 4648 base64 or base64url (padding optional); throws on anything else. */
export function base64Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s]/g, '').replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (/[^A-Za-z0-9+/]/.test(clean) || clean.length % 4 === 1) throw new KeyFormatError('invalid base64');
  const padded = clean + '='.repeat((4 - (clean.length % 4)) % 4);
  const binary = atob(padded);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** RFC 4648 section 5 base64url without padding (for JWK members). */
export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function hashLength(hash: HashAlgorithm | SignatureHash): number {
  switch (hash) {
    case 'SHA-1':
      return 20;
    case 'SHA-256':
      return 32;
    case 'SHA-384':
      return 48;
    case 'SHA-512':
      return 64;
  }
}

// ---------------------------------------------------------------------------------------------
// DER
// ---------------------------------------------------------------------------------------------

export class KeyFormatError extends Error {
  override readonly name = 'KeyFormatError';
}

export const DerTag = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

export interface Tlv {
  readonly tag: number;
  /** The contents octets (a view into the input). */
  readonly contents: Uint8Array;
  /** The whole encoding, header included (a view into the input). */
  readonly encoded: Uint8Array;
}

/**
 * Reads one DER TLV at `offset`. Only low tag numbers (< 31) are supported, which is all that the
 * key formats here use. Indefinite and non-minimal lengths are rejected (DER, X.690 10.1).
 */
export function readTlv(input: Uint8Array, offset = 0): Tlv {
  if (offset + 2 > input.length) throw new KeyFormatError('DER: truncated header');
  const tag = input[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new KeyFormatError('DER: high tag numbers are not supported');
  let lengthByte = input[offset + 1] as number;
  let pos = offset + 2;
  let length: number;
  if (lengthByte < 0x80) {
    length = lengthByte;
  } else {
    const n = lengthByte & 0x7f;
    if (n === 0) throw new KeyFormatError('DER: indefinite length');
    if (n > 4) throw new KeyFormatError('DER: length too large');
    if (pos + n > input.length) throw new KeyFormatError('DER: truncated length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (input[pos + i] as number);
    if (input[pos] === 0 || length < 0x80) throw new KeyFormatError('DER: non-minimal length');
    pos += n;
  }
  if (pos + length > input.length) throw new KeyFormatError('DER: truncated contents');
  return {
    tag,
    contents: input.subarray(pos, pos + length),
    encoded: input.subarray(offset, pos + length),
  };
}

/** Reads exactly one TLV spanning all of `input`, optionally checking its tag. */
export function readSingle(input: Uint8Array, expectedTag?: number): Tlv {
  const tlv = readTlv(input, 0);
  if (tlv.encoded.length !== input.length) throw new KeyFormatError('DER: trailing data');
  if (expectedTag !== undefined && tlv.tag !== expectedTag) throw new KeyFormatError('DER: unexpected tag');
  return tlv;
}

/** The children of a constructed value. */
export function readChildren(contents: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < contents.length) {
    const tlv = readTlv(contents, offset);
    out.push(tlv);
    offset += tlv.encoded.length;
  }
  return out;
}

function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new KeyFormatError(`DER: expected ${what}`);
  return tlv;
}

export function decodeOid(contents: Uint8Array): string {
  if (contents.length === 0) throw new KeyFormatError('DER: empty OID');
  const arcs: number[] = [];
  let value = 0;
  let first = true;
  for (let i = 0; i < contents.length; i++) {
    const byte = contents[i] as number;
    if (value === 0 && byte === 0x80) throw new KeyFormatError('DER: non-minimal OID arc');
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new KeyFormatError('DER: OID arc too large');
    if ((byte & 0x80) === 0) {
      if (first) {
        const a = value < 40 ? 0 : value < 80 ? 1 : 2;
        arcs.push(a, value - 40 * a);
        first = false;
      } else {
        arcs.push(value);
      }
      value = 0;
    } else if (i === contents.length - 1) {
      throw new KeyFormatError('DER: truncated OID');
    }
  }
  return arcs.join('.');
}

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function derEncode(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  const body = concatBytes(...contents);
  return concatBytes(Uint8Array.of(tag), encodeLength(body.length), body);
}

export function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((s) => Number(s));
  const [a, b, ...rest] = arcs;
  if (a === undefined || b === undefined) throw new KeyFormatError('bad OID');
  const out: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return derEncode(DerTag.OID, Uint8Array.from(out));
}

/** A DER INTEGER from an unsigned big-endian magnitude. */
export function encodeUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  let m = magnitude.subarray(start);
  if (m.length === 0) m = Uint8Array.of(0);
  if (((m[0] as number) & 0x80) !== 0) m = concatBytes(Uint8Array.of(0), m);
  return derEncode(DerTag.INTEGER, m);
}

// ---------------------------------------------------------------------------------------------
// OIDs
// ---------------------------------------------------------------------------------------------

export const Oid = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  ed25519: '1.3.101.112',
  x25519: '1.3.101.110',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

const HASH_BY_OID: Readonly<Record<string, SignatureHash>> = {
  [Oid.sha1]: 'SHA-1',
  [Oid.sha256]: 'SHA-256',
  [Oid.sha384]: 'SHA-384',
  [Oid.sha512]: 'SHA-512',
};

// ---------------------------------------------------------------------------------------------
// Signature schemes
// ---------------------------------------------------------------------------------------------

export type SignatureHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
export type KeyKind = PrivateKeyHandle['kind'];
export type EcCurve = 'P-256' | 'P-384';

export interface SchemeInfo {
  readonly family: 'ecdsa' | 'rsa-pss' | 'rsa-pkcs1' | 'ed25519';
  /** Digest used by the signature; null for Ed25519 (which hashes internally). */
  readonly hash: SignatureHash | null;
  /** Key kinds the scheme works with. */
  readonly keyKinds: readonly KeyKind[];
  /** True when the scheme may appear in CertificateVerify (RFC 8446 section 4.2.3). */
  readonly handshake: boolean;
  /** Whether we are willing to produce signatures with it (never SHA-1). */
  readonly signable: boolean;
}

export const SCHEMES: Readonly<Record<SignatureSchemeName, SchemeInfo>> = {
  ecdsa_secp256r1_sha256: { family: 'ecdsa', hash: 'SHA-256', keyKinds: ['ec-p256'], handshake: true, signable: true },
  ecdsa_secp384r1_sha384: { family: 'ecdsa', hash: 'SHA-384', keyKinds: ['ec-p384'], handshake: true, signable: true },
  rsa_pss_rsae_sha256: { family: 'rsa-pss', hash: 'SHA-256', keyKinds: ['rsa'], handshake: true, signable: true },
  rsa_pss_rsae_sha384: { family: 'rsa-pss', hash: 'SHA-384', keyKinds: ['rsa'], handshake: true, signable: true },
  rsa_pss_rsae_sha512: { family: 'rsa-pss', hash: 'SHA-512', keyKinds: ['rsa'], handshake: true, signable: true },
  rsa_pss_pss_sha256: { family: 'rsa-pss', hash: 'SHA-256', keyKinds: ['rsa-pss'], handshake: true, signable: true },
  rsa_pss_pss_sha384: { family: 'rsa-pss', hash: 'SHA-384', keyKinds: ['rsa-pss'], handshake: true, signable: true },
  rsa_pss_pss_sha512: { family: 'rsa-pss', hash: 'SHA-512', keyKinds: ['rsa-pss'], handshake: true, signable: true },
  ed25519: { family: 'ed25519', hash: null, keyKinds: ['ed25519'], handshake: true, signable: true },
  rsa_pkcs1_sha256: { family: 'rsa-pkcs1', hash: 'SHA-256', keyKinds: ['rsa'], handshake: false, signable: true },
  rsa_pkcs1_sha384: { family: 'rsa-pkcs1', hash: 'SHA-384', keyKinds: ['rsa'], handshake: false, signable: true },
  rsa_pkcs1_sha512: { family: 'rsa-pkcs1', hash: 'SHA-512', keyKinds: ['rsa'], handshake: false, signable: true },
  ecdsa_sha1: { family: 'ecdsa', hash: 'SHA-1', keyKinds: ['ec-p256', 'ec-p384'], handshake: false, signable: false },
  rsa_pkcs1_sha1: { family: 'rsa-pkcs1', hash: 'SHA-1', keyKinds: ['rsa'], handshake: false, signable: false },
};

export function schemeInfo(scheme: SignatureSchemeName): SchemeInfo | undefined {
  return Object.prototype.hasOwnProperty.call(SCHEMES, scheme) ? SCHEMES[scheme] : undefined;
}

export function curveOfKind(kind: KeyKind): EcCurve | undefined {
  return kind === 'ec-p256' ? 'P-256' : kind === 'ec-p384' ? 'P-384' : undefined;
}

/** Field element size in bytes, which is also the size of r and s. */
export function curveSize(curve: EcCurve): number {
  return curve === 'P-256' ? 32 : 48;
}

/**
 * Whether a key of `kind` (with an optional RSASSA-PSS hash restriction) may be used with
 * `scheme`. The ECDSA curve must match the scheme, as RFC 8446 section 4.2.3 binds them.
 */
export function keyFitsScheme(kind: KeyKind, pssHash: SignatureHash | undefined, scheme: SignatureSchemeName): boolean {
  const info = schemeInfo(scheme);
  if (!info || !info.keyKinds.includes(kind)) return false;
  if (kind === 'rsa-pss' && pssHash !== undefined && pssHash !== info.hash) return false;
  return true;
}

/** The CertificateVerify schemes of a key kind, best first. */
export function handshakeSchemesFor(kind: KeyKind, pssHash?: SignatureHash): SignatureSchemeName[] {
  const order: SignatureSchemeName[] = [
    'ed25519',
    'ecdsa_secp256r1_sha256',
    'ecdsa_secp384r1_sha384',
    'rsa_pss_rsae_sha256',
    'rsa_pss_rsae_sha384',
    'rsa_pss_rsae_sha512',
    'rsa_pss_pss_sha256',
    'rsa_pss_pss_sha384',
    'rsa_pss_pss_sha512',
  ];
  return order.filter((s) => SCHEMES[s].handshake && keyFitsScheme(kind, pssHash, s));
}

// ---------------------------------------------------------------------------------------------
// PEM
// ---------------------------------------------------------------------------------------------

export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

/** Decodes the first PEM block of `text` (RFC 7468). */
export function decodePem(text: string): PemBlock {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) throw new KeyFormatError('no PEM block found');
  const body = (m[2] as string)
    .split(/\r?\n/)
    .filter((line) => !line.includes(':')) // RFC 1421 headers (Proc-Type, DEK-Info) are not supported anyway
    .join('');
  return { label: m[1] as string, der: base64Decode(body) };
}

// ---------------------------------------------------------------------------------------------
// Private keys
// ---------------------------------------------------------------------------------------------

export type ParsedPrivateKey =
  | {
      readonly kind: 'rsa' | 'rsa-pss';
      /** PKCS#1 RSAPrivateKey (DER). */
      readonly rsaPrivateKey: Uint8Array;
      /** PKCS#8 with the rsaEncryption OID (what WebCrypto imports for RSA-PSS and PKCS#1 v1.5). */
      readonly pkcs8: Uint8Array;
      /** For RSASSA-PSS keys with parameters: the only hash the key may be used with. */
      readonly pssHash?: SignatureHash;
    }
  | {
      readonly kind: 'ec-p256' | 'ec-p384';
      readonly curve: EcCurve;
      /** PKCS#8 with id-ecPublicKey and the named curve. */
      readonly pkcs8: Uint8Array;
    }
  | {
      readonly kind: 'ed25519';
      /** The 32-byte private key ("seed", RFC 8032 section 5.1.5). */
      readonly seed: Uint8Array;
      readonly pkcs8: Uint8Array;
    };

const RSA_ENCRYPTION_ALGORITHM = derEncode(DerTag.SEQUENCE, encodeOid(Oid.rsaEncryption), Uint8Array.of(0x05, 0x00));

function wrapPkcs8(algorithmIdentifier: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return derEncode(
    DerTag.SEQUENCE,
    Uint8Array.of(0x02, 0x01, 0x00),
    algorithmIdentifier,
    derEncode(DerTag.OCTET_STRING, privateKey),
  );
}

function ecAlgorithmIdentifier(curve: EcCurve): Uint8Array {
  return derEncode(
    DerTag.SEQUENCE,
    encodeOid(Oid.ecPublicKey),
    encodeOid(curve === 'P-256' ? Oid.prime256v1 : Oid.secp384r1),
  );
}

function curveFromOid(oid: string): EcCurve {
  if (oid === Oid.prime256v1) return 'P-256';
  if (oid === Oid.secp384r1) return 'P-384';
  throw new KeyFormatError(`unsupported elliptic curve ${oid}`);
}

/** PKCS#8 for a raw EC private scalar (RFC 5915 ECPrivateKey without the optional fields). */
export function ecPkcs8FromScalar(curve: EcCurve, scalar: Uint8Array): Uint8Array {
  const ecPrivateKey = derEncode(DerTag.SEQUENCE, Uint8Array.of(0x02, 0x01, 0x01), derEncode(DerTag.OCTET_STRING, scalar));
  return wrapPkcs8(ecAlgorithmIdentifier(curve), ecPrivateKey);
}

/** PKCS#8 for a raw X25519 private key (RFC 8410 section 7). */
export function x25519Pkcs8FromRaw(raw: Uint8Array): Uint8Array {
  return wrapPkcs8(derEncode(DerTag.SEQUENCE, encodeOid(Oid.x25519)), derEncode(DerTag.OCTET_STRING, raw));
}

/**
 * RSASSA-PSS-params (RFC 4055 section 3.1) as a restriction on the hash. Absent parameters mean
 * "any"; present ones must use one hash for both the message digest and MGF1 (RFC 8446 only
 * defines such combinations) and allow a salt as long as the digest.
 */
function parsePssParams(params: Tlv | undefined): SignatureHash | undefined {
  if (!params) return undefined;
  if (params.tag === DerTag.NULL) return undefined;
  if (params.tag !== DerTag.SEQUENCE) throw new KeyFormatError('bad RSASSA-PSS parameters');
  let hash: SignatureHash = 'SHA-1';
  let mgfHash: SignatureHash = 'SHA-1';
  let saltLength = 20;
  const hashOf = (algId: Tlv): SignatureHash => {
    const parts = readChildren(expectTag(algId, DerTag.SEQUENCE, 'AlgorithmIdentifier').contents);
    const h = HASH_BY_OID[decodeOid(expectTag(parts[0], DerTag.OID, 'OID').contents)];
    if (!h) throw new KeyFormatError('unsupported RSASSA-PSS hash');
    return h;
  };
  for (const field of readChildren(params.contents)) {
    const inner = readSingle(field.contents);
    switch (field.tag) {
      case 0xa0:
        hash = hashOf(inner);
        break;
      case 0xa1: {
        const parts = readChildren(expectTag(inner, DerTag.SEQUENCE, 'MaskGenAlgorithm').contents);
        if (decodeOid(expectTag(parts[0], DerTag.OID, 'OID').contents) !== Oid.mgf1) {
          throw new KeyFormatError('unsupported RSASSA-PSS mask generation function');
        }
        const p = parts[1];
        if (!p) throw new KeyFormatError('MGF1 without hash');
        mgfHash = hashOf(p);
        break;
      }
      case 0xa2: {
        const n = expectTag(inner, DerTag.INTEGER, 'INTEGER').contents;
        if (n.length > 2) throw new KeyFormatError('RSASSA-PSS salt length out of range');
        saltLength = n.reduce((acc, b) => acc * 256 + b, 0);
        break;
      }
      case 0xa3:
        break;
      default:
        throw new KeyFormatError('bad RSASSA-PSS parameters');
    }
  }
  if (hash !== mgfHash) throw new KeyFormatError('RSASSA-PSS key with different digest and MGF1 hashes');
  if (hash === 'SHA-1') throw new KeyFormatError('RSASSA-PSS key restricted to SHA-1');
  if (saltLength > hashLength(hash)) throw new KeyFormatError('RSASSA-PSS key requires a longer salt than TLS uses');
  return hash;
}

function parsePkcs8(der: Uint8Array): ParsedPrivateKey {
  const parts = readChildren(readSingle(der, DerTag.SEQUENCE).contents);
  const version = expectTag(parts[0], DerTag.INTEGER, 'version').contents;
  if (version.length !== 1 || (version[0] !== 0 && version[0] !== 1)) throw new KeyFormatError('unsupported PKCS#8 version');
  const algParts = readChildren(expectTag(parts[1], DerTag.SEQUENCE, 'AlgorithmIdentifier').contents);
  const algorithm = decodeOid(expectTag(algParts[0], DerTag.OID, 'algorithm OID').contents);
  const params = algParts[1];
  const privateKey = expectTag(parts[2], DerTag.OCTET_STRING, 'privateKey').contents;
  switch (algorithm) {
    case Oid.rsaEncryption:
    case Oid.rsassaPss: {
      readSingle(privateKey, DerTag.SEQUENCE); // well-formed RSAPrivateKey
      const rsaPrivateKey = privateKey.slice();
      const pkcs8 = wrapPkcs8(RSA_ENCRYPTION_ALGORITHM, rsaPrivateKey);
      if (algorithm === Oid.rsaEncryption) return { kind: 'rsa', rsaPrivateKey, pkcs8 };
      const pssHash = parsePssParams(params);
      return pssHash === undefined
        ? { kind: 'rsa-pss', rsaPrivateKey, pkcs8 }
        : { kind: 'rsa-pss', rsaPrivateKey, pkcs8, pssHash };
    }
    case Oid.ecPublicKey: {
      const curve = curveFromOid(decodeOid(expectTag(params, DerTag.OID, 'named curve').contents));
      return { kind: curve === 'P-256' ? 'ec-p256' : 'ec-p384', curve, pkcs8: der.slice() };
    }
    case Oid.ed25519: {
      const seed = readSingle(privateKey, DerTag.OCTET_STRING).contents;
      if (seed.length !== 32) throw new KeyFormatError('Ed25519 private key must be 32 bytes');
      return { kind: 'ed25519', seed: seed.slice(), pkcs8: der.slice() };
    }
    default:
      throw new KeyFormatError(`unsupported private key algorithm ${algorithm}`);
  }
}

/** RFC 5915 ECPrivateKey ("BEGIN EC PRIVATE KEY") to PKCS#8. */
function pkcs8FromSec1(der: Uint8Array): Uint8Array {
  const parts = readChildren(readSingle(der, DerTag.SEQUENCE).contents);
  const params = parts.find((p) => p.tag === 0xa0);
  if (!params) throw new KeyFormatError('EC private key without curve parameters');
  const curve = curveFromOid(decodeOid(readSingle(params.contents, DerTag.OID).contents));
  return wrapPkcs8(ecAlgorithmIdentifier(curve), der);
}

/**
 * Parses a private key: PKCS#8 DER, or PEM text holding "PRIVATE KEY" (PKCS#8), and, as a
 * convenience, "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (RFC 5915). Encrypted keys are
 * rejected.
 */
export function parsePrivateKey(input: Uint8Array | string): ParsedPrivateKey {
  if (typeof input !== 'string') return parsePkcs8(input);
  const { label, der } = decodePem(input);
  switch (label) {
    case 'PRIVATE KEY':
      return parsePkcs8(der);
    case 'RSA PRIVATE KEY':
      return parsePkcs8(wrapPkcs8(RSA_ENCRYPTION_ALGORITHM, der));
    case 'EC PRIVATE KEY':
      return parsePkcs8(pkcs8FromSec1(der));
    case 'ENCRYPTED PRIVATE KEY':
      throw new KeyFormatError('encrypted private keys are not supported; decrypt it first');
    default:
      throw new KeyFormatError(`unsupported PEM label "${label}"`);
  }
}

// ---------------------------------------------------------------------------------------------
// Public keys
// ---------------------------------------------------------------------------------------------

export type ParsedPublicKey =
  | {
      readonly kind: 'rsa' | 'rsa-pss';
      /** PKCS#1 RSAPublicKey (DER). */
      readonly rsaPublicKey: Uint8Array;
      /** SPKI with the rsaEncryption OID. */
      readonly spki: Uint8Array;
      readonly pssHash?: SignatureHash;
    }
  | {
      readonly kind: 'ec-p256' | 'ec-p384';
      readonly curve: EcCurve;
      /** The uncompressed point 0x04 || X || Y. */
      readonly point: Uint8Array;
      readonly spki: Uint8Array;
    }
  | {
      readonly kind: 'ed25519';
      readonly publicKey: Uint8Array;
      readonly spki: Uint8Array;
    };

/** Parses a DER SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7). Throws KeyFormatError. */
export function parseSpki(der: Uint8Array): ParsedPublicKey {
  const parts = readChildren(readSingle(der, DerTag.SEQUENCE).contents);
  if (parts.length !== 2) throw new KeyFormatError('bad SubjectPublicKeyInfo');
  const algParts = readChildren(expectTag(parts[0], DerTag.SEQUENCE, 'AlgorithmIdentifier').contents);
  const algorithm = decodeOid(expectTag(algParts[0], DerTag.OID, 'algorithm OID').contents);
  const params = algParts[1];
  const bits = expectTag(parts[1], DerTag.BIT_STRING, 'subjectPublicKey').contents;
  if (bits.length < 1 || bits[0] !== 0) throw new KeyFormatError('public key BIT STRING with unused bits');
  const key = bits.subarray(1);
  switch (algorithm) {
    case Oid.rsaEncryption:
    case Oid.rsassaPss: {
      readSingle(key, DerTag.SEQUENCE);
      const rsaPublicKey = key.slice();
      const spki = derEncode(DerTag.SEQUENCE, RSA_ENCRYPTION_ALGORITHM, derEncode(DerTag.BIT_STRING, Uint8Array.of(0), rsaPublicKey));
      if (algorithm === Oid.rsaEncryption) return { kind: 'rsa', rsaPublicKey, spki };
      const pssHash = parsePssParams(params);
      return pssHash === undefined ? { kind: 'rsa-pss', rsaPublicKey, spki } : { kind: 'rsa-pss', rsaPublicKey, spki, pssHash };
    }
    case Oid.ecPublicKey: {
      const curve = curveFromOid(decodeOid(expectTag(params, DerTag.OID, 'named curve').contents));
      if (key.length !== 1 + 2 * curveSize(curve) || key[0] !== 0x04) {
        throw new KeyFormatError('EC public key must be an uncompressed point');
      }
      return { kind: curve === 'P-256' ? 'ec-p256' : 'ec-p384', curve, point: key.slice(), spki: der.slice() };
    }
    case Oid.ed25519: {
      if (params) throw new KeyFormatError('Ed25519 AlgorithmIdentifier must not have parameters');
      if (key.length !== 32) throw new KeyFormatError('Ed25519 public key must be 32 bytes');
      return { kind: 'ed25519', publicKey: key.slice(), spki: der.slice() };
    }
    default:
      throw new KeyFormatError(`unsupported public key algorithm ${algorithm}`);
  }
}

// ---------------------------------------------------------------------------------------------
// ECDSA signature encoding
// ---------------------------------------------------------------------------------------------

/** IEEE P1363 r || s (what WebCrypto produces) to the DER Ecdsa-Sig-Value TLS carries. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length % 2 !== 0) throw new KeyFormatError('bad raw ECDSA signature');
  const half = raw.length / 2;
  return derEncode(
    DerTag.SEQUENCE,
    encodeUnsignedInteger(raw.subarray(0, half)),
    encodeUnsignedInteger(raw.subarray(half)),
  );
}

/**
 * DER Ecdsa-Sig-Value (RFC 3279 section 2.2.3) to r || s, each left-padded to `size` bytes.
 * Strict: minimal positive INTEGERs, nothing trailing. Throws KeyFormatError.
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  const parts = readChildren(readSingle(der, DerTag.SEQUENCE).contents);
  if (parts.length !== 2) throw new KeyFormatError('bad ECDSA signature');
  const out = new Uint8Array(2 * size);
  parts.forEach((part, i) => {
    let v = expectTag(part, DerTag.INTEGER, 'INTEGER').contents;
    if (v.length === 0) throw new KeyFormatError('empty INTEGER');
    if (((v[0] as number) & 0x80) !== 0) throw new KeyFormatError('negative ECDSA signature value');
    if (v[0] === 0 && v.length > 1) {
      if (((v[1] as number) & 0x80) === 0) throw new KeyFormatError('non-minimal INTEGER');
      v = v.subarray(1);
    }
    if (v.length > size) throw new KeyFormatError('ECDSA signature value too large');
    out.set(v, i * size + (size - v.length));
  });
  return out;
}
