/**
 * Pieces both roles share: code point tables, the CertificateVerify signed content, peer chain
 * verification, message decoding with the right context.
 */
import type { CryptoProvider, KeyShare, NamedGroupName, SignatureSchemeName } from '../crypto/provider.js';
import { SCHEMES } from '../crypto/keys.js';
import { CIPHER_SUITES, type CipherSuite, type CipherSuiteName } from '../key-schedule.js';
import { HandshakeType, NamedGroup, SignatureScheme } from '../wire/constants.js';
import { TlsError } from '../wire/errors.js';
import type { RawHandshake } from '../wire/handshake-reassembly.js';
import { decodeHandshake, type HandshakeMessage, type Role } from '../wire/messages.js';
import { defaultTrustAnchors, verifyCertificateChain } from '../x509/index.js';
import type { CommonEngineConfig } from './config.js';

export const DEFAULT_GROUPS: readonly NamedGroupName[] = ['x25519', 'secp256r1', 'secp384r1'];

export const GROUP_IDS: Readonly<Record<NamedGroupName, number>> = {
  x25519: NamedGroup.x25519,
  secp256r1: NamedGroup.secp256r1,
  secp384r1: NamedGroup.secp384r1,
};

export function groupName(id: number): NamedGroupName | undefined {
  return (Object.keys(GROUP_IDS) as NamedGroupName[]).find((g) => GROUP_IDS[g] === id);
}

/** Schemes whose names both the provider and the wire know. */
export function schemeId(name: SignatureSchemeName): number {
  return SignatureScheme[name];
}

export function schemeName(id: number): SignatureSchemeName | undefined {
  for (const [name, value] of Object.entries(SignatureScheme)) {
    if (value === id && Object.prototype.hasOwnProperty.call(SCHEMES, name)) return name as SignatureSchemeName;
  }
  return undefined;
}

/** May appear in CertificateVerify (RFC 8446 section 4.2.3: not PKCS#1 v1.5, not SHA-1). */
export function isHandshakeScheme(name: SignatureSchemeName): boolean {
  return SCHEMES[name].handshake;
}

/** What we accept from peers: handshake schemes, then the PKCS#1 ones certificates still use. */
export const DEFAULT_VERIFY_SCHEMES: readonly SignatureSchemeName[] = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ed25519',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pss_pss_sha256',
  'rsa_pss_pss_sha384',
  'rsa_pss_pss_sha512',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
  'rsa_pkcs1_sha512',
];

export function configuredSuites(names: readonly CipherSuiteName[] | undefined): CipherSuite[] {
  if (!names) return [...CIPHER_SUITES];
  const out: CipherSuite[] = [];
  for (const n of names) {
    const s = CIPHER_SUITES.find((c) => c.name === n);
    if (!s) throw TlsError.internalError(`unknown cipher suite ${n}`);
    if (!out.includes(s)) out.push(s);
  }
  if (out.length === 0) throw TlsError.internalError('no cipher suites configured');
  return out;
}

export function configuredGroups(names: readonly NamedGroupName[] | undefined): NamedGroupName[] {
  const out = [...(names ?? DEFAULT_GROUPS)];
  for (const g of out) if (!(g in GROUP_IDS)) throw TlsError.internalError(`unknown group ${g}`);
  if (out.length === 0) throw TlsError.internalError('no groups configured');
  return out;
}

const SPACES = new Uint8Array(64).fill(0x20);
const encoder = new TextEncoder();

/** RFC 8446 section 4.4.3: 64 spaces, the context string, a zero byte, the transcript hash. */
export function certificateVerifyContent(signer: Role, transcriptHash: Uint8Array): Uint8Array {
  const label = encoder.encode(`TLS 1.3, ${signer} CertificateVerify`);
  const out = new Uint8Array(64 + label.length + 1 + transcriptHash.length);
  out.set(SPACES);
  out.set(label, 64);
  out.set(transcriptHash, 64 + label.length + 1);
  return out;
}

/** Decodes a reassembled message, which must be one of `expected`. */
export function decodeExpected<K extends HandshakeType>(
  role: Role,
  raw: RawHandshake,
  expected: readonly K[],
  hashLength?: number,
): Extract<HandshakeMessage, { readonly type: K }> {
  return decodeHandshake(raw.type, raw.body, hashLength === undefined ? { role, expected } : { role, expected, hashLength });
}

/** Peer-chain check per configuration; throws CertificateError (mapped to an alert by alerts.ts). */
export async function verifyPeerChain(
  config: CommonEngineConfig,
  chain: readonly Uint8Array[],
  purpose: 'serverAuth' | 'clientAuth',
  hostname: string | undefined,
): Promise<void> {
  if (config.rejectUnauthorized === false) return;
  const trustAnchors = [...(config.trustAnchors ?? (await defaultTrustAnchors()))];
  await verifyCertificateChain({
    chain: [...chain],
    trustAnchors,
    ...(hostname === undefined ? {} : { hostname }),
    now: config.now?.() ?? new Date(),
    purpose,
    provider: config.provider,
  });
}

/** ECDH with a peer share; a key the group rejects is illegal_parameter (RFC 8446 section 4.2.8). */
export async function sharedSecret(share: KeyShare, peer: Uint8Array): Promise<Uint8Array> {
  try {
    return await share.deriveSecret(peer);
  } catch (e) {
    throw TlsError.illegalParameter(`invalid ${share.group} key share`, e);
  }
}

export async function newKeyShare(p: CryptoProvider, group: NamedGroupName, injected?: readonly KeyShare[]): Promise<KeyShare> {
  return injected?.find((s) => s.group === group) ?? (await p.generateKeyShare(group));
}

/** Constant-time comparison (Finished values, binders): the crypto module's one. */
export { constantTimeEqual as bytesEqual } from '../crypto/keys.js';

export const utf8 = {
  encode: (s: string): Uint8Array => encoder.encode(s),
  decode: (b: Uint8Array): string => new TextDecoder().decode(b),
};

export { HandshakeType };

/** RFC 6066 section 3: literal IPv4 and IPv6 addresses are not permitted in server_name. */
export function isIpLiteral(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}
