/**
 * RFC 7541 Appendix C, byte for byte: every example is decoded (checking
 * the header list, the dynamic table and its size after each block) and
 * re-encoded with the representations the RFC chose.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HpackDecoder, HpackEncoder, type HeaderField, type Representation } from '../../src/http2/hpack/index.js';
import { ByteWriter } from '../../src/http2/hpack/byte-writer.js';
import { decodeInteger, encodeInteger } from '../../src/http2/hpack/integer.js';
import { fields, hex, toHex } from './hpack-helpers.js';

const IDX: Representation = 'indexed';
const INC: Representation = 'incremental';

interface Block {
  /** [name, value, representation the RFC used] */
  headers: ReadonlyArray<readonly [string, string, Representation]>;
  bytes: string;
  /** Dynamic table after the block, newest first. */
  table: ReadonlyArray<readonly [string, string]>;
  tableSize: number;
}

const REQUESTS: ReadonlyArray<Omit<Block, 'bytes'>> = [
  {
    headers: [
      [':method', 'GET', IDX],
      [':scheme', 'http', IDX],
      [':path', '/', IDX],
      [':authority', 'www.example.com', INC],
    ],
    table: [[':authority', 'www.example.com']],
    tableSize: 57,
  },
  {
    headers: [
      [':method', 'GET', IDX],
      [':scheme', 'http', IDX],
      [':path', '/', IDX],
      [':authority', 'www.example.com', IDX],
      ['cache-control', 'no-cache', INC],
    ],
    table: [
      ['cache-control', 'no-cache'],
      [':authority', 'www.example.com'],
    ],
    tableSize: 110,
  },
  {
    headers: [
      [':method', 'GET', IDX],
      [':scheme', 'https', IDX],
      [':path', '/index.html', IDX],
      [':authority', 'www.example.com', IDX],
      ['custom-key', 'custom-value', INC],
    ],
    table: [
      ['custom-key', 'custom-value'],
      ['cache-control', 'no-cache'],
      [':authority', 'www.example.com'],
    ],
    tableSize: 164,
  },
];

const COOKIE = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
const RESPONSES: ReadonlyArray<Omit<Block, 'bytes'>> = [
  {
    headers: [
      [':status', '302', INC],
      ['cache-control', 'private', INC],
      ['date', 'Mon, 21 Oct 2013 20:13:21 GMT', INC],
      ['location', 'https://www.example.com', INC],
    ],
    table: [
      ['location', 'https://www.example.com'],
      ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
      ['cache-control', 'private'],
      [':status', '302'],
    ],
    tableSize: 222,
  },
  {
    headers: [
      [':status', '307', INC],
      ['cache-control', 'private', IDX],
      ['date', 'Mon, 21 Oct 2013 20:13:21 GMT', IDX],
      ['location', 'https://www.example.com', IDX],
    ],
    table: [
      [':status', '307'],
      ['location', 'https://www.example.com'],
      ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
      ['cache-control', 'private'],
    ],
    tableSize: 222,
  },
  {
    headers: [
      [':status', '200', IDX],
      ['cache-control', 'private', IDX],
      ['date', 'Mon, 21 Oct 2013 20:13:22 GMT', INC],
      ['location', 'https://www.example.com', IDX],
      ['content-encoding', 'gzip', INC],
      ['set-cookie', COOKIE, INC],
    ],
    table: [
      ['set-cookie', COOKIE],
      ['content-encoding', 'gzip'],
      ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
    ],
    tableSize: 215,
  },
];

const withBytes = (blocks: ReadonlyArray<Omit<Block, 'bytes'>>, dumps: string[]): Block[] =>
  blocks.map((b, i) => ({ ...b, bytes: dumps[i]! }));

const SEQUENCES: ReadonlyArray<{ title: string; tableSize: number; huffman: 'always' | 'never'; blocks: Block[] }> = [
  {
    title: 'C.3 requests without Huffman',
    tableSize: 4096,
    huffman: 'never',
    blocks: withBytes(REQUESTS, [
      '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
      '8286 84be 5808 6e6f 2d63 6163 6865',
      '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
    ]),
  },
  {
    title: 'C.4 requests with Huffman',
    tableSize: 4096,
    huffman: 'always',
    blocks: withBytes(REQUESTS, [
      '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
      '8286 84be 5886 a8eb 1064 9cbf',
      '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
    ]),
  },
  {
    title: 'C.5 responses without Huffman, table size 256',
    tableSize: 256,
    huffman: 'never',
    blocks: withBytes(RESPONSES, [
      `4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
       2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70
       6c65 2e63 6f6d`,
      '4803 3330 37c1 c0bf',
      `88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
       54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
       5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e
       3d31`,
    ]),
  },
  {
    title: 'C.6 responses with Huffman, table size 256',
    tableSize: 256,
    huffman: 'always',
    blocks: withBytes(RESPONSES, [
      `4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
       2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3`,
      '4883 640e ffc1 c0bf',
      `88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
       77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
       9587 3160 65c0 03ed 4ee5 b106 3d50 07`,
    ]),
  },
];

describe('RFC 7541 C.1 integer representation', () => {
  const cases: Array<[title: string, value: number, prefix: number, bytes: number[]]> = [
    ['C.1.1 10 with a 5-bit prefix', 10, 5, [0x0a]],
    ['C.1.2 1337 with a 5-bit prefix', 1337, 5, [0x1f, 0x9a, 0x0a]],
    ['C.1.3 42 at an octet boundary', 42, 8, [0x2a]],
  ];
  for (const [title, value, prefix, bytes] of cases) {
    it(title, () => {
      const out = new ByteWriter();
      encodeInteger(out, value, prefix, 0);
      assert.deepEqual([...out.toBytes()], bytes);
      // The decoder must ignore the representation's pattern bits above the prefix.
      const withPattern = Uint8Array.from(bytes);
      if (prefix < 8) withPattern[0] = withPattern[0]! | (0xff << prefix);
      const cur = { buf: withPattern, pos: 0 };
      assert.equal(decodeInteger(cur, prefix), value);
      assert.equal(cur.pos, bytes.length);
    });
  }
});

describe('RFC 7541 C.2 header field representations', () => {
  const cases: Array<{
    title: string;
    field: HeaderField;
    rep: Representation;
    bytes: string;
    table: Array<[string, string]>;
    tableSize: number;
  }> = [
    {
      title: 'C.2.1 literal with indexing',
      field: { name: 'custom-key', value: 'custom-header' },
      rep: 'incremental',
      bytes: '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572',
      table: [['custom-key', 'custom-header']],
      tableSize: 55,
    },
    {
      title: 'C.2.2 literal without indexing',
      field: { name: ':path', value: '/sample/path' },
      rep: 'without-indexing',
      bytes: '040c 2f73 616d 706c 652f 7061 7468',
      table: [],
      tableSize: 0,
    },
    {
      title: 'C.2.3 literal never indexed',
      field: { name: 'password', value: 'secret', sensitive: true },
      rep: 'never-indexed',
      bytes: '1008 7061 7373 776f 7264 0673 6563 7265 74',
      table: [],
      tableSize: 0,
    },
    {
      title: 'C.2.4 indexed',
      field: { name: ':method', value: 'GET' },
      rep: 'indexed',
      bytes: '82',
      table: [],
      tableSize: 0,
    },
  ];
  for (const c of cases) {
    it(`${c.title}: decodes`, () => {
      const decoder = new HpackDecoder();
      assert.deepEqual(decoder.decode(hex(c.bytes)), [c.field]);
      assert.deepEqual(decoder.dynamicTableEntries(), c.table);
      assert.equal(decoder.dynamicTableSize, c.tableSize);
    });
    it(`${c.title}: encodes byte-exact`, () => {
      const encoder = new HpackEncoder({ huffman: 'never' });
      assert.equal(toHex(encoder.encodeExplicit([[c.field, c.rep]])), toHex(hex(c.bytes)));
    });
  }

  it('C.2.3: the default policy never indexes a field marked sensitive', () => {
    const encoder = new HpackEncoder({ huffman: 'never' });
    const field = { name: 'password', value: 'secret', sensitive: true };
    assert.equal(toHex(encoder.encode([field])), toHex(hex('1008 7061 7373 776f 7264 0673 6563 7265 74')));
  });
});

for (const seq of SEQUENCES) {
  describe(`RFC 7541 ${seq.title}`, () => {
    it('decodes each block, with the table after each as in the RFC', () => {
      const decoder = new HpackDecoder({ maxTableSize: seq.tableSize });
      for (const [i, block] of seq.blocks.entries()) {
        const expected = fields(...block.headers.map(([n, v]) => [n, v] as const));
        assert.deepEqual(decoder.decode(hex(block.bytes)), expected, `block ${i + 1}`);
        assert.deepEqual(decoder.dynamicTableEntries(), block.table, `table after block ${i + 1}`);
        assert.equal(decoder.dynamicTableSize, block.tableSize, `table size after block ${i + 1}`);
      }
    });

    it("encodes each block byte-exact with the RFC's representations", () => {
      const encoder = new HpackEncoder({ maxTableSize: seq.tableSize, huffman: seq.huffman });
      for (const [i, block] of seq.blocks.entries()) {
        const encoded = encoder.encodeExplicit(block.headers.map(([name, value, rep]) => [{ name, value }, rep]));
        assert.equal(toHex(encoded), toHex(hex(block.bytes)), `block ${i + 1}`);
      }
    });
  });
}

describe('the default encoder policy reproduces the RFC examples', () => {
  for (const seq of SEQUENCES.filter((s) => s.tableSize === 4096)) {
    it(seq.title, () => {
      const encoder = new HpackEncoder({ huffman: seq.huffman });
      for (const [i, block] of seq.blocks.entries()) {
        const encoded = encoder.encode(fields(...block.headers.map(([n, v]) => [n, v] as const)));
        assert.equal(toHex(encoded), toHex(hex(block.bytes)), `block ${i + 1}`);
      }
    });
  }

  it("C.4 with huffman 'auto' (every literal there is shorter in Huffman)", () => {
    const encoder = new HpackEncoder({ huffman: 'auto' });
    const c4 = SEQUENCES[1]!;
    for (const block of c4.blocks) {
      const encoded = encoder.encode(fields(...block.headers.map(([n, v]) => [n, v] as const)));
      assert.equal(toHex(encoded), toHex(hex(block.bytes)));
    }
  });

  it('C.5.1 and C.5.2 too; C.5.3 differs only where set-cookie is not indexed', () => {
    const encoder = new HpackEncoder({ maxTableSize: 256, huffman: 'never' });
    const c5 = SEQUENCES[2]!;
    for (const block of c5.blocks.slice(0, 2)) {
      const encoded = encoder.encode(fields(...block.headers.map(([n, v]) => [n, v] as const)));
      assert.equal(toHex(encoded), toHex(hex(block.bytes)));
    }
    const third = c5.blocks[2]!;
    const encoded = encoder.encode(fields(...third.headers.map(([n, v]) => [n, v] as const)));
    // Identical up to the set-cookie representation, which becomes 0x0f 0x28
    // (without indexing, name index 55 = 15 + 40) instead of 0x77.
    const rfc = toHex(hex(third.bytes));
    const setCookieAt = rfc.indexOf('7738');
    assert.equal(toHex(encoded), `${rfc.slice(0, setCookieAt)}0f2838${rfc.slice(setCookieAt + 4)}`);
  });
});
