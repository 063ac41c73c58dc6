/**
 * Encoder: the default indexing policy, dynamic table size updates
 * (RFC 7541 4.2, 6.3) and input validation. Expected bytes are spelled out;
 * each block is also decoded to check both sides agree.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ENCODER_TABLE_SIZE_LIMIT,
  HpackDecoder,
  HpackEncoder,
  HpackError,
  type HeaderField,
} from '../../src/http2/hpack/index.js';
import { hex, toHex } from './hpack-helpers.js';

/** Encodes with the default policy, decodes with a fresh-or-given decoder, returns hex. */
function roundTrip(encoder: HpackEncoder, decoder: HpackDecoder, headers: HeaderField[]): string {
  const block = encoder.encode(headers);
  const decoded = decoder.decode(block);
  assert.deepEqual(
    decoded.map((f) => [f.name, f.value]),
    headers.map((f) => [f.name, f.value]),
  );
  return toHex(block);
}

describe('default policy', () => {
  const pair = () => [new HpackEncoder({ huffman: 'never' }), new HpackDecoder()] as const;

  it('indexes a new field, then refers to it by index', () => {
    const [e, d] = pair();
    assert.equal(roundTrip(e, d, [{ name: 'x-k', value: 'v' }]), '4003782d6b0176');
    assert.equal(roundTrip(e, d, [{ name: 'x-k', value: 'v' }]), 'be');
    // Same name, new value: name by dynamic index 62, value literal.
    assert.equal(roundTrip(e, d, [{ name: 'x-k', value: 'w' }]), '7e0177');
    assert.equal(roundTrip(e, d, [{ name: 'x-k', value: 'v' }]), 'bf');
  });

  it('prefers the static table for names and exact matches', () => {
    const [e, d] = pair();
    assert.equal(roundTrip(e, d, [{ name: ':method', value: 'POST' }]), '83');
    assert.equal(roundTrip(e, d, [{ name: ':status', value: '201' }]), '4803323031');
    // :status 201 is now dynamic 62; :status 202 still names static index 8.
    assert.equal(roundTrip(e, d, [{ name: ':status', value: '202' }]), '4803323032');
  });

  it('never indexes authorization, proxy-authorization, short cookies and sensitive fields', () => {
    const [e, d] = pair();
    const never: HeaderField[] = [
      { name: 'authorization', value: 'Basic Zm9vOmJhcg==' },
      { name: 'proxy-authorization', value: 'x' },
      { name: 'cookie', value: 'id=1234567890abcdef' }, // 19 bytes
      { name: 'x-api-key', value: 'k', sensitive: true },
      { name: ':method', value: 'GET', sensitive: true }, // even with a static exact match
    ];
    for (let round = 0; round < 2; round++) {
      const block = e.encode(never);
      // 0001xxxx never-indexed with static name indexes 23 (0x1f 0x08), 49 (0x1f 0x22), 32 (0x1f 0x11), literal, 2.
      assert.equal(
        toHex(block),
        '1f0812' + toHex(Uint8Array.from(Buffer.from('Basic Zm9vOmJhcg=='))) +
          '1f220178' +
          '1f1113' + toHex(Uint8Array.from(Buffer.from('id=1234567890abcdef'))) +
          '1009782d6170692d6b6579016b' +
          '1203474554',
      );
      const decoded = d.decode(block);
      assert.ok(decoded.every((f) => f.sensitive === true));
    }
    assert.deepEqual(d.dynamicTableEntries(), []);
  });

  it('indexes cookies of 20 bytes or more (RFC 7541 7.1.3)', () => {
    const [e, d] = pair();
    const cookie = { name: 'cookie', value: 'session=0123456789ab' }; // 20 bytes
    assert.equal(roundTrip(e, d, [cookie]).slice(0, 4), '6014');
    assert.equal(roundTrip(e, d, [cookie]), 'be');
  });

  it('does not index values that rarely repeat', () => {
    const [e, d] = pair();
    const once: HeaderField[] = [
      { name: 'etag', value: '"abc"' },
      { name: 'if-none-match', value: '"abc"' },
      { name: 'last-modified', value: 'Mon, 21 Oct 2013 20:13:21 GMT' },
      { name: 'set-cookie', value: 'a=b' },
      { name: ':path', value: '/' + 'p'.repeat(64) }, // 65 bytes
    ];
    const block = roundTrip(e, d, once);
    assert.equal(block.slice(0, 4), '0f13'); // etag: without indexing, name index 34 (15 + 19)
    assert.deepEqual(d.dynamicTableEntries(), []);
    // A 64-byte :path is indexed.
    roundTrip(e, d, [{ name: ':path', value: '/' + 'p'.repeat(63) }]);
    assert.equal(d.dynamicTableEntries().length, 1);
  });

  it('indexes date: a busy server repeats it within each second', () => {
    const [e, d] = pair();
    const date = { name: 'date', value: 'Mon, 21 Oct 2013 20:13:21 GMT' };
    roundTrip(e, d, [date]);
    assert.equal(roundTrip(e, d, [date]), 'be');
  });

  it('does not insert an entry larger than 3/4 of the table', () => {
    const e = new HpackEncoder({ maxTableSize: 256, huffman: 'never' });
    const d = new HpackDecoder({ maxTableSize: 256 });
    roundTrip(e, d, [{ name: 'x', value: 'v'.repeat(159) }]); // 1 + 159 + 32 = 192 = 3/4: inserted
    assert.equal(d.dynamicTableSize, 192);
    roundTrip(e, d, [{ name: 'y', value: 'v'.repeat(160) }]); // 193: not inserted, no eviction
    assert.deepEqual(d.dynamicTableEntries(), [['x', 'v'.repeat(159)]]);
  });

  it('with a table of size 0 nothing is indexed but static matches', () => {
    const e = new HpackEncoder({ maxTableSize: 0, huffman: 'never' });
    const d = new HpackDecoder({ maxTableSize: 0 });
    for (let i = 0; i < 2; i++) {
      assert.equal(roundTrip(e, d, [{ name: ':method', value: 'GET' }, { name: 'a', value: 'b' }]), '820001610162');
    }
  });

  it("huffman 'auto' picks the shorter form per string", () => {
    const e = new HpackEncoder({ huffman: 'auto' });
    const d = new HpackDecoder();
    // "307" is 3 bytes either way: raw. "302" is 2 bytes in Huffman.
    assert.equal(roundTrip(e, d, [{ name: ':status', value: '307' }]), '4803333037');
    assert.equal(roundTrip(e, d, [{ name: ':status', value: '302' }]), '48826402');
    // Bytes with long codes grow under Huffman: raw.
    assert.equal(roundTrip(e, d, [{ name: 'x', value: '\u00ff\u0000' }]), '40017802ff00');
  });
});

describe('dynamic table size updates from the encoder', () => {
  it('announces a lowered size at the start of the next block, once', () => {
    const e = new HpackEncoder({ huffman: 'never' });
    const d = new HpackDecoder();
    roundTrip(e, d, [{ name: 'x-k', value: 'v' }]);
    e.setMaxTableSize(100);
    assert.equal(roundTrip(e, d, [{ name: ':method', value: 'GET' }]), '3f4582'); // 100 = 31 + 69
    assert.equal(roundTrip(e, d, [{ name: ':method', value: 'GET' }]), '82');
    assert.equal(roundTrip(e, d, [{ name: 'x-k', value: 'v' }]), 'be'); // 36 bytes: still there
  });

  it('lowered then raised: emits the minimum, then the final size', () => {
    const e = new HpackEncoder({ huffman: 'never' });
    const d = new HpackDecoder();
    roundTrip(e, d, [{ name: 'x-k', value: 'v' }]);
    e.setMaxTableSize(0);
    e.setMaxTableSize(4096);
    assert.equal(roundTrip(e, d, [{ name: 'x-k', value: 'v' }]), '203fe11f' + '4003782d6b0176');
    assert.deepEqual(d.dynamicTableEntries(), [['x-k', 'v']]);
  });

  it('several changes: the minimum and the final one only', () => {
    const e = new HpackEncoder();
    e.setMaxTableSize(2000);
    e.setMaxTableSize(1000);
    e.setMaxTableSize(3000);
    assert.equal(toHex(e.encode([])), toHex(hex('3fc907 3f9917'))); // 1000, 3000
    e.setMaxTableSize(2000);
    e.setMaxTableSize(1000);
    assert.equal(toHex(e.encode([])), toHex(hex('3fc907'))); // final is the minimum: once
  });

  it('raised only: one update; unchanged: none', () => {
    const e = new HpackEncoder();
    e.setMaxTableSize(4096);
    assert.equal(toHex(e.encode([])), '');
    e.setMaxTableSize(8192);
    assert.equal(toHex(e.encode([])), '3fe13f');
  });

  it(`caps its own table at ${ENCODER_TABLE_SIZE_LIMIT} bytes whatever the peer allows`, () => {
    const e = new HpackEncoder();
    e.setMaxTableSize(0xffffffff); // the largest SETTINGS value
    assert.equal(toHex(e.encode([])), toHex(hex('3fe1ff03'))); // 65536 = 31 + 65505
  });

  it('rejects a size that is not a non-negative integer', () => {
    const e = new HpackEncoder();
    for (const n of [-1, 1.5, NaN, Infinity]) {
      assert.throws(() => e.setMaxTableSize(n), (err) => err instanceof HpackError && err.kind === 'INVALID_INPUT');
    }
  });
});

describe('encoder input validation', () => {
  const invalidInput = (err: unknown) => err instanceof HpackError && err.kind === 'INVALID_INPUT';

  for (const huffman of ['never', 'always'] as const) {
    it(`rejects chars above 0xFF (huffman ${huffman}) and stays in sync with the peer`, () => {
      const e = new HpackEncoder({ huffman });
      const d = new HpackDecoder();
      roundTrip(e, d, [{ name: 'x-old', value: 'v' }]);
      // x-new is added to our table before x-bad fails; the block is never sent.
      assert.throws(
        () => e.encode([{ name: 'x-new', value: 'v' }, { name: 'x-bad', value: '\u20ac' }]),
        invalidInput,
      );
      // So the next block empties both tables (size 0, then 4096) before
      // anything refers to them: x-old and x-new are literals again.
      const next = roundTrip(e, d, [{ name: 'x-new', value: 'v' }, { name: 'x-old', value: 'v' }]);
      assert.equal(next.slice(0, 10), '203fe11f40');
      assert.deepEqual(d.dynamicTableEntries(), [['x-old', 'v'], ['x-new', 'v']]);
    });
  }

  it('a failure before any table change costs nothing and keeps owed size updates', () => {
    const e = new HpackEncoder({ huffman: 'never' });
    const d = new HpackDecoder();
    roundTrip(e, d, [{ name: 'x-old', value: 'v' }]);
    e.setMaxTableSize(1000);
    assert.throws(() => e.encode([{ name: '\u0100', value: '' }]), invalidInput);
    assert.throws(() => e.encode([{ name: ':method', value: 'G\u0100T' }]), invalidInput);
    assert.equal(roundTrip(e, d, [{ name: 'x-old', value: 'v' }]), '3fc907' + 'be'); // 1000, then x-old
  });

  it('accepts every latin1 char', () => {
    const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    for (const huffman of ['never', 'always', 'auto'] as const) {
      roundTrip(new HpackEncoder({ huffman }), new HpackDecoder(), [{ name: 'x-all', value: all }]);
    }
  });

  it("encodeExplicit rejects 'indexed' without a table entry", () => {
    const e = new HpackEncoder();
    assert.throws(() => e.encodeExplicit([[{ name: 'x', value: 'y' }, 'indexed']]), invalidInput);
  });
});
