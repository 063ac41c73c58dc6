/**
 * Frame serialisation (RFC 9113 4.1 and 6).
 *
 * The encoder checks that each field fits its place in the frame layout (31-bit stream ids,
 * 8-bit pad length, 1..256 weight, 16/32-bit settings, 8-octet PING data, 24-bit length) and
 * throws RangeError otherwise, since those values cannot be written faithfully. It does NOT enforce
 * protocol rules such as "DATA needs a stream" or "SETTINGS ACK is empty": that is the
 * connection layer's job, and tests need to be able to build such frames. It also does not know
 * the peer's SETTINGS_MAX_FRAME_SIZE; splitting to fit it is the caller's job.
 *
 * Outgoing bits the RFC pins down: unused flags are left 0 (4.1), the reserved bit of every 31-bit
 * field is 0 (4.1, 6.8, 6.9), and padding octets are zero (6.1, 6.2, 6.6).
 */
import { match } from 'ts-pattern';
import { writeU16, writeU32 } from './bytes.js';
import {
  FRAME_HEADER_LENGTH,
  Flag,
  FrameType,
  MAX_ALLOWED_FRAME_SIZE,
  MAX_STREAM_ID,
  type ContinuationFrame,
  type EncodableFrame,
  type GoawayFrame,
  type HeadersFrame,
  type PingFrame,
  type Priority,
  type PriorityFrame,
  type PushPromiseFrame,
  type RstStreamFrame,
  type SettingsFrame,
  type UnknownFrame,
  type WindowUpdateFrame,
  type DataFrame,
} from './types.js';

/**
 * The 9-octet frame header alone (RFC 9113 4.1), for writing a DATA payload without copying it.
 * `length` is the payload length, 0..2^24-1.
 */
export function encodeFrameHeader(length: number, type: number, flags: number, streamId: number): Uint8Array {
  checkLength(length);
  checkByte(type, 'frame type');
  checkByte(flags, 'flags');
  checkStreamId(streamId, 'stream id');
  const out = new Uint8Array(FRAME_HEADER_LENGTH);
  writeHeader(out, length, type, flags, streamId);
  return out;
}

/** Whole frame, header and payload, in one new buffer. See EncodableFrame about DATA. */
export function encodeFrame(frame: EncodableFrame): Uint8Array {
  // Most frequent types first: ts-pattern stops testing patterns once one matched.
  return match(frame)
    .with({ type: 'DATA' }, encodeData)
    .with({ type: 'HEADERS' }, encodeHeaders)
    .with({ type: 'WINDOW_UPDATE' }, encodeWindowUpdate)
    .with({ type: 'CONTINUATION' }, encodeContinuation)
    .with({ type: 'RST_STREAM' }, encodeRstStream)
    .with({ type: 'SETTINGS' }, encodeSettings)
    .with({ type: 'PING' }, encodePing)
    .with({ type: 'GOAWAY' }, encodeGoaway)
    .with({ type: 'PRIORITY' }, encodePriority)
    .with({ type: 'PUSH_PROMISE' }, encodePushPromise)
    .with({ type: 'UNKNOWN' }, encodeUnknown)
    .exhaustive();
}

// ---- field checks (RangeError: a caller bug, never a peer's) ----

function checkLength(length: number): void {
  if (length >>> 0 !== length || length > MAX_ALLOWED_FRAME_SIZE) {
    throw new RangeError(`frame payload length ${length} does not fit 24 bits (RFC 9113 4.1)`);
  }
}

function checkByte(value: number, what: string): void {
  if ((value & 0xff) !== value) throw new RangeError(`${what} ${value} does not fit 8 bits`);
}

function checkU32(value: number, what: string): void {
  if (value >>> 0 !== value) throw new RangeError(`${what} ${value} does not fit 32 bits`);
}

function checkStreamId(id: number, what: string): void {
  if (id >>> 0 !== id || id > MAX_STREAM_ID) throw new RangeError(`${what} ${id} does not fit 31 bits`);
}

function checkPriority(priority: Priority): void {
  checkStreamId(priority.dependency, 'priority dependency');
  const w = priority.weight - 1;
  if ((w & 0xff) !== w) throw new RangeError(`priority weight ${priority.weight} outside 1..256`);
}

// ---- writers ----

function writeHeader(out: Uint8Array, length: number, type: number, flags: number, streamId: number): void {
  out[0] = length >>> 16;
  out[1] = length >>> 8;
  out[2] = length;
  out[3] = type;
  out[4] = flags;
  writeU32(out, 5, streamId); // reserved bit 0: streamId <= 2^31-1 was checked
}

/** Allocates header + payload and writes the header; the caller fills the payload from offset 9. */
function allocFrame(length: number, type: number, flags: number, streamId: number): Uint8Array {
  checkLength(length);
  checkStreamId(streamId, 'stream id');
  const out = new Uint8Array(FRAME_HEADER_LENGTH + length);
  writeHeader(out, length, type, flags, streamId);
  return out;
}

function writePriority(out: Uint8Array, off: number, priority: Priority): void {
  writeU32(out, off, priority.exclusive ? (priority.dependency | 0x80000000) >>> 0 : priority.dependency);
  out[off + 4] = priority.weight - 1;
}

/** Pad Length octet size plus padding, or 0 when not padded. */
function padOverhead(padLength: number | undefined): number {
  if (padLength === undefined) return 0;
  checkByte(padLength, 'pad length');
  return 1 + padLength;
}

// ---- one encoder per frame type ----

function encodeData(f: Omit<DataFrame, 'flowControlledLength'>): Uint8Array {
  const pad = padOverhead(f.padLength);
  const flags = (f.endStream ? Flag.END_STREAM : 0) | (pad !== 0 ? Flag.PADDED : 0);
  const out = allocFrame(f.data.length + pad, FrameType.DATA, flags, f.streamId);
  let off = FRAME_HEADER_LENGTH;
  if (pad !== 0) out[off++] = f.padLength!;
  out.set(f.data, off); // padding after it is already zero
  return out;
}

function encodeHeaders(f: HeadersFrame): Uint8Array {
  const pad = padOverhead(f.padLength);
  if (f.priority !== undefined) checkPriority(f.priority);
  const prio = f.priority === undefined ? 0 : 5;
  const flags =
    (f.endStream ? Flag.END_STREAM : 0) |
    (f.endHeaders ? Flag.END_HEADERS : 0) |
    (pad !== 0 ? Flag.PADDED : 0) |
    (prio !== 0 ? Flag.PRIORITY : 0);
  const out = allocFrame(pad + prio + f.headerBlock.length, FrameType.HEADERS, flags, f.streamId);
  let off = FRAME_HEADER_LENGTH;
  if (pad !== 0) out[off++] = f.padLength!;
  if (f.priority !== undefined) {
    writePriority(out, off, f.priority);
    off += 5;
  }
  out.set(f.headerBlock, off);
  return out;
}

function encodePriority(f: PriorityFrame): Uint8Array {
  checkPriority(f.priority);
  const out = allocFrame(5, FrameType.PRIORITY, 0, f.streamId);
  writePriority(out, FRAME_HEADER_LENGTH, f.priority);
  return out;
}

function encodeRstStream(f: RstStreamFrame): Uint8Array {
  checkU32(f.errorCode, 'error code');
  const out = allocFrame(4, FrameType.RST_STREAM, 0, f.streamId);
  writeU32(out, FRAME_HEADER_LENGTH, f.errorCode);
  return out;
}

function encodeSettings(f: SettingsFrame): Uint8Array {
  const out = allocFrame(6 * f.settings.length, FrameType.SETTINGS, f.ack ? Flag.ACK : 0, 0);
  let off = FRAME_HEADER_LENGTH;
  for (const { id, value } of f.settings) {
    if ((id & 0xffff) !== id) throw new RangeError(`setting id ${id} does not fit 16 bits`);
    checkU32(value, 'setting value');
    writeU16(out, off, id);
    writeU32(out, off + 2, value);
    off += 6;
  }
  return out;
}

function encodePushPromise(f: PushPromiseFrame): Uint8Array {
  checkStreamId(f.promisedStreamId, 'promised stream id');
  const pad = padOverhead(f.padLength);
  const flags = (f.endHeaders ? Flag.END_HEADERS : 0) | (pad !== 0 ? Flag.PADDED : 0);
  const out = allocFrame(pad + 4 + f.headerBlock.length, FrameType.PUSH_PROMISE, flags, f.streamId);
  let off = FRAME_HEADER_LENGTH;
  if (pad !== 0) out[off++] = f.padLength!;
  writeU32(out, off, f.promisedStreamId);
  out.set(f.headerBlock, off + 4);
  return out;
}

function encodePing(f: PingFrame): Uint8Array {
  if (f.data.length !== 8) throw new RangeError(`PING data must be 8 octets, got ${f.data.length} (RFC 9113 6.7)`);
  const out = allocFrame(8, FrameType.PING, f.ack ? Flag.ACK : 0, 0);
  out.set(f.data, FRAME_HEADER_LENGTH);
  return out;
}

function encodeGoaway(f: GoawayFrame): Uint8Array {
  checkStreamId(f.lastStreamId, 'last stream id');
  checkU32(f.errorCode, 'error code');
  const out = allocFrame(8 + f.debugData.length, FrameType.GOAWAY, 0, 0);
  writeU32(out, FRAME_HEADER_LENGTH, f.lastStreamId);
  writeU32(out, FRAME_HEADER_LENGTH + 4, f.errorCode);
  out.set(f.debugData, FRAME_HEADER_LENGTH + 8);
  return out;
}

function encodeWindowUpdate(f: WindowUpdateFrame): Uint8Array {
  checkStreamId(f.increment, 'window increment'); // 31 bits; 0 is encodable (illegal, 6.9)
  const out = allocFrame(4, FrameType.WINDOW_UPDATE, 0, f.streamId);
  writeU32(out, FRAME_HEADER_LENGTH, f.increment);
  return out;
}

function encodeContinuation(f: ContinuationFrame): Uint8Array {
  const out = allocFrame(f.headerBlock.length, FrameType.CONTINUATION, f.endHeaders ? Flag.END_HEADERS : 0, f.streamId);
  out.set(f.headerBlock, FRAME_HEADER_LENGTH);
  return out;
}

function encodeUnknown(f: UnknownFrame): Uint8Array {
  checkByte(f.frameType, 'frame type');
  checkByte(f.flags, 'flags');
  const out = allocFrame(f.payload.length, f.frameType, f.flags, f.streamId);
  out.set(f.payload, FRAME_HEADER_LENGTH);
  return out;
}
