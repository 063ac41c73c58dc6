/**
 * One stream's state: its RFC 5.1 state, both flow-control windows, the outgoing queue and the
 * incoming body. Plain data plus small helpers; every protocol decision (state transitions,
 * framing, errors) is made by the connection (connection.ts), which owns all streams.
 */
import type { BodySource, InboundBody } from './body.js';
import type { Http2Error } from './errors.js';
import { RecvWindow, SendWindow } from './flow-control.js';
import type { HeaderField } from './hpack/index.js';
import type { ResponseHead } from './headers.js';
import type { StreamState } from './stream-state.js';

/** How the layer above (client exchange, server request) hears about its stream. */
export interface StreamListener {
  /** Client: a response header block (interim 1xx or final) passed validation. */
  onResponseHeaders(head: ResponseHead, fields: HeaderField[], endStream: boolean): void;
  /** A trailer block passed validation (END_STREAM follows at once). */
  onTrailers(fields: HeaderField[]): void;
  /** END_STREAM received: the incoming body is complete. */
  onRemoteEnd(): void;
  /** Our END_STREAM went out (the queue drained); the stream is half-closed (local) or closed. */
  onLocalEnd(): void;
  /** The stream is closed: `error` is null when both sides ended normally. */
  onClose(error: Http2Error | null): void;
}

/** What the stream needs from its connection for body bookkeeping (the receive side, recv-stream.ts). */
export interface StreamOwner {
  releaseReceived(stream: Stream, bytes: number): void;
  onBodyCancelled(stream: Stream): void;
}

export class Stream implements BodySource {
  state: StreamState = 'idle';
  readonly sendWindow: SendWindow;
  readonly recvWindow: RecvWindow;
  listener: StreamListener | null = null;
  /** Incoming DATA goes here; null when the peer sends no body or nobody will read it. */
  body: InboundBody | null = null;

  // ---- incoming message ----
  /** Header blocks received: 0 none, 1 the (final) head, 2 trailers. Interim 1xx blocks don't count. */
  headBlocks = 0;
  /** content-length of the incoming message, -1 when absent or when no content is expected. */
  expectedLength = -1;
  receivedLength = 0;
  /** Bytes counted against the connection window and not yet given back. */
  connHeld = 0;
  /** Client: the request was HEAD, so the response has no content whatever content-length says (8.1.1). */
  headRequest = false;

  // ---- outgoing message ----
  /** Body chunks waiting for flow-control window, oldest first; `queueOffset` bytes of the first are sent. */
  readonly queue: Uint8Array[] = [];
  queueOffset = 0;
  queuedBytes = 0;
  /** END_STREAM goes out after the queue drains (with the last DATA, or on trailers). */
  endQueued = false;
  trailers: HeaderField[] | null = null;
  /** In the connection's ready list. */
  scheduled = false;
  /** performance.now() since when data waits for window; 0 when not blocked. */
  blockedSince = 0;
  /** write() callers waiting for the queue to go below the per-stream cap. */
  writeWaiters: Array<{ resolve(): void; reject(e: Error): void }> | null = null;
  /** Set once the stream failed (reset or connection loss). */
  error: Http2Error | null = null;

  constructor(
    readonly id: number,
    /** Initiated by us. */
    readonly local: boolean,
    sendWindow: number,
    recvWindow: number,
    private readonly owner: StreamOwner,
  ) {
    this.sendWindow = new SendWindow(sendWindow);
    this.recvWindow = new RecvWindow(recvWindow);
  }

  onBodyConsumed(bytes: number): void {
    this.owner.releaseReceived(this, bytes);
  }

  onBodyCancelled(): void {
    this.owner.onBodyCancelled(this);
  }

  /** Wakes writers once the queue is below `cap`, or fails them. */
  settleWriters(cap: number, error?: Error): void {
    const waiters = this.writeWaiters;
    if (waiters === null) return;
    if (error === undefined && this.queuedBytes >= cap) return;
    this.writeWaiters = null;
    for (const w of waiters) {
      if (error === undefined) w.resolve();
      else w.reject(error);
    }
  }

  /** Drops unsent data (after a reset). */
  clearQueue(): void {
    this.queue.length = 0;
    this.queueOffset = 0;
    this.queuedBytes = 0;
    this.endQueued = false;
    this.trailers = null;
  }
}
