/**
 * Huffman coding of string literals (RFC 7541 5.2, Appendix B).
 *
 * Decoding is table-driven: the code tree's 256 internal nodes are states,
 * and DECODE_TABLE says, for each state and each 4-bit nibble of input, which
 * state comes next and which symbol (if any) was completed. Every code is at
 * least 5 bits long, so one nibble completes at most one symbol.
 */
import { ByteWriter } from './byte-writer.js';
import { HpackError, compressionError } from './errors.js';
import { EOS, HUFFMAN_CODES, HUFFMAN_LENGTHS } from './huffman-table.js';

// Transition word layout: bits 0-7 next state, 8-15 symbol, then flags.
const EMITS = 1 << 16;
/** The nibble completed EOS or walked off the tree: the string is invalid. */
const FAILS = 1 << 17;
/**
 * The next state may end the string: the bits since the last symbol are
 * all 1s (a prefix of EOS) and number at most 7 (RFC 7541 5.2 padding).
 */
const MAY_END = 1 << 18;

const DECODE_TABLE: Uint32Array = buildDecodeTable();

function buildDecodeTable(): Uint32Array {
  // Build the code tree. children[2*node + bit] is a node id (>= 0), a leaf
  // ~symbol (< 0), or undefined. Node 0 is the root.
  const children: Array<number | undefined> = [];
  let nodeCount = 1;
  for (let sym = 0; sym <= EOS; sym++) {
    const code = HUFFMAN_CODES[sym]!;
    const len = HUFFMAN_LENGTHS[sym]!;
    let node = 0;
    for (let i = len - 1; i >= 0; i--) {
      const slot = 2 * node + ((code >>> i) & 1);
      if (i === 0) {
        children[slot] = ~sym;
      } else {
        let next = children[slot];
        if (next === undefined) children[slot] = next = nodeCount++;
        node = next;
      }
    }
  }
  if (nodeCount > 256) throw new Error('Huffman tree does not fit 8-bit states');

  // depth and all-ones status of each internal node, for the padding rule.
  const depth = new Uint8Array(nodeCount);
  const allOnes = new Uint8Array(nodeCount);
  allOnes[0] = 1;
  for (let node = 0; node < nodeCount; node++) {
    for (let bit = 0; bit < 2; bit++) {
      const child = children[2 * node + bit];
      if (child !== undefined && child >= 0) {
        depth[child] = depth[node]! + 1;
        allOnes[child] = allOnes[node]! & bit;
      }
    }
  }

  const table = new Uint32Array(256 * 16);
  for (let state = 0; state < nodeCount; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let word = 0;
      for (let i = 3; i >= 0 && (word & FAILS) === 0; i--) {
        const child = children[2 * node + ((nibble >>> i) & 1)];
        if (child === undefined || child === ~EOS) {
          word |= FAILS;
        } else if (child < 0) {
          word |= EMITS | (~child << 8);
          node = 0;
        } else {
          node = child;
        }
      }
      if ((word & FAILS) === 0) {
        word |= node;
        if (allOnes[node] === 1 && depth[node]! <= 7) word |= MAY_END;
      }
      table[state * 16 + nibble] = word;
    }
  }
  return table;
}

/**
 * Decodes src[start, end) into out (which must hold at least
 * huffmanDecodedCapacity(end - start) bytes) and returns the decoded length.
 * Throws COMPRESSION for EOS in the data, over-long or non-1 padding.
 */
export function huffmanDecode(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let state = 0;
  let mayEnd = true; // an empty string is valid
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = src[i]!;
    let t = DECODE_TABLE[(state << 4) | (b >>> 4)]!;
    if ((t & FAILS) !== 0) throw compressionError('invalid Huffman code (EOS)');
    if ((t & EMITS) !== 0) out[n++] = t >>> 8;
    state = t & 0xff;
    t = DECODE_TABLE[(state << 4) | (b & 0x0f)]!;
    if ((t & FAILS) !== 0) throw compressionError('invalid Huffman code (EOS)');
    if ((t & EMITS) !== 0) out[n++] = t >>> 8;
    state = t & 0xff;
    mayEnd = (t & MAY_END) !== 0;
  }
  if (!mayEnd) throw compressionError('invalid Huffman padding');
  return n;
}

/** Upper bound on the decoded size of `encodedLength` bytes: codes are >= 5 bits. */
export function huffmanDecodedCapacity(encodedLength: number): number {
  return Math.ceil((encodedLength * 8) / 5);
}

/**
 * Exact encoded size in bytes of a byte string. Throws INVALID_INPUT for a
 * char above 0xFF (checked once at the end, off the per-char path).
 */
export function huffmanEncodedLength(s: string): number {
  let bits = 0;
  let allChars = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    allChars |= c;
    bits += HUFFMAN_LENGTHS[c]!;
  }
  if (allChars > 0xff) throw new HpackError('INVALID_INPUT', 'string has a char above 0xFF');
  return (bits + 7) >>> 3;
}

/** Appends the Huffman encoding of s (validated by huffmanEncodedLength), padded with the EOS prefix (1 bits). */
export function huffmanEncode(out: ByteWriter, s: string): void {
  const buf = out.reserve(huffmanEncodedLength(s));
  let p = out.length;
  // acc holds `pending` (< 8 between symbols) unflushed bits in its low end.
  // Codes longer than 24 bits are fed in two pieces so the live bits never
  // exceed 31; bits above them are stale and dropped by the byte store.
  let acc = 0;
  let pending = 0;
  for (let i = 0; i < s.length; i++) {
    const sym = s.charCodeAt(i);
    let code = HUFFMAN_CODES[sym]!;
    let len = HUFFMAN_LENGTHS[sym]!;
    if (len > 24) {
      acc = (acc << (len - 16)) | (code >>> 16);
      pending += len - 16;
      while (pending >= 8) {
        pending -= 8;
        buf[p++] = acc >>> pending;
      }
      code &= 0xffff;
      len = 16;
    }
    acc = (acc << len) | code;
    pending += len;
    while (pending >= 8) {
      pending -= 8;
      buf[p++] = acc >>> pending;
    }
    acc &= (1 << pending) - 1;
  }
  if (pending > 0) buf[p++] = (acc << (8 - pending)) | (0xff >>> pending);
  out.length = p;
}
