/** Shared bits for the crypto, key-schedule and record-protection tests. */

import { PROVIDER_NAMES, createWebCryptoProvider, getProvider } from '../../backends/forge-tls13/crypto/index.js';
import type { CryptoProvider } from '../../backends/forge-tls13/crypto/provider.js';

export { h, toHex } from './rfc8448.js';

/**
 * Every provider, so each test runs against all of them; plus the webcrypto provider over the
 * platform's built-in `crypto.subtle`, which is not its default on Node but is elsewhere.
 */
export const PROVIDERS: readonly (readonly [string, CryptoProvider])[] = [
  ...PROVIDER_NAMES.map((n) => [n, getProvider(n)] as const),
  ['webcrypto over built-in crypto.subtle', createWebCryptoProvider({ subtle: globalThis.crypto.subtle, name: 'webcrypto-builtin' })],
];

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** A copy of `bytes` with bit 0 of byte `index` flipped. */
export function flip(bytes: Uint8Array, index: number): Uint8Array {
  const out = bytes.slice();
  out[index] = (out[index] as number) ^ 0x01;
  return out;
}

/** Node's Buffer is a Uint8Array subclass; normalise so deepStrictEqual compares bytes only. */
export function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
}
