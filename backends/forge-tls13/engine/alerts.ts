/**
 * The one place that decides which alert an error becomes (RFC 8446 section 6.2). Handlers only
 * throw; the engine calls `toTlsError` on whatever was thrown, sends `alertFor(error.alert)` when
 * the error is local, and closes.
 */
import { RecordProtectionError } from '../record-protection.js';
import { CertificateError, alertFor as certificateAlertFor } from '../x509/index.js';
import { AlertDescription } from '../wire/constants.js';
import { TlsError } from '../wire/errors.js';

export function toTlsError(err: unknown): TlsError {
  if (err instanceof TlsError) return err;
  if (err instanceof RecordProtectionError) {
    return new TlsError(AlertDescription[err.alert], err.message, { cause: err });
  }
  if (err instanceof CertificateError) {
    return new TlsError(AlertDescription[certificateAlertFor(err.reason)], `certificate rejected: ${err.message}`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return TlsError.internalError(`internal error: ${message}`, err);
}

/** Alerts that say the certificate (ours or the peer's) was refused. */
const CERTIFICATE_ALERTS: ReadonlySet<number> = new Set([
  AlertDescription.bad_certificate,
  AlertDescription.unsupported_certificate,
  AlertDescription.certificate_revoked,
  AlertDescription.certificate_expired,
  AlertDescription.certificate_unknown,
  AlertDescription.unknown_ca,
  AlertDescription.certificate_required,
]);

export function isCertificateAlert(alert: number): boolean {
  return CERTIFICATE_ALERTS.has(alert);
}
