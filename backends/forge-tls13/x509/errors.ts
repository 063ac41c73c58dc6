/**
 * The one error type of certificate handling, and the one place that maps it to a TLS alert.
 * Parsing and path validation throw nothing else: callers can rely on `instanceof
 * CertificateError` for every peer-supplied input.
 */

export type CertificateErrorReason =
  | 'expired'
  | 'not_yet_valid'
  | 'unknown_ca'
  | 'bad_signature'
  | 'hostname_mismatch'
  | 'bad_usage'
  | 'malformed'
  | 'unsupported';

export class CertificateError extends Error {
  override readonly name = 'CertificateError';
  constructor(
    readonly reason: CertificateErrorReason,
    message: string,
  ) {
    super(`${reason}: ${message}`);
  }
}

/** RFC 8446 section 6.2 alert descriptions used for certificate failures. */
export type CertificateAlert =
  | 'bad_certificate'
  | 'unsupported_certificate'
  | 'certificate_expired'
  | 'unknown_ca';

/**
 * The alert to send for a rejected peer certificate (RFC 8446 section 6.2):
 * - expired, not_yet_valid → certificate_expired ("has expired or is not currently valid").
 * - unknown_ca → unknown_ca ("the CA certificate could not be located or could not be matched
 *   with a known trust anchor").
 * - bad_signature, malformed → bad_certificate ("corrupt, contained signatures that did not verify
 *   correctly, etc."). Not decrypt_error: that one is for handshake signatures (CertificateVerify)
 *   and Finished, not for signatures inside certificates. Not decode_error: the TLS message itself
 *   decoded; it is the certificate inside it that is corrupt.
 * - hostname_mismatch → bad_certificate (RFC 8446 has no dedicated alert; Go's crypto/tls sends
 *   bad_certificate for host name errors too).
 * - bad_usage, unsupported → unsupported_certificate ("of an unsupported type": not usable for
 *   this purpose, an algorithm we do not implement or did not advertise in
 *   signature_algorithms(_cert), whose default alert section 4.4.2.2 names as this one, or an
 *   unhandled critical extension; OpenSSL sends the same for its invalid-purpose and
 *   unhandled-critical-extension errors).
 */
export function alertFor(reason: CertificateErrorReason): CertificateAlert {
  switch (reason) {
    case 'expired':
    case 'not_yet_valid':
      return 'certificate_expired';
    case 'unknown_ca':
      return 'unknown_ca';
    case 'bad_signature':
    case 'malformed':
    case 'hostname_mismatch':
      return 'bad_certificate';
    case 'bad_usage':
    case 'unsupported':
      return 'unsupported_certificate';
  }
}
