/**
 * Field blocks (RFC 9113 4.3): a HEADERS or PUSH_PROMISE fragment plus CONTINUATIONs, assembled
 * with bounds, then decoded with HPACK.
 *
 * - "Field blocks MUST be transmitted as a contiguous sequence of frames, with no interleaved
 *   frames of any other type or from any other stream" (4.3): the connection checks `inProgress`
 *   before dispatching any other frame.
 * - CVE-2024-27316 (CONTINUATION flood): the block is bounded in octets and in frames before it
 *   is complete, so a peer cannot make us buffer without limit while it never sets END_HEADERS.
 * - Every complete block is decoded, even for a stream that will be refused or ignored: HPACK
 *   state is shared by the connection (4.3). An over-long header list is reported (`tooLarge`)
 *   with the table still in sync; anything else is a COMPRESSION_ERROR.
 */
import { concatBytes } from '../bytes.js';
import { ConnectionError, ErrorCode } from './errors.js';
import { HpackError, type HpackDecoder, type HeaderField } from './hpack/index.js';

export interface CompleteBlock {
  readonly streamId: number;
  /** -1 for HEADERS; the promised stream for PUSH_PROMISE. */
  readonly promisedId: number;
  readonly endStream: boolean;
  readonly block: Uint8Array;
}

interface Pending {
  streamId: number;
  promisedId: number;
  endStream: boolean;
  parts: Uint8Array[];
  bytes: number;
  frames: number;
}

export class FieldBlockAssembler {
  private pending: Pending | null = null;

  constructor(
    private readonly maxBytes: number,
    private readonly maxContinuations: number,
  ) {}

  /** The stream whose block is incomplete, or -1. */
  get inProgress(): number {
    return this.pending === null ? -1 : this.pending.streamId;
  }

  /** HEADERS / PUSH_PROMISE without END_HEADERS. Fragments are copied: they outlive the read buffer. */
  start(streamId: number, promisedId: number, fragment: Uint8Array, endStream: boolean): void {
    this.check(fragment.length, 0);
    this.pending = { streamId, promisedId, endStream, parts: [fragment.slice()], bytes: fragment.length, frames: 0 };
  }

  /** A CONTINUATION; returns the complete block when it carries END_HEADERS. */
  continue(streamId: number, fragment: Uint8Array, endHeaders: boolean): CompleteBlock | null {
    const p = this.pending;
    // 6.10: "A CONTINUATION frame MUST be preceded by a HEADERS, PUSH_PROMISE or CONTINUATION
    // frame without the END_HEADERS flag set. A recipient that observes violation of this rule
    // MUST respond with a connection error ... of type PROTOCOL_ERROR."
    if (p === null) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'CONTINUATION without a field block in progress (RFC 9113 6.10)');
    if (streamId !== p.streamId) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `CONTINUATION on stream ${streamId} inside a field block of stream ${p.streamId} (RFC 9113 6.10)`);
    }
    p.frames++;
    p.bytes += fragment.length;
    this.check(p.bytes, p.frames);
    p.parts.push(fragment.slice());
    if (!endHeaders) return null;
    this.pending = null;
    return { streamId: p.streamId, promisedId: p.promisedId, endStream: p.endStream, block: concatBytes(p.parts, p.bytes) };
  }

  /** CVE-2024-27316: bounded in octets and in CONTINUATION frames -> ENHANCE_YOUR_CALM (10.5). */
  private check(bytes: number, continuations: number): void {
    if (bytes > this.maxBytes || continuations > this.maxContinuations) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `field block over ${this.maxBytes} octets or ${this.maxContinuations} CONTINUATION frames (RFC 9113 10.5.1)`);
    }
  }
}

/** Decodes a complete block (see the file comment for the error split). */
export function decodeFieldBlock(decoder: HpackDecoder, block: Uint8Array): { fields: HeaderField[]; tooLarge: boolean } {
  try {
    return { fields: decoder.decode(block), tooLarge: false };
  } catch (err) {
    if (err instanceof HpackError && err.kind === 'HEADER_LIST_TOO_LARGE') {
      return { fields: [...(err.fieldsBeforeLimit ?? [])], tooLarge: true };
    }
    // 4.3: "A decoding error in a field block MUST be treated as a connection error ... of type COMPRESSION_ERROR."
    throw new ConnectionError(ErrorCode.COMPRESSION_ERROR, `field block does not decode: ${err instanceof Error ? err.message : String(err)} (RFC 9113 4.3)`);
  }
}

