/**
 * Message bodies.
 *
 * `InboundBody` is what the application reads: an async iterable of the DATA payloads of one
 * stream. Reading is what gives flow-control credit back to the peer (`BodySource.onBodyConsumed`),
 * so a slow reader slows the sender, and at most a stream window of unread data is ever buffered.
 * Chunks are views into the transport's read buffers (no copy); keep or copy them as you need.
 *
 * `toChunks` normalises what users may pass as an outgoing body.
 */
import { concatBytes } from '../bytes.js';

/** The stream behind a body: told when data is consumed, or when the reader gives up. */
export interface BodySource {
  onBodyConsumed(bytes: number): void;
  onBodyCancelled(): void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });
const decoder = new TextDecoder();

export class InboundBody implements AsyncIterable<Uint8Array>, AsyncIterator<Uint8Array> {
  private chunks: Uint8Array[] | null = null;
  private head = 0;
  private ended = false;
  private error: Error | null = null;
  private waiter: { resolve(r: IteratorResult<Uint8Array>): void; reject(e: Error): void } | null = null;
  private usedFlag = false;
  private firstReadHook: (() => void) | null = null;
  /** Bytes received and not yet handed to the reader. */
  buffered = 0;

  constructor(private readonly source: BodySource | null, ended = false) {
    this.ended = ended;
  }

  /** A body with no content. */
  static empty(): InboundBody {
    return new InboundBody(null, true);
  }

  /** Reading has started (iterator taken or bytes() called). */
  get used(): boolean {
    return this.usedFlag;
  }

  get done(): boolean {
    return this.ended && this.buffered === 0;
  }

  /**
   * @internal `fn` runs once, when the reader first asks for data, before it gets any: the server
   * sends 100 (Continue) from here (server-session.ts), since asking is what says the content is
   * wanted.
   */
  onFirstRead(fn: () => void): void {
    this.firstReadHook = fn;
  }

  // ---- producer side (the connection) ----

  push(chunk: Uint8Array): void {
    if (this.ended || this.error !== null) return;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      this.source?.onBodyConsumed(chunk.length);
      waiter.resolve({ done: false, value: chunk });
      return;
    }
    (this.chunks ??= []).push(chunk);
    this.buffered += chunk.length;
  }

  end(): void {
    if (this.ended || this.error !== null) return;
    this.ended = true;
    if (this.waiter !== null && this.buffered === 0) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.resolve(DONE);
    }
  }

  /**
   * The stream failed before its end: pending and later reads reject with `error` (data not yet
   * read is dropped). A body already complete is not affected.
   */
  fail(error: Error): void {
    if (this.error !== null || this.ended) return;
    this.error = error;
    this.chunks = null;
    this.buffered = 0;
    if (this.waiter !== null) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.reject(error);
    }
  }

  // ---- consumer side (the application) ----

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.usedFlag) throw new TypeError('body is already being read');
    this.usedFlag = true;
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    const hook = this.firstReadHook;
    if (hook !== null) {
      this.firstReadHook = null;
      hook();
    }
    if (this.buffered > 0) return Promise.resolve({ done: false, value: this.shift() });
    if (this.error !== null) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve(DONE);
    if (this.waiter !== null) return Promise.reject(new TypeError('concurrent reads of one body'));
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** `break` out of a for-await loop: the rest of the body is not wanted. */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.cancel();
    return Promise.resolve(DONE);
  }

  /** Stops reading: buffered data is dropped and the stream is told (client: RST_STREAM CANCEL). */
  cancel(): void {
    if (this.done || this.error !== null) return;
    const released = this.buffered;
    this.chunks = null;
    this.buffered = 0;
    this.error = new TypeError('body was cancelled');
    if (released > 0) this.source?.onBodyConsumed(released);
    this.source?.onBodyCancelled();
  }

  /** The whole body in one buffer. */
  async bytes(): Promise<Uint8Array> {
    if (this.usedFlag) throw new TypeError('body is already being read');
    this.usedFlag = true;
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const r = await this.next();
      if (r.done) break;
      parts.push(r.value);
      total += r.value.length;
    }
    return concatBytes(parts, total);
  }

  async text(): Promise<string> {
    return decoder.decode(await this.bytes());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  private shift(): Uint8Array {
    const chunks = this.chunks!;
    const chunk = chunks[this.head]!;
    chunks[this.head] = EMPTY;
    this.head++;
    if (this.head === chunks.length) {
      chunks.length = 0;
      this.head = 0;
    }
    this.buffered -= chunk.length;
    this.source?.onBodyConsumed(chunk.length);
    return chunk;
  }
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

/** What an outgoing body may be. */
export type BodyInit = Uint8Array | string | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | null | undefined;

/** A body known in full up front (replayable on retry), or a stream of chunks, or nothing. */
export type NormalisedBody =
  | { kind: 'none' }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'stream'; source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> };

export function normaliseBody(body: BodyInit): NormalisedBody {
  if (body === null || body === undefined) return { kind: 'none' };
  if (typeof body === 'string') return { kind: 'bytes', bytes: encoder.encode(body) };
  if (body instanceof Uint8Array) return { kind: 'bytes', bytes: body };
  if (typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function' || typeof (body as Iterable<Uint8Array>)[Symbol.iterator] === 'function') {
    return { kind: 'stream', source: body };
  }
  throw new TypeError('body must be a Uint8Array, a string, an (async) iterable of Uint8Array, or null');
}

/** A chunk written by the user: strings are UTF-8 encoded. */
export function toBytes(chunk: Uint8Array | string): Uint8Array {
  if (typeof chunk === 'string') return encoder.encode(chunk);
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError('chunk must be a Uint8Array or a string');
}
