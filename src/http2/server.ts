/**
 * The HTTP/2 server: `createServer(options, handler)`.
 *
 * Each accepted transport is checked for ALPN (RFC 9113 3.2: "h2" over TLS; cleartext runs h2c
 * with prior knowledge, 3.3). ALPN "http/1.1" goes to the HTTP/1.1 fallback (http1.ts), which runs
 * the same handler. Otherwise a `ServerSession` (Transport + Driver + Connection) serves it, and
 * every request calls `handler(req, res)`:
 * - a handler that throws (or rejects) gets a 500 if nothing was sent yet, else RST_STREAM
 *   INTERNAL_ERROR: never a crash;
 * - `req.signal` aborts when the stream is reset or the connection is lost;
 * - `close()` sends GOAWAY to every connection, lets open streams finish, and destroys what is
 *   left after `limits.closeTimeoutMs`.
 */
import { InboundBody, toBytes } from './body.js';
import { Connection, RESOLVED } from './connection.js';
import type { CloseHow } from './connection-hooks.js';
import { Driver } from './driver.js';
import { ErrorCode, StreamError, type Http2Error } from './errors.js';
import { appendUserHeaders, fieldsToRecord, trailersToRecord, type HeadersInit, type IncomingHeaders, type RequestHead, type ResponseHead } from './headers.js';
import type { HeaderField } from './hpack/index.js';
import { resolveConfig, type Http2Limits, type Http2Settings, type ResolvedConfig } from './limits.js';
import { AlpnError, ConnectionLostError } from './session-errors.js';
import type { Stream, StreamListener } from './stream.js';
import { serveHttp1, type Http1Server } from './http1.js';
import { resolveBackend, type BackendRef } from '../registry.js';
import type { HandshakeInfo, ListenOptions, Listener, ListenerAddress, Transport } from '../transport.js';

/** A request as the handler sees it, over HTTP/2 or the HTTP/1.1 fallback. */
export interface ServerRequest {
  readonly method: string;
  /** Path and query (":path"); "" for CONNECT. */
  readonly path: string;
  readonly authority: string;
  readonly scheme: string;
  readonly headers: IncomingHeaders;
  readonly httpVersion: '2' | '1.1';
  /** HTTP/2 stream id (0 over HTTP/1.1). */
  readonly streamId: number;
  readonly remoteAddress: string;
  readonly transportInfo: HandshakeInfo;
  /** The request body; reading it is what lets the client send more (flow control). */
  readonly body: AsyncIterable<Uint8Array>;
  bytes(): Promise<Uint8Array>;
  text(): Promise<string>;
  json(): Promise<unknown>;
  /** Trailer fields, once the body is complete ({} when there are none). */
  readonly trailers: Promise<Record<string, string>>;
  /** Aborted when the client resets the stream or the connection is lost. */
  readonly signal: AbortSignal;
}

export interface ServerResponse {
  /** Sends the response head. 1xx statuses are interim (8.1) and may precede the final one. */
  respond(status: number, headers?: HeadersInit): void;
  /** Sends body bytes (responding 200 first if needed); resolves when flow control accepts more. */
  write(chunk: Uint8Array | string): Promise<void>;
  /** Ends the response, with an optional last chunk and trailers. */
  end(chunk?: Uint8Array | string, trailers?: Record<string, string>): Promise<void>;
  /** Resets the stream (RST_STREAM, default CANCEL). */
  rst(code?: number): void;
  readonly headersSent: boolean;
  /** The stream is closed (ended both ways, or reset). */
  readonly closed: boolean;
}

export type Handler = (req: ServerRequest, res: ServerResponse) => unknown;

export interface ServerOptions extends ListenOptions {
  /** Default 'node-tls' when `cert` is given, else 'tcp'. */
  backend?: BackendRef;
  settings?: Partial<Http2Settings>;
  limits?: Partial<Http2Limits>;
  /** Serve HTTP/1.1 clients (ALPN "http/1.1") with the same handler. Default true. */
  http1?: boolean;
  /** Handler failures and connection errors, for logging. Never required. */
  onError?: (error: unknown, context: 'handler' | 'connection' | 'handshake') => void;
}

const noop = (): void => {};

class H2Request implements ServerRequest {
  readonly httpVersion = '2' as const;
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly scheme: string;
  private headersCache: IncomingHeaders | undefined;
  private readonly bodyRef: InboundBody;
  private controller: AbortController | undefined;
  private failure: Error | null = null;
  private remoteEnded: boolean;
  private trailerFields: HeaderField[] | null = null;
  private trailersPromise: Promise<Record<string, string>> | undefined;
  private trailerSettle: { resolve(t: Record<string, string>): void; reject(e: Error): void } | null = null;

  constructor(
    readonly streamId: number,
    head: RequestHead,
    readonly rawHeaders: readonly HeaderField[],
    body: InboundBody | null,
    readonly transportInfo: HandshakeInfo,
    readonly remoteAddress: string,
    endStream: boolean,
  ) {
    this.method = head.method;
    this.path = head.path ?? '';
    this.authority = head.authority ?? '';
    this.scheme = head.scheme ?? '';
    this.bodyRef = body ?? InboundBody.empty();
    this.remoteEnded = endStream;
  }

  get headers(): IncomingHeaders {
    return (this.headersCache ??= fieldsToRecord(this.rawHeaders));
  }

  get body(): InboundBody {
    return this.bodyRef;
  }

  bytes(): Promise<Uint8Array> {
    return this.bodyRef.bytes();
  }

  text(): Promise<string> {
    return this.bodyRef.text();
  }

  json(): Promise<unknown> {
    return this.bodyRef.json();
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.failure !== null) this.controller.abort(this.failure);
    }
    return this.controller.signal;
  }

  get trailers(): Promise<Record<string, string>> {
    if (this.trailersPromise === undefined) {
      if (this.trailerFields !== null) this.trailersPromise = Promise.resolve(trailersToRecord(this.trailerFields));
      else if (this.remoteEnded) this.trailersPromise = Promise.resolve({});
      else if (this.failure !== null) this.trailersPromise = Promise.reject(this.failure);
      else this.trailersPromise = new Promise((resolve, reject) => (this.trailerSettle = { resolve, reject }));
      this.trailersPromise.catch(noop);
    }
    return this.trailersPromise;
  }

  /** True when the handler is reading (or has read) the body. */
  get bodyInUse(): boolean {
    return this.bodyRef.used;
  }

  onTrailers(fields: HeaderField[]): void {
    this.trailerFields = fields;
    this.trailerSettle?.resolve(trailersToRecord(fields));
    this.trailerSettle = null;
  }

  onRemoteEnd(): void {
    this.remoteEnded = true;
    this.trailerSettle?.resolve({});
    this.trailerSettle = null;
  }

  onFailed(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.controller?.abort(error);
    this.trailerSettle?.reject(error);
    this.trailerSettle = null;
  }
}

class H2Response implements ServerResponse, StreamListener {
  headersSent = false;
  closed = false;
  private ended = false;
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

/** One HTTP/2 connection of the server. */
class ServerSession {
  readonly conn: Connection;
  readonly driver: Driver;
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    private readonly server: Http2Server,
    readonly transport: Transport,
    readonly info: HandshakeInfo,
    config: ResolvedConfig,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.driver = new Driver(transport, config.limits.closeTimeoutMs, config.limits.sendStallTimeoutMs);
    this.conn = new Connection('server', config, {
      onOutput: this.driver.wake,
      onRequest: (stream, head, fields, endStream) => this.onRequest(stream, head, fields, endStream),
      onClose: (error, how) => this.onClose(error, how),
    });
    this.driver.attach(this.conn);
    this.driver.start();
  }

  private onRequest(stream: Stream, head: RequestHead, fields: HeaderField[], endStream: boolean): void {
    const req = new H2Request(stream.id, head, fields, stream.body, this.info, this.transport.remoteAddress, endStream);
    const res = new H2Response(this.conn, stream, req);
    stream.listener = res;
    this.server.invoke(req, res, () => this.handlerFailed(res));
  }

  private handlerFailed(res: H2Response): void {
    if (res.closed || res.isEnded) return;
    if (!res.headersSent) {
      try {
        res.respond(500, { 'content-type': 'text/plain' });
        void res.end('internal server error\n');
        return;
      } catch {
        // fall through to the reset
      }
    }
    res.rst(ErrorCode.INTERNAL_ERROR);
  }

  private onClose(error: Http2Error | null, how: CloseHow): void {
    this.driver.onConnectionClosed(how);
    if (error !== null && error.initiator === 'library') this.server.report(error, 'connection');
    void this.transport.closed.then(() => this.resolveClosed());
  }
}

export class Http2Server {
  private listener: Listener | null = null;
  private secure = false;
  private readonly sessions = new Set<ServerSession>();
  private readonly http1Servers = new Set<Http1Server>();
  private closing = false;
  readonly config: ResolvedConfig;

  constructor(
    private readonly options: ServerOptions,
    private readonly handler: Handler,
  ) {
    this.config = resolveConfig('server', options.settings, options.limits);
  }

  /** Starts listening (default host and port from the options; port 0 = any free port). */
  async listen(where: { host?: string; port?: number } = {}): Promise<ListenerAddress> {
    if (this.listener !== null) throw new Error('already listening');
    const { backend: ref, settings: _s, limits: _l, http1, onError: _e, ...listenOptions } = this.options;
    const backend = await resolveBackend(ref ?? (this.options.cert !== undefined ? 'node-tls' : 'tcp'));
    this.secure = backend.secure;
    const alpn = listenOptions.alpn ?? (http1 === false ? ['h2'] : ['h2', 'http/1.1']);
    const onHandshakeError = (err: Parameters<NonNullable<ListenOptions['onHandshakeError']>>[0]): void => {
      listenOptions.onHandshakeError?.(err);
      this.report(err, 'handshake');
    };
    this.listener = await backend.listen({
      ...listenOptions,
      alpn,
      host: where.host ?? listenOptions.host,
      port: where.port ?? listenOptions.port,
      onHandshakeError,
    });
    void this.acceptLoop(this.listener);
    return this.listener.address;
  }

  get address(): ListenerAddress | undefined {
    return this.listener?.address;
  }

  /** "https://host:port" or "http://host:port" once listening. */
  get url(): string {
    const a = this.listener?.address;
    if (a === undefined) throw new Error('not listening');
    const host = a.host.includes(':') ? `[${a.host}]` : a.host;
    return `${this.secure ? 'https' : 'http'}://${host}:${a.port}`;
  }

  /** Open HTTP/2 connections. */
  get connectionCount(): number {
    return this.sessions.size + this.http1Servers.size;
  }

  private async acceptLoop(listener: Listener): Promise<void> {
    try {
      for (;;) {
        const t = await listener.accept();
        if (t === null) return;
        void this.serveTransport(t);
      }
    } catch (err) {
      this.report(err, 'connection');
    }
  }

  /** Serves one accepted transport until it closes. Never rejects. */
  async serveTransport(transport: Transport): Promise<void> {
    let info: HandshakeInfo;
    try {
      info = await transport.handshake();
    } catch (err) {
      this.report(err, 'handshake');
      transport.destroy();
      return;
    }
    if (this.closing) {
      transport.destroy();
      return;
    }
    const alpn = info.alpnProtocol;
    if (alpn === 'http/1.1' && this.options.http1 !== false) {
      const h1 = serveHttp1(transport, info, this.handler, (err) => this.report(err, 'handler'));
      this.http1Servers.add(h1);
      await h1.closed;
      this.http1Servers.delete(h1);
      return;
    }
    if ((info.tlsVersion !== null && alpn !== 'h2') || (alpn !== null && alpn !== 'h2')) {
      this.report(new AlpnError(alpn), 'handshake');
      void transport.close();
      return;
    }
    const session = new ServerSession(this, transport, info, this.config);
    this.sessions.add(session);
    await session.closed;
    this.sessions.delete(session);
  }

  /** @internal Calls the handler; `onFailure` runs if it throws or rejects. */
  invoke(req: ServerRequest, res: ServerResponse, onFailure: () => void): void {
    let result: unknown;
    try {
      result = this.handler(req, res);
    } catch (err) {
      this.report(err, 'handler');
      onFailure();
      return;
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, (err: unknown) => {
        this.report(err, 'handler');
        onFailure();
      });
    }
  }

  /** @internal */
  report(err: unknown, context: 'handler' | 'connection' | 'handshake'): void {
    try {
      this.options.onError?.(err, context);
    } catch {
      // a logging hook must not take the server down
    }
  }

  /**
   * GOAWAY(NO_ERROR) on every open connection while still accepting new ones (e.g. a graceful
   * reload): open streams finish, clients move new requests to a new connection (RFC 9113 6.8).
   */
  drain(): void {
    for (const s of this.sessions) s.conn.shutdown();
    for (const h of this.http1Servers) h.shutdown();
  }

  /**
   * Stops accepting, sends GOAWAY(NO_ERROR) on every connection (RFC 9113 6.8), lets open streams
   * finish, and destroys whatever is still open after `timeoutMs` (default limits.closeTimeoutMs).
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closing = true;
    const timeoutMs = options.timeoutMs ?? this.config.limits.closeTimeoutMs;
    const listener = this.listener;
    if (listener !== null) await listener.close();
    for (const s of this.sessions) s.conn.shutdown();
    for (const h of this.http1Servers) h.shutdown();
    const all = Promise.all([...[...this.sessions].map((s) => s.closed), ...[...this.http1Servers].map((h) => h.closed)]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const s of this.sessions) s.conn.destroy(new ConnectionLostError('server closed', 'user'));
      for (const h of this.http1Servers) h.destroy();
      await Promise.race([all, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
  }
}

export function createServer(options: ServerOptions, handler: Handler): Http2Server;
export function createServer(handler: Handler): Http2Server;
export function createServer(a: ServerOptions | Handler, b?: Handler): Http2Server {
  if (typeof a === 'function') return new Http2Server({}, a);
  if (b === undefined) throw new TypeError('createServer needs a handler');
  return new Http2Server(a, b);
}
