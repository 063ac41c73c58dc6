/**
 * One end of a loopback connection: the Transport the caller holds. It reads from one Link and
 * writes to the other; the simulated handshake (pair.ts) settles it through `establish()` or
 * `failHandshake()`.
 *
 * Lifecycle, matching the contract in src/transport.ts:
 * - Reads, writes and end() issued before the handshake settles queue behind it, in call order.
 * - end() sends end of stream after everything written; the transport is done ("finished",
 *   `closed` resolves) once we have ended and have seen the peer's end of stream.
 * - close() = end() + stop reading (pending and future reads give null, arriving bytes are
 *   discarded so the peer's writes do not hang) + finish once the peer's end of stream arrives,
 *   or destroy after `closeTimeoutMs`.
 * - destroy(err) aborts both links: our pending operations reject with `err` (default CLOSED),
 *   later ones with CLOSED; the peer's pending and later operations reject with PEER_RESET.
 *   The reset reaches the peer at once, not after the link latency: in-memory there is no wire
 *   to race, and tests get a deterministic order.
 */
import {
  TransportError,
  type HandshakeInfo,
  type Transport,
} from '../../src/transport.js';
import type { Link } from './link.js';

export interface EndpointConfig {
  readonly role: 'client' | 'server';
  readonly remoteAddress: string;
  readonly inbound: Link;
  readonly outbound: Link;
  readonly handshakeTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly closeTimeoutMs: number;
}

export class LoopbackTransport implements Transport {
  readonly backend = 'loopback';
  readonly role: 'client' | 'server';
  readonly remoteAddress: string;
  readonly closed: Promise<void>;
  /** The other end; set right after both ends are built. */
  peer: LoopbackTransport | undefined;

  private readonly inbound: Link;
  private readonly outbound: Link;
  private readonly idleTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly handshakePromise: Promise<HandshakeInfo>;
  private settle!: { resolve(info: HandshakeInfo): void; reject(error: Error): void };
  private handshakeSettled = false;
  private established = false;
  /** Set once destroyed, reset by the peer, or the handshake failed: what later calls reject with. */
  private failure: Error | null = null;
  private destroyed = false;
  private finished = false;
  private endPromise: Promise<void> | undefined;
  private readStopped = false;
  private closeStarted = false;
  private peerEofSeen = false;
  private resolveClosed!: () => void;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly finishHooks: (() => void)[] = [];

  constructor(config: EndpointConfig) {
    this.role = config.role;
    this.remoteAddress = config.remoteAddress;
    this.inbound = config.inbound;
    this.outbound = config.outbound;
    this.idleTimeoutMs = config.idleTimeoutMs;
    this.closeTimeoutMs = config.closeTimeoutMs;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.handshakePromise = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Registered before anyone else can see the promise, so it runs before every callback that
    // queued a read or write behind the handshake: those then find `established` set. The
    // rejection branch also keeps a failed handshake from being an unhandled rejection when
    // nobody called handshake().
    this.handshakePromise.then(
      () => {
        this.established = true;
        this.startIdleTimer();
      },
      () => {},
    );
    this.inbound.onEofConsumed = () => {
      this.peerEofSeen = true;
      this.maybeFinish();
    };
    if (config.handshakeTimeoutMs > 0) {
      this.handshakeTimer = setTimeout(() => {
        this.destroy(new TransportError('TIMEOUT', `handshake did not complete within ${config.handshakeTimeoutMs} ms`));
      }, config.handshakeTimeoutMs);
    }
  }

  handshake(): Promise<HandshakeInfo> {
    return this.handshakePromise;
  }

  read(): Promise<Uint8Array | null> {
    if (this.readStopped) return Promise.resolve(null);
    if (this.failure) return Promise.reject(this.failure);
    if (!this.established) return this.handshakePromise.then(() => this.read());
    const pending = this.inbound.read();
    if (this.idleTimer === undefined) return pending;
    return pending.then((chunk) => {
      if (chunk !== null) this.idleTimer?.refresh();
      return chunk;
    });
  }

  write(data: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.endPromise) return Promise.reject(new TransportError('CLOSED', 'write after end()'));
    // Copied now: the caller may reuse its buffer as soon as write() returns, and the bytes may
    // sit in the link or the peer's buffer for a long time.
    const copy = new Uint8Array(data);
    if (!this.established) return this.handshakePromise.then(() => this.send(copy));
    return this.send(copy);
  }

  end(): Promise<void> {
    if (this.endPromise) return this.endPromise;
    if (this.failure) return Promise.reject(this.failure);
    const sendEnd = (): void => {
      if (this.failure) throw this.failure;
      this.outbound.end();
      this.maybeFinish();
    };
    if (this.established) {
      sendEnd();
      this.endPromise = Promise.resolve();
    } else {
      this.endPromise = this.handshakePromise.then(sendEnd);
    }
    return this.endPromise;
  }

  close(): Promise<void> {
    if (this.closeStarted || this.finished) return this.closed;
    this.closeStarted = true;
    // A failure here means the transport is already failed, hence finished: nothing to report.
    this.end().catch(() => {});
    this.readStopped = true;
    this.inbound.stopReading();
    this.maybeFinish();
    if (!this.finished) {
      if (this.closeTimeoutMs <= 0) {
        this.destroy(new TransportError('TIMEOUT', 'closeTimeoutMs is 0: not waiting for the peer to end'));
      } else {
        this.closeTimer = setTimeout(() => {
          this.destroy(new TransportError('TIMEOUT', `peer did not end within ${this.closeTimeoutMs} ms of close()`));
        }, this.closeTimeoutMs);
      }
    }
    return this.closed;
  }

  destroy(error?: Error): void {
    if (this.destroyed || this.failure) return;
    this.destroyed = true;
    const pending = error ?? new TransportError('CLOSED', 'transport destroyed');
    const reset = new TransportError('PEER_RESET', 'the loopback peer destroyed the connection');
    this.outbound.abort(reset, pending);
    this.inbound.abort(pending, reset);
    this.fail(pending, new TransportError('CLOSED', 'transport was destroyed', { cause: error }));
    this.peer?.fail(reset, reset);
  }

  /** Called by the simulated handshake when it succeeded. */
  establish(info: HandshakeInfo): void {
    if (this.handshakeSettled || this.failure) return;
    this.handshakeSettled = true;
    clearTimeout(this.handshakeTimer);
    this.settle.resolve(info);
  }

  /** Called by the simulated handshake when it failed on this side; the peer is told separately. */
  failHandshake(error: TransportError): void {
    if (this.handshakeSettled || this.failure) return;
    this.outbound.abort(error, error);
    this.inbound.abort(error, error);
    this.fail(error, error);
  }

  /** True while the handshake can still go either way. */
  get handshaking(): boolean {
    return !this.handshakeSettled && !this.failure;
  }

  /** Runs `hook` once, when the transport finishes (at once if it already has). */
  onFinish(hook: () => void): void {
    if (this.finished) hook();
    else this.finishHooks.push(hook);
  }

  private send(copy: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.idleTimer?.refresh();
    return this.outbound.write(copy);
  }

  private fail(pending: Error, future: Error): void {
    // A transport that already finished cleanly keeps its clean state (reads give null).
    if (this.failure === null && !this.finished) this.failure = future;
    if (!this.handshakeSettled) {
      this.handshakeSettled = true;
      this.settle.reject(pending);
    }
    this.finish();
  }

  private startIdleTimer(): void {
    if (this.idleTimeoutMs <= 0 || this.finished) return;
    this.idleTimer = setTimeout(() => {
      this.destroy(new TransportError('TIMEOUT', `no traffic for ${this.idleTimeoutMs} ms`));
    }, this.idleTimeoutMs);
  }

  private maybeFinish(): void {
    if (this.outbound.ended && this.peerEofSeen) this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.closeTimer);
    this.idleTimer = undefined;
    this.resolveClosed();
    for (const hook of this.finishHooks.splice(0)) hook();
  }
}
