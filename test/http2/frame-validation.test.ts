// Every receive-side check of decodeFrame, with the error class and code RFC 9113 requires.
// Each case is run twice: through decodeFrame directly and through a FrameReader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionError, ErrorCode, StreamError, errorCodeName } from '../../src/http2/errors.js';
import { Flag, FrameReader, FrameType, SettingId, validateSetting, type Frame } from '../../src/http2/frame/index.js';
import { decodeOne, frames } from './frame-builders.js';

const T = FrameType;
const u8 = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const u32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const setting = (id: number, value: number): Uint8Array => u8(id >>> 8, id & 0xff, ...u32(value));

type Expect = { cls: typeof ConnectionError | typeof StreamError; code: number; streamId?: number };
const conn = (code: number): Expect => ({ cls: ConnectionError, code });
const strm = (streamId: number, code: number): Expect => ({ cls: StreamError, code, streamId });

function readOne(bytes: Uint8Array, maxFrameSize?: number): Frame | null {
  const r = new FrameReader(maxFrameSize === undefined ? {} : { maxFrameSize });
  r.push(bytes);
  return r.next();
}

function assertRejects(bytes: Uint8Array, want: Expect, label: string): void {
  for (const [how, run] of [
    ['decodeFrame', () => decodeOne(bytes)],
    ['FrameReader', () => readOne(bytes)],
  ] as const) {
    assert.throws(
      run,
      (err: unknown) => {
        assert.ok(err instanceof want.cls, `${label} (${how}): got ${String(err)}`);
        assert.equal(err.constructor, want.cls, `${label} (${how}): exact class`);
        assert.equal(err.code, want.code, `${label} (${how}): ${err.message}`);
        assert.equal(err.initiator, 'library');
        assert.ok(err.message.includes(errorCodeName(want.code)), 'message names the code');
        assert.match(err.message, /RFC (9113|7540|8441) \d/, 'message cites the RFC');
        if (want.streamId !== undefined) assert.equal((err as StreamError).streamId, want.streamId);
        return true;
      },
      `${label} (${how})`,
    );
  }
}

const cases: Array<[label: string, bytes: Uint8Array, want: Expect]> = [
  // RFC 9113 4.2: larger than SETTINGS_MAX_FRAME_SIZE (16384 by default); connection error for all types.
  ['DATA over max frame size', frames.raw(T.DATA, 0, 1, new Uint8Array(16385)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['HEADERS over max frame size', frames.raw(T.HEADERS, Flag.END_HEADERS, 1, new Uint8Array(16385)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['unknown type over max frame size', frames.raw(0x42, 0, 1, new Uint8Array(16385)), conn(ErrorCode.FRAME_SIZE_ERROR)],

  // Stream id 0 where a stream is required: 6.1, 6.2, 6.3, 6.4, 6.6, 6.10.
  ['DATA on stream 0', frames.raw(T.DATA, 0, 0, u8(1)), conn(ErrorCode.PROTOCOL_ERROR)],
  ['HEADERS on stream 0', frames.raw(T.HEADERS, Flag.END_HEADERS, 0, u8(0x82)), conn(ErrorCode.PROTOCOL_ERROR)],
  ['PRIORITY on stream 0', frames.raw(T.PRIORITY, 0, 0, u8(0, 0, 0, 1, 15)), conn(ErrorCode.PROTOCOL_ERROR)],
  ['RST_STREAM on stream 0', frames.raw(T.RST_STREAM, 0, 0, u8(...u32(8))), conn(ErrorCode.PROTOCOL_ERROR)],
  ['PUSH_PROMISE on stream 0', frames.raw(T.PUSH_PROMISE, Flag.END_HEADERS, 0, u8(...u32(2))), conn(ErrorCode.PROTOCOL_ERROR)],
  ['CONTINUATION on stream 0', frames.raw(T.CONTINUATION, Flag.END_HEADERS, 0, u8()), conn(ErrorCode.PROTOCOL_ERROR)],
  ['stream 0 hidden behind the reserved bit', frames.raw(T.DATA, 0, 0x80000000, u8()), conn(ErrorCode.PROTOCOL_ERROR)],

  // Non-zero stream id where 0 is required: 6.5, 6.7, 6.8.
  ['SETTINGS on stream 1', frames.raw(T.SETTINGS, 0, 1, u8()), conn(ErrorCode.PROTOCOL_ERROR)],
  ['SETTINGS ACK on stream 1', frames.raw(T.SETTINGS, Flag.ACK, 1, u8()), conn(ErrorCode.PROTOCOL_ERROR)],
  ['PING on stream 1', frames.raw(T.PING, 0, 1, new Uint8Array(8)), conn(ErrorCode.PROTOCOL_ERROR)],
  ['GOAWAY on stream 3', frames.raw(T.GOAWAY, 0, 3, new Uint8Array(8)), conn(ErrorCode.PROTOCOL_ERROR)],

  // Padding (6.1, 6.2, 6.6): pad length >= payload length, or eating into mandatory fields.
  ['DATA pad length = payload length', frames.raw(T.DATA, Flag.PADDED, 1, u8(3, 0, 0)), conn(ErrorCode.PROTOCOL_ERROR)],
  ['DATA pad length > payload length', frames.raw(T.DATA, Flag.PADDED, 1, u8(200, 0, 0)), conn(ErrorCode.PROTOCOL_ERROR)],
  ['DATA PADDED without a pad length octet', frames.raw(T.DATA, Flag.PADDED, 1, u8()), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['HEADERS pad length = payload length', frames.raw(T.HEADERS, Flag.PADDED | Flag.END_HEADERS, 1, u8(2, 0x82)), conn(ErrorCode.PROTOCOL_ERROR)],
  ['HEADERS padding overlaps priority fields', frames.raw(T.HEADERS, Flag.PADDED | Flag.PRIORITY, 1, u8(2, 0, 0, 0, 3, 15, 0)), conn(ErrorCode.PROTOCOL_ERROR)],
  ['PUSH_PROMISE pad length = payload length', frames.raw(T.PUSH_PROMISE, Flag.PADDED, 1, u8(5, ...u32(2))), conn(ErrorCode.PROTOCOL_ERROR)],
  ['PUSH_PROMISE padding overlaps promised id', frames.raw(T.PUSH_PROMISE, Flag.PADDED, 1, u8(1, ...u32(2))), conn(ErrorCode.PROTOCOL_ERROR)],

  // SETTINGS framing (6.5).
  ['SETTINGS length not a multiple of 6', frames.raw(T.SETTINGS, 0, 0, u8(0, 3, 0, 0, 0)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['SETTINGS length 7', frames.raw(T.SETTINGS, 0, 0, u8(...setting(3, 1), 0)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['SETTINGS ACK with payload', frames.raw(T.SETTINGS, Flag.ACK, 0, setting(3, 1)), conn(ErrorCode.FRAME_SIZE_ERROR)],

  // SETTINGS values (6.5.2), checked in order: a bad value after a good one still fails.
  ['ENABLE_PUSH = 2', frames.raw(T.SETTINGS, 0, 0, setting(SettingId.ENABLE_PUSH, 2)), conn(ErrorCode.PROTOCOL_ERROR)],
  ['INITIAL_WINDOW_SIZE = 2^31', frames.raw(T.SETTINGS, 0, 0, u8(...setting(3, 10), ...setting(SettingId.INITIAL_WINDOW_SIZE, 2 ** 31))), conn(ErrorCode.FLOW_CONTROL_ERROR)],
  ['INITIAL_WINDOW_SIZE = 2^32-1', frames.raw(T.SETTINGS, 0, 0, setting(SettingId.INITIAL_WINDOW_SIZE, 2 ** 32 - 1)), conn(ErrorCode.FLOW_CONTROL_ERROR)],
  ['MAX_FRAME_SIZE = 16383', frames.raw(T.SETTINGS, 0, 0, setting(SettingId.MAX_FRAME_SIZE, 16383)), conn(ErrorCode.PROTOCOL_ERROR)],
  ['MAX_FRAME_SIZE = 2^24', frames.raw(T.SETTINGS, 0, 0, setting(SettingId.MAX_FRAME_SIZE, 2 ** 24)), conn(ErrorCode.PROTOCOL_ERROR)],
  ['MAX_FRAME_SIZE = 0', frames.raw(T.SETTINGS, 0, 0, setting(SettingId.MAX_FRAME_SIZE, 0)), conn(ErrorCode.PROTOCOL_ERROR)],
  ['ENABLE_CONNECT_PROTOCOL = 2', frames.raw(T.SETTINGS, 0, 0, setting(SettingId.ENABLE_CONNECT_PROTOCOL, 2)), conn(ErrorCode.PROTOCOL_ERROR)],

  // PING (6.7).
  ['PING length 7', frames.raw(T.PING, 0, 0, new Uint8Array(7)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['PING length 9', frames.raw(T.PING, Flag.ACK, 0, new Uint8Array(9)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['PING length 0', frames.raw(T.PING, 0, 0), conn(ErrorCode.FRAME_SIZE_ERROR)],

  // WINDOW_UPDATE (6.9): size is always a connection error; increment 0 depends on the stream.
  ['WINDOW_UPDATE length 3 on a stream', frames.raw(T.WINDOW_UPDATE, 0, 1, u8(0, 0, 1)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['WINDOW_UPDATE length 5 on stream 0', frames.raw(T.WINDOW_UPDATE, 0, 0, u8(0, 0, 0, 1, 0)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['WINDOW_UPDATE increment 0 on stream 5', frames.raw(T.WINDOW_UPDATE, 0, 5, u8(...u32(0))), strm(5, ErrorCode.PROTOCOL_ERROR)],
  ['WINDOW_UPDATE increment 0 on stream 0', frames.raw(T.WINDOW_UPDATE, 0, 0, u8(...u32(0))), conn(ErrorCode.PROTOCOL_ERROR)],
  ['WINDOW_UPDATE increment is only the reserved bit', frames.raw(T.WINDOW_UPDATE, 0, 7, u8(...u32(0x80000000))), strm(7, ErrorCode.PROTOCOL_ERROR)],

  // RST_STREAM (6.4).
  ['RST_STREAM length 3', frames.raw(T.RST_STREAM, 0, 1, u8(0, 0, 8)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['RST_STREAM length 5', frames.raw(T.RST_STREAM, 0, 1, u8(0, 0, 0, 8, 0)), conn(ErrorCode.FRAME_SIZE_ERROR)],

  // PRIORITY (6.3): wrong size is a stream error; self-dependency too (RFC 7540 5.3.1).
  ['PRIORITY length 4', frames.raw(T.PRIORITY, 0, 3, u8(0, 0, 0, 1)), strm(3, ErrorCode.FRAME_SIZE_ERROR)],
  ['PRIORITY length 6', frames.raw(T.PRIORITY, 0, 9, u8(0, 0, 0, 1, 15, 0)), strm(9, ErrorCode.FRAME_SIZE_ERROR)],
  ['PRIORITY depends on itself', frames.priority(5, { exclusive: false, dependency: 5, weight: 16 }), strm(5, ErrorCode.PROTOCOL_ERROR)],
  ['PRIORITY depends on itself, exclusive', frames.priority(5, { exclusive: true, dependency: 5, weight: 16 }), strm(5, ErrorCode.PROTOCOL_ERROR)],

  // GOAWAY (6.8).
  ['GOAWAY length 7', frames.raw(T.GOAWAY, 0, 0, new Uint8Array(7)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['GOAWAY length 0', frames.raw(T.GOAWAY, 0, 0), conn(ErrorCode.FRAME_SIZE_ERROR)],

  // HEADERS (6.2): PRIORITY flag needs 5 octets (6 when also PADDED); self-dependency.
  ['HEADERS PRIORITY flag, 4 octets', frames.raw(T.HEADERS, Flag.PRIORITY | Flag.END_HEADERS, 1, u8(0, 0, 0, 3)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['HEADERS PRIORITY|PADDED, 5 octets', frames.raw(T.HEADERS, Flag.PRIORITY | Flag.PADDED, 1, u8(0, 0, 0, 0, 3)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['HEADERS PADDED, empty', frames.raw(T.HEADERS, Flag.PADDED, 1), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['HEADERS depends on itself', frames.headers(3, u8(0x82), { priority: { exclusive: false, dependency: 3, weight: 1 } }), conn(ErrorCode.PROTOCOL_ERROR)],

  // PUSH_PROMISE (6.6): room for the promised id; stream 0 is never a legal promise.
  ['PUSH_PROMISE 3 octets', frames.raw(T.PUSH_PROMISE, Flag.END_HEADERS, 1, u8(0, 0, 2)), conn(ErrorCode.FRAME_SIZE_ERROR)],
  ['PUSH_PROMISE promises stream 0', frames.raw(T.PUSH_PROMISE, Flag.END_HEADERS, 1, u8(...u32(0x80000000))), conn(ErrorCode.PROTOCOL_ERROR)],
];

for (const [label, bytes, want] of cases) {
  test(`rejects: ${label}`, () => assertRejects(bytes, want, label));
}

test('accepts the boundary values next to each rejection', () => {
  const ok: Array<[string, Uint8Array]> = [
    ['DATA of exactly 16384 octets', frames.raw(T.DATA, 0, 1, new Uint8Array(16384))],
    ['DATA pad length = payload length - 1', frames.raw(T.DATA, Flag.PADDED, 1, u8(2, 0, 0))],
    ['HEADERS PRIORITY|PADDED pad fills the rest', frames.raw(T.HEADERS, Flag.PRIORITY | Flag.PADDED, 1, u8(1, 0, 0, 0, 3, 15, 0))],
    ['ENABLE_PUSH = 1', frames.raw(T.SETTINGS, 0, 0, setting(SettingId.ENABLE_PUSH, 1))],
    ['INITIAL_WINDOW_SIZE = 2^31-1', frames.raw(T.SETTINGS, 0, 0, setting(SettingId.INITIAL_WINDOW_SIZE, 2 ** 31 - 1))],
    ['MAX_FRAME_SIZE = 16384', frames.raw(T.SETTINGS, 0, 0, setting(SettingId.MAX_FRAME_SIZE, 16384))],
    ['MAX_FRAME_SIZE = 2^24-1', frames.raw(T.SETTINGS, 0, 0, setting(SettingId.MAX_FRAME_SIZE, 2 ** 24 - 1))],
    ['WINDOW_UPDATE increment 1 with the reserved bit', frames.raw(T.WINDOW_UPDATE, 0, 0, u8(...u32(0x80000001)))],
    ['GOAWAY of exactly 8 octets', frames.raw(T.GOAWAY, 0, 0, new Uint8Array(8))],
    ['PRIORITY on another stream', frames.priority(5, { exclusive: true, dependency: 3, weight: 16 })],
  ];
  for (const [label, bytes] of ok) {
    assert.notEqual(decodeOne(bytes), null, label);
    assert.notEqual(readOne(bytes), null, label);
  }
});

test('a larger maxFrameSize admits larger frames', () => {
  const big = frames.raw(T.DATA, 0, 1, new Uint8Array(20000));
  assert.throws(() => decodeOne(big), ConnectionError);
  assert.equal(decodeOne(big, 20000).type, 'DATA');
  assert.equal(readOne(big, 20000)?.type, 'DATA');
  assert.throws(() => decodeOne(big, 19999), ConnectionError);
});

test('the reserved bit is ignored in stream ids, dependencies, increments and last-stream-id (RFC 9113 4.1)', () => {
  assert.deepStrictEqual(decodeOne(frames.raw(T.RST_STREAM, 0, 0x80000003, u8(...u32(8)))), { type: 'RST_STREAM', streamId: 3, errorCode: 8 });
  assert.deepStrictEqual(decodeOne(frames.raw(T.WINDOW_UPDATE, 0, 0x80000000, u8(...u32(0x80000010)))), {
    type: 'WINDOW_UPDATE',
    streamId: 0,
    increment: 16,
  });
  const goaway = decodeOne(frames.raw(T.GOAWAY, 0, 0, u8(...u32(0xffffffff), ...u32(0))));
  assert.equal(goaway.type === 'GOAWAY' && goaway.lastStreamId, 2 ** 31 - 1);
  const pp = decodeOne(frames.raw(T.PUSH_PROMISE, Flag.END_HEADERS, 1, u8(...u32(0x80000002))));
  assert.equal(pp.type === 'PUSH_PROMISE' && pp.promisedStreamId, 2);
  // In PRIORITY the high bit is the Exclusive flag, not reserved.
  const prio = decodeOne(frames.raw(T.PRIORITY, 0, 1, u8(...u32(0x80000003), 0)));
  assert.deepStrictEqual(prio, { type: 'PRIORITY', streamId: 1, priority: { exclusive: true, dependency: 3, weight: 1 } });
});

test('unknown flags are ignored (RFC 9113 4.1)', () => {
  // All flags but PADDED on DATA; all flags but ACK on PING / SETTINGS; all flags on RST_STREAM.
  const data = decodeOne(frames.raw(T.DATA, 0xff & ~Flag.PADDED, 1, u8(7)));
  assert.deepStrictEqual(data, { type: 'DATA', streamId: 1, data: u8(7), endStream: true, padLength: undefined, flowControlledLength: 1 });
  assert.deepStrictEqual(decodeOne(frames.raw(T.PING, 0xfe, 0, new Uint8Array(8))), { type: 'PING', ack: false, data: new Uint8Array(8) });
  assert.deepStrictEqual(decodeOne(frames.raw(T.SETTINGS, 0xfe, 0)), { type: 'SETTINGS', ack: false, settings: [] });
  assert.deepStrictEqual(decodeOne(frames.raw(T.RST_STREAM, 0xff, 1, u8(...u32(1)))), { type: 'RST_STREAM', streamId: 1, errorCode: 1 });
  const cont = decodeOne(frames.raw(T.CONTINUATION, 0xff & ~Flag.END_HEADERS, 1, u8(1)));
  assert.equal(cont.type === 'CONTINUATION' && cont.endHeaders, false);
});

test('unknown frame types come out as UNKNOWN on any stream, unchecked (RFC 9113 4.1, 5.5)', () => {
  for (const type of [0xa, 0xc, 0x10, 0xff]) {
    assert.deepStrictEqual(decodeOne(frames.raw(type, 0x33, 0, u8(1, 2))), { type: 'UNKNOWN', frameType: type, flags: 0x33, streamId: 0, payload: u8(1, 2) });
    assert.deepStrictEqual(decodeOne(frames.raw(type, 0, 0x80000007)), { type: 'UNKNOWN', frameType: type, flags: 0, streamId: 7, payload: u8() });
  }
});

test('unknown setting ids are kept, in order, with any value (RFC 9113 6.5.2)', () => {
  const f = decodeOne(frames.raw(T.SETTINGS, 0, 0, u8(...setting(0xfe, 0xffffffff), ...setting(7, 5), ...setting(SettingId.MAX_FRAME_SIZE, 20000))));
  assert.deepStrictEqual(f, {
    type: 'SETTINGS',
    ack: false,
    settings: [
      { id: 0xfe, value: 0xffffffff },
      { id: 7, value: 5 },
      { id: SettingId.MAX_FRAME_SIZE, value: 20000 },
    ],
  });
});

test('validateSetting on its own', () => {
  for (const [id, value] of [[1, 0], [1, 2 ** 32 - 1], [2, 0], [2, 1], [3, 0], [4, 0], [4, 2 ** 31 - 1], [5, 16384], [6, 0], [8, 1], [0x99, 12345]] as const) {
    assert.doesNotThrow(() => validateSetting(id, value), `${id}=${value}`);
  }
  const bad: Array<[number, number, number]> = [
    [SettingId.ENABLE_PUSH, 2, ErrorCode.PROTOCOL_ERROR],
    [SettingId.INITIAL_WINDOW_SIZE, 2 ** 31, ErrorCode.FLOW_CONTROL_ERROR],
    [SettingId.MAX_FRAME_SIZE, 16383, ErrorCode.PROTOCOL_ERROR],
    [SettingId.MAX_FRAME_SIZE, 16777216, ErrorCode.PROTOCOL_ERROR],
    [SettingId.ENABLE_CONNECT_PROTOCOL, 3, ErrorCode.PROTOCOL_ERROR],
  ];
  for (const [id, value, code] of bad) {
    assert.throws(() => validateSetting(id, value), (e: unknown) => e instanceof ConnectionError && e.code === code, `${id}=${value}`);
  }
});

test('payloads are subarrays of the input, not copies', () => {
  const bytes = frames.data(1, 'hello', { padLength: 3 });
  const f = decodeOne(bytes);
  assert.ok(f.type === 'DATA');
  assert.equal(f.data.buffer, bytes.buffer);
  assert.equal(f.data.byteOffset, 10);
  assert.equal(f.flowControlledLength, 9);
});

test('decodeFrame rejects a header length that disagrees with the payload (caller bug: RangeError)', async () => {
  const { decodeFrame } = await import('../../src/http2/frame/index.js');
  assert.throws(() => decodeFrame({ length: 5, type: 0, flags: 0, streamId: 1 }, u8(1)), RangeError);
});
