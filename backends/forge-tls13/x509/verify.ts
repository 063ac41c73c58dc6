/**
 * Certification path building and validation for the TLS 1.3 engine (RFC 5280 section 6, the
 * parts a TLS client or server needs; RFC 8446 section 4.4.2.2 for how the peer's list is used).
 *
 * Path building: from the leaf, candidate issuers are certificates whose subject Name equals the
 * child's issuer Name byte for byte (RFC 5280 section 6.1.4(a)(4) name chaining; DER Names of
 * one CA are stable in practice, which is what OpenSSL and Go rely on too), trust anchors first,
 * then the other certificates the peer sent, in any order (RFC 8446 section 4.4.2 allows extras
 * and disorder). A candidate whose subjectKeyIdentifier differs from the child's
 * authorityKeyIdentifier is skipped. A candidate is the issuer only if its key verifies the
 * child's signature. A certificate byte-identical to a trust anchor ends the path, so a pinned
 * self-signed leaf (src/certs.ts `selfSigned`) verifies on its own.
 *
 * Validation of a complete path (leaf first, anchor last), RFC 5280 section 6.1.3-6.1.4:
 * - validity (section 4.1.2.5), on every certificate including the anchor (stricter than the RFC,
 *   which treats the anchor as bare input; OpenSSL and Go check it too);
 * - issuers: basicConstraints cA (section 4.2.1.9; a v1/v2 anchor without extensions is accepted
 *   as a trust anchor, a v1/v2 intermediate is not, section 6.1.4(k)), keyCertSign when keyUsage
 *   is present (section 4.2.1.3), pathLenConstraint counting non-self-issued intermediates
 *   (section 6.1.4(l)-(m));
 * - leaf: digitalSignature when keyUsage is present (TLS 1.3 keys only sign);
 * - extendedKeyUsage on the leaf and intermediates when present must contain the purpose or
 *   anyExtendedKeyUsage (section 4.2.1.12; applying it to intermediates is the CA/Browser Forum
 *   practice Go and Mozilla follow); anchors are not checked;
 * - unknown critical extensions on the leaf and intermediates → 'unsupported' (section 4.2);
 * - the host name against the leaf's subjectAltName (hostname.ts).
 *
 * Not implemented: revocation, name constraints (a critical nameConstraints extension is unknown
 * and therefore rejected), policy mapping/constraints.
 */
import type { CryptoProvider, SignatureSchemeName } from '../crypto/provider.js';
import { candidateSchemes, schemeForIssuer } from './algorithms.js';
import { bytesEqual } from './der.js';
import { CertificateError } from './errors.js';
import { matchesHostname } from './hostname.js';
import { parseCertificate, type Certificate } from './parse.js';

export { alertFor, CertificateError, type CertificateAlert, type CertificateErrorReason } from './errors.js';
export { defaultTrustAnchors } from './anchors.js';

export type Purpose = 'serverAuth' | 'clientAuth';

export interface VerifyOptions {
  /** Leaf first, as in the TLS Certificate message. */
  chain: Uint8Array[];
  /** DER certificates; see defaultTrustAnchors(). */
  trustAnchors: Uint8Array[];
  /** The server name to check (client side). Omit to skip the name check (e.g. client certs). */
  hostname?: string;
  now?: Date;
  purpose: Purpose;
  provider: CryptoProvider;
  /**
   * The schemes signatures inside the chain may use: what we advertised in
   * signature_algorithms_cert, else in signature_algorithms (RFC 8446 section 4.2.3). A path with
   * a signature by another scheme is not acceptable ('unsupported', hence unsupported_certificate,
   * the default alert of section 4.4.2.2). Trust anchors' own signatures are never checked, so they
   * are exempt, as section 4.2.3 says. Undefined: any scheme the provider verifies.
   */
  signatureSchemes?: readonly SignatureSchemeName[];
}

export interface VerifiedChain {
  leaf: Certificate;
  /** Leaf first, trust anchor last (a pinned leaf gives a path of one). */
  path: Certificate[];
  anchor: Certificate;
}

const EKU_OID: Record<Purpose, string> = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' };
const ANY_EKU = '2.5.29.37.0';
/** More certificates than any real chain needs; bounds the work a peer can cause. */
const MAX_CHAIN_CERTS = 16;
const MAX_PATH_LENGTH = 10;
const MAX_SIGNATURE_CHECKS = 64;

/** Parsed trust anchors, cached per DER buffer (the default store is parsed once). */
const anchorCache = new WeakMap<Uint8Array, Certificate | null>();

function parseAnchor(der: Uint8Array): Certificate | null {
  let parsed = anchorCache.get(der);
  if (parsed === undefined) {
    try {
      parsed = parseCertificate(der);
    } catch {
      parsed = null; // an anchor we cannot parse can anchor nothing
    }
    anchorCache.set(der, parsed);
  }
  return parsed;
}

const fail = (reason: CertificateError['reason'], message: string): never => {
  throw new CertificateError(reason, message);
};

const isSelfIssued = (c: Certificate) => bytesEqual(c.subject.der, c.issuer.der);

function checkDates(cert: Certificate, now: Date): void {
  if (now < cert.notBefore) fail('not_yet_valid', `${cert.subject.text} is valid from ${cert.notBefore.toISOString()}`);
  if (now > cert.notAfter) fail('expired', `${cert.subject.text} expired at ${cert.notAfter.toISOString()}`);
}

function checkEku(cert: Certificate, purpose: Purpose): void {
  const eku = cert.extendedKeyUsage;
  if (eku && !eku.includes(EKU_OID[purpose]) && !eku.includes(ANY_EKU)) {
    fail('bad_usage', `${cert.subject.text} is not valid for ${purpose}`);
  }
}

/** RFC 5280 section 6.1 checks on a complete path; throws the first violation. */
export function validatePath(path: Certificate[], now: Date, purpose: Purpose): void {
  const last = path.length - 1;
  path.forEach((cert, i) => {
    const isAnchor = i === last;
    checkDates(cert, now);
    if (!isAnchor && cert.unknownCriticalExtensions.length > 0) {
      fail('unsupported', `${cert.subject.text} has unhandled critical extensions ${cert.unknownCriticalExtensions.join(', ')}`);
    }
    if (i === 0) {
      if (cert.keyUsage && !cert.keyUsage.includes('digitalSignature')) fail('bad_usage', 'leaf key may not sign');
      checkEku(cert, purpose);
      return;
    }
    // An issuer of path[i - 1].
    const bc = cert.basicConstraints;
    const v1Anchor = isAnchor && cert.version < 3;
    if (!bc?.ca && !v1Anchor) fail('bad_usage', `${cert.subject.text} is not a CA (basicConstraints)`);
    if (cert.keyUsage && !cert.keyUsage.includes('keyCertSign')) {
      fail('bad_usage', `${cert.subject.text} may not sign certificates (keyUsage)`);
    }
    if (bc?.pathLen !== undefined) {
      const below = path.slice(1, i).filter((c) => !isSelfIssued(c)).length;
      if (below > bc.pathLen) fail('bad_usage', `${cert.subject.text} allows ${bc.pathLen} intermediates below it`);
    }
    if (!isAnchor) checkEku(cert, purpose);
  });
}

export async function verifyCertificateChain(opts: VerifyOptions): Promise<VerifiedChain> {
  const { chain, provider, purpose } = opts;
  const now = opts.now ?? new Date();
  if (chain.length === 0) fail('malformed', 'empty certificate chain');
  if (chain.length > MAX_CHAIN_CERTS) fail('malformed', `${chain.length} certificates in the chain`);
  const [leaf, ...others] = chain.map(parseCertificate);
  const anchors = opts.trustAnchors.map(parseAnchor).filter((a): a is Certificate => a !== null);

  // The most informative failure so far: a complete path that failed validation beats a
  // signature that did not verify, which beats "no issuer found" (unknown_ca).
  let pathError: CertificateError | undefined;
  let linkError: CertificateError | undefined;
  let signatureChecks = 0;

  const signedBy = async (child: Certificate, issuer: Certificate): Promise<boolean> => {
    if (child.authorityKeyId && issuer.subjectKeyId && !bytesEqual(child.authorityKeyId, issuer.subjectKeyId)) {
      return false; // a different key of the same CA name
    }
    if (++signatureChecks > MAX_SIGNATURE_CHECKS) return false;
    const choice = schemeForIssuer(child.signatureAlgorithm, issuer.publicKeyType);
    if (!choice.ok) {
      linkError ??= new CertificateError(choice.reason, `${child.subject.text}: ${choice.message}`);
      return false;
    }
    if (opts.signatureSchemes && !opts.signatureSchemes.includes(choice.scheme)) {
      linkError ??= new CertificateError('unsupported', `${child.subject.text} is signed with ${choice.scheme}, which we did not advertise`);
      return false;
    }
    let ok = false;
    try {
      ok = await provider.verify(choice.scheme, issuer.subjectPublicKeyInfo, child.tbsDer, child.signature);
    } catch {
      ok = false; // the provider promises not to throw; a bad signature either way
    }
    if (!ok) linkError ??= new CertificateError('bad_signature', `signature on ${child.subject.text} does not verify`);
    return ok;
  };

  const complete = (path: Certificate[]): Certificate[] | undefined => {
    try {
      validatePath(path, now, purpose);
      return path;
    } catch (err) {
      if (!(err instanceof CertificateError)) throw err;
      pathError ??= err;
      return undefined;
    }
  };

  const extend = async (path: Certificate[], unused: Certificate[]): Promise<Certificate[] | undefined> => {
    const current = path[path.length - 1]!;
    if (anchors.some((a) => bytesEqual(a.der, current.der))) return complete(path);
    if (path.length > MAX_PATH_LENGTH) return undefined;
    for (const anchor of anchors) {
      if (bytesEqual(anchor.subject.der, current.issuer.der) && (await signedBy(current, anchor))) {
        const done = complete([...path, anchor]);
        if (done) return done;
      }
    }
    for (const candidate of unused) {
      if (!bytesEqual(candidate.subject.der, current.issuer.der) || bytesEqual(candidate.der, current.der)) continue;
      if (!(await signedBy(current, candidate))) continue;
      const done = await extend([...path, candidate], unused.filter((c) => c !== candidate));
      if (done) return done;
    }
    return undefined;
  };

  const path = await extend([leaf!], others);
  if (!path) {
    throw pathError ?? linkError ?? new CertificateError('unknown_ca', `no trust anchor issued ${leaf!.issuer.text}`);
  }
  if (opts.hostname !== undefined && !matchesHostname(leaf!, opts.hostname)) {
    fail('hostname_mismatch', `certificate is not valid for ${opts.hostname}`);
  }
  return { leaf: leaf!, path, anchor: path[path.length - 1]! };
}

/**
 * Whether a chain of OURS (leaf first, as we would send it) is signed only with schemes the peer
 * advertised (RFC 8446 section 4.4.2.2: "All certificates provided by the server MUST be signed by
 * a signature algorithm advertised by the client if it is able to provide such a chain"). A
 * self-signed certificate at the top is exempt: it is a trust anchor, whose signature nobody
 * checks. For choosing among our chains; a chain we cannot parse matches nothing.
 */
export function chainSignedWith(chain: readonly Uint8Array[], accepted: ReadonlySet<SignatureSchemeName>): boolean {
  let certs: Certificate[];
  try {
    certs = chain.map(parseCertificate);
  } catch {
    return false;
  }
  return certs.every((cert, i) => {
    const issuer = certs[i + 1];
    if (issuer === undefined && isSelfIssued(cert)) return true;
    const issuerKey = issuer !== undefined && bytesEqual(issuer.subject.der, cert.issuer.der) ? issuer.publicKeyType : undefined;
    return candidateSchemes(cert.signatureAlgorithm, issuerKey).some((s) => accepted.has(s));
  });
}
