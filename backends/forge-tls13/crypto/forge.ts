/**
 * The `forge` provider: node-forge for SHA-256/384 (and the SHA-1/512 digests signatures need),
 * HMAC, AES-GCM, RSA-PSS signing and verification, RSA PKCS#1 v1.5 verification and Ed25519.
 * node-forge has no X25519, ECDH or ECDSA, so those go through WebCrypto (webcrypto.ts helpers),
 * and ChaCha20-Poly1305 comes from @noble/ciphers (chacha.ts) as in the webcrypto provider.
 *
 * Which WebCrypto: `defaultSubtle()` (webcrypto.ts), i.e. @peculiar/webcrypto on Node (as the
 * project spec asks, and the faster of the two there) and the built-in `crypto.subtle` elsewhere.
 * Pass `subtle` to override.
 *
 * node-forge speaks "binary strings" (one char per byte); conversions are at the edges.
 */

import forge from 'node-forge';
import { ChaCha20Poly1305Aead } from './chacha.js';
import {
  type ParsedPrivateKey,
  type SchemeInfo,
  type SignatureHash,
  constantTimeEqual,
  handshakeSchemesFor,
  hashLength,
  keyFitsScheme,
  parsePrivateKey,
  parseSpki,
  schemeInfo,
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
import {
  type Subtle,
  SubtleSigningKey,
  platformRandomBytes,
  subtleGenerateKeyShare,
  subtleKeyShareFromPrivateKey,
  subtleVerify,
  defaultSubtle,
} from './webcrypto.js';

// ---------------------------------------------------------------------------------------------
// Binary-string conversions
// ---------------------------------------------------------------------------------------------

const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

export function toBinaryString(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

export function fromBinaryString(s: string): Uint8Array {
  if (NodeBuffer) {
    const b = NodeBuffer.from(s, 'latin1');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function nativeToU8(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
}

function createMd(hash: SignatureHash): forge.md.MessageDigest {
  switch (hash) {
    case 'SHA-1':
      return forge.md.sha1.create();
    case 'SHA-256':
      return forge.md.sha256.create();
    case 'SHA-384':
      return forge.md.sha384.create();
    case 'SHA-512':
      return forge.md.sha512.create();
  }
}

function checkHash(algorithm: HashAlgorithm): HashAlgorithm {
  if (algorithm !== 'SHA-256' && algorithm !== 'SHA-384') throw new Error(`unsupported hash ${String(algorithm)}`);
  return algorithm;
}

// ---------------------------------------------------------------------------------------------
// AES-GCM
// ---------------------------------------------------------------------------------------------

class ForgeAesGcmAead implements Aead {
  readonly nonceLength = 12;
  readonly tagLength = 16;
  readonly keyLength: number;
  // The key schedule (AES key expansion) is done once per direction; start() re-keys nothing.
  readonly #cipher: forge.cipher.BlockCipher;
  readonly #decipher: forge.cipher.BlockCipher;

  constructor(
    readonly algorithm: 'AES-128-GCM' | 'AES-256-GCM',
    key: Uint8Array,
  ) {
    this.keyLength = algorithm === 'AES-128-GCM' ? 16 : 32;
    if (key.length !== this.keyLength) throw new RangeError(`${algorithm} key must be ${this.keyLength} bytes`);
    const k = toBinaryString(key);
    this.#cipher = forge.cipher.createCipher('AES-GCM', k);
    this.#decipher = forge.cipher.createDecipher('AES-GCM', k);
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    try {
      if (nonce.length !== this.nonceLength) throw new RangeError('AES-GCM nonce must be 12 bytes');
      const c = this.#cipher;
      // Everything below is synchronous, so one cipher object can serve every call.
      c.start({ iv: toBinaryString(nonce), additionalData: toBinaryString(aad), tagLength: 128 });
      c.update(forge.util.createBuffer(toBinaryString(plaintext)));
      c.finish();
      return Promise.resolve(fromBinaryString(c.output.getBytes() + c.mode.tag.getBytes()));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Promise<Uint8Array | null> {
    try {
      if (nonce.length !== this.nonceLength) throw new RangeError('AES-GCM nonce must be 12 bytes');
      if (ciphertextAndTag.length < this.tagLength) return Promise.resolve(null);
      const split = ciphertextAndTag.length - this.tagLength;
      const tag = ciphertextAndTag.subarray(split);
      const d = this.#decipher;
      d.start({ iv: toBinaryString(nonce), additionalData: toBinaryString(aad), tagLength: 128, tag: forge.util.createBuffer(toBinaryString(tag)) });
      d.update(forge.util.createBuffer(toBinaryString(ciphertextAndTag.subarray(0, split))));
      const forgeOk = d.finish();
      // forge compares tags with `!==` on strings; decide on our own constant-time comparison of
      // the tag forge computed (forge's verdict must agree, or something is badly wrong).
      const ok = constantTimeEqual(fromBinaryString(d.mode.tag.getBytes()), tag);
      const plaintext = d.output.getBytes();
      return Promise.resolve(ok && forgeOk ? fromBinaryString(plaintext) : null);
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

type ForgeKeyMaterial =
  | { readonly type: 'rsa'; readonly key: forge.pki.rsa.PrivateKey; readonly pssHash: SignatureHash | undefined }
  | { readonly type: 'ed25519'; readonly secretKey: Uint8Array }
  | { readonly type: 'subtle'; readonly key: SubtleSigningKey };

class ForgeKeyHandle implements PrivateKeyHandle {
  readonly schemes: readonly SignatureSchemeName[];
  constructor(
    readonly kind: PrivateKeyHandle['kind'],
    readonly material: ForgeKeyMaterial,
    readonly pssHash: SignatureHash | undefined,
  ) {
    this.schemes = Object.freeze(handshakeSchemesFor(kind, pssHash));
  }
}

function rsaPrivateKeyFromDer(der: Uint8Array): forge.pki.rsa.PrivateKey {
  return forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(toBinaryString(der), true)) as forge.pki.rsa.PrivateKey;
}

function rsaPublicKeyFromDer(der: Uint8Array): forge.pki.rsa.PublicKey {
  return forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(toBinaryString(der), true)) as forge.pki.rsa.PublicKey;
}

function pssFor(hash: SignatureHash, randomBytes?: (n: number) => Uint8Array): unknown {
  return forge.pss.create({
    md: createMd(hash),
    mgf: forge.mgf.mgf1.create(createMd(hash)),
    saltLength: hashLength(hash),
    // Salts from the platform CSPRNG rather than forge's own PRNG.
    ...(randomBytes ? { prng: { getBytesSync: (n: number) => toBinaryString(randomBytes(n)) } } : {}),
  });
}

function digestBinary(hash: SignatureHash, data: Uint8Array): forge.md.MessageDigest {
  const md = createMd(hash);
  md.update(toBinaryString(data));
  return md;
}

// ---------------------------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------------------------

export interface ForgeProviderOptions {
  /** WebCrypto for key exchange and ECDSA. Default: @peculiar/webcrypto on Node, else crypto.subtle. */
  readonly subtle?: Subtle;
  readonly name?: string;
}

export function createForgeProvider(options: ForgeProviderOptions = {}): CryptoProvider {
  let subtlePromise: Promise<Subtle> | undefined = options.subtle ? Promise.resolve(options.subtle) : undefined;
  const getSubtle = (): Promise<Subtle> => (subtlePromise ??= defaultSubtle());

  const provider: CryptoProvider = {
    name: options.name ?? 'forge',
    randomBytes: platformRandomBytes,

    hash(algorithm: HashAlgorithm, data: Uint8Array): Promise<Uint8Array> {
      try {
        const md = createMd(checkHash(algorithm));
        md.update(toBinaryString(data));
        return Promise.resolve(fromBinaryString(md.digest().getBytes()));
      } catch (e) {
        return Promise.reject(e);
      }
    },

    hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
      try {
        const h = forge.hmac.create();
        h.start(createMd(checkHash(algorithm)), toBinaryString(key));
        h.update(toBinaryString(data));
        return Promise.resolve(fromBinaryString(h.digest().getBytes()));
      } catch (e) {
        return Promise.reject(e);
      }
    },

    async aead(algorithm: AeadAlgorithm, key: Uint8Array): Promise<Aead> {
      switch (algorithm) {
        case 'AES-128-GCM':
        case 'AES-256-GCM':
          return new ForgeAesGcmAead(algorithm, key);
        case 'CHACHA20-POLY1305':
          return new ChaCha20Poly1305Aead(key);
        default:
          throw new Error(`unsupported AEAD ${String(algorithm)}`);
      }
    },

    async generateKeyShare(group: NamedGroupName): Promise<KeyShare> {
      return subtleGenerateKeyShare(await getSubtle(), group);
    },

    async keyShareFromPrivateKey(group: NamedGroupName, privateKey: Uint8Array): Promise<KeyShare> {
      return subtleKeyShareFromPrivateKey(await getSubtle(), group, privateKey);
    },

    async importPrivateKey(pkcs8: Uint8Array | string): Promise<PrivateKeyHandle> {
      const parsed: ParsedPrivateKey = parsePrivateKey(pkcs8);
      switch (parsed.kind) {
        case 'rsa':
        case 'rsa-pss': {
          const key = rsaPrivateKeyFromDer(parsed.rsaPrivateKey);
          return new ForgeKeyHandle(parsed.kind, { type: 'rsa', key, pssHash: parsed.pssHash }, parsed.pssHash);
        }
        case 'ed25519': {
          const pair = forge.pki.ed25519.generateKeyPair({ seed: parsed.seed });
          return new ForgeKeyHandle('ed25519', { type: 'ed25519', secretKey: nativeToU8(pair.privateKey) }, undefined);
        }
        case 'ec-p256':
        case 'ec-p384': {
          const key = new SubtleSigningKey(await getSubtle(), parsed);
          await key.check();
          return new ForgeKeyHandle(parsed.kind, { type: 'subtle', key }, undefined);
        }
      }
    },

    async sign(scheme: SignatureSchemeName, key: PrivateKeyHandle, data: Uint8Array): Promise<Uint8Array> {
      const info = schemeInfo(scheme);
      if (!info || !info.signable) throw new Error(`cannot sign with ${String(scheme)}`);
      if (!(key instanceof ForgeKeyHandle)) throw new Error('key was not imported by the forge provider');
      if (!keyFitsScheme(key.kind, key.pssHash, scheme)) throw new Error(`a ${key.kind} key cannot sign ${scheme}`);
      const m = key.material;
      switch (m.type) {
        case 'subtle':
          return m.key.sign(info, data);
        case 'ed25519':
          return nativeToU8(forge.pki.ed25519.sign({ message: data, privateKey: m.secretKey }));
        case 'rsa': {
          const hash = info.hash as SignatureHash;
          const md = digestBinary(hash, data);
          const sig =
            info.family === 'rsa-pss' ? m.key.sign(md, pssFor(hash, platformRandomBytes) as 'RSASSA-PKCS1-V1_5') : m.key.sign(md);
          return fromBinaryString(sig);
        }
      }
    },

    async verify(scheme: SignatureSchemeName, spki: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
      try {
        const info: SchemeInfo | undefined = schemeInfo(scheme);
        if (!info) return false;
        const pub = parseSpki(spki);
        if (!keyFitsScheme(pub.kind, 'pssHash' in pub ? pub.pssHash : undefined, scheme)) return false;
        switch (pub.kind) {
          case 'ec-p256':
          case 'ec-p384':
            return await subtleVerify(await getSubtle(), scheme, spki, data, signature);
          case 'ed25519':
            if (signature.length !== 64) return false;
            return forge.pki.ed25519.verify({ message: data, signature, publicKey: pub.publicKey });
          case 'rsa':
          case 'rsa-pss': {
            const key = rsaPublicKeyFromDer(pub.rsaPublicKey);
            const hash = info.hash as SignatureHash;
            const digest = digestBinary(hash, data).digest().getBytes();
            const sig = toBinaryString(signature);
            return info.family === 'rsa-pss'
              ? key.verify(digest, sig, pssFor(hash) as 'RSASSA-PKCS1-V1_5')
              : key.verify(digest, sig, 'RSASSA-PKCS1-V1_5');
          }
        }
      } catch {
        return false;
      }
    },
  };
  return Object.freeze(provider);
}
