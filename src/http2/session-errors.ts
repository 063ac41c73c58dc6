/**
 * Errors the public API rejects with, beyond the protocol's own ConnectionError / StreamError
 * (errors.ts). All of them carry an RFC 9113 code and an initiator where one applies, so callers
 * can branch on `instanceof` and `code` alone.
 */
import { ConnectionError, ErrorCode, StreamError, type Initiator } from './errors.js';

/** The TLS handshake settled on something other than h2 (RFC 9113 3.2), or cleartext offered another protocol. */
export class AlpnError extends Error {
  readonly alpnProtocol: string | null;

  constructor(alpnProtocol: string | null, message?: string) {
    super(message ?? `ALPN negotiated ${alpnProtocol === null ? 'no protocol' : JSON.stringify(alpnProtocol)}; HTTP/2 over TLS requires "h2" (RFC 9113 3.2)`);
    this.name = 'AlpnError';
    this.alpnProtocol = alpnProtocol;
  }
}

/** The request was cancelled through its AbortSignal (or `cancel()`); the stream was reset with CANCEL. */
export class RequestAbortedError extends StreamError {
  constructor(streamId: number, reason?: unknown) {
    super(streamId, ErrorCode.CANCEL, 'request aborted', 'user');
    this.name = 'AbortError';
    if (reason !== undefined) (this as { cause?: unknown }).cause = reason;
  }
}

/**
 * The connection ended (transport closed or failed, or `destroy()`) while the stream was active.
 * A ConnectionError so generic handlers treat it as one; `cause` holds the transport's error.
 */
export class ConnectionLostError extends ConnectionError {
  constructor(message: string, initiator: Initiator, cause?: unknown) {
    super(ErrorCode.INTERNAL_ERROR, message, initiator);
    this.name = 'ConnectionLostError';
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/**
 * The peer did not process the request: its stream id was above the last-stream-id of a GOAWAY
 * (RFC 9113 6.8), or it was refused with REFUSED_STREAM (8.7). Safe to retry anywhere.
 */
export class RequestRefusedError extends StreamError {
  constructor(streamId: number, message: string) {
    super(streamId, ErrorCode.REFUSED_STREAM, message, 'remote');
    this.name = 'RequestRefusedError';
  }
}

/** The client's queue of requests waiting for a stream slot is full (limits.maxQueuedRequests). */
export class QueueFullError extends Error {
  constructor(limit: number) {
    super(`more than ${limit} requests waiting for a stream slot`);
    this.name = 'QueueFullError';
  }
}

/** True when the request certainly was not processed by the peer and may be sent again (RFC 9113 8.7). */
export function isRetryable(err: unknown): boolean {
  return err instanceof RequestRefusedError || (err instanceof StreamError && err.code === ErrorCode.REFUSED_STREAM && err.initiator === 'remote');
}
