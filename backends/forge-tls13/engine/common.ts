/**
 * Pieces both roles share: code point tables, the CertificateVerify signed content, peer chain
 * verification, message decoding with the right context.
 */
import type { CryptoProvider, KeyShare, NamedGroupName, SignatureSchemeName } from '../crypto/provider.js';
import { SCHEMES } from '../crypto/keys.js';
import { CIPHER_SUITES, type CipherSuite, type CipherSuiteName } from '../key-schedule.js';
import { HandshakeType, MAX_RECORD_SIZE_LIMIT, MIN_RECORD_SIZE_LIMIT, NamedGroup, SignatureScheme } from '../wire/constants.js';
import { TlsError } from '../wire/errors.js';
import type { RawHandshake } from '../wire/handshake-reassembly.js';
import { decodeHandshake, type HandshakeMessage, type Role } from '../wire/messages.js';
import { chainSignedWith, defaultTrustAnchors, verifyCertificateChain } from '../x509/index.js';
import type { CertifiedKeyHandle, CommonEngineConfig } from './config.js';

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

/** The record_size_limit we advertise (RFC 8449 section 4 bounds: 64..2^14 + 1 in TLS 1.3). */
export function configuredRecordSizeLimit(limit: number | undefined): number {
  const value = limit ?? MAX_RECORD_SIZE_LIMIT;
  if (!Number.isInteger(value) || value < MIN_RECORD_SIZE_LIMIT || value > MAX_RECORD_SIZE_LIMIT) {
    throw TlsError.internalError(`recordSizeLimit must be an integer in ${MIN_RECORD_SIZE_LIMIT}..${MAX_RECORD_SIZE_LIMIT} (got ${value})`);
  }
  return value;
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

/**
 * Peer-chain check per configuration; throws CertificateError (mapped to an alert by alerts.ts).
 * `schemes`: what we advertised for certificate signatures (signature_algorithms_cert, else
 * signature_algorithms, RFC 8446 section 4.2.3); a chain signed otherwise is refused.
 */
export async function verifyPeerChain(
  config: CommonEngineConfig,
  chain: readonly Uint8Array[],
  purpose: 'serverAuth' | 'clientAuth',
  hostname: string | undefined,
  schemes: readonly SignatureSchemeName[],
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
    signatureSchemes: schemes,
  });
}

/** The scheme names of code points we know (unknown ones cannot match anything of ours). */
export function schemeNames(ids: readonly number[]): SignatureSchemeName[] {
  return ids.map(schemeName).filter((s): s is SignatureSchemeName => s !== undefined);
}

/**
 * Picks our certificate for the peer (RFC 8446 section 4.4.2.2 for a server, 4.4.2.3 for a
 * client): the first candidate whose key can sign CertificateVerify with one of the peer's
 * `handshakeSchemes` (never a PKCS#1 v1.5 scheme, section 4.2.3), preferring one whose chain is
 * signed only with the peer's `chainSchemes` (its signature_algorithms_cert, else its
 * signature_algorithms). When no chain is, the first usable one is sent anyway: section 4.4.2.2
 * says to continue with a chain of our choice, and the peer decides. Null: no key fits.
 */
export function chooseCertificate(
  candidates: readonly CertifiedKeyHandle[],
  handshakeSchemes: readonly number[],
  chainSchemes: readonly number[],
): { cert: CertifiedKeyHandle; scheme: SignatureSchemeName } | null {
  const wanted = new Set(handshakeSchemes);
  const usable: { cert: CertifiedKeyHandle; scheme: SignatureSchemeName }[] = [];
  for (const cert of candidates) {
    const scheme = cert.key.schemes.find((sc) => isHandshakeScheme(sc) && wanted.has(schemeId(sc)));
    if (scheme) usable.push({ cert, scheme });
  }
  // One usable certificate leaves nothing to choose: its chain is not even parsed.
  if (usable.length <= 1) return usable[0] ?? null;
  const accepted = new Set(schemeNames(chainSchemes));
  return usable.find((u) => chainSignedWith(u.cert.chain, accepted)) ?? usable[0]!;
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
