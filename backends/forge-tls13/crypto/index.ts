/**
 * Crypto providers for forge-tls13. `getProvider(name)` returns a shared instance; use the
 * `create*Provider` functions for one with options (e.g. a specific `SubtleCrypto`).
 */

import { createForgeProvider } from './forge.js';
import type { CryptoProvider } from './provider.js';
import { createWebCryptoProvider } from './webcrypto.js';

export type ProviderName = 'forge' | 'webcrypto';

export const PROVIDER_NAMES: readonly ProviderName[] = Object.freeze(['forge', 'webcrypto']);

const instances = new Map<ProviderName, CryptoProvider>();

export function getProvider(name: ProviderName): CryptoProvider {
  let p = instances.get(name);
  if (!p) {
    switch (name) {
      case 'forge':
        p = createForgeProvider();
        break;
      case 'webcrypto':
        p = createWebCryptoProvider();
        break;
      default:
        throw new Error(`unknown crypto provider ${String(name)}`);
    }
    instances.set(name, p);
  }
  return p;
}

export { createForgeProvider, type ForgeProviderOptions } from './forge.js';
export { createWebCryptoProvider, type WebCryptoProviderOptions } from './webcrypto.js';
export type * from './provider.js';
