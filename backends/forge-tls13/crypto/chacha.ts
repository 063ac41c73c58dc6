/**
 * ChaCha20-Poly1305 (RFC 8439) for both providers, from @noble/ciphers.
 *
 * Why this library: neither node-forge nor WebCrypto offers ChaCha20-Poly1305, and we do not
 * write primitives ourselves. @noble/ciphers was audited by an independent firm (Cure53,
 * September 2024, release 1.0.0; later releases, such as the 2.x we use, were not re-audited),
 * has zero dependencies, and targets algorithmic constant time (no secret-dependent branches or
 * table lookups in ChaCha20/Poly1305, tags compared with a constant-time helper before any
 * plaintext is released; a JIT/GC runtime cannot promise more than that). It is widely used
 * (the cipher layer of the noble/scure family many wallets and web crypto stacks build on) and
 * is pure JS, so it runs wherever the rest of the engine runs.
 *
 * The library's AEAD object is single-use per (key, nonce), so a new one is built per call; the
 * key is copied once at construction so later changes to the caller's buffer cannot affect us.
 */

import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { Aead } from './provider.js';

const KEY_LENGTH = 32;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

export class ChaCha20Poly1305Aead implements Aead {
  readonly algorithm = 'CHACHA20-POLY1305' as const;
  readonly keyLength = KEY_LENGTH;
  readonly nonceLength = NONCE_LENGTH;
  readonly tagLength = TAG_LENGTH;
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    if (key.length !== KEY_LENGTH) throw new RangeError(`ChaCha20-Poly1305 key must be ${KEY_LENGTH} bytes`);
    this.#key = key.slice();
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    try {
      checkNonce(nonce);
      return Promise.resolve(chacha20poly1305(this.#key, nonce, aad).encrypt(plaintext));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Promise<Uint8Array | null> {
    try {
      checkNonce(nonce);
    } catch (e) {
      return Promise.reject(e);
    }
    if (ciphertextAndTag.length < TAG_LENGTH) return Promise.resolve(null);
    try {
      return Promise.resolve(chacha20poly1305(this.#key, nonce, aad).decrypt(ciphertextAndTag));
    } catch {
      // The only failure left once the lengths are right is a tag mismatch.
      return Promise.resolve(null);
    }
  }
}

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== NONCE_LENGTH) throw new RangeError(`ChaCha20-Poly1305 nonce must be ${NONCE_LENGTH} bytes`);
}
