/**
 * Building blocks: integer codec (5.1), Huffman codec (5.2, Appendix B),
 * the ring-buffer dynamic table (4) and the encoder's lookup maps.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ByteWriter } from '../../src/http2/hpack/byte-writer.js';
import { DynamicTable } from '../../src/http2/hpack/dynamic-table.js';
import { EncoderTable } from '../../src/http2/hpack/encoder-table.js';
import { HpackDecoder, HpackError } from '../../src/http2/hpack/index.js';
import { huffmanDecode, huffmanDecodedCapacity, huffmanEncode, huffmanEncodedLength } from '../../src/http2/hpack/huffman.js';
import { HUFFMAN_CODES, HUFFMAN_LENGTHS } from '../../src/http2/hpack/huffman-table.js';
import { MAX_INTEGER, decodeInteger, encodeInteger } from '../../src/http2/hpack/integer.js';
import { STATIC_TABLE } from '../../src/http2/hpack/static-table.js';
import { hex, toHex } from './hpack-helpers.js';

function encodeInt(value: number, prefix: number, highBits = 0): Uint8Array {
  const out = new ByteWriter(1); // tiny initial capacity exercises growth
  encodeInteger(out, value, prefix, highBits);
  return out.toBytes();
}

function huffman(s: string): Uint8Array {
  const out = new ByteWriter(1);
  huffmanEncode(out, s);
  return out.toBytes();
}

function unhuffman(bytes: Uint8Array): string {
  const out = new Uint8Array(huffmanDecodedCapacity(bytes.length));
  const n = huffmanDecode(bytes, 0, bytes.length, out);
  return String.fromCharCode(...out.subarray(0, n));
}

describe('integer codec', () => {
  it('round-trips the edges of every prefix size', () => {
    for (let prefix = 1; prefix <= 8; prefix++) {
      const max = (1 << prefix) - 1;
      for (const value of [0, max - 1, max, max + 1, max + 127, max + 128, 16383, 2 ** 28, MAX_INTEGER]) {
        const bytes = encodeInt(value, prefix, prefix < 8 ? 0x80 & (0xff << prefix) : 0);
        const cur = { buf: bytes, pos: 0 };
        assert.equal(decodeInteger(cur, prefix), value, `prefix ${prefix} value ${value}`);
        assert.equal(cur.pos, bytes.length);
      }
    }
  });

  it('keeps the pattern bits and writes the exact bytes', () => {
    assert.equal(toHex(encodeInt(62, 7, 0x80)), 'be');
    assert.equal(toHex(encodeInt(127, 7, 0x80)), 'ff00');
    assert.equal(toHex(encodeInt(MAX_INTEGER, 5, 0x20)), '3fe0ffffff07');
  });

  it('accepts 2^31-1 and rejects 2^31', () => {
    assert.equal(decodeInteger({ buf: hex('1f e0 ff ff ff 07'), pos: 0 }, 5), MAX_INTEGER);
    assert.throws(() => decodeInteger({ buf: hex('1f e1 ff ff ff 07'), pos: 0 }, 5), HpackError);
  });

  it('accepts redundant zero continuation bytes up to the limit', () => {
    assert.equal(decodeInteger({ buf: hex('1f 81 80 80 80 00'), pos: 0 }, 5), 32);
    assert.throws(() => decodeInteger({ buf: hex('1f 81 80 80 80 80 00'), pos: 0 }, 5), /continuation/);
  });
});

describe('Huffman codec', () => {
  it('encodes the RFC 7541 C.4/C.6 strings byte-exact', () => {
    const cases: Array<[string, string]> = [
      ['www.example.com', 'f1e3 c2e5 f23a 6ba0 ab90 f4ff'],
      ['no-cache', 'a8eb 1064 9cbf'],
      ['custom-key', '25a8 49e9 5ba9 7d7f'],
      ['custom-value', '25a8 49e9 5bb8 e8b4 bf'],
      ['302', '6402'],
      ['private', 'aec3 771a 4b'],
      ['Mon, 21 Oct 2013 20:13:21 GMT', 'd07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff'],
      ['https://www.example.com', '9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3'],
      ['gzip', '9bd9 ab'],
      [
        'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1',
        `94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587
         3160 65c0 03ed 4ee5 b106 3d50 07`,
      ],
    ];
    for (const [text, dump] of cases) {
      assert.equal(toHex(huffman(text)), toHex(hex(dump)), text);
      assert.equal(huffmanEncodedLength(text), hex(dump).length);
      assert.equal(unhuffman(hex(dump)), text);
    }
  });

  it('round-trips every byte, alone and in long runs (codes of 5 to 30 bits)', () => {
    for (let b = 0; b < 256; b++) {
      const one = String.fromCharCode(b);
      assert.equal(unhuffman(huffman(one)), one, `byte ${b}`);
      const run = one.repeat(9) + 'a' + one.repeat(7);
      assert.equal(unhuffman(huffman(run)), run, `run of ${b}`);
    }
    const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => 255 - i));
    assert.equal(unhuffman(huffman(all)), all);
  });

  it('sizes match the code lengths of Appendix B', () => {
    assert.equal(HUFFMAN_LENGTHS[48], 5); // '0'
    assert.equal(HUFFMAN_CODES[47], 0x18); // '/', the RFC's own example
    assert.equal(huffmanEncodedLength('\u0000'), 2); // 13 bits
    assert.equal(huffmanEncodedLength('\n'), 4); // 30 bits
    assert.equal(huffmanEncodedLength(''), 0);
  });

  it('decodes into the given buffer at most capacity bytes', () => {
    const zeros = huffman('0'.repeat(40)); // 5-bit codes: the densest case
    assert.equal(zeros.length, 25);
    assert.equal(huffmanDecodedCapacity(zeros.length), 40);
    const out = new Uint8Array(40);
    assert.equal(huffmanDecode(zeros, 0, zeros.length, out), 40);
  });
});

describe('dynamic table', () => {
  const entries = (t: DynamicTable) => Array.from({ length: t.length }, (_, i) => `${t.nameAt(i)}=${t.valueAt(i)}`);

  it('keeps entries newest first and evicts the oldest (4.4)', () => {
    const t = new DynamicTable(3 * 34); // three 2-byte entries
    t.add('a', '1');
    t.add('b', '2');
    t.add('c', '3');
    assert.deepEqual(entries(t), ['c=3', 'b=2', 'a=1']);
    assert.equal(t.size, 102);
    t.add('d', '4');
    assert.deepEqual(entries(t), ['d=4', 'c=3', 'b=2']);
    t.add('e', '5'.repeat(34)); // 1 + 34 + 32 = 67: two entries must go
    assert.deepEqual(entries(t), ['e=' + '5'.repeat(34), 'd=4']);
    assert.equal(t.size, 101);
  });

  it('an entry larger than the table empties it (4.4)', () => {
    const t = new DynamicTable(100);
    t.add('a', '1');
    t.add('big', 'x'.repeat(66)); // 3 + 66 + 32 = 101
    assert.equal(t.length, 0);
    assert.equal(t.size, 0);
  });

  it('size 0 holds nothing; shrinking evicts (4.3)', () => {
    const zero = new DynamicTable(0);
    zero.add('a', '');
    assert.equal(zero.length, 0);
    const t = new DynamicTable(4096);
    for (const n of ['a', 'b', 'c']) t.add(n, '');
    t.setMaxSize(66);
    assert.deepEqual(entries(t), ['c=', 'b=']);
    t.setMaxSize(0);
    assert.equal(t.length, 0);
  });

  it('grows its ring past the initial capacity while wrapped around', () => {
    const t = new DynamicTable(20 * 33);
    for (let i = 0; i < 20; i++) t.add(String.fromCharCode(97 + (i % 26)), '');
    t.setMaxSize(10 * 33); // 10 left; the ring start is now mid-buffer
    t.setMaxSize(40 * 33);
    for (let i = 0; i < 30; i++) t.add(String(i % 10), '');
    assert.equal(t.length, 40);
    assert.equal(t.nameAt(0), '9');
    assert.equal(t.nameAt(29), '0');
    assert.equal(t.nameAt(30), 't'); // the newest of the first 20
    assert.equal(t.nameAt(39), 'k'); // the oldest survivor of the shrink
  });

  it('a literal may name the entry its own insertion evicts (4.4)', () => {
    const d = new HpackDecoder({ maxTableSize: 40 });
    d.decode(hex('40 03 6b6b6b 01 31')); // kkk: 1 (36 bytes)
    // Incremental, name index 62 (kkk), value "2": evicts kkk: 1 first.
    assert.deepEqual(d.decode(hex('7e 01 32')), [{ name: 'kkk', value: '2' }]);
    assert.deepEqual(d.dynamicTableEntries(), [['kkk', '2']]);
  });
});

describe('encoder lookup maps', () => {
  it('find the newest duplicate and forget evicted entries', () => {
    const t = new EncoderTable(3 * 34);
    t.add('a', '1');
    t.add('a', '2');
    t.add('a', '1');
    assert.equal(t.findField('a', '1'), 62);
    assert.equal(t.findField('a', '2'), 63);
    assert.equal(t.findName('a'), 62);
    t.add('b', '1'); // evicts the oldest a=1; the newer a=1 must stay findable
    assert.equal(t.findField('a', '1'), 63);
    assert.equal(t.findField('a', '2'), 64);
    t.add('b', '2'); // evicts a=2
    assert.equal(t.findField('a', '2'), 0);
    t.add('b', '3'); // evicts the last a
    assert.equal(t.findName('a'), 0);
    assert.equal(t.findField('a', '1'), 0);
    assert.equal(t.findName('b'), 62);
    assert.equal(t.findField('b', '1'), 64);
    t.setMaxSize(0);
    assert.equal(t.findName('b'), 0);
  });
});

describe('static table (generated from RFC 7541 Appendix A)', () => {
  it('has the 61 entries, spot-checked', () => {
    assert.equal(STATIC_TABLE.length, 61);
    assert.deepEqual(STATIC_TABLE[0], [':authority', '']);
    assert.deepEqual(STATIC_TABLE[15], ['accept-encoding', 'gzip, deflate']);
    assert.deepEqual(STATIC_TABLE[60], ['www-authenticate', '']);
  });
});
