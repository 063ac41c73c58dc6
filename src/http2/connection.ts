/**
 * The HTTP/2 connection core, client and server: bytes in (`receive`), frames out (`takeOutput`),
 * events to the layer above (connection-hooks.ts, `StreamListener`). No I/O: driver.ts moves the
 * bytes, client.ts / server.ts give it an API.
 *
 * This file owns the connection's state (open, draining, closed; the GOAWAYs) and every stream's
 * lifecycle. The work of each frame type and concern sits beside it, handed what it needs through
 * the `ops` built in the constructor: recv-stream.ts (DATA, RST_STREAM, WINDOW_UPDATE, receive
 * credit), recv-headers.ts (field blocks), settings-sync.ts, ping.ts, goaway.ts, preface.ts,
 * watchdogs.ts, and send.ts for all we send.
 *
 * Three rules keep it readable:
 * - `transition()` is the only code that changes a stream's state (table in stream-state.ts);
 *   the helpers ask for transitions, they never set `state`;
 * - `handleError()` is the only code that turns errors into frames: StreamError -> RST_STREAM,
 *   ConnectionError -> GOAWAY and close (RFC 9113 5.4); the helpers throw, or ask for a reset;
 * - window arithmetic only happens through flow-control.ts.
 *
 * Receiving dispatches with a `switch` over the frame type ending in `assertNever`: this is the
 * per-frame hot path, where ts-pattern's per-call allocation shows, and the `never` check makes a
 * missing frame type a compile error just the same (see test/http2/exhaustive-check.ts).
 */
import type { CloseHow, ConnectionHooks } from './connection-hooks.js';
import { ConnectionError, ErrorCode, Http2Error, StreamError } from './errors.js';
import { FloodGuard } from './flood.js';
import { CONNECTION_PREFACE, FrameReader, encodeFrame, type Frame, type GoawayFrame } from './frame/index.js';
import { encodeGoaway, mergeGoaway, refuseUnprocessed, type GoawayInfo } from './goaway.js';
import { HpackDecoder, type HeaderField } from './hpack/index.js';
import { RFC_INITIAL_SETTINGS, type Http2Settings, type ResolvedConfig } from './limits.js';
import { OutputBuffer } from './output.js';
import { PingTracker } from './ping.js';
import { PrefaceCheck } from './preface.js';
import { HeaderReceiver } from './recv-headers.js';
import { StreamReceiver } from './recv-stream.js';
import { Sender } from './send.js';
import { LocalSettings } from './settings.js';
import { SettingsSync } from './settings-sync.js';
import { Stream } from './stream.js';
import { canSend, countsTowardConcurrency, nextState, transitionError, type StreamEvent } from './stream-state.js';
import { StreamStore } from './streams.js';
import { Watchdogs } from './watchdogs.js';

export { RESOLVED } from './send.js';

export function assertNever(x: never): never {
  throw new Error(`unhandled case ${JSON.stringify(x)}`);
}

export class Connection {
  readonly streams: StreamStore;
  readonly localSettings: LocalSettings;
  /** The peer's settings as currently in force. */
  readonly remoteSettings: Http2Settings = { ...RFC_INITIAL_SETTINGS };
  state: 'open' | 'draining' | 'closed' = 'open';
  goawaySent: GoawayInfo | null = null;
  goawayReceived: GoawayInfo | null = null;
  closeError: Http2Error | null = null;

  private readonly out = new OutputBuffer();
  private readonly reader = new FrameReader();
  private readonly preface: PrefaceCheck;
  private readonly decoder: HpackDecoder;
  private readonly flood: FloodGuard;
  private readonly sender: Sender;
  private readonly settings: SettingsSync;
  private readonly streamRecv: StreamReceiver;
  private readonly headerRecv: HeaderReceiver;
  private readonly pings: PingTracker;
  private readonly watchdogs: Watchdogs;
  private slotNotifyQueued = false;

  constructor(
    readonly role: 'client' | 'server',
    readonly config: ResolvedConfig,
    private readonly hooks: ConnectionHooks,
  ) {
    const { settings, limits } = config;
    this.streams = new StreamStore(role, limits.maxRecentlyClosed);
    this.localSettings = new LocalSettings(settings);
    // Header-list policy applies from the first block (see settings.ts); the table size only on ACK.
    this.decoder = new HpackDecoder({ maxHeaderListSize: settings.maxHeaderListSize });
    this.preface = new PrefaceCheck(role);
    this.flood = new FloodGuard(limits);
    // All the helpers may ask of the connection; each one's host interface picks what it uses.
    const ops = {
      role,
      limits,
      streams: this.streams,
      flood: this.flood,
      localSettings: this.localSettings,
      remoteSettings: this.remoteSettings,
      connectionState: () => this.state,
      goawaySent: () => this.goawaySent !== null,
      newRemoteStream: (id: number) => this.newStream(id, false),
      transition: (s: Stream, event: StreamEvent) => this.transition(s, event),
      sendHeaders: (s: Stream, fields: HeaderField[], endStream: boolean) => this.sendHeaders(s, fields, endStream),
      resetStream: (id: number, code: number, err: Http2Error) => this.resetStream(id, code, err),
      cancelStream: (s: Stream, code: number, err: Http2Error) => this.cancelStream(s, code, err),
      queueControl: (frame: Uint8Array) => this.queueControl(frame),
      notifySlot: () => this.notifySlot(),
      shutdown: () => this.shutdown(),
      safely: (fn: () => void) => this.safely(fn),
      hooks: this.hooks,
      onOutput: () => this.hooks.onOutput(),
    };
    this.sender = new Sender(this.out, ops);
    this.settings = new SettingsSync(this.out, this.sender, this.decoder, this.reader, ops);
    this.streamRecv = new StreamReceiver(this.out, this.sender, ops);
    this.headerRecv = new HeaderReceiver(this.decoder, this.streamRecv, ops);
    this.pings = new PingTracker(this.out, ops);
    this.watchdogs = new Watchdogs(this.sender.window, ops);
  }

  // ---- Lifecycle ----

  /** Writes our preface: 3.4 (client magic) + SETTINGS, and a connection WINDOW_UPDATE if configured. */
  start(): void {
    if (this.role === 'client') this.out.bytes(CONNECTION_PREFACE);
    this.settings.send();
    this.streamRecv.openConnectionWindow(this.config.limits.connectionWindowSize);
    this.watchdogs.start();
    this.hooks.onOutput();
  }

  /** Sends SETTINGS (the preface's, or a later update) and arms SETTINGS_TIMEOUT (6.5.3). */
  sendSettings(update?: Partial<Http2Settings>): void {
    this.settings.send(update);
  }

  /** Graceful shutdown: GOAWAY(NO_ERROR, last peer stream), finish open streams, then close (6.8). */
  shutdown(): void {
    if (this.state === 'closed') return;
    if (this.goawaySent === null) this.writeGoaway(ErrorCode.NO_ERROR, '');
    this.state = 'draining';
    this.maybeFinishDraining();
  }

  /** Aborts at once: no more frames; streams fail with `error`. */
  destroy(error: Http2Error): void {
    if (this.state === 'closed') return;
    this.out.discard();
    this.closeAll(error, 'destroyed');
  }

  /** The transport ended (null) or failed. */
  onTransportEnd(error: Http2Error): void {
    if (this.state === 'closed') return;
    this.closeAll(error, 'transport');
  }

  /** Unflushed output above the limit: the driver stops reading until it drains. */
  get backlogged(): boolean {
    return this.out.length > this.config.limits.maxOutputBufferBytes;
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** The next batch of bytes for the transport (DATA scheduled now), or null. */
  takeOutput(): Uint8Array | null {
    if (this.state !== 'closed') this.sender.fill();
    const batch = this.out.take();
    if (batch !== null) this.out.controlFrames = 0;
    else this.out.release();
    return batch;
  }

  /** Round-trip time in milliseconds (PING and its ACK, 6.7). */
  ping(): Promise<number> {
    if (this.state === 'closed') return Promise.reject(this.closeError ?? new ConnectionError(ErrorCode.NO_ERROR, 'connection closed'));
    return this.pings.send();
  }

  // ---- Errors: the one place they become frames (RFC 9113 5.4) ----

  /** Runs `fn` from a timer or microtask: whatever it throws is handled here, never escapes. */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      try {
        this.handleError(err);
      } catch {
        this.destroy(new ConnectionError(ErrorCode.INTERNAL_ERROR, 'internal error'));
      }
    }
  }

  private handleError(err: unknown): void {
    if (this.state === 'closed') return;
    if (err instanceof StreamError) {
      this.resetStream(err.streamId, err.code, err);
    } else if (err instanceof ConnectionError) {
      this.fail(err);
    } else {
      const wrapped = new ConnectionError(ErrorCode.INTERNAL_ERROR, `internal error: ${err instanceof Error ? err.message : String(err)}`);
      (wrapped as { cause?: unknown }).cause = err;
      this.fail(wrapped);
    }
  }

  /** 5.4.1: GOAWAY with the last peer stream we processed, then close. */
  private fail(err: ConnectionError): void {
    if (this.state === 'closed') return;
    this.writeGoaway(err.code, err.initiator === 'library' ? err.message : '');
    this.closeAll(err, 'error');
  }

  /** 5.4.2: RST_STREAM; the stream is closed and remembered as reset by us. */
  private resetStream(id: number, code: number, err: Http2Error): void {
    if (!this.queueControl(encodeFrame({ type: 'RST_STREAM', streamId: id, errorCode: code }))) return;
    const s = this.streams.get(id);
    if (s === undefined) {
      this.streams.rememberClosed(id, 'reset-by-us');
      return;
    }
    s.error ??= err;
    this.transition(s, 'send-rst');
  }

  /** Application-initiated reset (cancel, abort, handler failure). */
  cancelStream(s: Stream, code: number, err: Http2Error): void {
    if (this.state === 'closed' || s.state === 'closed') return;
    if (s.state === 'idle') {
      // Never sent anything: nothing to reset on the wire (RST_STREAM on an idle stream is a
      // connection error for the peer, 5.1), but the stream still closes like any other, with
      // the bookkeeping that goes with it (a draining connection may be waiting for it).
      s.error ??= err;
      this.transition(s, 'abandon');
      return;
    }
    this.resetStream(s.id, code, err);
  }

  private writeGoaway(code: number, debug: string): void {
    const { frame, info } = encodeGoaway(this.streams.lastRemoteId, code, debug);
    this.out.bytes(frame);
    this.goawaySent = info;
    this.hooks.onOutput();
  }

  /** Writes an answer we owe the peer; false (and ENHANCE_YOUR_CALM) if too many are piling up unread. */
  private queueControl(frame: Uint8Array): boolean {
    if (++this.out.controlFrames > this.config.limits.maxQueuedControlFrames) {
      this.fail(new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, 'too many control frames queued while the peer is not reading'));
      return false;
    }
    this.out.bytes(frame);
    this.hooks.onOutput();
    return true;
  }

  private closeAll(error: Http2Error | null, how: CloseHow): void {
    this.state = 'closed';
    this.closeError = error;
    this.settings.stop();
    this.watchdogs.stop();
    const failure = error ?? new ConnectionError(ErrorCode.NO_ERROR, 'connection closed');
    this.pings.failAll(failure);
    // A copy: closing removes streams from the store. Nothing goes on the wire for them any
    // more, so they are abandoned, not reset.
    for (const s of [...this.streams.values()]) {
      s.error ??= failure;
      this.transition(s, 'abandon');
    }
    this.hooks.onClose(error, how);
  }

  private maybeFinishDraining(): void {
    if (this.state !== 'draining' || this.streams.size > 0) return;
    if (this.goawaySent === null) this.writeGoaway(ErrorCode.NO_ERROR, '');
    this.closeAll(null, 'graceful');
  }

  // ---- Stream state: the one place it changes ----

  private transition(s: Stream, event: StreamEvent): void {
    const next = nextState(s.state, event);
    if (typeof next !== 'string') throw transitionError(s.id, next);
    const prev = s.state;
    if (prev === next) return;
    s.state = next;
    const was = countsTowardConcurrency(prev);
    const is = countsTowardConcurrency(next);
    if (was !== is) {
      const delta = is ? 1 : -1;
      if (s.local) this.streams.activeLocal += delta;
      else this.streams.activeRemote += delta;
    }
    if (event === 'send-end-stream') s.listener?.onLocalEnd();
    if (next === 'closed' && s.state === 'closed' && this.streams.get(s.id) === s) {
      this.finishStream(s, event === 'send-rst' ? 'reset-by-us' : 'closed');
    }
  }

  /** Bookkeeping once a stream is closed, whatever closed it. */
  private finishStream(s: Stream, how: 'reset-by-us' | 'closed'): void {
    this.streams.delete(s, how);
    if (s.connHeld > 0) {
      const held = s.connHeld;
      s.connHeld = 0;
      if (this.state !== 'closed') this.streamRecv.releaseConnection(held);
    }
    const err = s.error;
    if (err !== null) {
      s.body?.fail(err);
      s.settleWriters(0, err);
      s.clearQueue();
    }
    s.listener?.onClose(err);
    if (this.state === 'closed') return;
    if (s.local) this.notifySlot();
    if (this.streams.size === 0) {
      this.watchdogs.markIdle();
      this.maybeFinishDraining();
    }
  }

  private notifySlot(): void {
    if (this.slotNotifyQueued || this.hooks.onStreamSlot === undefined) return;
    this.slotNotifyQueued = true;
    queueMicrotask(() => {
      this.slotNotifyQueued = false;
      if (this.state === 'open') this.safely(() => this.hooks.onStreamSlot?.());
    });
  }

  private newStream(id: number, local: boolean): Stream {
    const s = new Stream(id, local, this.remoteSettings.initialWindowSize, this.localSettings.acked.initialWindowSize, this.streamRecv);
    this.streams.add(s);
    return s;
  }

  // ---- Receiving: connection-level rules here, each frame type to its handler ----

  receive(chunk: Uint8Array): void {
    if (this.state === 'closed') return;
    try {
      if (this.preface.awaitingMagic) {
        chunk = this.preface.consumeMagic(chunk);
        if (chunk.length === 0) return;
      }
      this.reader.push(chunk);
    } catch (err) {
      this.handleError(err);
      return;
    }
    for (;;) {
      try {
        const frame = this.reader.next();
        if (frame === null) return;
        this.onFrame(frame);
      } catch (err) {
        this.handleError(err);
      }
      if (this.closed) return;
    }
  }

  private onFrame(frame: Frame): void {
    // 4.3 / 6.10: "A receiver MUST treat the receipt of any other type of frame or a frame on a
    // different stream [inside a field block] as a connection error ... of type PROTOCOL_ERROR."
    if (frame.type !== 'CONTINUATION' && this.headerRecv.inProgress >= 0) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `${frame.type} frame inside a field block of stream ${this.headerRecv.inProgress} (RFC 9113 6.10)`);
    }
    this.preface.checkFrame(frame);
    switch (frame.type) {
      case 'DATA':
        return this.streamRecv.data(frame);
      case 'HEADERS':
        return this.headerRecv.headers(frame);
      case 'PRIORITY':
        return; // 5.3.2: deprecated signals, ignored; does not open an idle stream
      case 'RST_STREAM':
        return this.streamRecv.rstStream(frame);
      case 'SETTINGS':
        return this.settings.receive(frame);
      case 'PUSH_PROMISE':
        return this.headerRecv.pushPromise(frame);
      case 'PING':
        return this.pings.receive(frame);
      case 'GOAWAY':
        return this.onGoaway(frame);
      case 'WINDOW_UPDATE':
        return this.streamRecv.windowUpdate(frame);
      case 'CONTINUATION':
        return this.headerRecv.continuation(frame);
      case 'UNKNOWN':
        return; // 4.1: "Implementations MUST ignore and discard frames of unknown types"
      default:
        return assertNever(frame);
    }
  }

  /** 6.8: no new streams from now on; ours above the peer's last-stream-id are reset as refused. */
  private onGoaway(f: GoawayFrame): void {
    const info = mergeGoaway(this.goawayReceived, f);
    this.goawayReceived = info;
    if (this.state === 'open') this.state = 'draining';
    const refused = refuseUnprocessed(this.streams.values(), info.lastStreamId);
    this.hooks.onGoaway?.(info);
    for (const s of refused) {
      if (this.closed) return;
      if (s.state !== 'closed') this.resetStream(s.id, ErrorCode.CANCEL, s.error!);
    }
    this.maybeFinishDraining();
  }

  // ---- Sending (the API used by client.ts and server.ts) ----

  /**
   * True while we may open a stream: not draining, under the peer's MAX_CONCURRENT_STREAMS
   * (5.1.2). Until the peer's SETTINGS arrive the limit is formally unlimited; we assume 100
   * (the RFC's recommended minimum, 6.5.2) rather than have a burst of requests refused.
   */
  canOpenStream(): boolean {
    const limit = this.preface.settingsReceived ? this.remoteSettings.maxConcurrentStreams : Math.min(100, this.remoteSettings.maxConcurrentStreams);
    return this.state === 'open' && this.streams.activeLocal < limit && this.streams.nextLocalId <= 0x7fffffff;
  }

  /** A new local stream, idle until `sendHeaders`. Check `canOpenStream()` first. */
  openStream(): Stream {
    const id = this.streams.allocateLocalId();
    if (id < 0 || this.state !== 'open') throw new Error('cannot open a stream on this connection');
    return this.newStream(id, true);
  }

  /** HEADERS (+ CONTINUATION) for `s`; see Sender.headers. */
  sendHeaders(s: Stream, fields: HeaderField[], endStream: boolean): void {
    this.assertCanSend(s, 'send-headers');
    this.sender.headers(s, fields, endStream);
  }

  /**
   * Queues body bytes (6.1). Resolves at once while the stream's queue is under
   * `maxStreamBufferedBytes`, else once flow control lets it drain: writers block, memory doesn't grow.
   */
  write(s: Stream, data: Uint8Array): Promise<void> {
    if (s.error !== null) return Promise.reject(s.error);
    if (!canSend(s.state) || s.endQueued) return Promise.reject(new Error(`stream ${s.id}: write after end`));
    return this.sender.write(s, data);
  }

  /** Ends our side: optional last chunk, optional trailers (8.1), END_STREAM after queued data. */
  end(s: Stream, data?: Uint8Array, trailers?: HeaderField[]): void {
    this.assertCanSend(s, 'send-end-stream');
    if (s.endQueued) throw new Error(`stream ${s.id}: already ended`);
    this.sender.end(s, data, trailers);
  }

  private assertCanSend(s: Stream, event: StreamEvent): void {
    if (s.error !== null) throw s.error;
    if (this.state === 'closed') throw this.closeError ?? new ConnectionError(ErrorCode.NO_ERROR, 'connection closed');
    const next = nextState(s.state, event);
    if (typeof next !== 'string') throw transitionError(s.id, next);
  }
}
