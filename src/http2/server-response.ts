/**
 * `H2Response`: an HTTP/2 response as a handler writes it (the `ServerResponse` of handler.ts):
 * interim and final heads, body with flow-control backpressure, trailers, reset. It is also the
 * stream's listener, so it passes what arrives for the request on to its `H2Request`, and it
 * sends the 100 (Continue) a request with `Expect: 100-continue` may be waiting for.
 */
import { toBytes } from './body.js';
import { RESOLVED, type Connection } from './connection.js';
import { ErrorCode, StreamError, type Http2Error } from './errors.js';
import type { ServerResponse } from './handler.js';
import { appendUserHeaders, type HeadersInit, type ResponseHead } from './headers.js';
import type { HeaderField } from './hpack/index.js';
import type { H2Request } from './server-request.js';
import type { Stream, StreamListener } from './stream.js';

const noop = (): void => {};

export class H2Response implements ServerResponse, StreamListener {
  headersSent = false;
  closed = false;
  private ended = false;
  /** A 100 (Continue) went out, ours or the handler's. */
  private continueSent = false;
  private closeError: Error | null = null;
  private endWaiter: { resolve(): void; reject(e: Error): void } | null = null;
  /**
   * A response to HEAD has headers and no content (RFC 9110 9.3.2): the handler may write the
   * body it would send for GET, and none of it goes out as DATA (RFC 9113 8.1.1).
   */
  private readonly contentless: boolean;

  constructor(
    private readonly conn: Connection,
    private readonly stream: Stream,
    private readonly req: H2Request,
  ) {
    this.contentless = req.method === 'HEAD';
  }

  respond(status: number, headers?: HeadersInit): void {
    if (this.headersSent) throw new Error('response head already sent');
    if (!Number.isInteger(status) || status < 100 || status > 599 || status === 101) {
      throw new RangeError(`invalid status ${status} (HTTP/2 forbids 101, RFC 9113 8.6)`);
    }
    const fields: HeaderField[] = [{ name: ':status', value: String(status) }];
    appendUserHeaders(fields, headers);
    this.conn.sendHeaders(this.stream, fields, false);
    if (status >= 200) this.headersSent = true;
    else if (status === 100) this.continueSent = true;
  }

  /**
   * The handler started reading the body of a request with `Expect: 100-continue`: the client may
   * be holding the content back until it hears 100 (Continue) (RFC 9110 10.1.1), so it gets one
   * now, before any of the body is read. Not when the final response is out already (no interim
   * response may follow it, RFC 9113 8.1), nor when one was sent; and not when content arrived
   * already or no more is coming (stream no longer open), where RFC 9110 10.1.1 lets a server
   * omit it: the client has stopped waiting.
   */
  sendContinue(): void {
    if (this.continueSent || this.headersSent || this.ended || this.closed) return;
    if (this.stream.state !== 'open' || this.stream.receivedLength > 0) return;
    try {
      this.respond(100);
    } catch {
      // The stream failed under us: the read that asked reports that.
    }
  }

  write(chunk: Uint8Array | string): Promise<void> {
    if (this.ended) return rejected(new Error('write after end()'));
    try {
      if (!this.headersSent) this.respond(200);
      if (this.contentless) return RESOLVED;
      const p = this.conn.write(this.stream, toBytes(chunk));
      if (p !== RESOLVED) p.catch(noop);
      return p;
    } catch (err) {
      return rejected(err);
    }
  }

  end(chunk?: Uint8Array | string, trailers?: Record<string, string>): Promise<void> {
    if (this.ended) return rejected(new Error('end() called twice'));
    if (this.closed) return rejected(this.closeError ?? new Error('stream closed'));
    this.ended = true;
    try {
      const given = chunk === undefined ? undefined : toBytes(chunk);
      if (this.contentless) return this.endContentless(given);
      const bytes = given;
      let trailerFields: HeaderField[] | undefined;
      if (trailers !== undefined) {
        trailerFields = [];
        appendUserHeaders(trailerFields, trailers);
      }
      const hasTrailers = trailerFields !== undefined && trailerFields.length > 0;
      if (!this.headersSent) {
        this.headersSent = true;
        const fields: HeaderField[] = [{ name: ':status', value: '200' }];
        if ((bytes === undefined || bytes.length === 0) && !hasTrailers) {
          this.conn.sendHeaders(this.stream, fields, true); // HEADERS with END_STREAM: the whole response
          return this.settled();
        }
        if (bytes !== undefined && !hasTrailers) fields.push({ name: 'content-length', value: String(bytes.length) });
        this.conn.sendHeaders(this.stream, fields, false);
      }
      this.conn.end(this.stream, bytes, trailerFields);
      return this.settled();
    } catch (err) {
      return rejected(err);
    }
  }

  /** end() of a HEAD response: headers (with the length a GET would get) and END_STREAM, no DATA. */
  private endContentless(bytes: Uint8Array | undefined): Promise<void> {
    if (!this.headersSent) {
      this.headersSent = true;
      const fields: HeaderField[] = [{ name: ':status', value: '200' }];
      if (bytes !== undefined) fields.push({ name: 'content-length', value: String(bytes.length) });
      this.conn.sendHeaders(this.stream, fields, true);
    } else {
      this.conn.end(this.stream, undefined, undefined);
    }
    return this.settled();
  }

  /** RESOLVED when our side is done already, else a promise for when the queue drains. */
  private settled(): Promise<void> {
    if (this.closed) return this.closeError === null ? RESOLVED : rejected(this.closeError);
    const s = this.stream.state;
    if (s === 'half-closed-local' || s === 'closed') return RESOLVED;
    const p = new Promise<void>((resolve, reject) => (this.endWaiter = { resolve, reject }));
    p.catch(noop);
    return p;
  }

  rst(code: number = ErrorCode.CANCEL): void {
    this.conn.cancelStream(this.stream, code, new StreamError(this.stream.id, code, 'reset by the handler', 'user'));
  }

  // ---- StreamListener ----

  onResponseHeaders(_head: ResponseHead, _fields: HeaderField[], _endStream: boolean): void {}

  onTrailers(fields: HeaderField[]): void {
    this.req.onTrailers(fields);
  }

  onRemoteEnd(): void {
    this.req.onRemoteEnd();
  }

  onLocalEnd(): void {
    this.endWaiter?.resolve();
    this.endWaiter = null;
    // 8.1: "a server MAY request that the client abort transmission of a request without error by
    // sending a RST_STREAM with an error code of NO_ERROR after sending a complete response". We
    // do when the handler is not reading the request body, so the client stops sending it.
    if (this.stream.state === 'half-closed-local' && !this.req.bodyInUse) {
      this.conn.cancelStream(this.stream, ErrorCode.NO_ERROR, new StreamError(this.stream.id, ErrorCode.NO_ERROR, 'response complete', 'user'));
    }
  }

  onClose(error: Http2Error | null): void {
    this.closed = true;
    const benign = error === null || (error.code === ErrorCode.NO_ERROR && error.initiator === 'user');
    if (!benign) {
      this.closeError = error;
      this.req.onFailed(error);
      this.endWaiter?.reject(error);
    } else {
      this.endWaiter?.resolve();
    }
    this.endWaiter = null;
  }

  /** Whether the handler already produced a complete or partial response. */
  get started(): boolean {
    return this.headersSent || this.ended;
  }

  get isEnded(): boolean {
    return this.ended;
  }
}

function rejected(err: unknown): Promise<never> {
  const p = Promise.reject(err instanceof Error ? err : new Error(String(err)));
  p.catch(noop);
  return p;
}
