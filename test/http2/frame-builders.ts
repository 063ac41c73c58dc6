/**
 * Frame builders for tests: each returns the encoded frame as a Uint8Array, ready to push into a
 * FrameReader or a connection under test. `frames.raw` writes any header at all (reserved bit,
 * wrong lengths via the payload you give) for frames the encoder's field checks would refuse.
 *
 *   frames.settings({ [SettingId.MAX_CONCURRENT_STREAMS]: 1 })
 *   frames.headers(1, block, { endStream: true })   // endHeaders defaults to true
 *   concat(frames.settingsAck(), frames.ping())
 */
import fc from 'fast-check';
import { SettingId, decodeFrame, encodeFrame, type Frame, type Priority } from '../../src/http2/frame/index.js';

type Bytes = Uint8Array | string;

const utf8 = new TextEncoder();
function bytes(b: Bytes): Uint8Array {
  return typeof b === 'string' ? utf8.encode(b) : b;
}

/** Joins encoded frames (or any byte arrays) into one buffer. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export const frames = {
  /** Settings in the record's key order (ascending ids), or in array order. */
  settings(values: Record<number, number> | Array<{ id: number; value: number }> = {}): Uint8Array {
    const settings = Array.isArray(values)
      ? values
      : Object.entries(values).map(([id, value]) => ({ id: Number(id), value }));
    return encodeFrame({ type: 'SETTINGS', ack: false, settings });
  },

  settingsAck(): Uint8Array {
    return encodeFrame({ type: 'SETTINGS', ack: true, settings: [] });
  },

  headers(
    streamId: number,
    block: Bytes,
    opts: { endStream?: boolean; endHeaders?: boolean; priority?: Priority; padLength?: number } = {},
  ): Uint8Array {
    return encodeFrame({
      type: 'HEADERS',
      streamId,
      headerBlock: bytes(block),
      endStream: opts.endStream ?? false,
      endHeaders: opts.endHeaders ?? true,
      priority: opts.priority,
      padLength: opts.padLength,
    });
  },

  data(streamId: number, data: Bytes, opts: { endStream?: boolean; padLength?: number } = {}): Uint8Array {
    return encodeFrame({ type: 'DATA', streamId, data: bytes(data), endStream: opts.endStream ?? false, padLength: opts.padLength });
  },

  priority(streamId: number, priority: Priority): Uint8Array {
    return encodeFrame({ type: 'PRIORITY', streamId, priority });
  },

  rst(streamId: number, errorCode: number): Uint8Array {
    return encodeFrame({ type: 'RST_STREAM', streamId, errorCode });
  },

  pushPromise(
    streamId: number,
    promisedStreamId: number,
    block: Bytes,
    opts: { endHeaders?: boolean; padLength?: number } = {},
  ): Uint8Array {
    return encodeFrame({
      type: 'PUSH_PROMISE',
      streamId,
      promisedStreamId,
      headerBlock: bytes(block),
      endHeaders: opts.endHeaders ?? true,
      padLength: opts.padLength,
    });
  },

  /** 8 octets of opaque data, zeros by default. */
  ping(data: Uint8Array = new Uint8Array(8), ack = false): Uint8Array {
    return encodeFrame({ type: 'PING', ack, data });
  },

  goaway(lastStreamId: number, errorCode: number, debugData: Bytes = new Uint8Array(0)): Uint8Array {
    return encodeFrame({ type: 'GOAWAY', lastStreamId, errorCode, debugData: bytes(debugData) });
  },

  windowUpdate(streamId: number, increment: number): Uint8Array {
    return encodeFrame({ type: 'WINDOW_UPDATE', streamId, increment });
  },

  continuation(streamId: number, block: Bytes, endHeaders = true): Uint8Array {
    return encodeFrame({ type: 'CONTINUATION', streamId, headerBlock: bytes(block), endHeaders });
  },

  /**
   * Any frame, legal or not: the header's length is the payload's, and `streamId` is written as a
   * full 32-bit word, so values >= 2^31 set the reserved bit.
   */
  raw(type: number, flags: number, streamId: number, payload: Bytes = new Uint8Array(0)): Uint8Array {
    const p = bytes(payload);
    const out = new Uint8Array(9 + p.length);
    out[0] = p.length >>> 16;
    out[1] = p.length >>> 8;
    out[2] = p.length;
    out[3] = type;
    out[4] = flags;
    out[5] = streamId >>> 24;
    out[6] = streamId >>> 16;
    out[7] = streamId >>> 8;
    out[8] = streamId;
    out.set(p, 9);
    return out;
  },
};

/**
 * Decodes exactly one whole frame (header + payload) with decodeFrame; throws RangeError if the
 * bytes are not exactly one frame. For asserting on what a connection under test wrote.
 */
export function decodeOne(frame: Uint8Array, maxFrameSize?: number): Frame {
  if (frame.length < 9) throw new RangeError(`${frame.length} octets, shorter than a frame header`);
  const header = {
    length: (frame[0]! << 16) | (frame[1]! << 8) | frame[2]!,
    type: frame[3]!,
    flags: frame[4]!,
    streamId: ((frame[5]! << 24) | (frame[6]! << 16) | (frame[7]! << 8) | frame[8]!) >>> 0,
  };
  return decodeFrame(header, frame.subarray(9), maxFrameSize);
}

// ---- fast-check arbitraries: valid frames exactly as decodeFrame returns them ----

/** fast-check records default to null-prototype objects; decoded frames are plain objects. */
const NO_NULL_PROTO = { noNullPrototype: true } as const;
const streamId = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const anyU31 = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const anyU32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const smallBytes = fc.uint8Array({ maxLength: 40 });
const padLength = fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined });
const priority: fc.Arbitrary<Priority> = fc.record({
  exclusive: fc.boolean(),
  dependency: anyU31,
  weight: fc.integer({ min: 1, max: 256 }),
}, NO_NULL_PROTO);
/** A setting whose value passes RFC 9113 6.5.2, or an unknown id with any value. */
const kv = (id: fc.Arbitrary<number>, value: fc.Arbitrary<number>) => fc.record({ id, value }, NO_NULL_PROTO);
const setting = fc.oneof(
  kv(fc.constant(SettingId.HEADER_TABLE_SIZE), anyU32),
  kv(fc.constant(SettingId.ENABLE_PUSH), fc.integer({ min: 0, max: 1 })),
  kv(fc.constant(SettingId.MAX_CONCURRENT_STREAMS), anyU32),
  kv(fc.constant(SettingId.INITIAL_WINDOW_SIZE), anyU31),
  kv(fc.constant(SettingId.MAX_FRAME_SIZE), fc.integer({ min: 16384, max: 16777215 })),
  kv(fc.constant(SettingId.MAX_HEADER_LIST_SIZE), anyU32),
  kv(fc.constant(SettingId.ENABLE_CONNECT_PROTOCOL), fc.integer({ min: 0, max: 1 })),
  kv(fc.oneof(fc.constantFrom(0, 7), fc.integer({ min: 9, max: 0xffff })), anyU32),
);

/** Any valid frame of every type (UNKNOWN uses types 10..255), with every optional key present. */
export const arbitraryFrame: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({ streamId, data: smallBytes, endStream: fc.boolean(), padLength }).map(
    (f): Frame => ({ type: 'DATA', ...f, flowControlledLength: f.data.length + (f.padLength === undefined ? 0 : 1 + f.padLength) }),
  ),
  fc
    .record({ streamId, headerBlock: smallBytes, endStream: fc.boolean(), endHeaders: fc.boolean(), priority: fc.option(priority, { nil: undefined }), padLength })
    .filter((f) => f.priority === undefined || f.priority.dependency !== f.streamId)
    .map((f): Frame => ({ type: 'HEADERS', ...f })),
  fc.record({ streamId, priority }).filter((f) => f.priority.dependency !== f.streamId).map((f): Frame => ({ type: 'PRIORITY', ...f })),
  fc.record({ streamId, errorCode: anyU32 }).map((f): Frame => ({ type: 'RST_STREAM', ...f })),
  fc.array(setting, { maxLength: 8 }).map((settings): Frame => ({ type: 'SETTINGS', ack: false, settings })),
  fc.constant<Frame>({ type: 'SETTINGS', ack: true, settings: [] }),
  fc
    .record({ streamId, promisedStreamId: streamId, headerBlock: smallBytes, endHeaders: fc.boolean(), padLength })
    .map((f): Frame => ({ type: 'PUSH_PROMISE', ...f })),
  fc.record({ ack: fc.boolean(), data: fc.uint8Array({ minLength: 8, maxLength: 8 }) }).map((f): Frame => ({ type: 'PING', ...f })),
  fc.record({ lastStreamId: anyU31, errorCode: anyU32, debugData: smallBytes }).map((f): Frame => ({ type: 'GOAWAY', ...f })),
  fc.record({ streamId: anyU31, increment: fc.integer({ min: 1, max: 2 ** 31 - 1 }) }).map((f): Frame => ({ type: 'WINDOW_UPDATE', ...f })),
  fc.record({ streamId, headerBlock: smallBytes, endHeaders: fc.boolean() }).map((f): Frame => ({ type: 'CONTINUATION', ...f })),
  fc
    .record({ frameType: fc.integer({ min: 10, max: 255 }), flags: fc.integer({ min: 0, max: 255 }), streamId: anyU31, payload: smallBytes })
    .map((f): Frame => ({ type: 'UNKNOWN', ...f })),
);
