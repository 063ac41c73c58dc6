/**
 * One direction of a loopback connection: the bytes one endpoint writes, on their way to the
 * other endpoint's receive buffer.
 *
 * The link models three things, all deterministic (no randomness, no clock other than
 * `performance.now()` and timers):
 * - latency: every chunk arrives `latencyMs` after it leaves the link;
 * - bandwidth: a chunk of n bytes occupies the link for n / bandwidth seconds, and chunks queue
 *   behind each other, so a burst drains at the configured rate;
 * - fragmentation: writes are cut into chunks of at most `maxChunkSize` bytes, and each chunk is
 *   delivered (and read) on its own.
 * With no option set, delivery happens in a microtask and no timer is ever armed.
 *
 * Backpressure: bytes are counted from the moment they are written until the reader consumes
 * them, so "unread" covers both bytes in flight and bytes in the receive buffer. A write
 * resolves once the unread bytes up to and including its own last byte fit within the reader's
 * `highWaterMark`; a reader that stops reading therefore stops the writer, and no byte is ever
 * dropped. (Like a TCP window without the ACK's return trip: a read frees room at once.)
 *
 * The link takes ownership of the arrays it is given; the transport copies what the caller wrote.
 */
import { TransportError } from '../../src/transport.js';
import { Fifo } from '../../src/fifo.js';

export interface LinkOptions {
  /** One-way delay of every chunk, in milliseconds. Default 0. */
  readonly latencyMs?: number;
  /** Serialisation rate; unlimited when absent. */
  readonly bandwidthBytesPerSec?: number;
  /** Largest chunk delivered to the reader; writes are split to fit. Unlimited when absent. */
  readonly maxChunkSize?: number;
}

/** A human-readable complaint about the options, or null when they are usable. */
export function validateLinkOptions(options: LinkOptions | undefined): string | null {
  if (options === undefined) return null;
  const { latencyMs, bandwidthBytesPerSec, maxChunkSize } = options;
  if (latencyMs !== undefined && !(Number.isFinite(latencyMs) && latencyMs >= 0)) {
    return `link.latencyMs must be a finite number >= 0, got ${latencyMs}`;
  }
  if (bandwidthBytesPerSec !== undefined && !(Number.isFinite(bandwidthBytesPerSec) && bandwidthBytesPerSec > 0)) {
    return `link.bandwidthBytesPerSec must be a finite number > 0, got ${bandwidthBytesPerSec}`;
  }
  if (maxChunkSize !== undefined && !(Number.isInteger(maxChunkSize) && maxChunkSize >= 1)) {
    return `link.maxChunkSize must be an integer >= 1, got ${maxChunkSize}`;
  }
  return null;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

interface PendingWrite extends Waiter<void> {
  /** Byte offset just past this write in the link's whole stream. */
  readonly end: number;
}

/** A chunk on the wire; `null` is the end-of-stream marker. */
interface InFlight {
  readonly at: number;
  readonly chunk: Uint8Array | null;
}

export class Link {
  /** The reader's limit; see the header comment. */
  highWaterMark: number;
  /** Called once, when the reader has seen end of stream (or stopped reading after it came). */
  onEofConsumed: (() => void) | undefined;

  private readonly latencyMs: number;
  private readonly bytesPerMs: number | undefined;
  private readonly maxChunkSize: number;
  private readonly timed: boolean;

  private readonly inFlight = new Fifo<InFlight>();
  private busyUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushQueued = false;

  private readonly buffer = new Fifo<Uint8Array>();
  private readonly readers = new Fifo<Waiter<Uint8Array | null>>();
  private readonly writers = new Fifo<PendingWrite>();
  private written = 0;
  private consumed = 0;

  private endSent = false;
  private eofArrived = false;
  private eofConsumed = false;
  private stopped = false;
  private aborted: { reader: Error; writer: Error } | null = null;

  constructor(options: LinkOptions = {}, highWaterMark: number) {
    this.latencyMs = options.latencyMs ?? 0;
    this.bytesPerMs = options.bandwidthBytesPerSec === undefined ? undefined : options.bandwidthBytesPerSec / 1000;
    this.maxChunkSize = options.maxChunkSize ?? Infinity;
    this.timed = this.latencyMs > 0 || this.bytesPerMs !== undefined;
    this.highWaterMark = highWaterMark;
  }

  get ended(): boolean {
    return this.endSent;
  }

  /** Sends `data` (owned by the link from now on); resolves once accepted, see header. */
  write(data: Uint8Array): Promise<void> {
    if (this.aborted) return Promise.reject(this.aborted.writer);
    if (this.endSent) return Promise.reject(new TransportError('CLOSED', 'write after end()'));
    if (data.length === 0) return Promise.resolve();
    for (let offset = 0; offset < data.length; offset += this.maxChunkSize) {
      this.send(data.subarray(offset, Math.min(data.length, offset + this.maxChunkSize)));
    }
    this.written += data.length;
    const end = this.written;
    if (end - this.consumed <= this.highWaterMark) return Promise.resolve();
    return new Promise((resolve, reject) => this.writers.push({ end, resolve, reject }));
  }

  /** Queues end of stream behind everything written so far. Idempotent. */
  end(): void {
    if (this.endSent || this.aborted) return;
    this.endSent = true;
    this.send(null);
  }

  /** The next chunk, or null at end of stream or once reading stopped. FIFO among callers. */
  read(): Promise<Uint8Array | null> {
    if (this.stopped || this.eofConsumed) return Promise.resolve(null);
    if (this.aborted) return Promise.reject(this.aborted.reader);
    const chunk = this.buffer.shift();
    if (chunk !== undefined) {
      this.consume(chunk.length);
      return Promise.resolve(chunk);
    }
    if (this.eofArrived) {
      this.markEofConsumed();
      return Promise.resolve(null);
    }
    return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
  }

  /**
   * The reader is gone (close()): pending and future reads give null, and whatever is buffered
   * or still arrives counts as consumed, so the writer is never left waiting on a reader that
   * will not come back.
   */
  stopReading(): void {
    if (this.stopped || this.aborted) return;
    this.stopped = true;
    let discarded = 0;
    for (const chunk of this.buffer.drain()) discarded += chunk.length;
    for (const reader of this.readers.drain()) reader.resolve(null);
    this.consume(discarded);
    if (this.eofArrived) this.markEofConsumed();
  }

  /** Kills the link: bytes in flight and buffered are lost, every pending operation rejects. */
  abort(readerError: Error, writerError: Error): void {
    if (this.aborted) return;
    this.aborted = { reader: readerError, writer: writerError };
    clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight.drain();
    this.buffer.drain();
    for (const reader of this.readers.drain()) reader.reject(readerError);
    for (const writer of this.writers.drain()) writer.reject(writerError);
  }

  private send(chunk: Uint8Array | null): void {
    if (!this.timed) {
      this.inFlight.push({ at: 0, chunk });
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => this.flush());
      }
      return;
    }
    const now = performance.now();
    const start = Math.max(now, this.busyUntil);
    const size = chunk?.length ?? 0;
    this.busyUntil = start + (this.bytesPerMs === undefined ? 0 : size / this.bytesPerMs);
    this.inFlight.push({ at: this.busyUntil + this.latencyMs, chunk });
    if (this.timer === undefined) this.arm();
  }

  private arm(): void {
    const next = this.inFlight.peek();
    if (next === undefined) return;
    // Timers may fire a fraction of a millisecond early; flush() re-checks the clock and re-arms,
    // so a chunk is never delivered before its arrival time.
    const delay = Math.max(0, Math.ceil(next.at - performance.now()));
    this.timer = setTimeout(() => this.flush(), delay);
  }

  private flush(): void {
    this.flushQueued = false;
    this.timer = undefined;
    if (this.aborted) return;
    const now = this.timed ? performance.now() : Infinity;
    for (let next = this.inFlight.peek(); next !== undefined && next.at <= now; next = this.inFlight.peek()) {
      this.inFlight.shift();
      this.deliver(next.chunk);
    }
    if (this.timed) this.arm();
  }

  private deliver(chunk: Uint8Array | null): void {
    if (chunk === null) {
      this.eofArrived = true;
      if (this.stopped) {
        this.markEofConsumed();
      } else if (this.readers.length > 0) {
        for (const reader of this.readers.drain()) reader.resolve(null);
        this.markEofConsumed();
      }
      return;
    }
    const reader = this.stopped ? undefined : this.readers.shift();
    if (this.stopped) {
      this.consume(chunk.length);
    } else if (reader !== undefined) {
      this.consume(chunk.length);
      reader.resolve(chunk);
    } else {
      this.buffer.push(chunk);
    }
  }

  private consume(bytes: number): void {
    this.consumed += bytes;
    for (let writer = this.writers.peek(); writer !== undefined; writer = this.writers.peek()) {
      if (writer.end - this.consumed > this.highWaterMark) break;
      this.writers.shift();
      writer.resolve();
    }
  }

  private markEofConsumed(): void {
    if (this.eofConsumed) return;
    this.eofConsumed = true;
    this.onEofConsumed?.();
  }
}
