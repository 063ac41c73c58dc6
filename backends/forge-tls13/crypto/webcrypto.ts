/**
 * The `webcrypto` provider: every primitive through a WebCrypto `SubtleCrypto`, except
 * ChaCha20-Poly1305, which WebCrypto lacks (see chacha.ts).
 *
 * Which `SubtleCrypto` (`defaultSubtle`): on Node, @peculiar/webcrypto; elsewhere the built-in
 * `crypto.subtle`. Chosen on measured speed (Node 20, docs/benchmarks.md): Node's built-in
 * WebCrypto runs every call as a threadpool job, which costs ~50-90 us per call whatever its size,
 * while peculiar's implementation calls node:crypto directly and resolves on the same thread. An
 * HMAC (import + sign) takes ~17 us instead of ~96 us, a SHA-256 digest ~6 us instead of ~57 us,
 * and sealing a 16 KiB record ~25 us of CPU instead of ~32 us. A handshake makes dozens of small
 * calls, one after the other, so this is most of the handshake's time. Pass `subtle` to choose
 * another implementation (the test suite runs the engine over the built-in one too).
 *
 * The WebCrypto-based key exchange and signature pieces are exported too: the forge provider uses
 * them for x25519/ECDH and ECDSA, which node-forge does not implement.
 *
 * Imported CryptoKeys are cached: one AES key per Aead instance, one key per (algorithm, hash) per
 * private key handle, so bulk record protection costs one `encrypt`/`decrypt` call per record.
 */

import type { webcrypto } from 'node:crypto';
import { LruMap, bytesKey } from '../lru.js';
import { ChaCha20Poly1305Aead } from './chacha.js';
import {
  type EcCurve,
  type ParsedPrivateKey,
  type SchemeInfo,
  type SignatureHash,
  curveSize,
  ecPkcs8FromScalar,
  ecdsaDerToRaw,
  ecdsaRawToDer,
  handshakeSchemesFor,
  hashLength,
  isAllZero,
  base64Decode,
  base64UrlEncode,
  concatBytes,
  keyFitsScheme,
  parsePrivateKey,
  parseSpki,
  schemeInfo,
  x25519Pkcs8FromRaw,
} from './keys.js';
import type {
  Aead,
  AeadAlgorithm,
  CryptoProvider,
  HashAlgorithm,
  KeyShare,
  NamedGroupName,
  PrivateKeyHandle,
  SignatureSchemeName,
} from './provider.js';

/** The WebCrypto surface we use (Node's typing of the standard interface). */
export type Subtle = webcrypto.SubtleCrypto;
type Key = webcrypto.CryptoKey;

function u8(buffer: ArrayBuffer): Uint8Array {
  return new Uint8Array(buffer);
}

/** Cryptographically secure random bytes from the platform CSPRNG (getRandomValues). */
export function platformRandomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('bad length');
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65536 bytes per call.
  for (let offset = 0; offset < length; offset += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65536)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// AES-GCM
// ---------------------------------------------------------------------------------------------

const AES_KEY_LENGTH: Readonly<Record<'AES-128-GCM' | 'AES-256-GCM', number>> = {
  'AES-128-GCM': 16,
  'AES-256-GCM': 32,
};

export class SubtleAesGcmAead implements Aead {
  readonly nonceLength = 12;
  readonly tagLength = 16;
  readonly keyLength: number;

  private constructor(
    readonly algorithm: 'AES-128-GCM' | 'AES-256-GCM',
    private readonly subtle: Subtle,
    private readonly key: Key,
  ) {
    this.keyLength = AES_KEY_LENGTH[algorithm];
  }

  static async create(subtle: Subtle, algorithm: 'AES-128-GCM' | 'AES-256-GCM', key: Uint8Array): Promise<SubtleAesGcmAead> {
    if (key.length !== AES_KEY_LENGTH[algorithm]) throw new RangeError(`${algorithm} key must be ${AES_KEY_LENGTH[algorithm]} bytes`);
    const cryptoKey = await subtle.importKey('raw', key, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    return new SubtleAesGcmAead(algorithm, subtle, cryptoKey);
  }

  async seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    if (nonce.length !== this.nonceLength) throw new RangeError('AES-GCM nonce must be 12 bytes');
    return u8(await this.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, this.key, plaintext));
  }

  async open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Promise<Uint8Array | null> {
    if (nonce.length !== this.nonceLength) throw new RangeError('AES-GCM nonce must be 12 bytes');
    if (ciphertextAndTag.length < this.tagLength) return null;
    try {
      return u8(
        await this.subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, this.key, ciphertextAndTag),
      );
    } catch {
      return null; // OperationError: the tag did not verify
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Key exchange (RFC 8446 section 4.2.8.2 / 7.4)
// ---------------------------------------------------------------------------------------------

interface GroupParams {
  readonly algorithm: { name: 'X25519' } | { name: 'ECDH'; namedCurve: EcCurve };
  readonly secretBits: number;
  readonly publicLength: number;
  readonly curve?: EcCurve;
}

const GROUPS: Readonly<Record<NamedGroupName, GroupParams>> = {
  x25519: { algorithm: { name: 'X25519' }, secretBits: 256, publicLength: 32 },
  secp256r1: { algorithm: { name: 'ECDH', namedCurve: 'P-256' }, secretBits: 256, publicLength: 65, curve: 'P-256' },
  secp384r1: { algorithm: { name: 'ECDH', namedCurve: 'P-384' }, secretBits: 384, publicLength: 97, curve: 'P-384' },
};

function groupParams(group: NamedGroupName): GroupParams {
  if (!Object.prototype.hasOwnProperty.call(GROUPS, group)) throw new Error(`unsupported group ${String(group)}`);
  return GROUPS[group];
}

class SubtleKeyShare implements KeyShare {
  readonly #privateKey: Key;

  constructor(
    private readonly subtle: Subtle,
    readonly group: NamedGroupName,
    readonly publicKey: Uint8Array,
    privateKey: Key,
  ) {
    this.#privateKey = privateKey;
  }

  async deriveSecret(peerPublicKey: Uint8Array): Promise<Uint8Array> {
    const params = groupParams(this.group);
    // x25519: 32 raw bytes (RFC 8446 4.2.8.2). EC groups: the uncompressed point only; WebCrypto
    // would also accept compressed points, which TLS 1.3 forbids.
    if (peerPublicKey.length !== params.publicLength || (params.curve && peerPublicKey[0] !== 0x04)) {
      throw new Error(`invalid ${this.group} key share`);
    }
    let peer: Key;
    try {
      // Importing the raw point makes the implementation check that it is on the curve.
      peer = await this.subtle.importKey('raw', peerPublicKey, params.algorithm, true, []);
    } catch {
      throw new Error(`invalid ${this.group} key share`);
    }
    let secret: Uint8Array;
    try {
      secret = u8(await this.subtle.deriveBits({ name: params.algorithm.name, public: peer }, this.#privateKey, params.secretBits));
    } catch {
      throw new Error(`${this.group} key agreement failed (invalid peer key share)`);
    }
    // RFC 8446 7.4.2 / RFC 7748 section 6.1: an all-zero X25519 output means a small-order
    // peer point and must be rejected. (Some implementations already refuse it above.)
    if (isAllZero(secret)) throw new Error(`${this.group} shared secret is all zero`);
    return secret;
  }
}

export async function subtleGenerateKeyShare(subtle: Subtle, group: NamedGroupName): Promise<KeyShare> {
  const params = groupParams(group);
  const pair = (await subtle.generateKey(params.algorithm, false, ['deriveBits'])) as webcrypto.CryptoKeyPair;
  const publicKey = u8(await subtle.exportKey('raw', pair.publicKey));
  return new SubtleKeyShare(subtle, group, publicKey, pair.privateKey);
}

/**
 * A key share from a known private key (x25519: the 32-byte scalar; EC groups: the big-endian
 * scalar of the curve's size), for deterministic tests such as RFC 8448's traces. The public key
 * is read back from the WebCrypto implementation (JWK export). Implementations that do not
 * recompute it for a PKCS#8 key without the optional public key (@peculiar/webcrypto, for EC)
 * get it from @noble/curves instead (audited, loaded only on this path), and the private key is
 * then re-imported as a complete JWK.
 */
export async function subtleKeyShareFromPrivateKey(subtle: Subtle, group: NamedGroupName, privateKey: Uint8Array): Promise<KeyShare> {
  const params = groupParams(group);
  const size = params.curve ? curveSize(params.curve) : 32;
  if (privateKey.length !== size) throw new RangeError(`${group} private key must be ${size} bytes`);
  const pkcs8 = params.curve ? ecPkcs8FromScalar(params.curve, privateKey) : x25519Pkcs8FromRaw(privateKey);
  let key = await subtle.importKey('pkcs8', pkcs8, params.algorithm, true, ['deriveBits']);
  const jwk = await subtle.exportKey('jwk', key);
  let publicKey: Uint8Array;
  if (typeof jwk.x === 'string' && (!params.curve || typeof jwk.y === 'string')) {
    const x = padStart(base64Decode(jwk.x), size);
    publicKey = params.curve ? concatBytes(Uint8Array.of(0x04), x, padStart(base64Decode(jwk.y as string), size)) : x;
  } else {
    publicKey = await publicKeyFromScalar(group, privateKey);
    if (params.curve) {
      const full: webcrypto.JsonWebKey = {
        kty: 'EC',
        crv: params.curve,
        d: base64UrlEncode(privateKey),
        x: base64UrlEncode(publicKey.subarray(1, 1 + size)),
        y: base64UrlEncode(publicKey.subarray(1 + size)),
        ext: true,
      };
      key = await subtle.importKey('jwk', full, params.algorithm, true, ['deriveBits']);
    }
  }
  return new SubtleKeyShare(subtle, group, publicKey, key);
}

async function publicKeyFromScalar(group: NamedGroupName, scalar: Uint8Array): Promise<Uint8Array> {
  switch (group) {
    case 'x25519': {
      const { x25519 } = await import('@noble/curves/ed25519.js');
      return x25519.getPublicKey(scalar);
    }
    case 'secp256r1': {
      const { p256 } = await import('@noble/curves/nist.js');
      return p256.getPublicKey(scalar, false);
    }
    case 'secp384r1': {
      const { p384 } = await import('@noble/curves/nist.js');
      return p384.getPublicKey(scalar, false);
    }
  }
}

function padStart(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length === size) return bytes;
  if (bytes.length > size) throw new Error('coordinate too long');
  const out = new Uint8Array(size);
  out.set(bytes, size - bytes.length);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------------

type SubtleSignAlgorithm = 'ECDSA' | 'RSA-PSS' | 'RSASSA-PKCS1-v1_5' | 'Ed25519';

function subtleFamily(info: SchemeInfo): SubtleSignAlgorithm {
  switch (info.family) {
    case 'ecdsa':
      return 'ECDSA';
    case 'rsa-pss':
      return 'RSA-PSS';
    case 'rsa-pkcs1':
      return 'RSASSA-PKCS1-v1_5';
    case 'ed25519':
      return 'Ed25519';
  }
}

function importParams(algorithm: SubtleSignAlgorithm, hash: SignatureHash | null, curve: EcCurve | undefined) {
  switch (algorithm) {
    case 'ECDSA':
      return { name: algorithm, namedCurve: curve as EcCurve };
    case 'RSA-PSS':
    case 'RSASSA-PKCS1-v1_5':
      return { name: algorithm, hash: hash as SignatureHash };
    case 'Ed25519':
      return { name: algorithm };
  }
}

function signParams(algorithm: SubtleSignAlgorithm, hash: SignatureHash | null) {
  switch (algorithm) {
    case 'ECDSA':
      return { name: algorithm, hash: hash as SignatureHash };
    case 'RSA-PSS':
      // RFC 8446 4.2.3: the salt is as long as the digest.
      return { name: algorithm, saltLength: hashLength(hash as SignatureHash) };
    case 'RSASSA-PKCS1-v1_5':
    case 'Ed25519':
      return { name: algorithm };
  }
}

/**
 * A private key usable through WebCrypto. Keeps the PKCS#8 bytes privately and caches one
 * imported CryptoKey per (algorithm, hash).
 */
export class SubtleSigningKey {
  readonly kind: ParsedPrivateKey['kind'];
  readonly pssHash: SignatureHash | undefined;
  readonly #subtle: Subtle;
  readonly #pkcs8: Uint8Array;
  readonly #curve: EcCurve | undefined;
  readonly #keys = new Map<string, Promise<Key>>();

  constructor(subtle: Subtle, parsed: ParsedPrivateKey) {
    this.#subtle = subtle;
    this.kind = parsed.kind;
    this.#pkcs8 = parsed.pkcs8;
    this.#curve = 'curve' in parsed ? parsed.curve : undefined;
    this.pssHash = 'pssHash' in parsed ? parsed.pssHash : undefined;
  }

  /** Imports eagerly so that a key WebCrypto rejects fails at import time, not at first use. */
  async check(): Promise<void> {
    const info = schemeInfo(handshakeSchemesFor(this.kind, this.pssHash)[0] as SignatureSchemeName) as SchemeInfo;
    await this.#key(subtleFamily(info), info.hash);
  }

  #key(algorithm: SubtleSignAlgorithm, hash: SignatureHash | null): Promise<Key> {
    const id = `${algorithm}/${hash ?? ''}`;
    let key = this.#keys.get(id);
    if (!key) {
      key = this.#subtle.importKey('pkcs8', this.#pkcs8, importParams(algorithm, hash, this.#curve), false, ['sign']);
      key.catch(() => this.#keys.delete(id));
      this.#keys.set(id, key);
    }
    return key;
  }

  /** Signs; ECDSA signatures come back DER-encoded as TLS carries them. */
  async sign(info: SchemeInfo, data: Uint8Array): Promise<Uint8Array> {
    const algorithm = subtleFamily(info);
    const key = await this.#key(algorithm, info.hash);
    const signature = u8(await this.#subtle.sign(signParams(algorithm, info.hash), key, data));
    return algorithm === 'ECDSA' ? ecdsaRawToDer(signature) : signature;
  }
}

/**
 * Imported verification keys per WebCrypto instance, by scheme and SubjectPublicKeyInfo: a client
 * verifies the same CA and server keys on every connection, and importing an SPKI was about half
 * of each verification's cost (bench/tls.ts profile, @peculiar/webcrypto decodes it with asn1js).
 */
const verifyKeys = new WeakMap<Subtle, LruMap<Promise<Key>>>();

function verifyKey(subtle: Subtle, scheme: SignatureSchemeName, spki: Uint8Array, load: () => Promise<Key>): Promise<Key> {
  let cache = verifyKeys.get(subtle);
  if (!cache) verifyKeys.set(subtle, (cache = new LruMap(256)));
  const id = `${scheme}:${bytesKey(spki)}`;
  let key = cache.get(id);
  if (!key) {
    key = load();
    cache.set(id, key);
    key.catch(() => cache.delete(id)); // a key that failed to import is not remembered
  }
  return key;
}

/**
 * Verifies with WebCrypto. Resolves false, never rejects, for malformed keys or signatures, keys
 * that do not fit the scheme, or a signature that does not verify.
 */
export async function subtleVerify(
  subtle: Subtle,
  scheme: SignatureSchemeName,
  subjectPublicKeyInfo: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    const info = schemeInfo(scheme);
    if (!info) return false;
    const pub = parseSpki(subjectPublicKeyInfo);
    if (!keyFitsScheme(pub.kind, 'pssHash' in pub ? pub.pssHash : undefined, scheme)) return false;
    const algorithm = subtleFamily(info);
    let sig = signature;
    if (pub.kind === 'ec-p256' || pub.kind === 'ec-p384') {
      sig = ecdsaDerToRaw(signature, curveSize(pub.curve));
    } else if (pub.kind === 'ed25519' && signature.length !== 64) {
      return false;
    }
    const curve = 'curve' in pub ? pub.curve : undefined;
    const key = await verifyKey(subtle, scheme, pub.spki, () => subtle.importKey('spki', pub.spki, importParams(algorithm, info.hash, curve), false, ['verify']));
    return await subtle.verify(signParams(algorithm, info.hash), key, sig, data);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------------------------

class WebCryptoKeyHandle implements PrivateKeyHandle {
  readonly kind: PrivateKeyHandle['kind'];
  readonly schemes: readonly SignatureSchemeName[];
  constructor(readonly key: SubtleSigningKey) {
    this.kind = key.kind;
    this.schemes = Object.freeze(handshakeSchemesFor(key.kind, key.pssHash));
  }
}

/**
 * The WebCrypto both providers use unless told otherwise: @peculiar/webcrypto on Node (see the
 * top of this file), else the built-in `crypto.subtle`. Loaded lazily (dynamic import), so browser
 * bundles never pull it in.
 */
export async function defaultSubtle(): Promise<Subtle> {
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  if (isNode) {
    const { Crypto } = await import('@peculiar/webcrypto');
    return new Crypto().subtle as unknown as Subtle;
  }
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('WebCrypto (crypto.subtle) is not available');
  return subtle;
}

export interface WebCryptoProviderOptions {
  /** Defaults to `defaultSubtle()`: @peculiar/webcrypto on Node, the built-in `crypto.subtle` elsewhere. */
  readonly subtle?: Subtle;
  readonly name?: string;
}

export function createWebCryptoProvider(options: WebCryptoProviderOptions = {}): CryptoProvider {
  let subtlePromise: Promise<Subtle> | undefined = options.subtle ? Promise.resolve(options.subtle) : undefined;
  const getSubtle = (): Promise<Subtle> => (subtlePromise ??= defaultSubtle());
  // An empty HMAC key is the same as a one-byte zero key (HMAC pads keys with zeros to the block
  // size, RFC 2104), and some WebCrypto implementations refuse zero-length keys.
  const ZERO_KEY = new Uint8Array(1);
  // Handles this instance made: one made by another instance (perhaps on another WebCrypto) is refused.
  const imported = new WeakSet<WebCryptoKeyHandle>();

  const provider: CryptoProvider = {
    name: options.name ?? 'webcrypto',
    randomBytes: platformRandomBytes,

    async hash(algorithm: HashAlgorithm, data: Uint8Array): Promise<Uint8Array> {
      return u8(await (await getSubtle()).digest(algorithm, data));
    },

    async hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
      const subtle = await getSubtle();
      const k = await subtle.importKey('raw', key.length === 0 ? ZERO_KEY : key, { name: 'HMAC', hash: algorithm }, false, ['sign']);
      return u8(await subtle.sign('HMAC', k, data));
    },

    async aead(algorithm: AeadAlgorithm, key: Uint8Array): Promise<Aead> {
      switch (algorithm) {
        case 'AES-128-GCM':
        case 'AES-256-GCM':
          return SubtleAesGcmAead.create(await getSubtle(), algorithm, key);
        case 'CHACHA20-POLY1305':
          return new ChaCha20Poly1305Aead(key);
        default:
          throw new Error(`unsupported AEAD ${String(algorithm)}`);
      }
    },

    generateKeyShare: async (group) => subtleGenerateKeyShare(await getSubtle(), group),
    keyShareFromPrivateKey: async (group, privateKey) => subtleKeyShareFromPrivateKey(await getSubtle(), group, privateKey),

    async importPrivateKey(pkcs8: Uint8Array | string): Promise<PrivateKeyHandle> {
      const key = new SubtleSigningKey(await getSubtle(), parsePrivateKey(pkcs8));
      await key.check();
      const handle = new WebCryptoKeyHandle(key);
      imported.add(handle);
      return handle;
    },

    async sign(scheme: SignatureSchemeName, key: PrivateKeyHandle, data: Uint8Array): Promise<Uint8Array> {
      const info = schemeInfo(scheme);
      if (!info || !info.signable) throw new Error(`cannot sign with ${String(scheme)}`);
      if (!(key instanceof WebCryptoKeyHandle) || !imported.has(key)) throw new Error(`key was not imported by this ${provider.name} provider`);
      if (!keyFitsScheme(key.kind, key.key.pssHash, scheme)) throw new Error(`a ${key.kind} key cannot sign ${scheme}`);
      return key.key.sign(info, data);
    },

    verify: async (scheme, spki, data, signature) => subtleVerify(await getSubtle(), scheme, spki, data, signature),
  };
  return Object.freeze(provider);
}
