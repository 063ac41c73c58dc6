/**
 * Frame payload parsing and per-type validation (RFC 9113 4.2 and 6). Pure: no I/O, no state.
 *
 * Error-class choices (RFC 9113 leaves some room):
 * - A frame longer than our SETTINGS_MAX_FRAME_SIZE is always a ConnectionError FRAME_SIZE_ERROR,
 *   whatever its type or stream. 4.2 requires that for frames carrying a field block, SETTINGS and
 *   stream-0 frames, and permits a stream error otherwise; we choose the connection error for all
 *   because the reader detects it from the header alone, before buffering a payload it would
 *   otherwise have to skip, and DATA would still have to be counted against the connection window.
 * - A payload too short for its mandatory fields is a ConnectionError FRAME_SIZE_ERROR, except
 *   PRIORITY, whose wrong length 6.3 makes a StreamError.
 * - Padding longer than the room left for it is a ConnectionError PROTOCOL_ERROR (6.1, 6.2, 6.6).
 * - Self-dependency: a PRIORITY frame gets a StreamError PROTOCOL_ERROR (RFC 7540 5.3.1, kept by
 *   RFC 9113 5.3.2); a HEADERS frame gets a ConnectionError instead, because throwing a stream
 *   error here would drop its field block and desynchronise HPACK state (RFC 9113 4.3; 5.4.1
 *   allows treating any stream error as a connection error).
 * - Frames of unknown type are only size-checked and come out as UNKNOWN (RFC 9113 4.1, 5.5).
 * Unknown flags are ignored and the reserved bit of 31-bit fields is masked (RFC 9113 4.1).
 *
 * Returned Uint8Arrays are subarrays of `payload`; nothing is copied.
 */
import { ConnectionError, ErrorCode, StreamError } from '../errors.js';
import { U31_MASK, readU16, readU32 } from './bytes.js';
import { validateSetting } from './settings.js';
import { DEFAULT_MAX_FRAME_SIZE, Flag, type Frame, type FrameHeader, type Priority } from './types.js';

type Parser = (flags: number, streamId: number, payload: Uint8Array) => Frame;

/**
 * Decodes one frame whose 9-octet header has already been parsed. `header.length` must equal
 * `payload.length` (RangeError otherwise: that is a caller bug, not a peer's). `maxFrameSize` is
 * our advertised SETTINGS_MAX_FRAME_SIZE. Throws ConnectionError / StreamError for invalid frames.
 */
export function decodeFrame(header: FrameHeader, payload: Uint8Array, maxFrameSize: number = DEFAULT_MAX_FRAME_SIZE): Frame {
  if (header.length !== payload.length) {
    throw new RangeError(`frame header says ${header.length} payload octets, got ${payload.length}`);
  }
  if (header.length > maxFrameSize) throw frameTooLarge(header.length, maxFrameSize);
  return decodePayload(header.type, header.flags, header.streamId & U31_MASK, payload);
}

/**
 * RFC 9113 4.2: "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame exceeds the size
 * defined in SETTINGS_MAX_FRAME_SIZE". Connection error for every type (see top of file).
 */
export function frameTooLarge(length: number, maxFrameSize: number): ConnectionError {
  return new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `frame of ${length} octets exceeds SETTINGS_MAX_FRAME_SIZE ${maxFrameSize} (RFC 9113 4.2)`);
}

/** Size already checked, reserved bit already cleared. Used by FrameReader without a header object. */
export function decodePayload(type: number, flags: number, streamId: number, payload: Uint8Array): Frame {
  const parse = type < PARSERS.length ? PARSERS[type] : undefined;
  if (parse === undefined) {
    // RFC 9113 4.1: "Implementations MUST ignore and discard frames of unknown types." The
    // connection layer does the discarding (it must still police field-block sequencing, 4.3).
    return { type: 'UNKNOWN', frameType: type, flags, streamId, payload };
  }
  return parse(flags, streamId, payload);
}

// ---- shared checks ----

/** For frames that "MUST be associated with a stream": stream 0 is a connection PROTOCOL_ERROR. */
function requireStream(streamId: number, name: string, section: string): void {
  if (streamId === 0) {
    throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `${name} frame on stream 0 (RFC 9113 ${section})`);
  }
}

/** For connection-level frames: a non-zero stream id is a connection PROTOCOL_ERROR. */
function requireConnection(streamId: number, name: string, section: string): void {
  if (streamId !== 0) {
    throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `${name} frame on stream ${streamId}, must be 0 (RFC 9113 ${section})`);
  }
}

/** RFC 9113 4.2: a frame "too small to contain mandatory frame data" is a FRAME_SIZE_ERROR. */
function tooShort(name: string, length: number, needed: number, section: string): ConnectionError {
  return new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `${name} payload of ${length} octets, needs at least ${needed} (RFC 9113 ${section})`);
}

/**
 * Reads the Pad Length octet of a PADDED frame that has `fixed` more mandatory octets after it.
 * RFC 9113 6.1/6.2/6.6: "If the length of the padding is the length of the frame payload or
 * greater, the recipient MUST treat this as a connection error ... of type PROTOCOL_ERROR."
 * Padding that would overlap the mandatory fields is treated the same way.
 */
function readPadLength(p: Uint8Array, fixed: number, name: string, section: string): number {
  if (p.length < 1 + fixed) throw tooShort(name, p.length, 1 + fixed, section);
  const padLength = p[0]!;
  if (padLength > p.length - 1 - fixed) {
    throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `${name} pad length ${padLength} too large for a ${p.length}-octet payload (RFC 9113 ${section})`);
  }
  return padLength;
}

/** Exclusive bit, 31-bit dependency, weight - 1 (RFC 9113 6.2, 6.3). */
function readPriority(p: Uint8Array, off: number): Priority {
  const word = readU32(p, off);
  return { exclusive: word > U31_MASK, dependency: word & U31_MASK, weight: p[off + 4]! + 1 };
}

// ---- one parser per frame type ----

function decodeData(flags: number, streamId: number, p: Uint8Array): Frame {
  // RFC 9113 6.1: "If a DATA frame is received whose Stream Identifier field is 0x00, the
  // recipient MUST respond with a connection error ... of type PROTOCOL_ERROR."
  requireStream(streamId, 'DATA', '6.1');
  let padLength: number | undefined;
  let data = p;
  if ((flags & Flag.PADDED) !== 0) {
    padLength = readPadLength(p, 0, 'DATA', '6.1');
    data = p.subarray(1, p.length - padLength);
  }
  return {
    type: 'DATA',
    streamId,
    data,
    endStream: (flags & Flag.END_STREAM) !== 0,
    padLength,
    // RFC 9113 6.1: "The entire DATA frame payload is included in flow control".
    flowControlledLength: p.length,
  };
}

function decodeHeaders(flags: number, streamId: number, p: Uint8Array): Frame {
  // RFC 9113 6.2: HEADERS with stream id 0 "MUST respond with a connection error ... PROTOCOL_ERROR".
  requireStream(streamId, 'HEADERS', '6.2');
  const fixed = (flags & Flag.PRIORITY) !== 0 ? 5 : 0;
  let off = 0;
  let end = p.length;
  let padLength: number | undefined;
  if ((flags & Flag.PADDED) !== 0) {
    padLength = readPadLength(p, fixed, 'HEADERS', '6.2');
    off = 1;
    end -= padLength;
  } else if (p.length < fixed) {
    throw tooShort('HEADERS', p.length, fixed, '6.2');
  }
  let priority: Priority | undefined;
  if (fixed !== 0) {
    priority = readPriority(p, off);
    off += 5;
    if (priority.dependency === streamId) {
      // RFC 7540 5.3.1: "A stream cannot depend on itself." Connection error here, see top of file.
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on stream ${streamId} depends on itself (RFC 7540 5.3.1)`);
    }
  }
  return {
    type: 'HEADERS',
    streamId,
    headerBlock: p.subarray(off, end),
    endStream: (flags & Flag.END_STREAM) !== 0,
    endHeaders: (flags & Flag.END_HEADERS) !== 0,
    priority,
    padLength,
  };
}

function decodePriority(_flags: number, streamId: number, p: Uint8Array): Frame {
  // RFC 9113 6.3: PRIORITY with stream id 0 "MUST respond with a connection error ... PROTOCOL_ERROR".
  requireStream(streamId, 'PRIORITY', '6.3');
  if (p.length !== 5) {
    // RFC 9113 6.3: "A PRIORITY frame with a length other than 5 octets MUST be treated as a
    // stream error ... of type FRAME_SIZE_ERROR."
    throw new StreamError(streamId, ErrorCode.FRAME_SIZE_ERROR, `PRIORITY payload of ${p.length} octets, must be 5 (RFC 9113 6.3)`);
  }
  const priority = readPriority(p, 0);
  if (priority.dependency === streamId) {
    // RFC 7540 5.3.1: "A stream cannot depend on itself. An endpoint MUST treat this as a stream
    // error ... of type PROTOCOL_ERROR."
    throw new StreamError(streamId, ErrorCode.PROTOCOL_ERROR, 'PRIORITY makes the stream depend on itself (RFC 7540 5.3.1)');
  }
  return { type: 'PRIORITY', streamId, priority };
}

function decodeRstStream(_flags: number, streamId: number, p: Uint8Array): Frame {
  // RFC 9113 6.4: RST_STREAM with stream id 0 "MUST treat this as a connection error ... PROTOCOL_ERROR".
  requireStream(streamId, 'RST_STREAM', '6.4');
  if (p.length !== 4) {
    // RFC 9113 6.4: "A RST_STREAM frame with a length other than 4 octets MUST be treated as a
    // connection error ... of type FRAME_SIZE_ERROR."
    throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `RST_STREAM payload of ${p.length} octets, must be 4 (RFC 9113 6.4)`);
  }
  return { type: 'RST_STREAM', streamId, errorCode: readU32(p, 0) };
}

function decodeSettings(flags: number, streamId: number, p: Uint8Array): Frame {
  // RFC 9113 6.5: "If an endpoint receives a SETTINGS frame whose Stream Identifier field is
  // anything other than 0x00, the endpoint MUST respond with a connection error ... PROTOCOL_ERROR."
  requireConnection(streamId, 'SETTINGS', '6.5');
  const ack = (flags & Flag.ACK) !== 0;
  if (ack && p.length !== 0) {
    // RFC 9113 6.5: "Receipt of a SETTINGS frame with the ACK flag set and a length field value
    // other than 0 MUST be treated as a connection error ... of type FRAME_SIZE_ERROR."
    throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `SETTINGS ACK with a ${p.length}-octet payload (RFC 9113 6.5)`);
  }
  if (p.length % 6 !== 0) {
    // RFC 9113 6.5: "A SETTINGS frame with a length other than a multiple of 6 octets MUST be
    // treated as a connection error ... of type FRAME_SIZE_ERROR."
    throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `SETTINGS payload of ${p.length} octets is not a multiple of 6 (RFC 9113 6.5)`);
  }
  const settings: Array<{ id: number; value: number }> = [];
  for (let off = 0; off < p.length; off += 6) {
    const id = readU16(p, off);
    const value = readU32(p, off + 2);
    validateSetting(id, value); // RFC 9113 6.5.2 value ranges
    settings.push({ id, value });
  }
  return { type: 'SETTINGS', ack, settings };
}

function decodePushPromise(flags: number, streamId: number, p: Uint8Array): Frame {
  // RFC 9113 6.6: PUSH_PROMISE with stream id 0 "a recipient MUST respond with a connection
  // error ... of type PROTOCOL_ERROR".
  requireStream(streamId, 'PUSH_PROMISE', '6.6');
  let off = 0;
  let end = p.length;
  let padLength: number | undefined;
  if ((flags & Flag.PADDED) !== 0) {
    padLength = readPadLength(p, 4, 'PUSH_PROMISE', '6.6');
    off = 1;
    end -= padLength;
  } else if (p.length < 4) {
    throw tooShort('PUSH_PROMISE', p.length, 4, '6.6');
  }
  const promisedStreamId = readU32(p, off) & U31_MASK;
  if (promisedStreamId === 0) {
    // RFC 9113 6.6: promising "an illegal stream identifier ... MUST" be a connection error of type
    // PROTOCOL_ERROR; stream 0 is never idle (5.1.1). Parity and idleness: connection layer.
    throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE promises stream 0 (RFC 9113 6.6)');
  }
  return {
    type: 'PUSH_PROMISE',
    streamId,
    promisedStreamId,
    headerBlock: p.subarray(off + 4, end),
    endHeaders: (flags & Flag.END_HEADERS) !== 0,
    padLength,
  };
}

function decodePing(flags: number, streamId: number, p: Uint8Array): Frame {
  // RFC 9113 6.7: PING with a stream id other than 0 "MUST respond with a connection error ... PROTOCOL_ERROR".
  requireConnection(streamId, 'PING', '6.7');
  if (p.length !== 8) {
    // RFC 9113 6.7: "Receipt of a PING frame with a length field value other than 8 MUST be
    // treated as a connection error ... of type FRAME_SIZE_ERROR."
    throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `PING payload of ${p.length} octets, must be 8 (RFC 9113 6.7)`);
  }
  return { type: 'PING', ack: (flags & Flag.ACK) !== 0, data: p };
}

function decodeGoaway(_flags: number, streamId: number, p: Uint8Array): Frame {
  // RFC 9113 6.8: "An endpoint MUST treat a GOAWAY frame with a stream identifier other than 0x00
  // as a connection error ... of type PROTOCOL_ERROR."
  requireConnection(streamId, 'GOAWAY', '6.8');
  if (p.length < 8) throw tooShort('GOAWAY', p.length, 8, '6.8'); // 4.2, stream 0 => connection error
  return {
    type: 'GOAWAY',
    lastStreamId: readU32(p, 0) & U31_MASK,
    errorCode: readU32(p, 4),
    debugData: p.subarray(8),
  };
}

function decodeWindowUpdate(_flags: number, streamId: number, p: Uint8Array): Frame {
  if (p.length !== 4) {
    // RFC 9113 6.9: "A WINDOW_UPDATE frame with a length other than 4 octets MUST be treated as a
    // connection error ... of type FRAME_SIZE_ERROR."
    throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `WINDOW_UPDATE payload of ${p.length} octets, must be 4 (RFC 9113 6.9)`);
  }
  const increment = readU32(p, 0) & U31_MASK;
  if (increment === 0) {
    // RFC 9113 6.9: "A receiver MUST treat the receipt of a WINDOW_UPDATE frame with a
    // flow-control window increment of 0 as a stream error ... of type PROTOCOL_ERROR; errors on
    // the connection flow-control window MUST be treated as a connection error".
    const message = 'WINDOW_UPDATE with an increment of 0 (RFC 9113 6.9)';
    if (streamId === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, message);
    throw new StreamError(streamId, ErrorCode.PROTOCOL_ERROR, message);
  }
  return { type: 'WINDOW_UPDATE', streamId, increment };
}

function decodeContinuation(flags: number, streamId: number, p: Uint8Array): Frame {
  // RFC 9113 6.10: CONTINUATION with stream id 0 "MUST respond with a connection error ... PROTOCOL_ERROR".
  // Whether a CONTINUATION may come at all (4.3) is connection state: not checked here.
  requireStream(streamId, 'CONTINUATION', '6.10');
  return { type: 'CONTINUATION', streamId, headerBlock: p, endHeaders: (flags & Flag.END_HEADERS) !== 0 };
}

/** Indexed by frame type code (RFC 9113 6). */
const PARSERS: readonly Parser[] = [
  decodeData, // 0x0
  decodeHeaders, // 0x1
  decodePriority, // 0x2
  decodeRstStream, // 0x3
  decodeSettings, // 0x4
  decodePushPromise, // 0x5
  decodePing, // 0x6
  decodeGoaway, // 0x7
  decodeWindowUpdate, // 0x8
  decodeContinuation, // 0x9
];
