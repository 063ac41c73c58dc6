/**
 * Algorithm identifiers of certificates, mapped onto the provider's signature scheme names.
 *
 * The provider's vocabulary is RFC 8446's (section 4.2.3), where a scheme names the signer's key
 * type as well as the hash: ECDSA schemes fix the curve, and RSASSA-PSS comes as rsa_pss_rsae_*
 * (rsaEncryption key) or rsa_pss_pss_* (id-RSASSA-PSS key). A certificate's AlgorithmIdentifier
 * only names the hash, so the scheme that really verifies it depends on the ISSUER's key:
 * `schemeForIssuer` is the authoritative mapping, used by verify.ts. The `scheme` that
 * parseCertificate records alone is the conventional pairing (SHA-256 with P-256, SHA-384 with
 * P-384, PSS as rsa_pss_pss_*), for display and for signature_algorithms_cert matching.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import type { SignatureSchemeName } from '../crypto/provider.js';
import { bytesEqual } from './der.js';

export type PublicKeyType = 'rsa' | 'rsa-pss' | 'ec-p256' | 'ec-p384' | 'ed25519' | 'unknown';

export type SignatureFamily = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'ed25519' | 'unknown';
export type SignatureHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface SignatureAlgorithm {
  oid: string;
  /** DER of the parameters field, when present. */
  parameters?: Uint8Array;
  family: SignatureFamily;
  /** Undefined for Ed25519 (the hash is part of the scheme) and for unsupported algorithms. */
  hash?: SignatureHash;
  /** Conventional scheme (see the file comment); undefined when we cannot verify this algorithm. */
  scheme?: SignatureSchemeName;
}

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  sha1WithRSA: '1.2.840.113549.1.1.5',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ed25519: '1.3.101.112',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

// DER of the namedCurve OIDs (RFC 5480 section 2.1.1.1).
const P256_OID_DER = Uint8Array.of(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07);
const P384_OID_DER = Uint8Array.of(0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22);
const DER_NULL = Uint8Array.of(0x05, 0x00);

const HASH_BY_OID: Record<string, SignatureHash> = {
  [OID.sha1]: 'SHA-1',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};
const HASH_LENGTH: Record<SignatureHash, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

export function publicKeyType(algorithmOid: string, parameters: Uint8Array | undefined): PublicKeyType {
  switch (algorithmOid) {
    case OID.rsaEncryption:
      return 'rsa';
    case OID.rsassaPss:
      return 'rsa-pss';
    case OID.ed25519:
      return 'ed25519';
    case OID.ecPublicKey:
      if (parameters && bytesEqual(parameters, P256_OID_DER)) return 'ec-p256';
      if (parameters && bytesEqual(parameters, P384_OID_DER)) return 'ec-p384';
      return 'unknown';
    default:
      return 'unknown';
  }
}

/** Null or absent parameters, as RFC 4055 section 5 allows for the PKCS #1 v1.5 algorithms. */
const nullOrAbsent = (p: Uint8Array | undefined) => p === undefined || bytesEqual(p, DER_NULL);

/**
 * RSASSA-PSS parameters (RFC 4055 section 3.1) that TLS can express: SHA-256/384/512, MGF1 with
 * the same hash, salt length equal to the hash length, trailer field 1 (RFC 8446 section 4.2.3
 * fixes the salt to the digest length). Anything else is unsupported, not malformed.
 */
function pssHash(parameters: Uint8Array | undefined): SignatureHash | undefined {
  if (!parameters) return undefined; // absent parameters mean the SHA-1 defaults
  try {
    const params = AsnConvert.parse(parameters, RsaSaPssParams);
    const hash = HASH_BY_OID[params.hashAlgorithm.algorithm];
    if (!hash || hash === 'SHA-1') return undefined;
    const mgf = params.maskGenAlgorithm;
    if (mgf.algorithm !== OID.mgf1 || !mgf.parameters) return undefined;
    const mgfHash = AsnConvert.parse(mgf.parameters, AlgorithmIdentifier);
    if (HASH_BY_OID[mgfHash.algorithm] !== hash) return undefined;
    if (params.saltLength !== HASH_LENGTH[hash] || params.trailerField !== 1) return undefined;
    return hash;
  } catch {
    return undefined;
  }
}

const PKCS1: Record<string, SignatureHash> = {
  [OID.sha1WithRSA]: 'SHA-1',
  [OID.sha256WithRSA]: 'SHA-256',
  [OID.sha384WithRSA]: 'SHA-384',
  [OID.sha512WithRSA]: 'SHA-512',
};
const ECDSA: Record<string, SignatureHash> = {
  [OID.ecdsaWithSha1]: 'SHA-1',
  [OID.ecdsaWithSha256]: 'SHA-256',
  [OID.ecdsaWithSha384]: 'SHA-384',
};

function conventionalScheme(family: SignatureFamily, hash: SignatureHash | undefined): SignatureSchemeName | undefined {
  switch (family) {
    case 'rsa-pkcs1':
      return hash === 'SHA-1' ? 'rsa_pkcs1_sha1' : hash === 'SHA-256' ? 'rsa_pkcs1_sha256' : hash === 'SHA-384' ? 'rsa_pkcs1_sha384' : hash === 'SHA-512' ? 'rsa_pkcs1_sha512' : undefined;
    case 'rsa-pss':
      return hash === 'SHA-256' ? 'rsa_pss_pss_sha256' : hash === 'SHA-384' ? 'rsa_pss_pss_sha384' : hash === 'SHA-512' ? 'rsa_pss_pss_sha512' : undefined;
    case 'ecdsa':
      return hash === 'SHA-1' ? 'ecdsa_sha1' : hash === 'SHA-256' ? 'ecdsa_secp256r1_sha256' : hash === 'SHA-384' ? 'ecdsa_secp384r1_sha384' : undefined;
    case 'ed25519':
      return 'ed25519';
    case 'unknown':
      return undefined;
  }
}

/**
 * Classifies a certificate's signatureAlgorithm. Parameters must be as the defining RFC says
 * (NULL or absent for PKCS #1, RFC 4055 section 5; absent for ECDSA, RFC 5758 section 3.2, and
 * for Ed25519, RFC 8410 section 3); otherwise the algorithm is treated as unknown (unsupported).
 */
export function classifySignatureAlgorithm(oid: string, parameters: Uint8Array | undefined): SignatureAlgorithm {
  let family: SignatureFamily = 'unknown';
  let hash: SignatureHash | undefined;
  if (PKCS1[oid] && nullOrAbsent(parameters)) {
    family = 'rsa-pkcs1';
    hash = PKCS1[oid];
  } else if (ECDSA[oid] && parameters === undefined) {
    family = 'ecdsa';
    hash = ECDSA[oid];
  } else if (oid === OID.ed25519 && parameters === undefined) {
    family = 'ed25519';
  } else if (oid === OID.rsassaPss) {
    hash = pssHash(parameters);
    if (hash) family = 'rsa-pss';
  }
  const scheme = conventionalScheme(family, hash);
  return {
    oid,
    ...(parameters ? { parameters } : {}),
    family,
    ...(hash ? { hash } : {}),
    ...(scheme ? { scheme } : {}),
  };
}

export type IssuerSchemeResult =
  | { ok: true; scheme: SignatureSchemeName }
  /** The key cannot have made this kind of signature at all. */
  | { ok: false; reason: 'bad_signature'; message: string }
  /** A combination the provider's scheme vocabulary cannot express (or SHA-1, refused by policy). */
  | { ok: false; reason: 'unsupported'; message: string };

/**
 * The scheme that verifies a certificate signature made with `alg` by a key of type `issuerKey`.
 * SHA-1 is refused (SHA-1 certificate signatures are forgeable in practice; RFC 8446 section
 * 4.2.3 keeps the code points only for backward compatibility).
 */
export function schemeForIssuer(alg: SignatureAlgorithm, issuerKey: PublicKeyType): IssuerSchemeResult {
  const mismatch = (): IssuerSchemeResult => ({
    ok: false,
    reason: 'bad_signature',
    message: `a ${issuerKey} key cannot make a ${alg.family} signature`,
  });
  const unsupported = (why: string): IssuerSchemeResult => ({ ok: false, reason: 'unsupported', message: why });
  if (alg.family === 'unknown') return unsupported(`signature algorithm ${alg.oid}`);
  if (alg.hash === 'SHA-1') return unsupported('SHA-1 certificate signatures');
  if (issuerKey === 'unknown') return unsupported('issuer key of unknown type');
  switch (alg.family) {
    case 'rsa-pkcs1':
      // RSASSA-PKCS1-v1_5 with an id-RSASSA-PSS key is forbidden (RFC 4055 section 1.2).
      if (issuerKey !== 'rsa') return mismatch();
      return { ok: true, scheme: alg.scheme! };
    case 'rsa-pss': {
      const suffix = alg.hash === 'SHA-256' ? 'sha256' : alg.hash === 'SHA-384' ? 'sha384' : 'sha512';
      if (issuerKey === 'rsa') return { ok: true, scheme: `rsa_pss_rsae_${suffix}` };
      if (issuerKey === 'rsa-pss') return { ok: true, scheme: `rsa_pss_pss_${suffix}` };
      return mismatch();
    }
    case 'ecdsa':
      if (issuerKey === 'ec-p256') {
        return alg.hash === 'SHA-256' ? { ok: true, scheme: 'ecdsa_secp256r1_sha256' } : unsupported(`P-256 with ${alg.hash}`);
      }
      if (issuerKey === 'ec-p384') {
        return alg.hash === 'SHA-384' ? { ok: true, scheme: 'ecdsa_secp384r1_sha384' } : unsupported(`P-384 with ${alg.hash}`);
      }
      return mismatch();
    case 'ed25519':
      return issuerKey === 'ed25519' ? { ok: true, scheme: 'ed25519' } : mismatch();
  }
}

/** The rsaEncryption-key twin of each id-RSASSA-PSS scheme (the same signature, another key OID). */
const RSAE_TWIN: Partial<Record<SignatureSchemeName, SignatureSchemeName>> = {
  rsa_pss_pss_sha256: 'rsa_pss_rsae_sha256',
  rsa_pss_pss_sha384: 'rsa_pss_rsae_sha384',
  rsa_pss_pss_sha512: 'rsa_pss_rsae_sha512',
};

/**
 * The schemes that can have made a certificate signature `alg`, for matching a chain WE send
 * against the peer's signature_algorithms_cert (RFC 8446 section 4.4.2.2). With the issuer's key
 * type known that is `schemeForIssuer`'s one scheme; without it (the top of a chain is issued by
 * a trust anchor we do not send) an RSASSA-PSS signature may be either rsa_pss_pss_* or
 * rsa_pss_rsae_*. Never used to verify anything: verify.ts takes `schemeForIssuer` only.
 */
export function candidateSchemes(alg: SignatureAlgorithm, issuerKey: PublicKeyType | undefined): SignatureSchemeName[] {
  if (issuerKey !== undefined) {
    const choice = schemeForIssuer(alg, issuerKey);
    if (choice.ok) return [choice.scheme];
  }
  if (!alg.scheme) return [];
  const twin = RSAE_TWIN[alg.scheme];
  return twin ? [alg.scheme, twin] : [alg.scheme];
}
