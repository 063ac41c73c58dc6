/**
 * X.509 v3 certificate parsing (RFC 5280 section 4) into plain data.
 *
 * Two layers: der.ts cuts the certificate into exact byte ranges with strict DER framing (the
 * signed TBSCertificate, the Names used for chaining, the SubjectPublicKeyInfo handed to the
 * provider), and @peculiar/asn1-x509 decodes field values (OIDs, times, names, extension bodies).
 * Any failure surfaces as CertificateError('malformed'); nothing else escapes.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { LruMap, bytesKey } from '../lru.js';
import {
  BasicConstraints,
  Certificate as AsnCertificate,
  ExtendedKeyUsage,
  KeyUsage,
  type Name as AsnName,
} from '@peculiar/asn1-x509';
import { classifySignatureAlgorithm, publicKeyType, type PublicKeyType, type SignatureAlgorithm } from './algorithms.js';
import { bytesEqual, children, content, expectTag, readSingle, TAG, whole, type Tlv } from './der.js';
import { CertificateError } from './errors.js';

export { CertificateError } from './errors.js';
export type { PublicKeyType, SignatureAlgorithm } from './algorithms.js';

/** RFC 5280 section 4.2.1.3 bits. */
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

export interface DistinguishedName {
  /** DER of the Name exactly as in the certificate; compared bytewise for chaining. */
  der: Uint8Array;
  /** e.g. "CN=example.com, O=Example"; in encoding order; for messages and logs only. */
  text: string;
}

export interface Certificate {
  readonly der: Uint8Array;
  readonly version: 1 | 2 | 3;
  /** The signed bytes (RFC 5280 section 4.1.1.1). */
  readonly tbsDer: Uint8Array;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  /** DER SubjectPublicKeyInfo, as the provider's verify takes it. */
  readonly subjectPublicKeyInfo: Uint8Array;
  readonly publicKeyType: PublicKeyType;
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Upper-case hex of the INTEGER, without the sign octet DER adds before a high bit (as OpenSSL prints it). */
  readonly serialNumber: string;
  readonly subjectAltNames: { readonly dns: readonly string[]; readonly ip: readonly Uint8Array[] };
  readonly keyUsage?: readonly KeyUsageName[];
  /** Key purpose OIDs. */
  readonly extendedKeyUsage?: readonly string[];
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLen?: number };
  readonly subjectKeyId?: Uint8Array;
  readonly authorityKeyId?: Uint8Array;
  /** OIDs of critical extensions this parser does not process (RFC 5280 section 4.2: reject). */
  readonly unknownCriticalExtensions: readonly string[];
}

export const EXT = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;

/**
 * Extensions we process. certificatePolicies is "processed" as accepting any policy: we run
 * RFC 5280 section 6.1 with user-initial-policy-set = any-policy and no explicit-policy
 * requirement, under which a critical certificatePolicies extension never rejects a path.
 */
const HANDLED = new Set<string>(Object.values(EXT));

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

const KEY_USAGE_JSON: Record<string, KeyUsageName> = {
  digitalSignature: 'digitalSignature',
  nonRepudiation: 'nonRepudiation',
  keyEncipherment: 'keyEncipherment',
  dataEncipherment: 'dataEncipherment',
  keyAgreement: 'keyAgreement',
  keyCertSign: 'keyCertSign',
  crlSign: 'cRLSign',
  encipherOnly: 'encipherOnly',
  decipherOnly: 'decipherOnly',
};

function malformed(message: string): never {
  throw new CertificateError('malformed', message);
}

const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();

function nameText(name: AsnName): string {
  return name
    .map((rdn) => rdn.map((atv) => `${ATTRIBUTE_NAMES[atv.type] ?? atv.type}=${atv.value.toString()}`).join('+'))
    .join(', ');
}

/** The parameters of an AlgorithmIdentifier (RFC 5280 section 4.1.1.2), as DER, if present. */
function algorithmParameters(der: Uint8Array, algId: Tlv): Uint8Array | undefined {
  const parts = children(der, expectTag(algId, TAG.SEQUENCE));
  expectTag(parts[0], TAG.OID);
  if (parts.length > 2) malformed('AlgorithmIdentifier has extra fields');
  return parts[1] ? whole(der, parts[1]) : undefined;
}

/** GeneralNames of subjectAltName (RFC 5280 section 4.2.1.6): dNSName [2], iPAddress [7]. */
function parseSubjectAltName(value: Uint8Array): { dns: string[]; ip: Uint8Array[] } {
  const names = children(value, readSingle(value, TAG.SEQUENCE));
  const dns: string[] = [];
  const ip: Uint8Array[] = [];
  for (const gn of names) {
    if (gn.tag === 0x82) {
      const bytes = content(value, gn);
      // IA5String; a DNS name is printable ASCII (RFC 5280 section 4.2.1.6, "preferred name syntax").
      if (bytes.some((b) => b <= 0x20 || b >= 0x7f)) malformed('dNSName with non-printable characters');
      dns.push(String.fromCharCode(...bytes));
    } else if (gn.tag === 0x87) {
      const bytes = content(value, gn);
      if (bytes.length !== 4 && bytes.length !== 16) malformed('iPAddress must be 4 or 16 octets');
      ip.push(bytes);
    } else if ((gn.tag & 0xc0) !== 0x80) {
      malformed('GeneralName must be context-tagged');
    }
  }
  return { dns, ip };
}

/** Cuts the DER and checks its shape; returns the exact slices the rest of the code needs. */
function frame(der: Uint8Array) {
  const top = readSingle(der, TAG.SEQUENCE);
  const [tbs, outerAlg, sigValue, ...extra] = children(der, top);
  if (extra.length > 0) malformed('Certificate has extra fields');
  expectTag(tbs, TAG.SEQUENCE);
  expectTag(sigValue, TAG.BIT_STRING);
  const fields = children(der, tbs!);
  let i = 0;
  if (fields[0]?.tag === 0xa0) i++; // [0] EXPLICIT Version
  const serial = expectTag(fields[i++], TAG.INTEGER);
  const innerAlg = expectTag(fields[i++], TAG.SEQUENCE);
  const issuer = expectTag(fields[i++], TAG.SEQUENCE);
  expectTag(fields[i++], TAG.SEQUENCE); // validity
  const subject = expectTag(fields[i++], TAG.SEQUENCE);
  const spki = expectTag(fields[i++], TAG.SEQUENCE);
  // Optional issuerUniqueID [1], subjectUniqueID [2], extensions [3], in that order.
  let lastTag = 0;
  for (const f of fields.slice(i)) {
    const order = f.tag === 0x81 || f.tag === 0xa1 ? 1 : f.tag === 0x82 || f.tag === 0xa2 ? 2 : f.tag === 0xa3 ? 3 : 0;
    if (order <= lastTag) malformed('unexpected field in TBSCertificate');
    lastTag = order;
  }
  // RFC 5280 section 4.1.1.2: signatureAlgorithm MUST equal the signature field in the TBS.
  if (!bytesEqual(whole(der, outerAlg!), whole(der, innerAlg))) {
    malformed('signatureAlgorithm differs from tbsCertificate.signature');
  }
  const sigBits = content(der, sigValue!);
  if (sigBits.length < 1 || sigBits[0] !== 0) malformed('signature BIT STRING has unused bits');
  const spkiParts = children(der, spki);
  const keyAlgParameters = algorithmParameters(der, expectTag(spkiParts[0], TAG.SEQUENCE));
  return {
    tbsDer: whole(der, tbs!),
    serial: content(der, serial),
    sigParameters: algorithmParameters(der, outerAlg!),
    signature: sigBits.slice(1),
    issuerDer: whole(der, issuer),
    subjectDer: whole(der, subject),
    spkiDer: whole(der, spki),
    keyAlgParameters,
  };
}

/**
 * Parses a DER certificate (read-only: see below). Results are cached by content (the last 256 distinct
 * certificates): a client meets the same server chain and trust anchors on every connection, and
 * the ASN.1 decoding was ~20% of a full handshake's client CPU (bench/tls.ts profile). A cached
 * result is shared, so it is frozen; its byte arrays are private copies nobody else holds.
 */
export function parseCertificate(der: Uint8Array): Certificate {
  if (!(der instanceof Uint8Array)) throw new CertificateError('malformed', 'certificate must be a Uint8Array');
  const key = bytesKey(der);
  const hit = parsed.get(key);
  if (hit) return hit;
  let cert: Certificate;
  try {
    cert = freezeCertificate(parseUnchecked(der));
  } catch (err) {
    if (err instanceof CertificateError) throw err;
    throw new CertificateError('malformed', err instanceof Error ? err.message : 'undecodable certificate');
  }
  parsed.set(key, cert);
  return cert;
}

const parsed = new LruMap<Certificate>(256);

function freezeCertificate(cert: Certificate): Certificate {
  Object.freeze(cert.subjectAltNames.dns);
  Object.freeze(cert.subjectAltNames.ip);
  Object.freeze(cert.subjectAltNames);
  Object.freeze(cert.subject);
  Object.freeze(cert.issuer);
  if (cert.keyUsage) Object.freeze(cert.keyUsage);
  if (cert.extendedKeyUsage) Object.freeze(cert.extendedKeyUsage);
  if (cert.basicConstraints) Object.freeze(cert.basicConstraints);
  Object.freeze(cert.unknownCriticalExtensions);
  Object.freeze(cert.signatureAlgorithm);
  return Object.freeze(cert);
}

function parseUnchecked(input: Uint8Array): Certificate {
  const der = new Uint8Array(input); // own copy: callers may reuse their buffers
  const f = frame(der);
  const asn = AsnConvert.parse(der, AsnCertificate);
  const tbs = asn.tbsCertificate;

  const version = tbs.version + 1;
  if (version !== 1 && version !== 2 && version !== 3) malformed(`unknown version ${version}`);
  // RFC 5280 section 4.1.2.9: extensions only in v3.
  if (tbs.extensions && version !== 3) malformed('extensions in a non-v3 certificate');

  const notBefore = tbs.validity.notBefore.getTime();
  const notAfter = tbs.validity.notAfter.getTime();
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) malformed('invalid validity time');

  const unknownCriticalExtensions: string[] = [];
  const cert: { -readonly [K in keyof Certificate]: Certificate[K] } = {
    der,
    version,
    tbsDer: f.tbsDer,
    signatureAlgorithm: classifySignatureAlgorithm(asn.signatureAlgorithm.algorithm, f.sigParameters),
    signature: f.signature,
    subjectPublicKeyInfo: f.spkiDer,
    publicKeyType: publicKeyType(tbs.subjectPublicKeyInfo.algorithm.algorithm, f.keyAlgParameters),
    subject: { der: f.subjectDer, text: nameText(tbs.subject) },
    issuer: { der: f.issuerDer, text: nameText(tbs.issuer) },
    notBefore,
    notAfter,
    serialNumber: toHex(f.serial.length > 1 && f.serial[0] === 0 ? f.serial.subarray(1) : f.serial),
    subjectAltNames: { dns: [], ip: [] },
    unknownCriticalExtensions,
  };

  const seen = new Set<string>();
  for (const ext of tbs.extensions ?? []) {
    // RFC 5280 section 4.2: "A certificate MUST NOT include more than one instance of a
    // particular extension."
    if (seen.has(ext.extnID)) malformed(`duplicate extension ${ext.extnID}`);
    seen.add(ext.extnID);
    const value = new Uint8Array(ext.extnValue.buffer);
    switch (ext.extnID) {
      case EXT.subjectAltName:
        cert.subjectAltNames = parseSubjectAltName(value);
        break;
      case EXT.keyUsage: {
        readSingle(value, TAG.BIT_STRING);
        const names = AsnConvert.parse(value, KeyUsage).toJSON();
        cert.keyUsage = names.map((n) => KEY_USAGE_JSON[n]).filter((n): n is KeyUsageName => n !== undefined);
        break;
      }
      case EXT.extKeyUsage:
        readSingle(value, TAG.SEQUENCE);
        cert.extendedKeyUsage = [...AsnConvert.parse(value, ExtendedKeyUsage)];
        break;
      case EXT.basicConstraints: {
        readSingle(value, TAG.SEQUENCE);
        const bc = AsnConvert.parse(value, BasicConstraints);
        const pathLen = bc.pathLenConstraint;
        if (pathLen !== undefined && (!Number.isSafeInteger(pathLen) || pathLen < 0)) malformed('bad pathLenConstraint');
        cert.basicConstraints = pathLen === undefined ? { ca: bc.cA === true } : { ca: bc.cA === true, pathLen };
        break;
      }
      case EXT.subjectKeyIdentifier:
        cert.subjectKeyId = content(value, readSingle(value, TAG.OCTET_STRING));
        break;
      case EXT.authorityKeyIdentifier: {
        const keyId = children(value, readSingle(value, TAG.SEQUENCE)).find((t) => t.tag === 0x80);
        if (keyId) cert.authorityKeyId = content(value, keyId);
        break;
      }
      default:
        if (ext.critical && !HANDLED.has(ext.extnID)) unknownCriticalExtensions.push(ext.extnID);
    }
  }
  return cert;
}
