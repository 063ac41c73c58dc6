/**
 * Property tests (fast-check, fixed seeds so runs are repeatable):
 *  - the decoder, fed random or mutated blocks, returns or throws HpackError,
 *    never anything else (no TypeError, RangeError, hang);
 *  - encode -> decode over a sequence of blocks, with table resizes in
 *    between, gives back the input.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HpackDecoder, HpackEncoder, HpackError, type HeaderField } from '../../src/http2/hpack/index.js';
import { STATIC_TABLE } from '../../src/http2/hpack/static-table.js';

const RUNS = 2000;

const latin1 = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength });

// Names and values drawn from small pools as well as at random, so that
// blocks repeat themselves and exercise the dynamic table.
const name = fc.oneof(
  fc.constantFrom(...new Set(STATIC_TABLE.map(([n]) => n))),
  fc.constantFrom('x-custom', 'x-trace', 'cookie', 'authorization', 'set-cookie', 'etag', ':path'),
  latin1(12),
);
const value = fc.oneof(
  fc.constantFrom('', 'GET', '/', '200', 'gzip, deflate', 'no-cache', 'a'.repeat(30)),
  latin1(40),
  latin1(400),
);
const field: fc.Arbitrary<HeaderField> = fc.oneof(
  fc.record({ name, value }, { noNullPrototype: true }),
  fc.record({ name, value, sensitive: fc.boolean() }, { noNullPrototype: true }),
);
const headerList = fc.array(field, { maxLength: 12 });
const tableSize = fc.constantFrom(0, 64, 256, 4096);
const huffman = fc.constantFrom('auto' as const, 'always' as const, 'never' as const);

/** Decodes; the only acceptable failure is an HpackError. Results must be byte strings. */
function decodeOrHpackError(decoder: HpackDecoder, block: Uint8Array): void {
  let result: HeaderField[];
  try {
    result = decoder.decode(block);
  } catch (e) {
    if (e instanceof HpackError) return;
    throw e;
  }
  for (const f of result) {
    assert.equal(typeof f.name, 'string');
    assert.equal(typeof f.value, 'string');
    assert.ok(!/[^\u0000-\u00ff]/.test(f.name + f.value));
  }
}

type Mutation = { at: number; op: 'flip' | 'set' | 'insert' | 'delete' | 'truncate'; byte: number };
const mutation: fc.Arbitrary<Mutation> = fc.record(
  {
    at: fc.nat(),
    op: fc.constantFrom('flip' as const, 'set' as const, 'insert' as const, 'delete' as const, 'truncate' as const),
    byte: fc.integer({ min: 0, max: 255 }),
  },
  { noNullPrototype: true },
);

function mutate(block: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  const bytes = [...block];
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    if (m.op === 'flip' && bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << (m.byte & 7));
    else if (m.op === 'set' && bytes.length > 0) bytes[at] = m.byte;
    else if (m.op === 'insert') bytes.splice(at, 0, m.byte);
    else if (m.op === 'delete') bytes.splice(at, 1);
    else if (m.op === 'truncate') bytes.length = at;
  }
  return Uint8Array.from(bytes);
}

describe('decoder robustness (fast-check)', () => {
  it('random blocks, one after another on the same decoder', () => {
    fc.assert(
      fc.property(
        tableSize,
        fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }),
        fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 4 }),
        (maxTableSize, maxHeaderListSize, blocks) => {
          const decoder = new HpackDecoder({ maxTableSize, maxHeaderListSize, maxStringLength: 100 });
          for (const block of blocks) decodeOrHpackError(decoder, block);
        },
      ),
      { seed: 7541, numRuns: RUNS },
    );
  });

  it('mutated valid blocks', () => {
    fc.assert(
      fc.property(
        tableSize,
        huffman,
        headerList,
        headerList,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (maxTableSize, mode, warmUp, target, mutations) => {
          const encoder = new HpackEncoder({ maxTableSize, huffman: mode });
          const decoder = new HpackDecoder({ maxTableSize });
          decoder.decode(encoder.encode(warmUp)); // populate both tables alike
          decodeOrHpackError(decoder, mutate(encoder.encode(target), mutations));
        },
      ),
      { seed: 0x68706b, numRuns: RUNS },
    );
  });
});

describe('encode -> decode round trip (fast-check)', () => {
  it('a sequence of header lists, with table size changes between blocks', () => {
    const block = fc.record(
      { resizes: fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 2 }), headers: headerList },
      { noNullPrototype: true },
    );
    fc.assert(
      fc.property(tableSize, huffman, fc.array(block, { minLength: 1, maxLength: 6 }), (size, mode, blocks) => {
        const encoder = new HpackEncoder({ maxTableSize: size, huffman: mode });
        const decoder = new HpackDecoder({ maxTableSize: size });
        for (const { resizes, headers } of blocks) {
          // Both ends learn of each SETTINGS_HEADER_TABLE_SIZE change.
          for (const n of resizes) {
            decoder.setMaxTableSize(n);
            encoder.setMaxTableSize(n);
          }
          const decoded = decoder.decode(encoder.encode(headers));
          assert.deepEqual(
            decoded.map((f) => [f.name, f.value]),
            headers.map((f) => [f.name, f.value]),
          );
          headers.forEach((f, i) => {
            if (f.sensitive === true) assert.equal(decoded[i]!.sensitive, true, `${f.name} must stay never-indexed`);
          });
        }
      }),
      { seed: 20150501, numRuns: RUNS },
    );
  });

  it('heavy reuse in small tables: constant eviction of duplicate names and values', () => {
    const reused: fc.Arbitrary<HeaderField> = fc.record(
      { name: fc.constantFrom('a', 'b', 'content-type'), value: fc.constantFrom('1', '22', '333', 'x'.repeat(20)) },
      { noNullPrototype: true },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.array(reused, { maxLength: 8 }), { minLength: 1, maxLength: 8 }),
        (size, blocks) => {
          const encoder = new HpackEncoder({ maxTableSize: size });
          const decoder = new HpackDecoder({ maxTableSize: size });
          for (const headers of blocks) {
            assert.deepEqual(
              decoder.decode(encoder.encode(headers)).map((f) => [f.name, f.value]),
              headers.map((f) => [f.name, f.value]),
            );
          }
        },
      ),
      { seed: 4096, numRuns: RUNS },
    );
  });
});
