/**
 * Test and CLI certificate generation: a throw-away CA, leaves and intermediates issued by it, and
 * self-signed leaves for `tlsport serve`.
 *
 * Built on @peculiar/x509 with Node's native WebCrypto (`globalThis.crypto`), so key generation is
 * fast (no RSA keygen in JS) and users of the node:tls backend never load node-forge.
 *
 * One exception: 'rsa-pss-2048' keys carry the id-RSASSA-PSS OID in their SubjectPublicKeyInfo and
 * PKCS#8 (RFC 4055 section 1.2; what RFC 8446 calls rsa_pss_pss_*). WebCrypto only knows RSA keys
 * under rsaEncryption ("Invalid key type"), so those keys are generated and used through
 * node:crypto KeyObjects, which are just as native.
 *
 * Profile (RFC 5280 section 4.2): basicConstraints (critical; CA:true on CAs, CA:false on leaves),
 * keyUsage (critical), extKeyUsage on leaves, subjectAltName with DNS and IP entries, subject and
 * authority key identifiers (SHA-1 of the subjectPublicKey, method (1) of section 4.2.1.2).
 */
import {
  createPrivateKey,
  generateKeyPair as nodeGenerateKeyPair,
  sign as nodeSign,
  constants as nodeConstants,
  type KeyObject,
  type webcrypto,
} from 'node:crypto';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type Crypto = webcrypto.Crypto;

export type KeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa-2048' | 'rsa-pss-2048' | 'ed25519';

export const KEY_TYPES: readonly KeyType[] = ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-pss-2048', 'ed25519'];

export interface CertifiedKey {
  certPem: string;
  /** PKCS#8, PEM. */
  keyPem: string;
  certDer: Uint8Array;
  keyType: KeyType;
}

/** RFC 5280 section 4.2.1.3 key usage bits. */
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign';

export interface IssueOptions {
  /** DNS names or IP literals, put in subjectAltName. Default ['localhost', '127.0.0.1', '::1']. */
  names?: string[];
  /** Default: the issuer's key type (or 'ecdsa-p256' for selfSigned). */
  keyType?: KeyType;
  /** Default: one hour ago (tolerates clock skew). */
  notBefore?: Date;
  /** Default: notBefore + 30 days for leaves, + 10 years for CAs. */
  notAfter?: Date;
  /** Issue a CA certificate (an intermediate, when an issuer is given). Default false. */
  isCA?: boolean;
  /** Default: CAs keyCertSign+cRLSign+digitalSignature; leaves digitalSignature (+keyEncipherment for RSA). */
  keyUsage?: KeyUsageName[];
  /** Default for leaves: ['serverAuth', 'clientAuth']; CAs get none. Pass [] to omit the extension. */
  extendedKeyUsage?: ('serverAuth' | 'clientAuth')[];
  /** Default: the first name, or 'tlsport test CA' for CAs. */
  commonName?: string;
  /** basicConstraints pathLenConstraint, CAs only. */
  pathLen?: number;
  /** Default: the PKI's CA. Pass an intermediate (issued with isCA) to build longer chains. */
  issuer?: CertifiedKey;
}

export interface TestPki {
  ca: CertifiedKey;
  caPem: string;
  issue(opts?: IssueOptions): Promise<CertifiedKey>;
}

const DEFAULT_NAMES = ['localhost', '127.0.0.1', '::1'];
const HOUR = 3600_000;
const DAY = 24 * HOUR;

// Passed to @peculiar/x509 explicitly rather than through its global `cryptoProvider`, which
// belongs to whoever else uses that library in the process.
const webCrypto = globalThis.crypto;
const subtle = webCrypto.subtle;

/** A signing key in whichever form can sign with it, plus its SubjectPublicKeyInfo. */
interface KeyMaterial {
  keyType: KeyType;
  spki: Uint8Array;
  pkcs8: Uint8Array;
  signer: CryptoKey | KeyObject;
}

/** WebCrypto algorithm for generation/import and for signing (hash chosen to match key strength). */
function webAlgorithms(keyType: Exclude<KeyType, 'rsa-pss-2048'>) {
  switch (keyType) {
    case 'ecdsa-p256':
      return { key: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } };
    case 'ecdsa-p384':
      return { key: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } };
    case 'rsa-2048':
      return {
        key: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
        sign: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      };
    case 'ed25519':
      return { key: { name: 'Ed25519' }, sign: { name: 'Ed25519' } };
  }
}

async function generateKey(keyType: KeyType): Promise<KeyMaterial> {
  if (keyType === 'rsa-pss-2048') {
    // No hash restriction parameters: the key may be used with any PSS hash (RFC 4055 section 3.1).
    const { privateKey, publicKey } = await promisify(nodeGenerateKeyPair)('rsa-pss', { modulusLength: 2048 });
    return {
      keyType,
      spki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
      pkcs8: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
      signer: privateKey,
    };
  }
  const alg = webAlgorithms(keyType);
  const pair = (await subtle.generateKey(alg.key, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  return {
    keyType,
    spki: new Uint8Array(await subtle.exportKey('spki', pair.publicKey)),
    pkcs8: new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey)),
    signer: pair.privateKey,
  };
}

async function importIssuerKey(issuer: CertifiedKey): Promise<CryptoKey | KeyObject> {
  if (issuer.keyType === 'rsa-pss-2048') return createPrivateKey(issuer.keyPem);
  const der = x509.PemConverter.decodeFirst(issuer.keyPem);
  return subtle.importKey('pkcs8', der, webAlgorithms(issuer.keyType).key, false, ['sign']);
}

/**
 * The signing key and algorithm for @peculiar/x509, plus the Crypto it must sign with. For a
 * KeyObject (RSA-PSS) the Crypto is WebCrypto with `sign` routed to node:crypto; the placeholder
 * key only tells the generator which AlgorithmIdentifier to write (RSASSA-PSS, SHA-256, MGF1
 * SHA-256, salt 32: RFC 4055 section 3.1).
 */
function signingSetup(signer: CryptoKey | KeyObject, keyType: KeyType) {
  if (keyType !== 'rsa-pss-2048') {
    return { key: signer as CryptoKey, algorithm: webAlgorithms(keyType).sign, crypto: webCrypto };
  }
  const keyObject = signer as KeyObject;
  const pssSign = async (_alg: unknown, _key: unknown, data: ArrayBuffer | ArrayBufferView) => {
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    return nodeSign('sha256', bytes, { key: keyObject, padding: nodeConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  };
  // Only what the generator may call; every other operation stays plain WebCrypto.
  const routedSubtle = {
    sign: pssSign,
    digest: subtle.digest.bind(subtle),
    exportKey: subtle.exportKey.bind(subtle),
    importKey: subtle.importKey.bind(subtle),
  } as unknown as webcrypto.SubtleCrypto;
  const crypto = {
    subtle: routedSubtle,
    getRandomValues: webCrypto.getRandomValues.bind(webCrypto),
    randomUUID: webCrypto.randomUUID.bind(webCrypto),
  } as Crypto;
  const placeholder = { type: 'private', algorithm: { name: 'RSA-PSS', hash: { name: 'SHA-256' } } } as unknown as CryptoKey;
  return { key: placeholder, algorithm: { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 }, crypto };
}

const KEY_USAGE_FLAGS: Record<KeyUsageName, x509.KeyUsageFlags> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
};

function subjectKeyId(certDer: Uint8Array): string | undefined {
  const cert = new x509.X509Certificate(certDer);
  return cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
}

/** The issuer of a certificate being made: its key and name, or "self" for a self-signed one. */
type Issuer = { kind: 'self' } | { kind: 'other'; cert: CertifiedKey };

async function makeCertificate(opts: IssueOptions, issuer: Issuer, defaultKeyType: KeyType): Promise<CertifiedKey> {
  const isCA = opts.isCA ?? false;
  const keyType = opts.keyType ?? defaultKeyType;
  const names = opts.names ?? (isCA ? [] : DEFAULT_NAMES);
  const commonName = opts.commonName ?? names[0] ?? 'tlsport test CA';
  const notBefore = opts.notBefore ?? new Date(Date.now() - HOUR);
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + (isCA ? 3650 : 30) * DAY);
  const key = await generateKey(keyType);

  const usage =
    opts.keyUsage ??
    (isCA
      ? (['keyCertSign', 'cRLSign', 'digitalSignature'] as KeyUsageName[])
      : keyType === 'rsa-2048'
        ? (['digitalSignature', 'keyEncipherment'] as KeyUsageName[])
        : (['digitalSignature'] as KeyUsageName[]));
  const ekus = opts.extendedKeyUsage ?? (isCA ? [] : ['serverAuth', 'clientAuth']);

  const ski = await x509.SubjectKeyIdentifierExtension.create(key.spki, false, webCrypto);
  const aki = issuer.kind === 'self' ? ski.keyId : subjectKeyId(issuer.cert.certDer);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(isCA, isCA ? opts.pathLen : undefined, true),
    new x509.KeyUsagesExtension(usage.reduce((acc, u) => acc | KEY_USAGE_FLAGS[u], 0), true),
    ski,
  ];
  if (aki !== undefined) extensions.push(new x509.AuthorityKeyIdentifierExtension(aki));
  if (ekus.length > 0) {
    extensions.push(new x509.ExtendedKeyUsageExtension(ekus.map((e) => x509.ExtendedKeyUsage[e])));
  }
  if (names.length > 0) {
    // RFC 5280 section 4.2.1.6: IP addresses go in iPAddress entries, never in dNSName.
    extensions.push(
      new x509.SubjectAlternativeNameExtension(names.map((n) => ({ type: isIP(n) ? 'ip' : 'dns', value: n }))),
    );
  }

  const subject: x509.JsonName = [{ CN: [commonName] }];
  let issuerName: x509.JsonName | x509.Name = subject;
  let signer: CryptoKey | KeyObject = key.signer;
  let signerType = keyType;
  if (issuer.kind === 'other') {
    issuerName = new x509.Name(new x509.X509Certificate(issuer.cert.certDer).subjectName.toArrayBuffer());
    signer = await importIssuerKey(issuer.cert);
    signerType = issuer.cert.keyType;
  }
  const setup = signingSetup(signer, signerType);
  const cert = await x509.X509CertificateGenerator.create(
    {
      subject,
      issuer: issuerName,
      notBefore,
      notAfter,
      publicKey: key.spki,
      signingKey: setup.key,
      signingAlgorithm: setup.algorithm,
      extensions,
    },
    setup.crypto,
  );
  return {
    certPem: cert.toString('pem') + '\n',
    keyPem: x509.PemConverter.encode(key.pkcs8, 'PRIVATE KEY') + '\n',
    certDer: new Uint8Array(cert.rawData),
    keyType,
  };
}

/** A fresh CA (self-signed, CA:true) and an `issue` function for certificates under it. */
export async function createTestPki(opts: { keyType?: KeyType; commonName?: string } = {}): Promise<TestPki> {
  const ca = await makeCertificate(
    { isCA: true, commonName: opts.commonName ?? 'tlsport test CA' },
    { kind: 'self' },
    opts.keyType ?? 'ecdsa-p256',
  );
  return {
    ca,
    caPem: ca.certPem,
    issue: (issueOpts: IssueOptions = {}) => {
      const issuer = issueOpts.issuer ?? ca;
      return makeCertificate(issueOpts, { kind: 'other', cert: issuer }, issuer.keyType);
    },
  };
}

/** A leaf that is its own issuer (CA:false), for `tlsport serve` without a configured cert. */
export function selfSigned(opts: IssueOptions = {}): Promise<CertifiedKey> {
  const { issuer, ...rest } = opts;
  if (issuer) return makeCertificate(rest, { kind: 'other', cert: issuer }, issuer.keyType);
  return makeCertificate(rest, { kind: 'self' }, 'ecdsa-p256');
}
