/**
 * The one error type of the TLS 1.3 engine. Every protocol failure carries the alert to send
 * (RFC 8446 section 6.2), so the engine maps errors to alerts in exactly one place.
 *
 * origin 'local': we detected the problem and should send `alert` (then close).
 * origin 'remote': the peer sent us this alert; nothing is to be sent back (RFC 8446 section 6.2).
 */

import { AlertDescription, AlertLevel } from './constants.js';

export type TlsErrorOrigin = 'local' | 'remote';

const alertNames = new Map<number, string>(Object.entries(AlertDescription).map(([k, v]) => [v, k]));

/** "decode_error", or "unknown_alert(200)" for code points RFC 8446 does not define. */
export function alertName(code: number): string {
  return alertNames.get(code) ?? `unknown_alert(${code})`;
}

export interface TlsErrorOptions {
  readonly origin?: TlsErrorOrigin;
  readonly cause?: unknown;
  /** Only meaningful for origin 'remote': the AlertLevel the peer used (ignored by TLS 1.3). */
  readonly level?: number;
}

export class TlsError extends Error {
  override readonly name = 'TlsError';
  /** AlertDescription code point (a number: a remote alert may be one we do not know). */
  readonly alert: number;
  readonly origin: TlsErrorOrigin;
  /** For remote alerts, the level the peer sent; for local ones AlertLevel.fatal. */
  readonly level: number;

  constructor(alert: number, message: string, options: TlsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.alert = alert;
    this.origin = options.origin ?? 'local';
    this.level = options.level ?? AlertLevel.fatal;
  }

  get alertName(): string {
    return alertName(this.alert);
  }

  /** The peer told us `description` (RFC 8446 section 6: every alert except close_notify is an error). */
  static fromAlert(description: number, level: number = AlertLevel.fatal): TlsError {
    return new TlsError(description, `received ${alertName(description)} alert`, { origin: 'remote', level });
  }

  static is(e: unknown): e is TlsError {
    return e instanceof TlsError;
  }

  static decodeError(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.decode_error, message, { cause });
  }
  static illegalParameter(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.illegal_parameter, message, { cause });
  }
  static unexpectedMessage(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.unexpected_message, message, { cause });
  }
  static recordOverflow(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.record_overflow, message, { cause });
  }
  static badRecordMac(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.bad_record_mac, message, { cause });
  }
  static handshakeFailure(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.handshake_failure, message, { cause });
  }
  static protocolVersion(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.protocol_version, message, { cause });
  }
  static missingExtension(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.missing_extension, message, { cause });
  }
  static unsupportedExtension(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.unsupported_extension, message, { cause });
  }
  static decryptError(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.decrypt_error, message, { cause });
  }
  static badCertificate(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.bad_certificate, message, { cause });
  }
  static certificateRequired(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.certificate_required, message, { cause });
  }
  static noApplicationProtocol(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.no_application_protocol, message, { cause });
  }
  static insufficientSecurity(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.insufficient_security, message, { cause });
  }
  /** Our own bug or misuse (e.g. encoding a vector outside its RFC bounds). */
  static internalError(message: string, cause?: unknown): TlsError {
    return new TlsError(AlertDescription.internal_error, message, { cause });
  }
}
