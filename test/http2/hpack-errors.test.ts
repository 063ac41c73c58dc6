/**
 * Decoder failure modes: every COMPRESSION case of RFC 7541, and the
 * HEADER_LIST_TOO_LARGE path that must keep the table in sync without
 * materialising an HPACK bomb.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HpackDecoder, HpackEncoder, HpackError, type HpackErrorKind } from '../../src/http2/hpack/index.js';
import { decodeInteger } from '../../src/http2/hpack/integer.js';
import { concat, hex } from './hpack-helpers.js';

function assertHpackError(fn: () => unknown, kind: HpackErrorKind, message?: RegExp): HpackError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof HpackError, `expected HpackError(${kind}), got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  if (message) assert.match(caught.message, message);
  return caught;
}

const compression = (block: Uint8Array, decoder = new HpackDecoder(), message?: RegExp): HpackError =>
  assertHpackError(() => decoder.decode(block), 'COMPRESSION', message);

describe('COMPRESSION: integers (RFC 7541 5.1)', () => {
  it('rejects a value above 2^31-1', () => {
    // Indexed, prefix 127 + 0x7f*(1 + 128 + 128^2 + 128^3) + 0x0f*128^4 > 2^31.
    compression(hex('ff ff ff ff ff 0f'), undefined, /overflow/);
  });

  it('rejects too many continuation bytes even when the value stays small', () => {
    compression(hex('ff 80 80 80 80 80 80 00'), undefined, /continuation/);
  });

  it('fails fast on a megabyte of continuation bytes', () => {
    const block = new Uint8Array(1 << 20).fill(0x80);
    block[0] = 0xff;
    compression(block, undefined, /continuation/);
  });

  it('stops reading an over-long integer after its prefix and five continuation bytes', () => {
    const block = new Uint8Array(1 << 20).fill(0x80);
    block[0] = 0xff;
    let reads = 0;
    // Counts indexed reads, so the bound on work is checked without a clock.
    const counted = new Proxy(block, {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    assert.throws(() => decodeInteger({ buf: counted, pos: 0 }, 7), /continuation/);
    assert.equal(reads, 6);
  });

  it('rejects an integer cut off after its prefix or mid-continuation', () => {
    compression(hex('ff'), undefined, /truncated integer/);
    compression(hex('ff 80'), undefined, /truncated integer/);
    compression(hex('7f'), undefined, /truncated integer/); // literal name index
    compression(hex('40 7f'), undefined, /truncated integer/); // string length
  });
});

describe('COMPRESSION: Huffman strings (RFC 7541 5.2)', () => {
  // Literal without indexing, name :path (index 4), Huffman value of n bytes.
  const withValue = (...huffman: number[]) => Uint8Array.of(0x04, 0x80 | huffman.length, ...huffman);

  it('accepts the reference: "a" is 00011 plus three 1s of padding', () => {
    assert.deepEqual(new HpackDecoder().decode(withValue(0x1f)), [{ name: ':path', value: 'a' }]);
    assert.deepEqual(new HpackDecoder().decode(withValue()), [{ name: ':path', value: '' }]);
  });

  it('rejects EOS inside the string', () => {
    // EOS is thirty 1s; the last two bits are padding.
    compression(withValue(0xff, 0xff, 0xff, 0xff), undefined, /EOS/);
    // "a" then EOS.
    compression(withValue(0x1f, 0xff, 0xff, 0xff, 0xff), undefined, /EOS/);
  });

  it('rejects padding longer than 7 bits', () => {
    compression(withValue(0x1f, 0xff), undefined, /padding/); // "a" + 11 bits of 1s
    compression(withValue(0xff), undefined, /padding/); // 8 bits of 1s, no symbol at all
  });

  it('rejects padding that is not all 1s', () => {
    compression(withValue(0x18), undefined, /padding/); // "a" + 000
    compression(withValue(0x1e), undefined, /padding/); // "a" + 110
  });
});

describe('COMPRESSION: truncation and indexes', () => {
  it('rejects a string literal running past the block', () => {
    compression(hex('40 0a 6375 7374 6f6d'), undefined, /truncated string/);
    compression(hex('04 05 2f61'), undefined, /truncated string/);
    compression(hex('40'), undefined, /truncated integer/);
  });

  it('rejects every cut of a valid block that is not on a field boundary', () => {
    // C.4.3 after C.4.1 and C.4.2: fields end at offsets 1, 2, 3, 4 and the end.
    const before = [hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'), hex('8286 84be 5886 a8eb 1064 9cbf')];
    const block = hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf');
    const boundaries = new Set([0, 1, 2, 3, 4, block.length]);
    for (let cut = 0; cut <= block.length; cut++) {
      const decoder = new HpackDecoder();
      for (const b of before) decoder.decode(b);
      const prefix = block.subarray(0, cut);
      if (boundaries.has(cut)) assert.equal(decoder.decode(prefix).length, cut === block.length ? 5 : cut);
      else compression(prefix, decoder);
    }
  });

  it('rejects index 0', () => {
    compression(hex('80'), undefined, /index 0/);
  });

  it('rejects an index past the dynamic table', () => {
    compression(hex('be'), undefined, /index 62 out of range/); // empty table
    compression(hex('7e 01 78'), undefined, /out of range/); // literal name index 62
    const d = new HpackDecoder();
    d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
    assert.deepEqual(d.decode(hex('be')), [{ name: 'custom-key', value: 'custom-header' }]);
    compression(hex('bf'), d, /index 63 out of range/);
  });
});

describe('COMPRESSION: dynamic table size updates (RFC 7541 4.2, 6.3)', () => {
  it('rejects an update after the first field', () => {
    compression(hex('82 20'), undefined, /after a header field/);
  });

  it('accepts updates at the start, up to the advertised size', () => {
    const d = new HpackDecoder();
    // 0, then 4096 (31 + 4065: e1 1f), then a field.
    assert.deepEqual(d.decode(hex('20 3fe11f 82')), [{ name: ':method', value: 'GET' }]);
  });

  it('rejects an update above the advertised size', () => {
    compression(hex('3fe21f'), undefined, /4097 above limit/);
    assert.deepEqual(new HpackDecoder({ maxTableSize: 8192 }).decode(hex('3fe21f')), []);
  });

  it('after we lower our setting, the next block must start with an update that fits', () => {
    const d = new HpackDecoder();
    d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
    d.setMaxTableSize(100);
    compression(hex('82'), d, /missing required/);

    const d2 = new HpackDecoder();
    d2.setMaxTableSize(100);
    compression(hex('3f46'), d2, /101 above limit/);
    const d3 = new HpackDecoder();
    d3.setMaxTableSize(100);
    assert.deepEqual(d3.decode(hex('3f45 82')), [{ name: ':method', value: 'GET' }]); // 100
    assert.deepEqual(d3.decode(hex('82')), [{ name: ':method', value: 'GET' }]); // owed no more
  });

  it('raising our setting needs no update, and allows a bigger one', () => {
    const d = new HpackDecoder();
    d.setMaxTableSize(8192);
    assert.deepEqual(d.decode(hex('82')), [{ name: ':method', value: 'GET' }]);
    assert.deepEqual(d.decode(hex('3fe13f')), []); // 8192 = 31 + 8161 (e1 3f)
  });

  it('a shrinking update evicts, and size 0 empties the table', () => {
    const d = new HpackDecoder();
    d.decode(hex('418c f1e3 c2e5 f23a 6ba0 ab90 f4ff')); // :authority (57 bytes)
    d.decode(hex('5886 a8eb 1064 9cbf')); // cache-control: no-cache (53 bytes)
    d.decode(hex('3f59')); // 31 + 89 = 120: both fit
    assert.equal(d.dynamicTableSize, 110);
    d.decode(hex('3f37')); // 31 + 55 = 86: the older :authority goes
    assert.deepEqual(d.dynamicTableEntries(), [['cache-control', 'no-cache']]);
    d.decode(hex('20'));
    assert.deepEqual(d.dynamicTableEntries(), []);
    compression(hex('be'), d, /out of range/);
  });
});

describe('HEADER_LIST_TOO_LARGE keeps the table in sync', () => {
  const BIG = 'v'.repeat(4000);
  // Literal with incremental indexing, literal name "x-bomb", raw 4000-byte value.
  const insertBig = concat(hex('40 06'), new TextEncoder().encode('x-bomb'), hex('7f a1 1e'), new Uint8Array(4000).fill(0x76));

  it('an HPACK bomb: one 4 KB entry referenced 100,000 times is counted, not materialised', () => {
    const d = new HpackDecoder({ maxHeaderListSize: 16384 });
    assert.deepEqual(d.decode(insertBig), [{ name: 'x-bomb', value: BIG }]);
    const bomb = new Uint8Array(100_000).fill(0xbe); // 100 KB on the wire, ~400 MB decoded
    const err = assertHpackError(() => d.decode(bomb), 'HEADER_LIST_TOO_LARGE', /size 403800000 exceeds limit 16384/);
    // Only what fit under the limit was built: 4 x 4038 <= 16384 < 5 x 4038.
    assert.equal(err.fieldsBeforeLimit?.length, 4);
    assert.deepEqual(err.fieldsBeforeLimit?.[0], { name: 'x-bomb', value: BIG });
    // The table is intact: the next block still resolves index 62.
    assert.deepEqual(d.decode(hex('be 82')), [
      { name: 'x-bomb', value: BIG },
      { name: ':method', value: 'GET' },
    ]);
  });

  it('insertions after the limit still happen, so the next block agrees with the encoder', () => {
    const encoder = new HpackEncoder();
    const d = new HpackDecoder({ maxHeaderListSize: 200 });
    const first = encoder.encode([
      { name: 'x-a', value: 'a'.repeat(150) },
      { name: 'x-b', value: 'b'.repeat(100) }, // over the limit, but indexed by the encoder
      { name: 'x-c', value: 'c' },
    ]);
    const err = assertHpackError(() => d.decode(first), 'HEADER_LIST_TOO_LARGE');
    assert.deepEqual(err.fieldsBeforeLimit, [{ name: 'x-a', value: 'a'.repeat(150) }]);
    // Both sides now hold x-c, x-b, x-a: the encoder sends indexes only.
    const second = encoder.encode([
      { name: 'x-c', value: 'c' },
      { name: 'x-b', value: 'b'.repeat(100) },
    ]);
    assert.deepEqual([...second], [0xbe, 0xbf]);
    assert.deepEqual(d.decode(second), [
      { name: 'x-c', value: 'c' },
      { name: 'x-b', value: 'b'.repeat(100) },
    ]);
  });

  it('an over-limit entry bigger than the table still empties the table (4.4)', () => {
    const d = new HpackDecoder({ maxTableSize: 4096, maxHeaderListSize: 100 });
    d.decode(hex('418c f1e3 c2e5 f23a 6ba0 ab90 f4ff'));
    const huge = concat(hex('40 01 78 7f a1 1f'), new Uint8Array(4128).fill(0x79)); // 1+4128+32 > 4096
    assertHpackError(() => d.decode(huge), 'HEADER_LIST_TOO_LARGE');
    assert.deepEqual(d.dynamicTableEntries(), []);
  });

  it('a malformed field after the limit is still COMPRESSION', () => {
    const d = new HpackDecoder({ maxHeaderListSize: 10 });
    compression(hex('82 80'), d, /index 0/);
    const d2 = new HpackDecoder({ maxHeaderListSize: 10 });
    compression(hex('82 04 81 18'), d2, /padding/); // Huffman checked even when the value is skipped
  });

  it('maxStringLength: a longer value fails the list but keeps the table', () => {
    const d = new HpackDecoder({ maxStringLength: 10 });
    const block = hex('40 01 78 0b 3132 3334 3536 3738 3930 31'); // x: 12345678901 (11 bytes)
    const err = assertHpackError(() => d.decode(block), 'HEADER_LIST_TOO_LARGE', /maxStringLength 10/);
    assert.deepEqual(err.fieldsBeforeLimit, []);
    assert.deepEqual(d.dynamicTableEntries(), [['x', '12345678901']]);
  });

  it('maxHeaderListSize can be changed between blocks', () => {
    const d = new HpackDecoder();
    const block = hex('82 86 84'); // 3 static fields, sizes 42 + 43 + 38 = 123
    assert.equal(d.decode(block).length, 3);
    d.maxHeaderListSize = 122;
    assertHpackError(() => d.decode(block), 'HEADER_LIST_TOO_LARGE', /123 exceeds limit 122/);
    d.maxHeaderListSize = 123;
    assert.equal(d.decode(block).length, 3);
  });
});
