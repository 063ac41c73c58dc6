/**
 * `Exchange`: one request and its response, across retries. Given a connection, it opens a
 * stream and sends the request (the head, then the body: bytes known up front, which a retry can
 * send again, or a stream pumped under flow control); it listens to the stream and settles what
 * the caller holds: the response promise, the trailers, the informational responses before them,
 * and the abort signal's listener. Which connection it goes on, and whether it may go again after
 * a refusal, is decided by the client (client.ts) and its connections (client-session.ts).
 */
import { InboundBody, toBytes, type NormalisedBody } from './body.js';
import type { RequestInit } from './client-options.js';
import { ClientResponse, DONE_TRAILERS } from './client-response.js';
import type { Connection } from './connection.js';
import { ErrorCode, StreamError, type Http2Error } from './errors.js';
import { fieldsToRecord, trailersToRecord, type ResponseHead } from './headers.js';
import type { HeaderField } from './hpack/index.js';
import { RequestAbortedError, isRetryable } from './session-errors.js';
import type { Stream, StreamListener } from './stream.js';

/** The connection an exchange is sent on (a ClientSession). */
export interface ExchangeSession {
  readonly conn: Connection;
  readonly scheme: string;
  readonly authority: string;
  /** Forget `ex`, still queued: it was aborted before it got a stream. */
  dequeue(ex: Exchange): void;
}

/** The client an exchange belongs to (Http2Client): whether, and where, it goes again. */
export interface ExchangeOwner {
  canRetry(ex: Exchange): boolean;
  dispatch(ex: Exchange): void;
}

/** One request and its response, across retries. */
export class Exchange implements StreamListener {
  stream: Stream | null = null;
  session: ExchangeSession | null = null;
  attempts = 0;
  response: ClientResponse | null = null;
  settled = false;
  resolve!: (r: ClientResponse) => void;
  reject!: (e: Error) => void;
  readonly promise: Promise<ClientResponse>;
  private trailerSettle: { resolve(t: Record<string, string>): void; reject(e: Error): void } | null = null;
  private remoteEnded = false;
  private abortListener: (() => void) | null = null;

  constructor(
    readonly client: ExchangeOwner,
    readonly method: string,
    readonly path: string,
    readonly authority: string | undefined,
    readonly fields: HeaderField[],
    readonly body: NormalisedBody,
    readonly trailers: HeaderField[] | undefined,
    readonly signal: AbortSignal | undefined,
    private readonly onInformational: RequestInit['onInformational'],
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (signal !== undefined) {
      this.abortListener = () => this.abort();
      signal.addEventListener('abort', this.abortListener, { once: true });
    }
  }

  get replayable(): boolean {
    return this.body.kind !== 'stream';
  }

  /** Opens the stream on `session` and sends the request. */
  start(session: ExchangeSession): void {
    const conn = session.conn;
    const s = conn.openStream();
    this.session = session;
    this.stream = s;
    this.attempts++;
    this.remoteEnded = false;
    s.listener = this;
    s.headRequest = this.method === 'HEAD';
    // 8.3.1; for CONNECT, 8.5: ":scheme and :path pseudo-header fields MUST be omitted".
    const authority = { name: ':authority', value: this.authority ?? session.authority };
    const head: HeaderField[] =
      this.method === 'CONNECT'
        ? [{ name: ':method', value: this.method }, authority]
        : [{ name: ':method', value: this.method }, { name: ':scheme', value: session.scheme }, authority, { name: ':path', value: this.path }];
    for (const f of this.fields) head.push(f);
    const body = this.body;
    const noBody = body.kind === 'none' && this.trailers === undefined;
    try {
      conn.sendHeaders(s, head, noBody);
      if (noBody) return;
      if (body.kind === 'stream') {
        void this.pump(conn, s, body.source);
      } else {
        conn.end(s, body.kind === 'bytes' ? body.bytes : undefined, this.trailers);
      }
    } catch (err) {
      // e.g. a header list over the peer's limit
      this.failByCaller(conn, s, err);
    }
  }

  /** The caller's own error (bad input, a callback that threw): the request rejects with it, the stream is cancelled. */
  private failByCaller(conn: Connection, s: Stream, err: unknown): void {
    this.fail(err instanceof Error ? err : new Error(String(err)));
    conn.cancelStream(s, ErrorCode.CANCEL, asStreamError(s.id, err));
  }

  /** Streams a request body with backpressure from flow control. */
  private async pump(conn: Connection, s: Stream, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of source) {
        if (s.state === 'closed' || s.error !== null) return;
        await conn.write(s, toBytes(chunk));
      }
      if (s.state === 'closed' || s.error !== null) return;
      conn.end(s, undefined, this.trailers);
    } catch (err) {
      if (s.error !== null || s.state === 'closed') return; // the stream failed first: its error wins
      const e = new StreamError(s.id, ErrorCode.CANCEL, `request body failed: ${err instanceof Error ? err.message : String(err)}`, 'user');
      (e as { cause?: unknown }).cause = err;
      conn.cancelStream(s, ErrorCode.CANCEL, e);
    }
  }

  onResponseHeaders(head: ResponseHead, fields: HeaderField[], endStream: boolean): void {
    if (head.status < 200) return this.informational(head.status, fields);
    const s = this.stream!;
    let trailers: Promise<Record<string, string>>;
    if (endStream) {
      trailers = DONE_TRAILERS;
    } else {
      trailers = new Promise((resolve, reject) => (this.trailerSettle = { resolve, reject }));
      trailers.catch(() => {});
    }
    this.response = new ClientResponse(head.status, fields, s.body ?? InboundBody.empty(), trailers, s.id);
    this.settled = true;
    this.resolve(this.response);
  }

  /** An interim response (8.1; its validity, and 101's ban, are checked in headers.ts): the final one is still to come. */
  private informational(status: number, fields: HeaderField[]): void {
    const callback = this.onInformational;
    if (callback === undefined) return;
    try {
      callback(status, fieldsToRecord(fields));
    } catch (err) {
      if (this.stream !== null && this.session !== null) this.failByCaller(this.session.conn, this.stream, err);
    }
  }

  onTrailers(fields: HeaderField[]): void {
    const settle = this.trailerSettle;
    this.trailerSettle = null;
    settle?.resolve(trailersToRecord(fields));
  }

  onRemoteEnd(): void {
    this.remoteEnded = true;
    const settle = this.trailerSettle;
    this.trailerSettle = null;
    settle?.resolve({});
  }

  onLocalEnd(): void {}

  onClose(error: Http2Error | null): void {
    this.stream = null;
    if (error === null && !this.settled) {
      error = new StreamError(0, ErrorCode.PROTOCOL_ERROR, 'stream closed without a response');
    }
    if (error === null || (error.code === ErrorCode.NO_ERROR && error.initiator === 'remote' && this.remoteEnded)) {
      // 8.1: "Clients MUST NOT discard responses as a result of receiving such a RST_STREAM".
      this.cleanup();
      return;
    }
    if (!this.settled && isRetryable(error) && this.replayable && this.client.canRetry(this)) {
      this.session = null;
      this.client.dispatch(this);
      return;
    }
    this.fail(error);
  }

  /** Settles with an error (request promise if pending, trailers otherwise). */
  fail(error: Error): void {
    const settle = this.trailerSettle;
    this.trailerSettle = null;
    settle?.reject(error);
    if (!this.settled) {
      this.settled = true;
      this.reject(error);
    }
    this.cleanup();
  }

  private abort(): void {
    const reason: unknown = this.signal?.reason;
    const s = this.stream;
    if (s !== null && this.session !== null) {
      this.session.conn.cancelStream(s, ErrorCode.CANCEL, new RequestAbortedError(s.id, reason));
      return;
    }
    if (this.session !== null) this.session.dequeue(this);
    this.fail(new RequestAbortedError(0, reason));
  }

  private cleanup(): void {
    if (this.abortListener !== null) {
      this.signal?.removeEventListener('abort', this.abortListener);
      this.abortListener = null;
    }
  }
}

function asStreamError(id: number, err: unknown): StreamError {
  if (err instanceof StreamError) return err;
  const e = new StreamError(id, ErrorCode.CANCEL, err instanceof Error ? err.message : String(err), 'user');
  (e as { cause?: unknown }).cause = err;
  return e;
}
