/**
 * `ClientSession`: one connection of a client (Transport + Driver + Connection), and the queue of
 * requests waiting for a stream slot under the server's SETTINGS_MAX_CONCURRENT_STREAMS (5.1.2;
 * bounded by limits.maxQueuedRequests). Requests still queued when the server sends GOAWAY or the
 * connection ends go back to the client, which sends them elsewhere or fails them (client.ts).
 */
import type { ClientOptions } from './client-options.js';
import type { Exchange } from './client-exchange.js';
import { PushExchange } from './client-response.js';
import { Connection } from './connection.js';
import { Driver } from './driver.js';
import { ErrorCode, StreamError, type Http2Error } from './errors.js';
import type { GoawayInfo } from './goaway.js';
import { fieldsToRecord, type RequestHead } from './headers.js';
import type { HeaderField } from './hpack/index.js';
import { startTimer, type ResolvedConfig } from './limits.js';
import { ConnectionLostError, QueueFullError } from './session-errors.js';
import type { Stream } from './stream.js';
import { Fifo } from '../fifo.js';
import type { HandshakeInfo, Transport } from '../transport.js';

/** The client a session belongs to (Http2Client): it takes back the requests a session cannot send. */
export interface SessionOwner {
  /** A queued request never reached the wire here: it may go elsewhere. */
  redispatch(ex: Exchange, from: ClientSession, error?: Http2Error): void;
  onSessionGoaway(session: ClientSession): void;
  onSessionClosed(session: ClientSession): void;
}

/** One HTTP/2 connection of a client. */
export class ClientSession {
  readonly conn: Connection;
  readonly driver: Driver;
  readonly closed: Promise<void>;
  private readonly queue = new Fifo<Exchange>();
  private closingGracefully = false;
  private resolveClosed!: () => void;

  constructor(
    private readonly client: SessionOwner,
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
      const timer = startTimer(this.config.limits.closeTimeoutMs, () => this.conn.destroy(new ConnectionLostError('close() timed out', 'user')));
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
