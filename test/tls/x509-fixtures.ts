/**
 * Shared fixtures for the x509 tests: certificate chains from src/certs.ts, and the crypto
 * provider to verify with.
 *
 * Providers: the real ones (backends/forge-tls13/crypto/index.ts) when that module exists and
 * loads, plus a test-only provider that implements just `verify` with node:crypto.
 */
import { constants, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type { CryptoProvider, SignatureSchemeName } from '../../backends/forge-tls13/crypto/provider.js';
import { createTestPki, type CertifiedKey, type IssueOptions, type KeyType, type TestPki } from '../../src/certs.js';

const SCHEMES: Record<SignatureSchemeName, { hash: string | null; key: string; pss?: boolean; curve?: string }> = {
  ecdsa_secp256r1_sha256: { hash: 'sha256', key: 'ec', curve: 'prime256v1' },
  ecdsa_secp384r1_sha384: { hash: 'sha384', key: 'ec', curve: 'secp384r1' },
  ecdsa_sha1: { hash: 'sha1', key: 'ec' },
  rsa_pss_rsae_sha256: { hash: 'sha256', key: 'rsa', pss: true },
  rsa_pss_rsae_sha384: { hash: 'sha384', key: 'rsa', pss: true },
  rsa_pss_rsae_sha512: { hash: 'sha512', key: 'rsa', pss: true },
  rsa_pss_pss_sha256: { hash: 'sha256', key: 'rsa-pss', pss: true },
  rsa_pss_pss_sha384: { hash: 'sha384', key: 'rsa-pss', pss: true },
  rsa_pss_pss_sha512: { hash: 'sha512', key: 'rsa-pss', pss: true },
  ed25519: { hash: null, key: 'ed25519' },
  rsa_pkcs1_sha256: { hash: 'sha256', key: 'rsa' },
  rsa_pkcs1_sha384: { hash: 'sha384', key: 'rsa' },
  rsa_pkcs1_sha512: { hash: 'sha512', key: 'rsa' },
  rsa_pkcs1_sha1: { hash: 'sha1', key: 'rsa' },
};
const HASH_LEN: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };

const notNeeded = (): never => {
  throw new Error('not part of the test provider');
};

/** Test-only: `verify` with node:crypto; everything else throws. */
export const nodeVerifyProvider: CryptoProvider = {
  name: 'test-node-verify',
  randomBytes: notNeeded,
  hash: notNeeded,
  hmac: notNeeded,
  aead: notNeeded,
  generateKeyShare: notNeeded,
  keyShareFromPrivateKey: notNeeded,
  importPrivateKey: notNeeded,
  sign: notNeeded,
  async verify(scheme, spki, data, signature) {
    const s = SCHEMES[scheme];
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    } catch {
      return false;
    }
    if (key.asymmetricKeyType !== s.key) return false;
    if (s.curve && key.asymmetricKeyDetails?.namedCurve !== s.curve) return false;
    try {
      return nodeVerify(
        s.hash,
        data,
        s.pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LEN[s.hash!]! } : key,
        signature,
      );
    } catch {
      return false;
    }
  },
};

let providersPromise: Promise<CryptoProvider[]> | undefined;

/**
 * The real providers (PROVIDER_NAMES of crypto/index.ts) when that module exists and loads, then
 * the node:crypto test provider as an independent cross-check.
 */
export function testProviders(): Promise<CryptoProvider[]> {
  providersPromise ??= (async () => {
    const realPath = '../../backends/forge-tls13/crypto/index.js'; // not a literal: may not exist yet
    const real: CryptoProvider[] = [];
    try {
      const mod = (await import(realPath)) as {
        getProvider?: (name: string) => CryptoProvider;
        PROVIDER_NAMES?: readonly string[];
      };
      for (const name of mod.PROVIDER_NAMES ?? ['webcrypto']) real.push(mod.getProvider!(name));
    } catch {
      // not written yet
    }
    return [...real, nodeVerifyProvider];
  })();
  return providersPromise;
}

/** The first of testProviders(): the real WebCrypto provider once it exists. */
export async function testProvider(): Promise<CryptoProvider> {
  return (await testProviders())[0]!;
}

export interface Chain {
  pki: TestPki;
  intermediate: CertifiedKey;
  leaf: CertifiedKey;
  /** leaf, intermediate (DER), as a server would send them. */
  chain: Uint8Array[];
  anchors: Uint8Array[];
}

const chains = new Map<KeyType, Promise<Chain>>();

/** CA → intermediate → leaf, all of `keyType`; memoised per key type. */
export function chainOf(keyType: KeyType): Promise<Chain> {
  let p = chains.get(keyType);
  if (!p) {
    p = (async () => {
      const pki = await createTestPki({ keyType, commonName: `test root ${keyType}` });
      const intermediate = await pki.issue({ isCA: true, commonName: `test intermediate ${keyType}` });
      const leaf = await pki.issue({ issuer: intermediate, names: ['localhost', '127.0.0.1', '::1'] });
      return { pki, intermediate, leaf, chain: [leaf.certDer, intermediate.certDer], anchors: [pki.ca.certDer] };
    })();
    chains.set(keyType, p);
  }
  return p;
}

/** A leaf under the ecdsa-p256 chain's intermediate with the given options. */
export async function leafWith(opts: IssueOptions): Promise<{ chain: Uint8Array[]; trustAnchors: Uint8Array[] }> {
  const base = await chainOf('ecdsa-p256');
  const leaf = await base.pki.issue({ issuer: base.intermediate, ...opts });
  return { chain: [leaf.certDer, base.intermediate.certDer], trustAnchors: base.anchors };
}
