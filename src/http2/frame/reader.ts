/**
 * Incremental frame reader: bytes in (any fragmentation), frames out. No I/O.
 *
 * Buffering: pushed chunks are kept by reference in a list with a read offset, never
 * concatenated. A payload that lies inside one chunk comes out as a subarray of it (no copy);
 * only a header or payload that straddles chunks is copied. So many small chunks and one huge
 * chunk holding thousands of frames both cost O(total bytes). Consequence for callers: do not
 * modify a chunk after pushing it, and copy frame fields you keep if the chunk's memory is reused.
 *
 * Errors: next() throws what decodeFrame throws. The offending frame is consumed first, so after
 * a StreamError the caller can send RST_STREAM and keep reading. A ConnectionError is final: the
 * reader rethrows it from every later next() call (RFC 9113 5.4.1: the frame layer is no longer
 * usable).
 */
import { ConnectionError } from '../errors.js';
import { U31_MASK, readU32 } from './bytes.js';
import { decodePayload, frameTooLarge } from './decode.js';
import { DEFAULT_MAX_FRAME_SIZE, FRAME_HEADER_LENGTH, MAX_ALLOWED_FRAME_SIZE, type Frame } from './types.js';

const EMPTY = new Uint8Array(0);
/** Compact the chunk list once this many consumed chunks sit at its front (and they are half of it). */
const COMPACT_AFTER = 64;

export interface FrameReaderOptions {
  /** Our SETTINGS_MAX_FRAME_SIZE (RFC 9113 6.5.2), 16384..16777215; default 16384. */
  maxFrameSize?: number;
}

export class FrameReader {
  private limit = DEFAULT_MAX_FRAME_SIZE;
  private chunks: Uint8Array[] = [];
  /** Index in `chunks` of the first chunk with unread bytes. */
  private head = 0;
  /** Read position inside chunks[head]. */
  private offset = 0;
  /** Unread bytes over all chunks. */
  private buffered = 0;
  /** Header of the frame whose payload we are waiting for; length -1 = none parsed yet. */
  private frameLength = -1;
  private frameType = 0;
  private frameFlags = 0;
  private frameStreamId = 0;
  private failure: ConnectionError | undefined = undefined;
  /** Reused for a frame header split across chunks. */
  private readonly scratch = new Uint8Array(FRAME_HEADER_LENGTH);

  constructor(opts?: FrameReaderOptions) {
    if (opts?.maxFrameSize !== undefined) this.maxFrameSize = opts.maxFrameSize;
  }

  /**
   * Largest payload accepted, i.e. the SETTINGS_MAX_FRAME_SIZE we advertised. Raise it only once
   * the peer has acknowledged the new value (RFC 9113 6.5.3); it applies from the next frame
   * header read. RangeError outside 16384..16777215 (RFC 9113 4.2).
   */
  get maxFrameSize(): number {
    return this.limit;
  }

  set maxFrameSize(value: number) {
    if (!Number.isInteger(value) || value < DEFAULT_MAX_FRAME_SIZE || value > MAX_ALLOWED_FRAME_SIZE) {
      throw new RangeError(`maxFrameSize ${value} outside 16384..16777215 (RFC 9113 4.2)`);
    }
    this.limit = value;
  }

  /** Bytes pushed but not yet returned as frames (a partial frame at end of stream is left here). */
  get bufferedBytes(): number {
    return this.frameLength < 0 ? this.buffered : this.buffered + FRAME_HEADER_LENGTH;
  }

  /** Appends bytes; the chunk is kept by reference, not copied. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.failure !== undefined) return; // nothing more is read after a connection error
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete frame, or null if more bytes are needed. Throws ConnectionError / StreamError. */
  next(): Frame | null {
    if (this.failure !== undefined) throw this.failure;
    if (this.frameLength < 0) {
      if (this.buffered < FRAME_HEADER_LENGTH) return null;
      this.readHeader();
      // RFC 9113 4.2 (see frameTooLarge), raised from the header alone, before buffering the payload.
      if (this.frameLength > this.limit) {
        this.failure = frameTooLarge(this.frameLength, this.limit);
        throw this.failure;
      }
    }
    const length = this.frameLength;
    if (this.buffered < length) return null;
    const payload = this.take(length);
    this.frameLength = -1;
    try {
      return decodePayload(this.frameType, this.frameFlags, this.frameStreamId, payload);
    } catch (err) {
      if (err instanceof ConnectionError) this.failure = err;
      throw err;
    }
  }

  /** Consumes the 9-octet header (RFC 9113 4.1); caller checked that 9 bytes are buffered. */
  private readHeader(): void {
    let buf = this.chunks[this.head]!;
    let off = this.offset;
    if (buf.length - off >= FRAME_HEADER_LENGTH) {
      this.advance(buf, FRAME_HEADER_LENGTH);
    } else {
      buf = this.copyOut(this.scratch, FRAME_HEADER_LENGTH);
      off = 0;
    }
    this.buffered -= FRAME_HEADER_LENGTH;
    this.frameLength = (buf[off]! << 16) | (buf[off + 1]! << 8) | buf[off + 2]!;
    this.frameType = buf[off + 3]!;
    this.frameFlags = buf[off + 4]!;
    // RFC 9113 4.1: the reserved bit "MUST be ignored when receiving".
    this.frameStreamId = readU32(buf, off + 5) & U31_MASK;
  }

  /** Consumes `n` buffered bytes: a subarray if they lie in one chunk, else a copy. */
  private take(n: number): Uint8Array {
    if (n === 0) return EMPTY;
    const chunk = this.chunks[this.head]!;
    const start = this.offset;
    let out: Uint8Array;
    if (chunk.length - start >= n) {
      out = chunk.subarray(start, start + n);
      this.advance(chunk, n);
    } else {
      out = this.copyOut(new Uint8Array(n), n);
    }
    this.buffered -= n;
    return out;
  }

  /** Copies the next `n` bytes, across chunks, into `dest` and consumes them (not `buffered`). */
  private copyOut(dest: Uint8Array, n: number): Uint8Array {
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head]!;
      const start = this.offset;
      const count = Math.min(chunk.length - start, n - filled);
      if (count < 16) {
        for (let i = 0; i < count; i++) dest[filled + i] = chunk[start + i]!; // no subarray object for tiny pieces
      } else {
        dest.set(chunk.subarray(start, start + count), filled);
      }
      filled += count;
      this.advance(chunk, count);
    }
    return dest;
  }

  /** Moves the read position `n` bytes into `chunk` (= chunks[head]), dropping it once used up. */
  private advance(chunk: Uint8Array, n: number): void {
    this.offset += n;
    if (this.offset < chunk.length) return;
    this.offset = 0;
    this.head++;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.chunks.length) {
      // Amortised O(1): at least half the list is dropped each time.
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
