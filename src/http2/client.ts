/**
 * The HTTP/2 client: `connect(url)` and `Http2Client`, what users hold.
 *
 * Made by `connect(url)`, a client owns its connections: when the server sends GOAWAY it opens a
 * new one for new requests, and requests the server did not process (above GOAWAY's
 * last-stream-id, or refused with REFUSED_STREAM: RFC 9113 6.8, 8.7) are sent again there if
 * their body can be replayed. Made by `fromTransport` it has one connection, and such requests
 * reject with a retryable error (`isRetryable`).
 *
 * Beside it: client-options.ts (what callers pass), client-session.ts (`ClientSession`, one
 * connection and its queue of requests waiting for a stream slot), client-exchange.ts
 * (`Exchange`, one request/response across retries) and client-response.ts (`ClientResponse`,
 * pushed responses).
 */
import { normaliseBody } from './body.js';
import { Exchange, type ExchangeOwner } from './client-exchange.js';
import type { ClientOptions, ConnectOptions, RequestInit } from './client-options.js';
import type { ClientResponse } from './client-response.js';
import { ClientSession, type SessionOwner } from './client-session.js';
import { ConnectionError, ErrorCode, type Http2Error } from './errors.js';
import { appendUserHeaders } from './headers.js';
import type { HeaderField } from './hpack/index.js';
import { resolveConfig, type Http2Settings, type ResolvedConfig } from './limits.js';
import { AlpnError, ConnectionLostError, RequestAbortedError, RequestRefusedError } from './session-errors.js';
import { resolveBackend } from '../registry.js';
import type { HandshakeInfo, Transport } from '../transport.js';

export class Http2Client implements ExchangeOwner, SessionOwner {
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
    return new Exchange(this, method, path, init.authority ?? host, fields, body, trailers, init.signal, init.onInformational);
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

  /** Graceful: no new requests; queued and open ones finish (bounded by limits.closeTimeoutMs unless 0), then GOAWAY and close. */
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

/**
 * Connects to `url` (https: or http:) and negotiates HTTP/2 (ALPN "h2" over TLS, prior knowledge
 * in cleartext). The client owns its connections: it reconnects after GOAWAY (see top of file).
 *
 * Options the chosen backend adds to the common ones are passed through to it; name their type to
 * use them, e.g. `connect<ForgeTlsOptions>(url, { backend: 'forge-tls13', crypto: 'forge' })`.
 * Without it, an option nobody declares is a compile error, as it should be for a typo.
 */
export async function connect<BackendOptions extends object = object>(
  url: string | URL,
  options: ConnectOptions & NoInfer<BackendOptions> = {} as ConnectOptions & BackendOptions,
): Promise<Http2Client> {
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
