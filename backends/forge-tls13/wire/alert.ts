/**
 * Alert protocol body (RFC 8446 section 6): struct { AlertLevel level; AlertDescription description; }.
 */

import { AlertDescription, AlertLevel } from './constants.js';
import { TlsError } from './errors.js';

export { alertName } from './errors.js';

export interface Alert {
  /** AlertLevel; TLS 1.3 receivers ignore it (section 6), so any byte is accepted on decode. */
  readonly level: number;
  /** AlertDescription code point; unknown values are kept (section 6: treated as error alerts). */
  readonly description: number;
}

export const CLOSE_NOTIFY: Alert = Object.freeze({
  level: AlertLevel.warning,
  description: AlertDescription.close_notify,
});

/**
 * The alert to send for a description: RFC 8446 section 6.2 says error alerts MUST be sent with
 * level fatal; close_notify and user_canceled (section 6.1) are sent as warning.
 */
export function alertFor(description: number): Alert {
  const closure = description === AlertDescription.close_notify || description === AlertDescription.user_canceled;
  return { level: closure ? AlertLevel.warning : AlertLevel.fatal, description };
}

export function encodeAlert(alert: Alert): Uint8Array {
  if (!Number.isInteger(alert.level) || alert.level < 0 || alert.level > 255) {
    throw TlsError.internalError(`alert level ${alert.level} out of range`);
  }
  if (!Number.isInteger(alert.description) || alert.description < 0 || alert.description > 255) {
    throw TlsError.internalError(`alert description ${alert.description} out of range`);
  }
  return Uint8Array.of(alert.level, alert.description);
}

/**
 * Decodes one alert record fragment. RFC 8446 section 5.1: alert messages MUST NOT be fragmented
 * across records and a record holds exactly one alert, so the fragment is exactly 2 bytes; anything
 * else is decode_error (an empty alert record is rejected earlier, as unexpected_message).
 */
export function decodeAlert(fragment: Uint8Array): Alert {
  if (fragment.length !== 2) {
    throw TlsError.decodeError(`alert record must be 2 bytes, got ${fragment.length}`);
  }
  return { level: fragment[0]!, description: fragment[1]! };
}

/** close_notify and user_canceled close the connection; every other alert is an error (section 6). */
export function isClosureAlert(alert: Alert): boolean {
  return alert.description === AlertDescription.close_notify || alert.description === AlertDescription.user_canceled;
}
