/**
 * The outgoing byte buffer: frames are written straight into a slab, and each flush hands the
 * transport one contiguous view of everything written since the last one (one `write` per batch).
 *
 * Memory handed to the transport is never written again (a backend may keep a reference until
 * the bytes are on the wire): the next batch continues after it in the same slab, or in a new
 * slab once this one is used up.
 *
 * Control frames (ACKs and RST_STREAMs we owe the peer) are counted between flushes, so a peer
 * that floods us with frames needing an answer while not reading can be told ENHANCE_YOUR_CALM.
 */
import { FRAME_HEADER_LENGTH } from './frame/index.js';

/** Smallest slab; slabs grow geometrically when a batch needs more, and are dropped when idle. */
const MIN_SLAB = 4 * 1024;
const NO_SLAB = new Uint8Array(0);

export class OutputBuffer {
  private slab = NO_SLAB;
  private start = 0;
  private pos = 0;
  /** Control frames written since the last successful write. */
  controlFrames = 0;

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.pos - this.start;
  }

  /** Makes room for `n` more bytes (a batch about to be filled reserves its size up front). */
  ensure(n: number): void {
    if (this.pos + n <= this.slab.length) return;
    const pending = this.pos - this.start;
    const next = new Uint8Array(Math.max(MIN_SLAB, (pending + n) * 2));
    next.set(this.slab.subarray(this.start, this.pos));
    this.slab = next;
    this.start = 0;
    this.pos = pending;
  }

  /** A 9-octet frame header (RFC 9113 4.1); the caller writes exactly `length` payload bytes next. */
  frameHeader(length: number, type: number, flags: number, streamId: number): void {
    this.ensure(FRAME_HEADER_LENGTH + length);
    const b = this.slab;
    const p = this.pos;
    b[p] = length >>> 16;
    b[p + 1] = length >>> 8;
    b[p + 2] = length;
    b[p + 3] = type;
    b[p + 4] = flags;
    b[p + 5] = streamId >>> 24;
    b[p + 6] = streamId >>> 16;
    b[p + 7] = streamId >>> 8;
    b[p + 8] = streamId;
    this.pos = p + FRAME_HEADER_LENGTH;
  }

  /** Raw bytes (a payload, or a frame from `encodeFrame`). */
  bytes(data: Uint8Array, start = 0, end = data.length): void {
    const n = end - start;
    if (n === 0) return;
    this.ensure(n);
    if (n < 32) {
      const b = this.slab;
      let p = this.pos;
      for (let i = start; i < end; i++) b[p++] = data[i]!;
    } else {
      this.slab.set(start === 0 && end === data.length ? data : data.subarray(start, end), this.pos);
    }
    this.pos += n;
  }

  /** Everything written since the last call, or null. */
  take(): Uint8Array | null {
    if (this.pos === this.start) return null;
    const out = this.slab.subarray(this.start, this.pos);
    this.start = this.pos;
    if (this.slab.length - this.pos < MIN_SLAB / 4) this.release(); // nearly full: start afresh next time
    return out;
  }

  /** Drops the slab when nothing is pending (an idle connection then holds no output memory). */
  release(): void {
    if (this.pos !== this.start) return;
    this.slab = NO_SLAB;
    this.start = 0;
    this.pos = 0;
  }

  /** Forget unsent output (the connection is being destroyed). */
  discard(): void {
    this.start = this.pos;
    this.controlFrames = 0;
  }
}
