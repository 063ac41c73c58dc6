/**
 * SETTINGS parameters (RFC 9113 6.5.2) and the value checks a receiver MUST apply.
 */
import { ConnectionError, ErrorCode } from '../errors.js';
import { MAX_ALLOWED_FRAME_SIZE, DEFAULT_MAX_FRAME_SIZE, MAX_WINDOW } from './types.js';

export const SettingId = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
  /** RFC 8441 3 (extended CONNECT). */
  ENABLE_CONNECT_PROTOCOL: 0x8,
} as const;

/**
 * Throws the ConnectionError a receiver MUST raise for an illegal value; returns for legal values
 * and for ids it does not know ("An endpoint that receives a SETTINGS frame with any unknown or
 * unsupported identifier MUST ignore that setting", RFC 9113 6.5.2).
 */
export function validateSetting(id: number, value: number): void {
  switch (id) {
    case SettingId.ENABLE_PUSH:
      // RFC 9113 6.5.2: "Any value other than 0 or 1 MUST be treated as a connection error
      // ... of type PROTOCOL_ERROR." (Whether 1 is legal depends on our role: connection layer.)
      if (value !== 0 && value !== 1) {
        throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_ENABLE_PUSH must be 0 or 1, got ${value} (RFC 9113 6.5.2)`);
      }
      return;
    case SettingId.INITIAL_WINDOW_SIZE:
      // RFC 9113 6.5.2: "Values above the maximum flow-control window size of 2^31-1 MUST be
      // treated as a connection error ... of type FLOW_CONTROL_ERROR."
      if (value > MAX_WINDOW) {
        throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE ${value} exceeds 2^31-1 (RFC 9113 6.5.2)`);
      }
      return;
    case SettingId.MAX_FRAME_SIZE:
      // RFC 9113 6.5.2: the value "MUST be between this initial value and the maximum allowed
      // frame size (2^24-1 or 16,777,215 octets), inclusive. Values outside this range MUST be
      // treated as a connection error ... of type PROTOCOL_ERROR."
      if (value < DEFAULT_MAX_FRAME_SIZE || value > MAX_ALLOWED_FRAME_SIZE) {
        throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_MAX_FRAME_SIZE ${value} outside [16384, 16777215] (RFC 9113 6.5.2)`);
      }
      return;
    case SettingId.ENABLE_CONNECT_PROTOCOL:
      // RFC 8441 3: "The value of the parameter MUST be 0 or 1." No code is named there; we use
      // PROTOCOL_ERROR, the generic one (RFC 9113 5.4).
      if (value !== 0 && value !== 1) {
        throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_ENABLE_CONNECT_PROTOCOL must be 0 or 1, got ${value} (RFC 8441 3)`);
      }
      return;
    default:
      return;
  }
}
