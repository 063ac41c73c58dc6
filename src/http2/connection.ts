/**
 * The HTTP/2 connection core, client and server: bytes in (`receive`), frames out (`takeOutput`),
 * events to the layer above (`ConnectionHooks`, `StreamListener`). No I/O: driver.ts moves the
 * bytes, client.ts / server.ts give it an API.
 *
 * Three rules keep it readable:
 * - `transition()` is the only code that changes a stream's state (table in stream-state.ts);
 * - `handleError()` is the only code that turns errors into frames: StreamError -> RST_STREAM,
 *   ConnectionError -> GOAWAY and close (RFC 9113 5.4);
 * - window arithmetic only happens through flow-control.ts.
 *
 * Receiving dispatches with a `switch` over the frame type ending in `assertNever`: this is the
 * per-frame hot path, where ts-pattern's per-call allocation shows, and the `never` check makes a
 * missing frame type a compile error just the same (see test/http2/exhaustive-check.ts).
 */
import { match } from 'ts-pattern';
import { InboundBody } from './body.js';
import { ConnectionError, ErrorCode, Http2Error, StreamError } from './errors.js';
import { RateCounter } from './flood.js';
import { RecvWindow } from './flow-control.js';
import {
  CONNECTION_PREFACE,
  Flag,
  FrameReader,
  FrameType,
  encodeFrame,
  type DataFrame,
  type Frame,
  type GoawayFrame,
  type HeadersFrame,
  type PingFrame,
  type PushPromiseFrame,
  type RstStreamFrame,
  type SettingsFrame,
  type WindowUpdateFrame,
  type ContinuationFrame,
} from './frame/index.js';
import { validateRequest, validateResponse, validateTrailers, type RequestHead } from './headers.js';
import { HpackDecoder, type HeaderField } from './hpack/index.js';
import { FieldBlockAssembler, decodeFieldBlock } from './field-block.js';
import { RFC_INITIAL_SETTINGS, type Http2Settings, type ResolvedConfig } from './limits.js';
import { OutputBuffer } from './output.js';
import { LocalSettings, applyRemoteSettings, type SettingChange } from './settings.js';
import { Stream, type StreamOwner } from './stream.js';
import { canReceive, canSend, countsTowardConcurrency, nextState, type IllegalTransition, type StreamEvent } from './stream-state.js';
import { StreamStore } from './streams.js';
import { Sender } from './send.js';
import { RequestRefusedError } from './session-errors.js';

export interface GoawayInfo {
  readonly lastStreamId: number;
  readonly errorCode: number;
  readonly debugData: Uint8Array;
}

export interface ConnectionHooks {
  /** Server: a request head passed validation on a new stream. */
  onRequest?(stream: Stream, head: RequestHead, fields: HeaderField[], endStream: boolean): void;
  /** Client with push enabled: a promise passed validation; `promised` is reserved (remote). */
  onPushPromise?(parent: Stream | undefined, promised: Stream, head: RequestHead, fields: HeaderField[]): boolean;
  onRemoteSettings?(settings: Readonly<Http2Settings>): void;
  onGoaway?(info: GoawayInfo): void;
  /** A stream we opened closed, or the peer raised MAX_CONCURRENT_STREAMS: queued requests may go. */
  onStreamSlot?(): void;
  /** There is output to write. */
  onOutput(): void;
  /** The connection is done; the driver flushes (unless destroyed) and closes the transport. */
  onClose(error: Http2Error | null, how: CloseHow): void;
}

/** graceful: GOAWAY(NO_ERROR) sent, all streams done. error: GOAWAY(code) sent. destroyed: drop everything. transport: it is already gone. */
export type CloseHow = 'graceful' | 'error' | 'destroyed' | 'transport';

interface PendingPing {
  start: number;
  resolve(ms: number): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export { RESOLVED } from './send.js';
const EMPTY = new Uint8Array(0);
const textEncoder = new TextEncoder();

export function assertNever(x: never): never {
  throw new Error(`unhandled case ${JSON.stringify(x)}`);
}

export class Connection implements StreamOwner {
  readonly streams: StreamStore;
  readonly localSettings: LocalSettings;
  /** The peer's settings as currently in force. */
  readonly remoteSettings: Http2Settings = { ...RFC_INITIAL_SETTINGS };
  state: 'open' | 'draining' | 'closed' = 'open';
  goawaySent: GoawayInfo | null = null;
  goawayReceived: GoawayInfo | null = null;
  closeError: Http2Error | null = null;

  private readonly out = new OutputBuffer();
  private readonly sender: Sender;
  private readonly reader: FrameReader;
  private readonly decoder: HpackDecoder;
  private readonly connRecv: RecvWindow;
  private prefaceLeft: number;
  private gotRemoteSettings = false;
  private readonly blocks: FieldBlockAssembler;
  private readonly resets: RateCounter;
  private readonly empties: RateCounter;
  private readonly pings = new Map<string, PendingPing>();
  private pingCounter = 0;
  private settingsTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private idleSince = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private slotNotifyQueued = false;

  constructor(
    readonly role: 'client' | 'server',
    readonly config: ResolvedConfig,
    private readonly hooks: ConnectionHooks,
  ) {
    const { settings, limits } = config;
    this.streams = new StreamStore(role, limits.maxRecentlyClosed);
    this.localSettings = new LocalSettings(settings);
    this.reader = new FrameReader();
    // Header-list policy applies from the first block (see settings.ts); the table size only on ACK.
    this.decoder = new HpackDecoder({ maxHeaderListSize: settings.maxHeaderListSize });
    this.connRecv = new RecvWindow(65535);
    this.prefaceLeft = role === 'server' ? CONNECTION_PREFACE.length : 0;
    this.blocks = new FieldBlockAssembler(limits.maxHeaderBlockBytes, limits.maxContinuationFrames);
    this.resets = new RateCounter(limits.maxResetStreamsPerWindow, limits.floodWindowMs);
    this.sender = new Sender(this.out, {
      remoteSettings: this.remoteSettings,
      limits,
      transition: (s, event) => this.transition(s, event),
      onOutput: () => this.hooks.onOutput(),
    });
    this.empties = new RateCounter(limits.maxEmptyFramesPerWindow, limits.floodWindowMs);
  }

  // ======================================================================================
  // Lifecycle
  // ======================================================================================

  /** Writes our preface: 3.4 (client magic) + SETTINGS, and a connection WINDOW_UPDATE if configured. */
  start(): void {
    if (this.role === 'client') this.out.bytes(CONNECTION_PREFACE);
    this.sendSettings();
    const increment = this.connRecv.grow(this.config.limits.connectionWindowSize);
    if (increment > 0) this.out.bytes(encodeFrame({ type: 'WINDOW_UPDATE', streamId: 0, increment }));
    const { sendStallTimeoutMs, idleTimeoutMs } = this.config.limits;
    if (sendStallTimeoutMs > 0) {
      this.stallTimer = setInterval(() => this.safely(() => this.checkStalls()), Math.max(250, Math.floor(sendStallTimeoutMs / 4)));
      this.stallTimer.unref();
    }
    if (idleTimeoutMs > 0) this.armIdle();
    this.hooks.onOutput();
  }

  /** Sends SETTINGS (the preface's, or a later update) and arms SETTINGS_TIMEOUT (6.5.3). */
  sendSettings(update?: Partial<Http2Settings>): void {
    const settings = this.localSettings.send(update);
    this.out.bytes(encodeFrame({ type: 'SETTINGS', ack: false, settings }));
    if (update?.maxHeaderListSize !== undefined) this.decoder.maxHeaderListSize = update.maxHeaderListSize;
    this.armSettingsTimer();
    this.hooks.onOutput();
  }

  private armSettingsTimer(): void {
    clearTimeout(this.settingsTimer);
    this.settingsTimer = undefined;
    const ms = this.config.limits.settingsTimeoutMs;
    if (ms <= 0 || this.localSettings.state !== 'awaiting-ack') return;
    this.settingsTimer = setTimeout(() => {
      // 6.5.3: "If the sender of a SETTINGS frame does not receive an acknowledgment within a
      // reasonable amount of time, it MAY issue a connection error ... of type SETTINGS_TIMEOUT."
      this.safely(() => {
        throw new ConnectionError(ErrorCode.SETTINGS_TIMEOUT, `SETTINGS not acknowledged within ${ms} ms (RFC 9113 6.5.3)`);
      });
    }, ms);
    this.settingsTimer.unref();
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

  // ======================================================================================
  // Errors: the one place they become frames (RFC 9113 5.4)
  // ======================================================================================

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
      // Never sent anything: nothing to reset on the wire.
      s.error ??= err;
      this.streams.delete(s, 'closed');
      s.listener?.onClose(err);
      return;
    }
    this.resetStream(s.id, code, err);
  }

  private writeGoaway(code: number, debug: string): void {
    const lastStreamId = this.streams.lastRemoteId;
    const debugData = debug === '' ? EMPTY : textEncoder.encode(debug.slice(0, 200));
    this.out.bytes(encodeFrame({ type: 'GOAWAY', lastStreamId, errorCode: code, debugData }));
    this.goawaySent = { lastStreamId, errorCode: code, debugData };
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
    clearTimeout(this.settingsTimer);
    clearTimeout(this.idleTimer);
    clearInterval(this.stallTimer);
    const failure = error ?? new ConnectionError(ErrorCode.NO_ERROR, 'connection closed');
    for (const ping of this.pings.values()) {
      clearTimeout(ping.timer);
      ping.reject(failure);
    }
    this.pings.clear();
    for (const s of [...this.streams.values()]) {
      s.error ??= failure;
      s.state = 'closed';
      this.finishStream(s, 'closed');
    }
    this.hooks.onClose(error, how);
  }

  private maybeFinishDraining(): void {
    if (this.state !== 'draining' || this.streams.size > 0) return;
    if (this.goawaySent === null) this.writeGoaway(ErrorCode.NO_ERROR, '');
    this.closeAll(null, 'graceful');
  }

  // ======================================================================================
  // Stream state: the one place it changes
  // ======================================================================================

  private transition(s: Stream, event: StreamEvent): void {
    const next = nextState(s.state, event);
    if (typeof next !== 'string') throw this.illegal(s.id, next);
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

  private illegal(id: number, cell: IllegalTransition): Error {
    if (cell.scope === 'connection') return new ConnectionError(cell.code, `stream ${id}: ${cell.rule}`);
    if (cell.scope === 'stream') return new StreamError(id, cell.code, cell.rule);
    return new Error(`stream ${id}: ${cell.rule}`);
  }

  /** Bookkeeping once a stream is closed, whatever closed it. */
  private finishStream(s: Stream, how: 'reset-by-us' | 'closed'): void {
    this.streams.delete(s, how);
    if (s.connHeld > 0) {
      const held = s.connHeld;
      s.connHeld = 0;
      if (this.state !== 'closed') this.releaseConnection(held);
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
      this.idleSince = performance.now();
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

  // ======================================================================================
  // Receiving
  // ======================================================================================

  receive(chunk: Uint8Array): void {
    if (this.state === 'closed') return;
    try {
      if (this.prefaceLeft > 0) {
        chunk = this.consumePreface(chunk);
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

  /** 3.4: the server checks the client's 24-octet magic before any frame. */
  private consumePreface(chunk: Uint8Array): Uint8Array {
    const offset = CONNECTION_PREFACE.length - this.prefaceLeft;
    const n = Math.min(this.prefaceLeft, chunk.length);
    for (let i = 0; i < n; i++) {
      if (chunk[i] !== CONNECTION_PREFACE[offset + i]) {
        // 3.4: "Clients and servers MUST treat an invalid connection preface as a connection
        // error ... of type PROTOCOL_ERROR."
        this.prefaceLeft = 0;
        throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'invalid connection preface (RFC 9113 3.4)');
      }
    }
    this.prefaceLeft -= n;
    return chunk.subarray(n);
  }

  private onFrame(frame: Frame): void {
    // 4.3 / 6.10: "A receiver MUST treat the receipt of any other type of frame or a frame on a
    // different stream [inside a field block] as a connection error ... of type PROTOCOL_ERROR."
    if (frame.type !== 'CONTINUATION' && this.blocks.inProgress >= 0) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `${frame.type} frame inside a field block of stream ${this.blocks.inProgress} (RFC 9113 6.10)`);
    }
    if (!this.gotRemoteSettings) {
      // 3.4: the preface's SETTINGS "MUST be the first frame"; "invalid connection preface" otherwise.
      if (frame.type !== 'SETTINGS' || frame.ack) {
        throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `first frame is ${frame.type}, not SETTINGS (RFC 9113 3.4)`);
      }
      this.gotRemoteSettings = true;
    }
    switch (frame.type) {
      case 'DATA':
        return this.onData(frame);
      case 'HEADERS':
        return this.onHeadersFrame(frame);
      case 'PRIORITY':
        return; // 5.3.2: deprecated signals, ignored; does not open an idle stream
      case 'RST_STREAM':
        return this.onRstStream(frame);
      case 'SETTINGS':
        return this.onSettings(frame);
      case 'PUSH_PROMISE':
        return this.onPushPromise(frame);
      case 'PING':
        return this.onPing(frame);
      case 'GOAWAY':
        return this.onGoaway(frame);
      case 'WINDOW_UPDATE':
        return this.onWindowUpdate(frame);
      case 'CONTINUATION':
        return this.onContinuation(frame);
      case 'UNKNOWN':
        return; // 4.1: "Implementations MUST ignore and discard frames of unknown types"
      default:
        return assertNever(frame);
    }
  }

  private countEmpty(what: string): void {
    if (this.empties.hit()) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `flood of empty ${what} frames (RFC 9113 10.5)`);
    }
  }

  // ---- DATA (6.1) ----

  private onData(f: DataFrame): void {
    const length = f.flowControlledLength;
    // 6.9.1: the connection window is charged whatever happens to the stream (5.1 "closed",
    // 6.8: "DATA frames MUST be counted toward the connection flow-control window").
    if (!this.connRecv.receive(length)) {
      throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, `DATA of ${length} octets exceeds the connection window (RFC 9113 6.9.1)`);
    }
    const s = this.streams.get(f.streamId);
    if (s === undefined) {
      this.releaseConnection(length);
      return this.onFrameForUnknownStream(f.streamId, 'DATA');
    }
    const cell = nextState(s.state, 'recv-data');
    if (typeof cell !== 'string') {
      this.releaseConnection(length);
      throw this.illegal(s.id, cell);
    }
    if (!s.recvWindow.receive(length)) {
      this.releaseConnection(length);
      throw new StreamError(s.id, ErrorCode.FLOW_CONTROL_ERROR, `DATA of ${length} octets exceeds the stream window (RFC 9113 6.9.1)`);
    }
    if (s.headBlocks !== 1) {
      // 8.1: a message is HEADERS, then DATA, then optional trailers; DATA before the (final)
      // head or after the trailers makes it malformed (8.1.1).
      this.releaseReceivedPadding(s, length);
      throw new StreamError(s.id, ErrorCode.PROTOCOL_ERROR, 'DATA before the message head (RFC 9113 8.1)');
    }
    const data = f.data;
    const n = data.length;
    if (length > n) this.releaseReceivedPadding(s, length - n);
    if (n === 0 && !f.endStream) this.countEmpty('DATA');
    s.receivedLength += n;
    if (s.expectedLength >= 0 && s.receivedLength > s.expectedLength) {
      this.releaseConnection(n);
      throw new StreamError(s.id, ErrorCode.PROTOCOL_ERROR, `more DATA than content-length ${s.expectedLength} (RFC 9113 8.1.1)`);
    }
    if (n > 0) {
      s.connHeld += n;
      if (s.body !== null) s.body.push(data);
      else this.releaseReceived(s, n); // nobody reads it: give the credit straight back
    }
    if (f.endStream) this.onRemoteEnd(s);
  }

  private releaseReceivedPadding(s: Stream, bytes: number): void {
    this.releaseConnection(bytes);
    const increment = s.recvWindow.release(bytes);
    if (increment > 0 && canReceive(s.state)) this.writeWindowUpdate(s.id, increment);
  }

  /** END_STREAM received on HEADERS or DATA. */
  private onRemoteEnd(s: Stream): void {
    // 8.1.1: malformed "if the value of a content-length header field does not equal the sum of
    // the DATA frame payload lengths".
    if (s.expectedLength >= 0 && s.receivedLength !== s.expectedLength) {
      throw new StreamError(s.id, ErrorCode.PROTOCOL_ERROR, `content-length ${s.expectedLength} but ${s.receivedLength} octets of DATA (RFC 9113 8.1.1)`);
    }
    s.body?.end();
    s.listener?.onRemoteEnd();
    this.transition(s, 'recv-end-stream');
  }

  /** A frame for a stream we do not track: idle (error) or closed (5.1). */
  private onFrameForUnknownStream(id: number, kind: 'DATA' | 'HEADERS' | 'WINDOW_UPDATE' | 'RST_STREAM'): void {
    if (this.streams.isIdle(id)) {
      // 5.1 idle: "Receiving any frame other than HEADERS or PRIORITY on a stream in this state
      // MUST be treated as a connection error ... of type PROTOCOL_ERROR." (6.4, 6.9 likewise.)
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `${kind} on idle stream ${id} (RFC 9113 5.1)`);
    }
    const how = this.streams.closedHow(id);
    // 5.1 closed, after we sent RST_STREAM: "An endpoint MUST minimally process and then discard
    // any frames it receives in this state." WINDOW_UPDATE / RST_STREAM may always trail a close.
    if (how === 'reset-by-us' || kind === 'WINDOW_UPDATE' || kind === 'RST_STREAM') return;
    if (kind === 'DATA') {
      // 6.1: "If a DATA frame is received whose stream is not in the open or half-closed (local)
      // state, the recipient MUST respond with a stream error ... of type STREAM_CLOSED."
      throw new StreamError(id, ErrorCode.STREAM_CLOSED, 'DATA on a closed stream (RFC 9113 6.1)');
    }
    if (how === 'closed') {
      throw new ConnectionError(ErrorCode.STREAM_CLOSED, `HEADERS on closed stream ${id} (RFC 9113 5.1)`);
    }
    // Skipped over or closed long ago: 5.1.1 "An endpoint that receives an unexpected stream
    // identifier MUST respond with a connection error ... of type PROTOCOL_ERROR."
    throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on stream ${id}, which is not new (RFC 9113 5.1.1)`);
  }

  // ---- HEADERS / PUSH_PROMISE / CONTINUATION (6.2, 6.6, 6.10) ----

  private onHeadersFrame(f: HeadersFrame): void {
    if (f.headerBlock.length === 0 && !f.endStream) this.countEmpty('HEADERS');
    if (f.endHeaders) return this.onFieldBlock(f.streamId, -1, f.headerBlock, f.endStream);
    this.blocks.start(f.streamId, -1, f.headerBlock, f.endStream);
  }

  private onPushPromise(f: PushPromiseFrame): void {
    // 8.4: "A client cannot push. Thus, servers MUST treat the receipt of a PUSH_PROMISE frame as
    // a connection error ... of type PROTOCOL_ERROR."
    if (this.role === 'server') throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE sent by a client (RFC 9113 8.4)');
    // 6.6: "A receiver MUST treat the receipt of a PUSH_PROMISE frame [after setting
    // SETTINGS_ENABLE_PUSH to 0] as a connection error ... of type PROTOCOL_ERROR."
    if (!this.localSettings.latest.enablePush) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE although SETTINGS_ENABLE_PUSH is 0 (RFC 9113 6.6)');
    }
    if (f.endHeaders) return this.onFieldBlock(f.streamId, f.promisedStreamId, f.headerBlock, false);
    this.blocks.start(f.streamId, f.promisedStreamId, f.headerBlock, false);
  }

  private onContinuation(f: ContinuationFrame): void {
    if (f.headerBlock.length === 0 && !f.endHeaders) this.countEmpty('CONTINUATION');
    const done = this.blocks.continue(f.streamId, f.headerBlock, f.endHeaders);
    if (done !== null) this.onFieldBlock(done.streamId, done.promisedId, done.block, done.endStream);
  }

  private onFieldBlock(id: number, promisedId: number, block: Uint8Array, endStream: boolean): void {
    const { fields, tooLarge } = decodeFieldBlock(this.decoder, block);
    if (promisedId >= 0) return this.onPromise(id, promisedId, fields, tooLarge);
    const s = this.streams.get(id);
    if (s !== undefined) return this.onHeadersForStream(s, fields, endStream, tooLarge);
    if (this.streams.isLocalId(id) || !this.streams.isIdle(id)) return this.onFrameForUnknownStream(id, 'HEADERS');
    if (this.role === 'client') {
      // 5.1 / 8.4: a server opens streams only by promising them; HEADERS on an idle even stream.
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on idle stream ${id} that was never promised (RFC 9113 5.1)`);
    }
    this.onNewRequest(id, fields, endStream, tooLarge);
  }

  /** Server: HEADERS opening stream `id` (5.1 idle -> open). */
  private onNewRequest(id: number, fields: HeaderField[], endStream: boolean, tooLarge: boolean): void {
    // 5.1.1: opening `id` closes every idle stream below it.
    this.streams.lastRemoteId = id;
    if (this.goawaySent !== null) {
      // 6.8: "the sender will ignore frames sent on streams initiated by the receiver if the
      // stream has an identifier higher than the included last stream identifier".
      this.streams.rememberClosed(id, 'reset-by-us');
      return;
    }
    // 5.1.2: "An endpoint that receives a HEADERS frame that causes its advertised concurrent
    // stream limit to be exceeded MUST treat this as a stream error ... of type PROTOCOL_ERROR or
    // REFUSED_STREAM." REFUSED_STREAM: safe to retry (8.7). Refusals count as rapid resets.
    if (this.streams.activeRemote >= this.localSettings.latest.maxConcurrentStreams) {
      this.countReset();
      throw new StreamError(id, ErrorCode.REFUSED_STREAM, `more than ${this.localSettings.latest.maxConcurrentStreams} concurrent streams (RFC 9113 5.1.2)`);
    }
    const s = this.newStream(id, false);
    this.transition(s, 'recv-headers');
    if (tooLarge) {
      // 10.5.1: "A server that receives a larger field block than it is willing to handle can
      // send an HTTP 431 (Request Header Fields Too Large) status code". HPACK stays in sync.
      if (endStream) this.transition(s, 'recv-end-stream');
      this.sendHeaders(s, [{ name: ':status', value: '431' }], true);
      if (s.state !== 'closed') this.resetStream(id, ErrorCode.NO_ERROR, new StreamError(id, ErrorCode.NO_ERROR, 'request header list too large'));
      return;
    }
    const head = validateRequest(id, fields);
    s.expectedLength = head.contentLength;
    s.headBlocks = 1;
    if (endStream) {
      this.onRemoteEnd(s);
    } else {
      s.body = new InboundBody(s);
    }
    this.hooks.onRequest?.(s, head, fields, endStream);
  }

  /** HEADERS on a stream we track: a response (client), or trailers (both). */
  private onHeadersForStream(s: Stream, fields: HeaderField[], endStream: boolean, tooLarge: boolean): void {
    const cell = nextState(s.state, 'recv-headers');
    if (typeof cell !== 'string') throw this.illegal(s.id, cell);
    if (tooLarge) throw new StreamError(s.id, ErrorCode.CANCEL, `header list over our limit of ${this.decoder.maxHeaderListSize} octets (RFC 9113 10.5.1)`);
    if (this.role === 'client' && s.headBlocks === 0) {
      const head = validateResponse(s.id, fields, endStream);
      this.transition(s, 'recv-headers');
      if (head.status < 200) {
        s.listener?.onResponseHeaders(head, fields, false);
        return;
      }
      s.headBlocks = 1;
      // 8.1.1: responses to HEAD, 204 and 304 have no content whatever content-length says.
      s.expectedLength = s.headRequest || head.status === 204 || head.status === 304 ? -1 : head.contentLength;
      if (!endStream) s.body = new InboundBody(s);
      s.listener?.onResponseHeaders(head, fields, endStream);
      if (endStream) this.onRemoteEnd(s);
      return;
    }
    // 8.1: "An endpoint that receives a HEADERS frame without the END_STREAM flag set after
    // receiving the HEADERS frame that opens a request or after receiving a final
    // (non-informational) status code MUST treat the corresponding request or response as malformed".
    if (!endStream) throw new StreamError(s.id, ErrorCode.PROTOCOL_ERROR, 'second HEADERS without END_STREAM (RFC 9113 8.1)');
    validateTrailers(s.id, fields);
    this.transition(s, 'recv-headers');
    s.headBlocks = 2;
    s.listener?.onTrailers(fields);
    this.onRemoteEnd(s);
  }

  /** Client: a complete PUSH_PROMISE (6.6, 8.4). */
  private onPromise(parentId: number, promisedId: number, fields: HeaderField[], tooLarge: boolean): void {
    // 6.6: the promised id "MUST be a valid choice for the next stream identifier"; else connection PROTOCOL_ERROR.
    if (this.streams.isLocalId(promisedId) || !this.streams.isIdle(promisedId)) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE promises stream ${promisedId}, which is not a valid new server stream (RFC 9113 6.6)`);
    }
    const parent = this.streams.get(parentId);
    if (parent === undefined) {
      if (this.streams.isIdle(parentId) || this.streams.closedHow(parentId) !== 'reset-by-us') {
        throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE on stream ${parentId}, which is not open (RFC 9113 6.6)`);
      }
    } else if (!canReceive(parent.state) || !parent.local) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE on stream ${parentId} in state ${parent.state} (RFC 9113 6.6)`);
    }
    this.streams.lastRemoteId = promisedId;
    const s = this.newStream(promisedId, false);
    this.transition(s, 'recv-push-promise');
    if (parent === undefined) {
      // 5.1 closed: the promise on a stream we reset still reserves the stream; refuse it.
      throw new StreamError(promisedId, ErrorCode.CANCEL, 'push on a stream we reset');
    }
    // 8.4: "If a client receives a PUSH_PROMISE that does not include a complete and valid set of
    // header fields or the :method pseudo-header field identifies a method that is not safe, it
    // MUST respond on the promised stream with a stream error ... of type PROTOCOL_ERROR."
    if (tooLarge) throw new StreamError(promisedId, ErrorCode.PROTOCOL_ERROR, 'promised request header list too large');
    const head = validateRequest(promisedId, fields);
    if (head.method !== 'GET' && head.method !== 'HEAD') {
      throw new StreamError(promisedId, ErrorCode.PROTOCOL_ERROR, `promised request with unsafe method ${head.method} (RFC 9113 8.4)`);
    }
    s.headRequest = head.method === 'HEAD';
    const accepted = this.hooks.onPushPromise?.(parent, s, head, fields) ?? false;
    if (!accepted) this.resetStream(promisedId, ErrorCode.CANCEL, new StreamError(promisedId, ErrorCode.CANCEL, 'push not wanted', 'user'));
  }

  // ---- RST_STREAM (6.4) ----

  private onRstStream(f: RstStreamFrame): void {
    const s = this.streams.get(f.streamId);
    if (s === undefined) return this.onFrameForUnknownStream(f.streamId, 'RST_STREAM');
    // CVE-2023-44487 ("rapid reset"): a client opening streams and resetting them before we
    // could answer costs us work and it nothing. Counted per window -> ENHANCE_YOUR_CALM.
    if (this.role === 'server' && !s.local && canSend(s.state)) this.countReset();
    s.error ??= new StreamError(s.id, f.errorCode, 'stream reset by peer', 'remote');
    this.transition(s, 'recv-rst');
  }

  private countReset(): void {
    if (this.resets.hit()) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, 'too many streams reset or refused before completion (CVE-2023-44487)');
    }
  }

  // ---- SETTINGS (6.5) ----

  private onSettings(f: SettingsFrame): void {
    if (f.ack) {
      for (const change of this.localSettings.ack()) this.applyAckedLocal(change);
      this.armSettingsTimer();
      return;
    }
    const changes = applyRemoteSettings(this.remoteSettings, f.settings, this.role);
    for (const change of changes) this.applyRemote(change);
    this.notifySlot(); // the provisional limit of canOpenStream() is replaced by the real one
    // 6.5.3: "Upon receiving a SETTINGS frame without the ACK flag set, the receiver MUST
    // immediately emit a SETTINGS frame with the ACK flag set"
    if (!this.queueControl(encodeFrame({ type: 'SETTINGS', ack: true, settings: [] }))) return;
    this.hooks.onRemoteSettings?.(this.remoteSettings);
  }

  /** The peer's new value takes effect now (6.5.3: "the values ... MUST be applied in the order received"). */
  private applyRemote(change: SettingChange): void {
    match(change)
      .with({ key: 'initialWindowSize' }, (c) => {
        // 6.9.2: adjust every stream send window by the difference; overflow is a connection
        // FLOW_CONTROL_ERROR ("An endpoint MUST treat a change to SETTINGS_INITIAL_WINDOW_SIZE
        // that causes any flow-control window to exceed the maximum size as a connection error").
        const delta = c.value - c.previous;
        for (const s of this.streams.values()) {
          if (!s.sendWindow.adjust(delta)) {
            throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE change overflows the window of stream ${s.id} (RFC 9113 6.9.2)`);
          }
          if (delta > 0) this.sender.schedule(s);
        }
      })
      .with({ key: 'headerTableSize' }, (c) => this.sender.encoder.setMaxTableSize(c.value))
      .with({ key: 'maxConcurrentStreams' }, () => this.notifySlot())
      .with({ key: 'maxFrameSize' }, () => {}) // read when framing
      .with({ key: 'maxHeaderListSize' }, () => {}) // checked before sending a block
      .with({ key: 'enablePush' }, () => {}) // we never push
      .with({ key: 'enableConnectProtocol' }, () => {})
      .exhaustive();
  }

  /** Our value is acknowledged: the peer now uses it, so we switch over too (6.5.3). */
  private applyAckedLocal(change: SettingChange): void {
    match(change)
      .with({ key: 'initialWindowSize' }, (c) => {
        const delta = c.value - c.previous;
        for (const s of this.streams.values()) s.recvWindow.adjust(delta);
      })
      .with({ key: 'headerTableSize' }, (c) => this.decoder.setMaxTableSize(c.value))
      .with({ key: 'maxFrameSize' }, (c) => (this.reader.maxFrameSize = c.value))
      .with({ key: 'maxHeaderListSize' }, () => {}) // enforced from the start
      .with({ key: 'maxConcurrentStreams' }, () => {}) // enforced from the start
      .with({ key: 'enablePush' }, () => {})
      .with({ key: 'enableConnectProtocol' }, () => {})
      .exhaustive();
  }

  // ---- PING (6.7) ----

  private onPing(f: PingFrame): void {
    if (f.ack) {
      const key = pingKey(f.data);
      const pending = this.pings.get(key);
      if (pending !== undefined) {
        this.pings.delete(key);
        clearTimeout(pending.timer);
        pending.resolve(performance.now() - pending.start);
      }
      return;
    }
    // 6.7: "Receivers of a PING frame that does not include an ACK flag MUST send a PING frame
    // with the ACK flag set in response, with an identical frame payload."
    this.queueControl(encodeFrame({ type: 'PING', ack: true, data: f.data }));
  }

  /** Round-trip time in milliseconds (PING and its ACK, 6.7). */
  ping(): Promise<number> {
    if (this.state === 'closed') return Promise.reject(this.closeError ?? new ConnectionError(ErrorCode.NO_ERROR, 'connection closed'));
    const data = new Uint8Array(8);
    const n = ++this.pingCounter;
    for (let i = 0; i < 8; i++) data[7 - i] = Math.floor(n / 2 ** (8 * i)) & 0xff;
    return new Promise<number>((resolve, reject) => {
      const ms = this.config.limits.pingTimeoutMs;
      const timer = setTimeout(() => {
        this.pings.delete(pingKey(data));
        reject(new ConnectionError(ErrorCode.NO_ERROR, `no PING ACK within ${ms} ms`, 'library'));
      }, ms);
      timer.unref();
      this.pings.set(pingKey(data), { start: performance.now(), resolve, reject, timer });
      this.out.bytes(encodeFrame({ type: 'PING', ack: false, data }));
      this.hooks.onOutput();
    });
  }

  // ---- GOAWAY (6.8) ----

  private onGoaway(f: GoawayFrame): void {
    const previous = this.goawayReceived;
    const lastStreamId = previous === null ? f.lastStreamId : Math.min(previous.lastStreamId, f.lastStreamId);
    const info: GoawayInfo = { lastStreamId, errorCode: f.errorCode, debugData: f.debugData.slice() };
    this.goawayReceived = info;
    if (this.state === 'open') this.state = 'draining';
    // 6.8: "If the receiver of the GOAWAY has sent data on streams with a higher stream
    // identifier than what is indicated in the GOAWAY frame, those streams are not or will not
    // be processed. The receiver ... can treat the streams as though they had never been created".
    const refused: Stream[] = [];
    for (const s of this.streams.values()) {
      if (s.local && s.id > lastStreamId) {
        s.error ??= new RequestRefusedError(s.id, `not processed: above GOAWAY last-stream-id ${lastStreamId} (RFC 9113 6.8)`);
        refused.push(s);
      }
    }
    this.hooks.onGoaway?.(info);
    for (const s of refused) {
      if (this.closed) return;
      if (s.state !== 'closed') this.resetStream(s.id, ErrorCode.CANCEL, s.error!);
    }
    this.maybeFinishDraining();
  }

  // ---- WINDOW_UPDATE (6.9) ----

  private onWindowUpdate(f: WindowUpdateFrame): void {
    if (f.streamId === 0) {
      if (!this.sender.window.increase(f.increment)) {
        throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'WINDOW_UPDATE overflows the connection window (RFC 9113 6.9.1)');
      }
      if (this.sender.hasReady) this.hooks.onOutput();
      return;
    }
    const s = this.streams.get(f.streamId);
    if (s === undefined) return this.onFrameForUnknownStream(f.streamId, 'WINDOW_UPDATE');
    const cell = nextState(s.state, 'recv-window-update');
    if (typeof cell !== 'string') throw this.illegal(s.id, cell);
    if (!s.sendWindow.increase(f.increment)) {
      throw new StreamError(s.id, ErrorCode.FLOW_CONTROL_ERROR, 'WINDOW_UPDATE overflows the stream window (RFC 9113 6.9.1)');
    }
    this.sender.schedule(s);
  }

  // ======================================================================================
  // Receive-side flow control: credit goes back as the application consumes (flow-control.ts)
  // ======================================================================================

  /** StreamOwner: the application consumed `bytes` of this stream's body. */
  releaseReceived(s: Stream, bytes: number): void {
    if (this.state === 'closed') return;
    const held = Math.min(bytes, s.connHeld);
    if (held > 0) {
      s.connHeld -= held;
      this.releaseConnection(held);
    }
    if (canReceive(s.state)) {
      const increment = s.recvWindow.release(bytes);
      if (increment > 0) this.writeWindowUpdate(s.id, increment);
    }
  }

  /** StreamOwner: the reader gave up. A client cancels the stream; a server just stops buffering. */
  onBodyCancelled(s: Stream): void {
    if (this.role === 'client') {
      this.cancelStream(s, ErrorCode.CANCEL, new StreamError(s.id, ErrorCode.CANCEL, 'response body cancelled', 'user'));
      return;
    }
    s.body = null;
  }

  private releaseConnection(bytes: number): void {
    const increment = this.connRecv.release(bytes);
    if (increment > 0) this.writeWindowUpdate(0, increment);
  }

  private writeWindowUpdate(streamId: number, increment: number): void {
    this.out.bytes(encodeFrame({ type: 'WINDOW_UPDATE', streamId, increment }));
    this.hooks.onOutput();
  }

  // ======================================================================================
  // Sending (the API used by client.ts and server.ts)
  // ======================================================================================

  /**
   * True while we may open a stream: not draining, under the peer's MAX_CONCURRENT_STREAMS
   * (5.1.2). Until the peer's SETTINGS arrive the limit is formally unlimited; we assume 100
   * (the RFC's recommended minimum, 6.5.2) rather than have a burst of requests refused.
   */
  canOpenStream(): boolean {
    const limit = this.gotRemoteSettings ? this.remoteSettings.maxConcurrentStreams : Math.min(100, this.remoteSettings.maxConcurrentStreams);
    return this.state === 'open' && this.streams.activeLocal < limit && this.streams.nextLocalId <= 0x7fffffff;
  }

  /** A new local stream, idle until `sendHeaders`. Check `canOpenStream()` first. */
  openStream(): Stream {
    const id = this.streams.allocateLocalId();
    if (id < 0 || this.state !== 'open') throw new Error('cannot open a stream on this connection');
    return this.newStream(id, true);
  }

  private newStream(id: number, local: boolean): Stream {
    const s = new Stream(id, local, this.remoteSettings.initialWindowSize, this.localSettings.acked.initialWindowSize, this);
    this.streams.add(s);
    return s;
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
    if (typeof next !== 'string') throw this.illegal(s.id, next);
  }

  // ======================================================================================
  // Timers
  // ======================================================================================

  /** Streams with data but no window for too long are reset: a peer that never opens its window costs bounded time. */
  private checkStalls(): void {
    if (this.state === 'closed') return;
    const now = performance.now();
    const limit = this.config.limits.sendStallTimeoutMs;
    for (const s of [...this.streams.values()]) {
      const blocked = s.queuedBytes > 0 && (s.sendWindow.available === 0 || this.sender.window.available === 0);
      if (!blocked) {
        s.blockedSince = 0;
      } else if (s.blockedSince === 0) {
        s.blockedSince = now;
      } else if (now - s.blockedSince >= limit) {
        this.cancelStream(s, ErrorCode.CANCEL, new StreamError(s.id, ErrorCode.CANCEL, `no flow-control window for ${limit} ms`, 'library'));
      }
    }
  }

  private armIdle(): void {
    const ms = this.config.limits.idleTimeoutMs;
    this.idleSince = performance.now();
    const check = (): void => {
      if (this.state !== 'open') return;
      const idleFor = performance.now() - this.idleSince;
      if (this.streams.size === 0 && idleFor >= ms) {
        this.safely(() => this.shutdown());
        return;
      }
      this.idleTimer = setTimeout(check, this.streams.size === 0 ? ms - idleFor : ms);
      this.idleTimer.unref();
    };
    this.idleTimer = setTimeout(check, ms);
    this.idleTimer.unref();
  }
}

function pingKey(data: Uint8Array): string {
  let key = '';
  for (let i = 0; i < 8; i++) key += String.fromCharCode(data[i]!);
  return key;
}
