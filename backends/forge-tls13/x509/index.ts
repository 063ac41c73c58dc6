/** X.509 for the forge-tls13 engine: parsing (RFC 5280 section 4) and path validation (section 6). */
export { parseCertificate, type Certificate, type DistinguishedName, type KeyUsageName } from './parse.js';
export {
  verifyCertificateChain,
  validatePath,
  chainSignedWith,
  defaultTrustAnchors,
  alertFor,
  CertificateError,
  type CertificateAlert,
  type CertificateErrorReason,
  type Purpose,
  type VerifiedChain,
  type VerifyOptions,
} from './verify.js';
export { matchesHostname } from './hostname.js';
export { schemeForIssuer, type PublicKeyType, type SignatureAlgorithm } from './algorithms.js';
