// Frame encoding and decoding of valid frames (RFC 9113 4.1, 6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CONNECTION_PREFACE,
  Flag,
  FrameType,
  SettingId,
  encodeFrame,
  encodeFrameHeader,
  type Frame,
} from '../../src/http2/frame/index.js';
import { ErrorCode } from '../../src/http2/errors.js';
import { arbitraryFrame, decodeOne, frames } from './frame-builders.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const u8 = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

// One hand-written example of every type, as decodeFrame returns it.
const examples: Frame[] = [
  { type: 'DATA', streamId: 1, data: u8(1, 2, 3), endStream: true, padLength: undefined, flowControlledLength: 3 },
  { type: 'DATA', streamId: 3, data: u8(), endStream: false, padLength: 0, flowControlledLength: 1 },
  { type: 'DATA', streamId: 5, data: u8(9), endStream: false, padLength: 255, flowControlledLength: 257 },
  { type: 'HEADERS', streamId: 1, headerBlock: u8(0x82, 0x86), endStream: false, endHeaders: true, priority: undefined, padLength: undefined },
  {
    type: 'HEADERS',
    streamId: 2 ** 31 - 1,
    headerBlock: u8(0x84),
    endStream: true,
    endHeaders: false,
    priority: { exclusive: true, dependency: 2 ** 31 - 2, weight: 256 },
    padLength: 4,
  },
  { type: 'PRIORITY', streamId: 3, priority: { exclusive: false, dependency: 0, weight: 1 } },
  { type: 'RST_STREAM', streamId: 1, errorCode: ErrorCode.CANCEL },
  { type: 'RST_STREAM', streamId: 1, errorCode: 0xffffffff },
  { type: 'SETTINGS', ack: false, settings: [] },
  { type: 'SETTINGS', ack: true, settings: [] },
  { type: 'SETTINGS', ack: false, settings: [{ id: SettingId.MAX_CONCURRENT_STREAMS, value: 100 }, { id: 0xabcd, value: 0xffffffff }] },
  { type: 'PUSH_PROMISE', streamId: 1, promisedStreamId: 2, headerBlock: u8(0x82), endHeaders: true, padLength: undefined },
  { type: 'PUSH_PROMISE', streamId: 1, promisedStreamId: 4, headerBlock: u8(), endHeaders: false, padLength: 3 },
  { type: 'PING', ack: false, data: u8(0, 0, 0, 0, 0, 0, 0, 0) },
  { type: 'PING', ack: true, data: u8(1, 2, 3, 4, 5, 6, 7, 8) },
  { type: 'GOAWAY', lastStreamId: 7, errorCode: ErrorCode.NO_ERROR, debugData: u8() },
  { type: 'GOAWAY', lastStreamId: 2 ** 31 - 1, errorCode: 0x1234, debugData: u8(104, 105) },
  { type: 'WINDOW_UPDATE', streamId: 0, increment: 1 },
  { type: 'WINDOW_UPDATE', streamId: 9, increment: 2 ** 31 - 1 },
  { type: 'CONTINUATION', streamId: 1, headerBlock: u8(1, 2), endHeaders: true },
  { type: 'UNKNOWN', frameType: 0xa, flags: 0xff, streamId: 5, payload: u8(1, 2, 3) },
];

test('round trip: every frame type encodes and decodes to the same frame', () => {
  const seen = new Set<string>();
  for (const frame of examples) {
    assert.deepStrictEqual(decodeOne(encodeFrame(frame)), frame, frame.type);
    seen.add(frame.type);
  }
  assert.equal(seen.size, 11);
});

test('round trip property over generated frames (fast-check, seeded)', () => {
  fc.assert(
    fc.property(arbitraryFrame, (frame) => {
      assert.deepStrictEqual(decodeOne(encodeFrame(frame)), frame);
    }),
    { seed: 9113, numRuns: 2000 },
  );
});

test('encodeFrame accepts DATA without flowControlledLength and ignores a stale one', () => {
  const a = encodeFrame({ type: 'DATA', streamId: 1, data: u8(7, 7), endStream: false, padLength: 1 });
  const b = encodeFrame({ type: 'DATA', streamId: 1, data: u8(7, 7), endStream: false, padLength: 1, flowControlledLength: 999 });
  assert.equal(hex(a), hex(b));
  assert.equal(hex(a), '000004' + '00' + '08' + '00000001' + '01' + '0707' + '00');
});

test('exact bytes: SETTINGS laid out as RFC 9113 figure 7', () => {
  const bytes = frames.settings({ [SettingId.INITIAL_WINDOW_SIZE]: 65535, [SettingId.MAX_FRAME_SIZE]: 16384 });
  // length 12 | type 4 | flags 0 | stream 0 | id 4, value 0xffff | id 5, value 0x4000
  assert.equal(hex(bytes), '00000c' + '04' + '00' + '00000000' + '0004' + '0000ffff' + '0005' + '00004000');
  assert.equal(hex(frames.settingsAck()), '000000' + '04' + '01' + '00000000');
});

test('exact bytes: PING ACK laid out as RFC 9113 figure 9', () => {
  assert.equal(hex(frames.ping(u8(1, 2, 3, 4, 5, 6, 7, 8), true)), '000008' + '06' + '01' + '00000000' + '0102030405060708');
});

test('exact bytes: padded HEADERS with priority (figure 4), zeroed padding', () => {
  const bytes = frames.headers(3, u8(0x82), {
    endStream: true,
    endHeaders: true,
    priority: { exclusive: true, dependency: 1, weight: 16 },
    padLength: 2,
  });
  // flags END_STREAM|END_HEADERS|PADDED|PRIORITY = 0x2d; pad 2 | E=1 dep 1 | weight-1 = 15 | block | 2 zero octets
  assert.equal(hex(bytes), '000009' + '01' + '2d' + '00000003' + '02' + '80000001' + '0f' + '82' + '0000');
});

test('exact bytes: GOAWAY, WINDOW_UPDATE, RST_STREAM, PUSH_PROMISE, CONTINUATION', () => {
  assert.equal(hex(frames.goaway(5, ErrorCode.PROTOCOL_ERROR, 'hi')), '00000a' + '07' + '00' + '00000000' + '00000005' + '00000001' + '6869');
  assert.equal(hex(frames.windowUpdate(0, 2 ** 31 - 1)), '000004' + '08' + '00' + '00000000' + '7fffffff');
  assert.equal(hex(frames.rst(1, ErrorCode.CANCEL)), '000004' + '03' + '00' + '00000001' + '00000008');
  assert.equal(hex(frames.pushPromise(1, 2, u8(0xaa))), '000005' + '05' + '04' + '00000001' + '00000002' + 'aa');
  assert.equal(hex(frames.continuation(1, u8(0xbb), false)), '000001' + '09' + '00' + '00000001' + 'bb');
  assert.equal(hex(frames.data(1, 'ok', { endStream: true })), '000002' + '00' + '01' + '00000001' + '6f6b');
});

test('encodeFrameHeader writes the 9-octet header of RFC 9113 4.1', () => {
  assert.equal(hex(encodeFrameHeader(16384, FrameType.DATA, Flag.END_STREAM, 3)), '004000' + '00' + '01' + '00000003');
  assert.equal(hex(encodeFrameHeader(0xffffff, 0xff, 0xff, 2 ** 31 - 1)), 'ffffff' + 'ff' + 'ff' + '7fffffff');
});

test('CONNECTION_PREFACE is the 24 octets of RFC 9113 3.4', () => {
  assert.equal(hex(CONNECTION_PREFACE), '505249202a20485454502f322e300d0a0d0a534d0d0a0d0a');
});

test('constants match RFC 9113', async () => {
  const m = await import('../../src/http2/frame/index.js');
  assert.deepEqual(
    [m.FRAME_HEADER_LENGTH, m.DEFAULT_MAX_FRAME_SIZE, m.MAX_ALLOWED_FRAME_SIZE, m.MAX_WINDOW],
    [9, 16384, 16777215, 2147483647],
  );
  assert.deepEqual(Object.values(FrameType), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(Flag, { END_STREAM: 1, ACK: 1, END_HEADERS: 4, PADDED: 8, PRIORITY: 0x20 });
  assert.deepEqual(Object.values(SettingId), [1, 2, 3, 4, 5, 6, 8]);
});

test('encoder refuses values that do not fit the frame layout (RangeError)', () => {
  const bad: Array<() => unknown> = [
    () => encodeFrameHeader(0x1000000, 0, 0, 1),
    () => encodeFrameHeader(-1, 0, 0, 1),
    () => encodeFrameHeader(0, 256, 0, 1),
    () => encodeFrameHeader(0, 0, 256, 1),
    () => encodeFrameHeader(0, 0, 0, 2 ** 31),
    () => encodeFrameHeader(0, 0, 0, 1.5),
    () => frames.data(2 ** 31, 'x'),
    () => frames.data(1, 'x', { padLength: 256 }),
    () => frames.headers(1, 'x', { priority: { exclusive: false, dependency: 0, weight: 0 } }),
    () => frames.headers(1, 'x', { priority: { exclusive: false, dependency: 0, weight: 257 } }),
    () => frames.headers(1, 'x', { priority: { exclusive: false, dependency: 2 ** 31, weight: 1 } }),
    () => frames.rst(1, 2 ** 32),
    () => frames.settings([{ id: 0x10000, value: 0 }]),
    () => frames.settings([{ id: 1, value: -1 }]),
    () => frames.ping(u8(1, 2, 3)),
    () => frames.goaway(2 ** 31, 0),
    () => frames.windowUpdate(1, 2 ** 31),
    () => frames.pushPromise(1, 2 ** 31, ''),
    () => encodeFrame({ type: 'UNKNOWN', frameType: 300, flags: 0, streamId: 0, payload: u8() }),
    () => encodeFrame({ type: 'DATA', streamId: 1, data: new Uint8Array(0x1000000), endStream: false }),
  ];
  bad.forEach((f, i) => assert.throws(f, RangeError, `case ${i}`));
});

test('encoder leaves protocol rules to the connection layer: illegal but encodable frames are written', () => {
  assert.equal(hex(frames.data(0, '')), '000000' + '00' + '00' + '00000000');
  assert.equal(hex(frames.windowUpdate(1, 0)), '000004' + '08' + '00' + '00000001' + '00000000');
  assert.equal(hex(encodeFrame({ type: 'SETTINGS', ack: true, settings: [{ id: 2, value: 7 }] })).slice(0, 18), '000006' + '04' + '01' + '00000000');
});

test('frames.raw writes any header, including the reserved bit', () => {
  assert.equal(hex(frames.raw(0xfe, 0xab, 0x80000001, u8(1))), '000001' + 'fe' + 'ab' + '80000001' + '01');
});
