// FrameReader: fragmentation, large batches, error recovery, and fuzzing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConnectionError, ErrorCode, StreamError } from '../../src/http2/errors.js';
import { FrameReader, FrameType, encodeFrame, type Frame } from '../../src/http2/frame/index.js';
import { arbitraryFrame, concat, frames } from './frame-builders.js';

const u8 = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

/** Pushes `chunks` one by one, draining after each push. */
function readAll(chunks: Iterable<Uint8Array>, reader = new FrameReader()): Frame[] {
  const out: Frame[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    for (let f = reader.next(); f !== null; f = reader.next()) out.push(f);
  }
  return out;
}

function* bytewise(buf: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < buf.length; i++) yield buf.subarray(i, i + 1);
}

// A mix of every frame type, including ones larger than a chunk and empty ones.
const mixed: Frame[] = [
  { type: 'SETTINGS', ack: false, settings: [{ id: 3, value: 100 }, { id: 4, value: 1 << 20 }] },
  { type: 'SETTINGS', ack: true, settings: [] },
  { type: 'HEADERS', streamId: 1, headerBlock: u8(0x82, 0x86, 0x84), endStream: false, endHeaders: false, priority: { exclusive: false, dependency: 0, weight: 16 }, padLength: 2 },
  { type: 'CONTINUATION', streamId: 1, headerBlock: u8(0x41, 0x8a), endHeaders: true },
  { type: 'DATA', streamId: 1, data: new Uint8Array(3000).fill(0x5a), endStream: false, padLength: undefined, flowControlledLength: 3000 },
  { type: 'DATA', streamId: 1, data: u8(), endStream: true, padLength: 7, flowControlledLength: 8 },
  { type: 'PRIORITY', streamId: 3, priority: { exclusive: true, dependency: 1, weight: 256 } },
  { type: 'RST_STREAM', streamId: 3, errorCode: ErrorCode.CANCEL },
  { type: 'PUSH_PROMISE', streamId: 1, promisedStreamId: 2, headerBlock: u8(0x82), endHeaders: true, padLength: undefined },
  { type: 'PING', ack: false, data: u8(1, 2, 3, 4, 5, 6, 7, 8) },
  { type: 'WINDOW_UPDATE', streamId: 0, increment: 65535 },
  { type: 'UNKNOWN', frameType: 0xb, flags: 0, streamId: 0, payload: u8(9, 9) },
  { type: 'GOAWAY', lastStreamId: 1, errorCode: ErrorCode.NO_ERROR, debugData: u8(0x62, 0x79, 0x65) },
];
const mixedBytes = concat(...mixed.map(encodeFrame));

test('one big chunk yields every frame, then null', () => {
  const reader = new FrameReader();
  assert.deepStrictEqual(readAll([mixedBytes], reader), mixed);
  assert.equal(reader.next(), null);
  assert.equal(reader.bufferedBytes, 0);
});

test('fed one byte at a time', () => {
  assert.deepStrictEqual(readAll(bytewise(mixedBytes)), mixed);
});

test('fed at every split point into two chunks', () => {
  for (let cut = 0; cut <= mixedBytes.length; cut += 7) {
    assert.deepStrictEqual(readAll([mixedBytes.subarray(0, cut), mixedBytes.subarray(cut)]), mixed, `cut at ${cut}`);
  }
});

test('fed in random fragments (fast-check, seeded)', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: mixedBytes.length }), { maxLength: 30 }), (cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), mixedBytes.length];
      const chunks = points.slice(1).map((end, i) => mixedBytes.subarray(points[i], end));
      assert.deepStrictEqual(readAll(chunks), mixed);
    }),
    { seed: 42, numRuns: 300 },
  );
});

test('returns null until a frame is complete, and bufferedBytes tracks the partial frame', () => {
  const ping = frames.ping(u8(1, 2, 3, 4, 5, 6, 7, 8));
  const reader = new FrameReader();
  assert.equal(reader.next(), null);
  for (let i = 0; i < ping.length - 1; i++) {
    reader.push(ping.subarray(i, i + 1));
    assert.equal(reader.next(), null, `after ${i + 1} bytes`);
    assert.equal(reader.bufferedBytes, i + 1);
  }
  reader.push(new Uint8Array(0));
  assert.equal(reader.next(), null);
  reader.push(ping.subarray(ping.length - 1));
  assert.equal(reader.next()?.type, 'PING');
  assert.equal(reader.bufferedBytes, 0);
  assert.equal(reader.next(), null);
});

test('10,000 frames in one buffer: all decoded, payloads not copied', () => {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 10_000; i++) {
    parts.push(i % 2 === 0 ? frames.data(2 * i + 1, `frame ${i}`) : frames.windowUpdate(0, i));
  }
  const big = concat(...parts);
  const reader = new FrameReader();
  reader.push(big);
  let n = 0;
  for (let f = reader.next(); f !== null; f = reader.next(), n++) {
    if (n % 2 === 0) {
      assert.ok(f.type === 'DATA' && f.streamId === 2 * n + 1);
      assert.equal(new TextDecoder().decode(f.data), `frame ${n}`);
      assert.equal(f.data.buffer, big.buffer, 'payload is a view of the pushed chunk');
    } else {
      assert.deepStrictEqual(f, { type: 'WINDOW_UPDATE', streamId: 0, increment: n });
    }
  }
  assert.equal(n, 10_000);
});

test('10,000 frames one byte at a time stays linear', { timeout: 20_000 }, () => {
  const one = frames.data(1, 'abcdefgh');
  const big = concat(...Array.from({ length: 10_000 }, () => one));
  const start = performance.now();
  const out = readAll(bytewise(big));
  const ms = performance.now() - start;
  assert.equal(out.length, 10_000);
  assert.ok(out.every((f) => f.type === 'DATA' && f.data.length === 8));
  // 170,000 one-byte pushes; a reader that re-concatenates its buffer per push would copy ~14 GB.
  assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
});

test('a payload straddling chunks is copied correctly', () => {
  const body = Uint8Array.from({ length: 100 }, (_, i) => i);
  const bytes = frames.data(1, body);
  const chunks = [bytes.subarray(0, 20), bytes.subarray(20, 21), bytes.subarray(21, 80), bytes.subarray(80)];
  const [f] = readAll(chunks);
  assert.ok(f?.type === 'DATA');
  assert.deepStrictEqual(f.data, body);
});

test('an oversized frame is rejected from its header alone, before its payload arrives', () => {
  const reader = new FrameReader();
  reader.push(frames.raw(FrameType.DATA, 0, 1, new Uint8Array(16385)).subarray(0, 9));
  assert.throws(() => reader.next(), (e: unknown) => e instanceof ConnectionError && e.code === ErrorCode.FRAME_SIZE_ERROR);
});

test('maxFrameSize is settable within RFC 9113 4.2 bounds and applies to the next header', () => {
  const big = frames.data(1, new Uint8Array(20_000));
  const reader = new FrameReader({ maxFrameSize: 20_000 });
  assert.equal(reader.maxFrameSize, 20_000);
  reader.push(big);
  assert.equal(reader.next()?.type, 'DATA');
  reader.maxFrameSize = 16384;
  reader.push(big);
  assert.throws(() => reader.next(), ConnectionError);
  assert.equal(new FrameReader().maxFrameSize, 16384);
  for (const bad of [16383, 16777216, 20000.5, NaN]) {
    assert.throws(() => new FrameReader({ maxFrameSize: bad }), RangeError);
    assert.throws(() => (new FrameReader().maxFrameSize = bad), RangeError);
  }
});

test('after a StreamError the offending frame is consumed and reading continues', () => {
  const bytes = concat(
    frames.windowUpdate(3, 0), // stream error
    frames.raw(FrameType.PRIORITY, 0, 5, u8(0, 0, 0, 1)), // stream error (length 4)
    frames.ping(),
  );
  const reader = new FrameReader();
  reader.push(bytes);
  assert.throws(() => reader.next(), (e: unknown) => e instanceof StreamError && e.streamId === 3 && e.code === ErrorCode.PROTOCOL_ERROR);
  assert.throws(() => reader.next(), (e: unknown) => e instanceof StreamError && e.streamId === 5 && e.code === ErrorCode.FRAME_SIZE_ERROR);
  assert.equal(reader.next()?.type, 'PING');
  assert.equal(reader.next(), null);
});

test('after a ConnectionError the reader keeps throwing the same error', () => {
  const reader = new FrameReader();
  reader.push(concat(frames.raw(FrameType.PING, 0, 1, new Uint8Array(8)), frames.ping()));
  let first: unknown;
  assert.throws(() => reader.next(), (e: unknown) => ((first = e), e instanceof ConnectionError));
  assert.throws(() => reader.next(), (e: unknown) => e === first);
  reader.push(frames.ping());
  assert.throws(() => reader.next(), (e: unknown) => e === first);
});

// ---- fuzzing: whatever the bytes, next() returns frames/null or throws an Http2 error ----

/** Drains the reader, skipping StreamErrors and stopping at a ConnectionError; any other error fails. */
function drainChecked(chunks: Uint8Array[]): void {
  const reader = new FrameReader();
  for (const chunk of chunks) {
    reader.push(chunk);
    for (;;) {
      let f: Frame | null;
      try {
        f = reader.next();
      } catch (e) {
        if (e instanceof StreamError) continue; // frame consumed, keep going
        if (e instanceof ConnectionError) {
          assert.throws(() => reader.next(), (again: unknown) => again === e);
          return;
        }
        throw new Error(`FrameReader threw a non-HTTP/2 error: ${String(e)}`, { cause: e });
      }
      if (f === null) break;
    }
  }
}

/** Splits `bytes` at the given (unsorted, possibly repeated) positions. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [0, ...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

// A frame header with a small length so random payloads reach the per-type parsers.
const smallHeader = fc
  .record({ length: fc.integer({ min: 0, max: 24 }), type: fc.integer({ min: 0, max: 12 }), flags: fc.integer({ min: 0, max: 255 }), streamId: fc.integer({ min: 0, max: 2 ** 32 - 1 }) })
  .chain(({ length, type, flags, streamId }) =>
    fc.uint8Array({ minLength: length, maxLength: length }).map((p) => frames.raw(type, flags, streamId, p)),
  );

const randomStream = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.array(smallHeader, { maxLength: 12 }).map((fs) => concat(...fs)),
);

type Mutation = { kind: 'flip' | 'set' | 'insert' | 'delete'; at: number; value: number };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'set', 'insert', 'delete'),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
});

function mutate(bytes: Uint8Array, muts: Mutation[]): Uint8Array {
  const b = Array.from(bytes);
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.kind === 'flip') b[at] = (b[at] ?? 0) ^ (1 << (m.value & 7));
    else if (m.kind === 'set') b[at] = m.value;
    else if (m.kind === 'insert') b.splice(at, 0, m.value);
    else b.splice(at, 1);
  }
  return Uint8Array.from(b);
}

const mutatedStream = fc
  .tuple(fc.array(arbitraryFrame, { minLength: 1, maxLength: 8 }), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([fs, muts]) => mutate(concat(...fs.map(encodeFrame)), muts));

test('fuzz: random and mutated byte streams only ever produce frames, null, or HTTP/2 errors (fast-check, seeded)', () => {
  fc.assert(
    fc.property(fc.oneof(randomStream, mutatedStream), fc.array(fc.nat(), { maxLength: 10 }), (bytes, cuts) => {
      drainChecked(split(bytes, cuts));
    }),
    { seed: 0x9113, numRuns: 2000 },
  );
});

test('fuzz: valid frame streams decode to the frames encoded, however fragmented (fast-check, seeded)', () => {
  fc.assert(
    fc.property(fc.array(arbitraryFrame, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }), (fs, cuts) => {
      assert.deepStrictEqual(readAll(split(concat(...fs.map(encodeFrame)), cuts)), fs);
    }),
    { seed: 7540, numRuns: 1000 },
  );
});
