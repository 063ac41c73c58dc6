/**
 * The sending half of a connection: field blocks framed into HEADERS + CONTINUATION, body bytes
 * framed into DATA within both flow-control windows (RFC 9113 5.2, 6.9), and a round-robin
 * scheduler over the streams that have data waiting.
 *
 * Body bytes go out at once when both windows allow and the output is not backlogged (the
 * common small response); otherwise they wait in the stream's queue, bounded by
 * `maxStreamBufferedBytes` (writers block beyond it), until `fill()` moves them into a batch.
 * `fill()` runs only when the driver cuts a batch, i.e. after the previous write completed, so
 * the transport's backpressure reaches the streams and no queue grows without bound.
 *
 * State changes go through the connection's `transition` (the one place streams move).
 */
import { Flag, FrameType } from './frame/index.js';
import { headerListSize } from './headers.js';
import { HpackEncoder, type HeaderField } from './hpack/index.js';
import { SendWindow } from './flow-control.js';
import type { Http2Limits, Http2Settings } from './limits.js';
import type { OutputBuffer } from './output.js';
import type { Stream } from './stream.js';
import { canSend } from './stream-state.js';
import { Fifo } from '../fifo.js';

/** Most bytes put into one write batch before yielding to the transport. */
export const BATCH_TARGET = 128 * 1024;
/** Largest DATA frame we send even if the peer allows more: keeps streams interleaved fairly. */
const MAX_DATA_FRAME = 64 * 1024;
export const RESOLVED: Promise<void> = Promise.resolve();
const EMPTY = new Uint8Array(0);

/** What the sender needs from its connection. */
export interface SenderHost {
  readonly remoteSettings: Readonly<Http2Settings>;
  readonly limits: Readonly<Http2Limits>;
  transition(s: Stream, event: 'send-headers' | 'send-end-stream'): void;
  onOutput(): void;
}

export class Sender {
  readonly encoder = new HpackEncoder();
  /** The connection-level send window (6.9.1). */
  readonly window = new SendWindow(65535);
  /** Streams with queued DATA and stream window, round-robin. */
  private readonly ready = new Fifo<Stream>();

  constructor(
    private readonly out: OutputBuffer,
    private readonly host: SenderHost,
  ) {}

  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  /**
   * A header block for `s` (6.2, 6.10). RangeError when the list exceeds the peer's
   * SETTINGS_MAX_HEADER_LIST_SIZE (6.5.2: advisory, but a peer may refuse larger lists).
   */
  headers(s: Stream, fields: HeaderField[], endStream: boolean): void {
    const limit = this.host.remoteSettings.maxHeaderListSize;
    if (limit !== Infinity) {
      const size = headerListSize(fields);
      if (size > limit) throw new RangeError(`header list of ${size} octets exceeds the peer's SETTINGS_MAX_HEADER_LIST_SIZE ${limit}`);
    }
    this.fieldBlock(s.id, this.encoder.encode(fields), endStream);
    this.host.transition(s, 'send-headers');
    if (endStream) this.host.transition(s, 'send-end-stream');
    this.host.onOutput();
  }

  /** One field block as HEADERS + CONTINUATIONs within the peer's SETTINGS_MAX_FRAME_SIZE (4.2, 4.3). */
  private fieldBlock(id: number, block: Uint8Array, endStream: boolean): void {
    const max = this.host.remoteSettings.maxFrameSize;
    let n = Math.min(block.length, max);
    let flags = (endStream ? Flag.END_STREAM : 0) | (n === block.length ? Flag.END_HEADERS : 0);
    this.out.frameHeader(n, FrameType.HEADERS, flags, id);
    this.out.bytes(block, 0, n);
    // 6.10: the CONTINUATIONs follow at once; nothing else is written in between.
    for (let off = n; off < block.length; off += n) {
      n = Math.min(block.length - off, max);
      flags = off + n === block.length ? Flag.END_HEADERS : 0;
      this.out.frameHeader(n, FrameType.CONTINUATION, flags, id);
      this.out.bytes(block, off, off + n);
    }
  }

  /** Queues body bytes; resolves at once under the per-stream cap, else when the queue drains below it. */
  write(s: Stream, data: Uint8Array): Promise<void> {
    if (data.length === 0) return RESOLVED;
    if (s.queuedBytes === 0 && this.fitsNow(s, data.length)) {
      this.data(s, data, false);
      this.host.onOutput();
      return RESOLVED;
    }
    s.queue.push(data);
    s.queuedBytes += data.length;
    this.schedule(s);
    if (s.queuedBytes < this.host.limits.maxStreamBufferedBytes) return RESOLVED;
    return new Promise<void>((resolve, reject) => (s.writeWaiters ??= []).push({ resolve, reject }));
  }

  /** END_STREAM after the queued data: with a last chunk and/or trailers (8.1). */
  end(s: Stream, data: Uint8Array | undefined, trailers: HeaderField[] | undefined): void {
    const withTrailers = trailers !== undefined && trailers.length > 0;
    if (data !== undefined && data.length > 0) {
      if (s.queuedBytes === 0 && this.fitsNow(s, data.length)) {
        this.data(s, data, !withTrailers);
        if (withTrailers) this.fieldBlock(s.id, this.encoder.encode(trailers), true);
        this.host.transition(s, 'send-end-stream');
        this.host.onOutput();
        return;
      }
      s.queue.push(data);
      s.queuedBytes += data.length;
    }
    if (s.queuedBytes === 0) {
      if (withTrailers) this.fieldBlock(s.id, this.encoder.encode(trailers), true);
      else this.data(s, EMPTY, true); // 6.1: an empty DATA frame can carry END_STREAM
      this.host.transition(s, 'send-end-stream');
    } else {
      s.endQueued = true;
      s.trailers = withTrailers ? trailers : null;
      this.schedule(s);
    }
    this.host.onOutput();
  }

  /** Puts `s` in the ready list when it has data and stream window. */
  schedule(s: Stream): void {
    if (!s.scheduled && s.queuedBytes > 0 && s.sendWindow.available > 0 && canSend(s.state)) {
      s.scheduled = true;
      this.ready.push(s);
      this.host.onOutput();
    }
  }

  /** Moves queued DATA into the output, one frame per stream per turn, within both windows. */
  fill(): void {
    if (this.ready.length > 0 && this.window.available > 0) this.out.ensure(Math.min(BATCH_TARGET, this.window.available) + 1024);
    while (this.out.length < BATCH_TARGET && this.window.available > 0) {
      const s = this.ready.shift();
      if (s === undefined) return;
      s.scheduled = false;
      if (s.queuedBytes === 0 || !canSend(s.state)) continue;
      this.emit(s);
      if (s.state !== 'closed') this.schedule(s);
    }
  }

  /** Windows open, frame small enough, output not backlogged: DATA can go straight out. */
  private fitsNow(s: Stream, n: number): boolean {
    return n <= s.sendWindow.available && n <= this.window.available && n <= this.maxDataFrame() && this.out.length < BATCH_TARGET;
  }

  private maxDataFrame(): number {
    return Math.min(this.host.remoteSettings.maxFrameSize, MAX_DATA_FRAME);
  }

  /** A DATA frame from `data` (6.1); both windows are charged (6.9). */
  private data(s: Stream, data: Uint8Array, endStream: boolean): void {
    this.out.frameHeader(data.length, FrameType.DATA, endStream ? Flag.END_STREAM : 0, s.id);
    this.out.bytes(data);
    s.sendWindow.consume(data.length);
    this.window.consume(data.length);
  }

  /** One DATA frame from the stream's queue (it may gather several small chunks). */
  private emit(s: Stream): void {
    const n = Math.min(s.queuedBytes, s.sendWindow.available, this.window.available, this.maxDataFrame());
    if (n <= 0) return;
    const last = n === s.queuedBytes;
    const endStream = last && s.endQueued && s.trailers === null;
    this.out.frameHeader(n, FrameType.DATA, endStream ? Flag.END_STREAM : 0, s.id);
    let left = n;
    while (left > 0) {
      const chunk = s.queue[0]!;
      const avail = chunk.length - s.queueOffset;
      const take = Math.min(avail, left);
      this.out.bytes(chunk, s.queueOffset, s.queueOffset + take);
      left -= take;
      if (take === avail) {
        s.queue.shift();
        s.queueOffset = 0;
      } else {
        s.queueOffset += take;
      }
    }
    s.queuedBytes -= n;
    s.sendWindow.consume(n);
    this.window.consume(n);
    s.blockedSince = 0;
    s.settleWriters(this.host.limits.maxStreamBufferedBytes);
    if (last && s.endQueued) {
      const trailers = s.trailers;
      s.endQueued = false;
      s.trailers = null;
      if (trailers !== null) this.fieldBlock(s.id, this.encoder.encode(trailers), true);
      this.host.transition(s, 'send-end-stream');
    }
  }
}
