/**
 * HTTP/2 error codes and the two error classes the protocol distinguishes (RFC 9113 5.4).
 *
 * Codes stay plain numbers so that codes we do not know pass through untouched: "Unknown or
 * unsupported error codes MUST NOT trigger any special behavior" (RFC 9113 7).
 *
 * Who turns an error into bytes: a ConnectionError becomes GOAWAY (5.4.1), a StreamError becomes
 * RST_STREAM (5.4.2). Only the connection layer does that; code here and in the frame codec only
 * throws.
 */

/** Error codes registered by RFC 9113 Section 7. */
export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const;

/** Open type: any 32-bit value may arrive in RST_STREAM or GOAWAY (RFC 9113 7). */
export type ErrorCode = number;

// Index = code; built once from the table above so the two cannot drift apart.
const NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const [name, code] of Object.entries(ErrorCode)) names[code] = name;
  return names;
})();

/** 'PROTOCOL_ERROR' for a registered code, 'UNKNOWN(0x1f)' for any other. */
export function errorCodeName(code: number): string {
  const name = NAMES[code];
  return name ?? `UNKNOWN(0x${(code >>> 0).toString(16)})`;
}

/**
 * Who started the error:
 * - 'user': our application asked for it (cancelled a stream, closed the connection);
 * - 'library': this library detected a protocol violation by the peer;
 * - 'remote': the peer sent it to us in RST_STREAM or GOAWAY.
 */
export type Initiator = 'user' | 'library' | 'remote';

/** Base class: an RFC 9113 error code plus who started it. Not thrown directly. */
export class Http2Error extends Error {
  readonly code: number;
  readonly initiator: Initiator;

  constructor(code: number, message: string, initiator: Initiator) {
    super(message);
    this.code = code >>> 0;
    this.initiator = initiator;
  }
}

/** An error that ends the whole connection; the connection layer answers with GOAWAY (RFC 9113 5.4.1). */
export class ConnectionError extends Http2Error {
  constructor(code: number, message: string, initiator: Initiator = 'library') {
    super(code, `${errorCodeName(code)}: ${message}`, initiator);
    this.name = 'ConnectionError';
  }
}

/** An error confined to one stream; the connection layer answers with RST_STREAM (RFC 9113 5.4.2). */
export class StreamError extends Http2Error {
  readonly streamId: number;

  constructor(streamId: number, code: number, message: string, initiator: Initiator = 'library') {
    super(code, `${errorCodeName(code)} on stream ${streamId}: ${message}`, initiator);
    this.name = 'StreamError';
    this.streamId = streamId;
  }
}
