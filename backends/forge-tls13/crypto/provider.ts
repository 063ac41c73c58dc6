/**
 * The crypto provider: every primitive the TLS 1.3 engine needs, behind small interfaces, so the
 * protocol code never names node-forge or WebCrypto (rustls' `CryptoProvider` is the model).
 *
 * Everything that may be backed by WebCrypto is async. Callers that need ordering (the record
 * layer) serialise calls themselves; implementations must not reorder results of one object.
 */

export type HashAlgorithm = 'SHA-256' | 'SHA-384';

/** RFC 8446 section 4.2.7 named groups we implement. */
export type NamedGroupName = 'x25519' | 'secp256r1' | 'secp384r1';

/** AEAD algorithms behind the three TLS 1.3 cipher suites (RFC 8446 section B.4). */
export type AeadAlgorithm = 'AES-128-GCM' | 'AES-256-GCM' | 'CHACHA20-POLY1305';

/** RFC 8446 section 4.2.3 signature schemes we sign or verify with. */
export type SignatureSchemeName =
  | 'ecdsa_secp256r1_sha256'
  | 'ecdsa_secp384r1_sha384'
  | 'rsa_pss_rsae_sha256'
  | 'rsa_pss_rsae_sha384'
  | 'rsa_pss_rsae_sha512'
  | 'rsa_pss_pss_sha256'
  | 'rsa_pss_pss_sha384'
  | 'rsa_pss_pss_sha512'
  | 'ed25519'
  // Accepted in certificate signatures only (RFC 8446 section 4.2.3), never in CertificateVerify.
  | 'rsa_pkcs1_sha256'
  | 'rsa_pkcs1_sha384'
  | 'rsa_pkcs1_sha512'
  | 'ecdsa_sha1'
  | 'rsa_pkcs1_sha1';

/** An AEAD instance bound to one key. Nonce construction (iv XOR seq) is the record layer's job. */
export interface Aead {
  readonly algorithm: AeadAlgorithm;
  readonly keyLength: number;
  readonly nonceLength: number;
  readonly tagLength: number;
  /** Returns ciphertext || tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Returns the plaintext, or null when authentication fails (never throws for a bad tag). */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Promise<Uint8Array | null>;
}

/** One ephemeral key pair of a key-exchange group. */
export interface KeyShare {
  readonly group: NamedGroupName;
  /** The public key exactly as it goes in a KeyShareEntry (RFC 8446 section 4.2.8.2). */
  readonly publicKey: Uint8Array;
  /**
   * The shared secret with the peer's public key (wire format). Rejects with a TypeError-free
   * `Error` when the peer key is invalid; the caller maps that to illegal_parameter.
   */
  deriveSecret(peerPublicKey: Uint8Array): Promise<Uint8Array>;
}

/** A private key the provider imported; opaque to the protocol code. */
export interface PrivateKeyHandle {
  readonly kind: 'rsa' | 'rsa-pss' | 'ec-p256' | 'ec-p384' | 'ed25519';
  /** Signature schemes this key can produce in CertificateVerify, best first. */
  readonly schemes: readonly SignatureSchemeName[];
}

export interface CryptoProvider {
  readonly name: string;
  randomBytes(length: number): Uint8Array;
  hash(algorithm: HashAlgorithm, data: Uint8Array): Promise<Uint8Array>;
  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  aead(algorithm: AeadAlgorithm, key: Uint8Array): Promise<Aead>;
  generateKeyShare(group: NamedGroupName): Promise<KeyShare>;
  /** For deterministic tests (RFC 8448 traces): a key share from a known raw private key. */
  keyShareFromPrivateKey(group: NamedGroupName, privateKey: Uint8Array): Promise<KeyShare>;
  /** Imports a PKCS#8 private key (DER, or PEM text). */
  importPrivateKey(pkcs8: Uint8Array | string): Promise<PrivateKeyHandle>;
  sign(scheme: SignatureSchemeName, key: PrivateKeyHandle, data: Uint8Array): Promise<Uint8Array>;
  /**
   * Verifies `signature` over `data` with the public key given as a DER SubjectPublicKeyInfo.
   * Resolves false for a wrong signature or a key that does not fit the scheme; never throws for
   * peer-supplied garbage.
   */
  verify(
    scheme: SignatureSchemeName,
    subjectPublicKeyInfo: Uint8Array,
    data: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean>;
}
