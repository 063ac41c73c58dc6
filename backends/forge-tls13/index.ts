/**
 * forge-tls13: TLS 1.3 (RFC 8446) in TypeScript, client and server, over a pluggable crypto
 * provider (node-forge or WebCrypto). `backend` is what the registry loads; the engine is
 * exported for sans-I/O use (tests, other transports).
 */
import type { Backend } from '../../src/transport.js';
import { BACKEND_NAME, connect, listen } from './transport.js';

export const backend: Backend = {
  name: BACKEND_NAME,
  description: 'TLS 1.3 in TypeScript (node-forge / WebCrypto primitives), client and server',
  secure: true,
  connect,
  listen,
};

export {
  connect,
  listen,
  mapForgeError,
  DEFAULT_CRYPTO,
  type ForgeConnectOptions,
  type ForgeListenOptions,
  type ForgeTlsOptions,
  type SniIdentity,
} from './transport.js';
export * from './engine/index.js';
export {
  createForgeProvider,
  createWebCryptoProvider,
  getProvider,
  type CryptoProvider,
  type ForgeProviderOptions,
  type ProviderName,
  type WebCryptoProviderOptions,
} from './crypto/index.js';
export type { CipherSuiteName } from './key-schedule.js';
