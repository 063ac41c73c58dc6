/**
 * The HTTP/2 server: `createServer(options, handler)` and `Http2Server`.
 *
 * Each accepted transport is checked for ALPN (RFC 9113 3.2: "h2" over TLS; cleartext runs h2c
 * with prior knowledge, 3.3). ALPN "http/1.1" goes to the HTTP/1.1 fallback (http1.ts), which runs
 * the same handler. Otherwise a `ServerSession` (server-session.ts) serves it, and every request
 * calls `handler(req, res)` (the types are handler.ts; HTTP/2's are server-request.ts and
 * server-response.ts):
 * - a handler that throws (or rejects) gets a 500 if nothing was sent yet, else RST_STREAM
 *   INTERNAL_ERROR: never a crash;
 * - `req.signal` aborts when the stream is reset or the connection is lost;
 * - `close()` sends GOAWAY to every connection, lets open streams finish, and destroys what is
 *   left after `limits.closeTimeoutMs`.
 */
import type { Handler, ServerRequest, ServerResponse } from './handler.js';
import { resolveConfig, startTimer, type Http2Limits, type Http2Settings, type ResolvedConfig } from './limits.js';
import { AlpnError, ConnectionLostError } from './session-errors.js';
import { ServerSession, type ServerSessionOwner } from './server-session.js';
import { serveHttp1, type Http1Server } from './http1.js';
import { resolveBackend, type BackendRef } from '../registry.js';
import type { HandshakeInfo, ListenOptions, Listener, ListenerAddress, Transport } from '../transport.js';

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

export class Http2Server implements ServerSessionOwner {
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
   * finish, and destroys whatever is still open after `timeoutMs` (default limits.closeTimeoutMs;
   * 0 = no timeout, as for every timeout in limits.ts).
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
      // Kept alive: with in-memory transports nothing else may hold the event loop open.
      new Promise<boolean>((resolve) => (timer = startTimer(timeoutMs, () => resolve(true), true))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const s of this.sessions) s.conn.destroy(new ConnectionLostError('server closed', 'user'));
      for (const h of this.http1Servers) h.destroy();
      await Promise.race([all, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
  }
}

/**
 * An HTTP/2 server (and HTTP/1.1, see `http1`) on the chosen backend. As with `connect`, options
 * the backend adds are passed through: `createServer<ForgeTlsOptions>({ backend: 'forge-tls13',
 * cert, key, ticketCount: 0 }, handler)`.
 */
export function createServer<BackendOptions extends object = object>(options: ServerOptions & NoInfer<BackendOptions>, handler: Handler): Http2Server;
export function createServer(handler: Handler): Http2Server;
export function createServer(a: ServerOptions | Handler, b?: Handler): Http2Server {
  if (typeof a === 'function') return new Http2Server({}, a);
  if (b === undefined) throw new TypeError('createServer needs a handler');
  return new Http2Server(a, b);
}
