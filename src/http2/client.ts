/**
 * The HTTP/2 client.
 *
 * - `Http2Client` is what users hold. Made by `connect(url)` it owns its connections: when the
 *   server sends GOAWAY it opens a new one for new requests, and requests the server did not
 *   process (above GOAWAY's last-stream-id, or refused with REFUSED_STREAM: RFC 9113 6.8, 8.7)
 *   are sent again there if their body can be replayed. Made by `fromTransport` it has one
 *   connection and such requests reject with a retryable error (`isRetryable`).
 * - `ClientSession` is one connection: Transport + Driver + Connection, and the queue of requests
 *   waiting for a stream slot under the server's SETTINGS_MAX_CONCURRENT_STREAMS (bounded).
 * - `Exchange` is one request/response: it listens to its stream and settles the promises.
 */
import { InboundBody, normaliseBody, toBytes, type BodyInit, type NormalisedBody } from './body.js';
import { Connection } from './connection.js';
import { Driver } from './driver.js';
import { ConnectionError, ErrorCode, StreamError, type Http2Error } from './errors.js';
import type { GoawayInfo } from './goaway.js';
import { appendUserHeaders, fieldsToRecord, trailersToRecord, type HeadersInit, type IncomingHeaders, type RequestHead, type ResponseHead } from './headers.js';
import type { HeaderField } from './hpack/index.js';
import { resolveConfig, type Http2Limits, type Http2Settings, type ResolvedConfig } from './limits.js';
import { AlpnError, ConnectionLostError, QueueFullError, RequestAbortedError, RequestRefusedError, isRetryable } from './session-errors.js';
import type { Stream, StreamListener } from './stream.js';
import { Fifo } from '../fifo.js';
import { resolveBackend, type BackendRef } from '../registry.js';
import type { ConnectOptions as TransportConnectOptions, HandshakeInfo, Transport } from '../transport.js';

export interface ClientOptions {
  settings?: Partial<Http2Settings>;
  limits?: Partial<Http2Limits>;
  /** Shorthand for limits.maxQueuedRequests. */
  maxQueuedRequests?: number;
  /** Default :authority. connect(): the URL's host; fromTransport(): SNI, else "localhost". */
  authority?: string;
  /** Default :scheme: "https" over TLS, else "http" (connect(): the URL's). */
  scheme?: string;
  /** A retryable request is sent at most this many times in all (owning clients only). Default 3. */
  maxAttempts?: number;
  onGoaway?: (info: GoawayInfo) => void;
  onRemoteSettings?: (settings: Readonly<Http2Settings>) => void;
  /** Server push (needs settings.enablePush = true). Without it, promises are refused with CANCEL. */
  onPush?: (push: PushedResponse) => void;
}

export interface ConnectOptions extends Omit<TransportConnectOptions, 'host' | 'port'>, ClientOptions {
  /** Default: 'node-tls' for https:, 'tcp' for http:. */
  backend?: BackendRef;
}

export interface RequestInit {
  method?: string;
  path?: string;
  authority?: string;
  headers?: HeadersInit;
  body?: BodyInit;
  signal?: AbortSignal;
  trailers?: Record<string, string>;
  /** Header names sent never-indexed (RFC 7541 6.2.3): secrets that must not enter HPACK tables. */
  sensitiveHeaders?: string[];
}

export interface PushedResponse {
  readonly associatedStreamId: number;
  readonly streamId: number;
  readonly request: { method: string; path: string; authority: string; headers: IncomingHeaders };
  readonly response: Promise<ClientResponse>;
  cancel(): void;
}

const DONE_TRAILERS: Promise<Record<string, string>> = Promise.resolve({});

export class ClientResponse {
  private headersCache: IncomingHeaders | undefined;

  constructor(
    readonly status: number,
    readonly rawHeaders: readonly HeaderField[],
    readonly body: InboundBody,
    readonly trailers: Promise<Record<string, string>>,
    readonly streamId: number,
  ) {}

  get headers(): IncomingHeaders {
    return (this.headersCache ??= fieldsToRecord(this.rawHeaders));
  }

  bytes(): Promise<Uint8Array> {
    return this.body.bytes();
  }

  text(): Promise<string> {
    return this.body.text();
  }

  json(): Promise<unknown> {
    return this.body.json();
  }

  /** Not interested in the rest: RST_STREAM CANCEL. */
  cancel(): void {
    this.body.cancel();
  }
}

/** One request and its response, across retries. */
class Exchange implements StreamListener {
  stream: Stream | null = null;
  session: ClientSession | null = null;
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
    readonly client: Http2Client,
    readonly method: string,
    readonly path: string,
    readonly authority: string | undefined,
    readonly fields: HeaderField[],
    readonly body: NormalisedBody,
    readonly trailers: HeaderField[] | undefined,
    readonly signal: AbortSignal | undefined,
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
  start(session: ClientSession): void {
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
      // The caller's error (e.g. a header list over the peer's limit) is what the request rejects with.
      this.fail(err instanceof Error ? err : new Error(String(err)));
      conn.cancelStream(s, ErrorCode.CANCEL, asStreamError(s.id, err));
    }
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
    if (head.status < 200) return; // interim (8.1): nothing to expose yet
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

/** A stream the server promised (8.4), as the user sees it. */
class PushExchange implements StreamListener {
  readonly promise: Promise<ClientResponse>;
  private resolve!: (r: ClientResponse) => void;
  private reject!: (e: Error) => void;
  private settled = false;
  private trailerSettle: { resolve(t: Record<string, string>): void; reject(e: Error): void } | null = null;

  constructor(private readonly stream: Stream) {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.catch(() => {});
  }

  onResponseHeaders(head: ResponseHead, fields: HeaderField[], endStream: boolean): void {
    if (head.status < 200) return;
    const trailers = endStream ? DONE_TRAILERS : new Promise<Record<string, string>>((resolve, reject) => (this.trailerSettle = { resolve, reject }));
    trailers.catch(() => {});
    this.settled = true;
    this.resolve(new ClientResponse(head.status, fields, this.stream.body ?? InboundBody.empty(), trailers, this.stream.id));
  }

  onTrailers(fields: HeaderField[]): void {
    this.trailerSettle?.resolve(trailersToRecord(fields));
    this.trailerSettle = null;
  }

  onRemoteEnd(): void {
    this.trailerSettle?.resolve({});
    this.trailerSettle = null;
  }

  onLocalEnd(): void {}

  onClose(error: Http2Error | null): void {
    if (error === null) return;
    this.trailerSettle?.reject(error);
    this.trailerSettle = null;
    if (!this.settled) this.reject(error);
    this.settled = true;
  }
}

/** One HTTP/2 connection of a client. */
class ClientSession {
  readonly conn: Connection;
  readonly driver: Driver;
  readonly closed: Promise<void>;
  private readonly queue = new Fifo<Exchange>();
  private closingGracefully = false;
  private resolveClosed!: () => void;

  constructor(
    private readonly client: Http2Client,
    readonly transport: Transport,
    readonly info: HandshakeInfo,
    readonly config: ResolvedConfig,
    readonly scheme: string,
    readonly authority: string,
    private readonly options: ClientOptions,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.driver = new Driver(transport, config.limits.closeTimeoutMs, config.limits.sendStallTimeoutMs);
    this.conn = new Connection('client', config, {
      onOutput: this.driver.wake,
      onStreamSlot: () => this.pump(),
      onGoaway: (info) => this.onGoaway(info),
      onRemoteSettings: options.onRemoteSettings,
      onPushPromise: (parent, promised, head, fields) => this.onPush(parent, promised, head, fields),
      onClose: (error, how) => this.onClose(error, how),
    });
    this.driver.attach(this.conn);
    this.driver.start();
  }

  get usable(): boolean {
    return this.conn.state === 'open' && !this.closingGracefully;
  }

  enqueue(ex: Exchange): void {
    if (ex.settled) return; // aborted while waiting for a connection
    if (this.queue.length === 0 && this.conn.canOpenStream()) {
      ex.session = this;
      ex.start(this);
      return;
    }
    const limit = this.config.limits.maxQueuedRequests;
    if (this.queue.length >= limit) {
      ex.fail(new QueueFullError(limit));
      return;
    }
    ex.session = this;
    this.queue.push(ex);
  }

  dequeue(ex: Exchange): void {
    this.queue.remove((x) => x === ex);
    this.maybeShutdown();
  }

  /** Starts queued requests while the server's MAX_CONCURRENT_STREAMS allows (5.1.2). */
  pump(): void {
    while (this.queue.length > 0 && this.conn.canOpenStream()) {
      const ex = this.queue.shift()!;
      if (!ex.settled) ex.start(this);
    }
    this.maybeShutdown();
  }

  /** Graceful close: let queued and open requests finish, then GOAWAY and close; bounded. */
  close(): Promise<void> {
    if (!this.closingGracefully) {
      this.closingGracefully = true;
      const timer = setTimeout(() => this.conn.destroy(new ConnectionLostError('close() timed out', 'user')), this.config.limits.closeTimeoutMs);
      timer.unref();
      void this.closed.then(() => clearTimeout(timer));
      this.maybeShutdown();
    }
    return this.closed;
  }

  private maybeShutdown(): void {
    if (this.closingGracefully && this.queue.length === 0 && this.conn.streams.size === 0) this.conn.shutdown();
  }

  private onGoaway(info: GoawayInfo): void {
    // 6.8: "Receivers of a GOAWAY frame MUST NOT open additional streams on the connection".
    for (const ex of this.queue.drain()) this.client.redispatch(ex, this);
    this.options.onGoaway?.(info);
    this.client.onSessionGoaway(this);
  }

  private onPush(parent: Stream | undefined, promised: Stream, head: RequestHead, fields: HeaderField[]): boolean {
    const onPush = this.options.onPush;
    if (onPush === undefined || parent === undefined) return false;
    const push = new PushExchange(promised);
    promised.listener = push;
    const conn = this.conn;
    onPush({
      associatedStreamId: parent.id,
      streamId: promised.id,
      request: { method: head.method, path: head.path ?? '', authority: head.authority ?? '', headers: fieldsToRecord(fields) },
      response: push.promise,
      cancel: () => conn.cancelStream(promised, ErrorCode.CANCEL, new StreamError(promised.id, ErrorCode.CANCEL, 'push cancelled', 'user')),
    });
    return true;
  }

  private onClose(error: Http2Error | null, how: Parameters<Driver['onConnectionClosed']>[0]): void {
    this.driver.onConnectionClosed(how);
    const waiting = this.queue.drain();
    for (const ex of waiting) this.client.redispatch(ex, this, error ?? undefined);
    this.client.onSessionClosed(this);
    void this.transport.closed.then(() => this.resolveClosed());
  }
}

export class Http2Client {
  private session: ClientSession | null = null;
  private connecting: Promise<ClientSession> | null = null;
  private closing = false;
  private readonly config: ResolvedConfig;
  private readonly maxAttempts: number;

  private constructor(
    private readonly options: ClientOptions,
    /** Opens a new transport: set when the client owns its connections (connect(url)). */
    private readonly factory: (() => Promise<Transport>) | null,
    private readonly defaults: { scheme: string | undefined; authority: string | undefined },
  ) {
    const limits = { ...options.limits };
    if (options.maxQueuedRequests !== undefined) limits.maxQueuedRequests = options.maxQueuedRequests;
    this.config = resolveConfig('client', options.settings, limits);
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  /** A client over one already-connected transport (the caller owns reconnecting). */
  static async fromTransport(transport: Transport, options: ClientOptions = {}): Promise<Http2Client> {
    const client = new Http2Client(options, null, { scheme: options.scheme, authority: options.authority });
    client.session = await client.openSession(transport);
    return client;
  }

  /** @internal used by connect() */
  static async connectWith(factory: () => Promise<Transport>, options: ClientOptions, defaults: { scheme: string; authority: string }): Promise<Http2Client> {
    const client = new Http2Client(options, factory, defaults);
    client.session = await client.openSession(await factory());
    return client;
  }

  /** What the current connection's handshake negotiated. */
  get info(): HandshakeInfo {
    const s = this.session;
    if (s === null) throw new Error('no connection');
    return s.info;
  }

  /** The peer's settings on the current connection. */
  get remoteSettings(): Readonly<Http2Settings> | undefined {
    return this.session?.conn.remoteSettings;
  }

  /** Resolves when the current connection is closed. */
  get closed(): Promise<void> {
    return this.session?.closed ?? Promise.resolve();
  }

  request(init: RequestInit = {}): Promise<ClientResponse> {
    let ex: Exchange;
    try {
      ex = this.prepare(init);
    } catch (err) {
      return Promise.reject(err);
    }
    if (init.signal?.aborted === true) {
      ex.fail(new RequestAbortedError(0, init.signal.reason));
      return ex.promise;
    }
    this.dispatch(ex);
    return ex.promise;
  }

  private prepare(init: RequestInit): Exchange {
    if (this.closing) throw new ConnectionError(ErrorCode.NO_ERROR, 'client is closed', 'user');
    const method = init.method ?? 'GET';
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method)) throw new TypeError(`invalid method ${JSON.stringify(method)}`);
    const path = init.path ?? '/';
    if (path === '' || /[\0\r\n ]/.test(path)) throw new TypeError(`invalid path ${JSON.stringify(path)}`);
    const fields: HeaderField[] = [];
    const host = appendUserHeaders(fields, init.headers, { sensitive: init.sensitiveHeaders, request: true });
    let trailers: HeaderField[] | undefined;
    if (init.trailers !== undefined) {
      trailers = [];
      appendUserHeaders(trailers, init.trailers, { trailers: true });
      if (trailers.length === 0) trailers = undefined;
    }
    const body = normaliseBody(init.body);
    if (body.kind === 'bytes' && !fields.some((f) => f.name === 'content-length') && trailers === undefined) {
      fields.push({ name: 'content-length', value: String(body.bytes.length) });
    }
    return new Exchange(this, method, path, init.authority ?? host, fields, body, trailers, init.signal);
  }

  /** @internal Sends (or queues) an exchange on a usable connection, opening one if we own them. */
  dispatch(ex: Exchange): void {
    const s = this.session;
    if (s !== null && s.usable) {
      s.enqueue(ex);
      return;
    }
    if (this.factory === null || this.closing) {
      ex.fail(s?.conn.closeError ?? new RequestRefusedError(0, 'the connection is going away (GOAWAY); open a new one (RFC 9113 6.8)'));
      return;
    }
    void this.reconnect().then(
      (session) => (session.usable ? session.enqueue(ex) : ex.fail(new ConnectionLostError('new connection is not usable', 'library'))),
      (err: unknown) => ex.fail(err instanceof Error ? err : new Error(String(err))),
    );
  }

  /** @internal A queued exchange never reached the wire: it may always go elsewhere. */
  redispatch(ex: Exchange, from: ClientSession, error?: Http2Error): void {
    ex.session = null;
    if (this.factory !== null && !this.closing) {
      if (this.session === from) this.session = null;
      this.dispatch(ex);
      return;
    }
    ex.fail(error ?? new RequestRefusedError(0, 'not sent: the connection is going away (RFC 9113 6.8)'));
  }

  /**
   * @internal A request the server did not process may go again: on this connection if it is
   * still usable (REFUSED_STREAM), else on a new one if we own connections (GOAWAY).
   */
  canRetry(ex: Exchange): boolean {
    if (this.closing || ex.attempts >= this.maxAttempts) return false;
    return this.factory !== null || this.session?.usable === true;
  }

  /** @internal */
  onSessionGoaway(session: ClientSession): void {
    if (this.session === session && this.factory !== null) this.session = null;
    if (this.factory !== null) void session.close();
  }

  /** @internal */
  onSessionClosed(session: ClientSession): void {
    if (this.session === session && this.factory !== null) this.session = null;
  }

  private reconnect(): Promise<ClientSession> {
    if (this.connecting === null) {
      const factory = this.factory!;
      this.connecting = factory()
        .then((t) => this.openSession(t))
        .then(
          (session) => {
            this.connecting = null;
            if (this.closing) void session.close();
            else this.session = session;
            return session;
          },
          (err: unknown) => {
            this.connecting = null;
            throw err;
          },
        );
    }
    return this.connecting;
  }

  private async openSession(transport: Transport): Promise<ClientSession> {
    let info: HandshakeInfo;
    try {
      info = await transport.handshake();
    } catch (err) {
      transport.destroy();
      throw err;
    }
    // 3.2: over TLS, HTTP/2 needs ALPN "h2"; cleartext runs h2c with prior knowledge (3.3),
    // and a cleartext backend that negotiated ALPN (loopback) must have agreed on h2 or nothing.
    const alpn = info.alpnProtocol;
    if ((info.tlsVersion !== null && alpn !== 'h2') || (info.tlsVersion === null && alpn !== null && alpn !== 'h2')) {
      void transport.close();
      throw new AlpnError(alpn);
    }
    const scheme = this.defaults.scheme ?? (info.tlsVersion !== null ? 'https' : 'http');
    const authority = this.defaults.authority ?? info.serverName ?? 'localhost';
    return new ClientSession(this, transport, info, this.config, scheme, authority, this.options);
  }

  ping(): Promise<number> {
    const s = this.session;
    if (s === null) return Promise.reject(new ConnectionError(ErrorCode.NO_ERROR, 'no connection', 'user'));
    return s.conn.ping();
  }

  /** Graceful: no new requests; queued and open ones finish (bounded by limits.closeTimeoutMs), then GOAWAY and close. */
  async close(): Promise<void> {
    this.closing = true;
    const pending = this.connecting;
    const s = this.session;
    if (pending !== null) await pending.catch(() => undefined);
    if (s !== null) await s.close();
    const latest = this.session;
    if (latest !== null && latest !== s) await latest.close();
  }

  /** Aborts at once: every request fails with `err` (or a ConnectionLostError). */
  destroy(err?: Error): void {
    this.closing = true;
    const error = err instanceof ConnectionError ? err : new ConnectionLostError(err?.message ?? 'client destroyed', 'user', err);
    this.session?.conn.destroy(error);
  }
}

function asStreamError(id: number, err: unknown): StreamError {
  if (err instanceof StreamError) return err;
  const e = new StreamError(id, ErrorCode.CANCEL, err instanceof Error ? err.message : String(err), 'user');
  (e as { cause?: unknown }).cause = err;
  return e;
}

/**
 * Connects to `url` (https: or http:) and negotiates HTTP/2 (ALPN "h2" over TLS, prior knowledge
 * in cleartext). The client owns its connections: it reconnects after GOAWAY (see top of file).
 */
export async function connect(url: string | URL, options: ConnectOptions = {}): Promise<Http2Client> {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new TypeError(`unsupported URL scheme ${u.protocol}`);
  const secure = u.protocol === 'https:';
  const backend = await resolveBackend(options.backend ?? (secure ? 'node-tls' : 'tcp'));
  const { backend: _b, settings: _s, limits: _l, maxQueuedRequests: _q, authority, scheme, maxAttempts: _m, onGoaway: _g, onRemoteSettings: _r, onPush: _p, ...transportOptions } = options;
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const port = u.port === '' ? (secure ? 443 : 80) : Number(u.port);
  const factory = (): Promise<Transport> => backend.connect({ alpn: ['h2'], ...transportOptions, host, port });
  return Http2Client.connectWith(factory, options, { scheme: scheme ?? (secure ? 'https' : 'http'), authority: authority ?? u.host });
}
