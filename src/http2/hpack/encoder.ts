/**
 * HPACK encoder (RFC 7541 6).
 *
 * Default indexing policy, per field:
 *  1. Never indexed (6.2.3), even when a table entry matches: fields marked
 *     `sensitive`, `authorization`, `proxy-authorization`, and `cookie`
 *     values shorter than 20 bytes (short secrets are guessable by a
 *     compression oracle, 7.1.3).
 *  2. Exact match in the static, then the dynamic table: indexed (6.1).
 *  3. Literal without indexing (6.2.2) when an entry would waste the table:
 *     - it is larger than 3/4 of the table (it would flush nearly
 *       everything else, and with a 0-size table nothing can be indexed);
 *     - values that rarely repeat on a connection: validators and ranges
 *       (etag, if-*, last-modified, content-range, age), set-cookie (unique
 *       per response and often secret), and :path longer than 64 bytes
 *       (query strings, asset hashes).
 *     `date` IS indexed: a busy server sends the same value in every
 *     response within a second.
 *  4. Otherwise literal with incremental indexing (6.2.1).
 * Names are referenced by index when the static (preferred, as in the RFC
 * examples) or dynamic table has them.
 */
import { ByteWriter } from './byte-writer.js';
import { EncoderTable } from './encoder-table.js';
import { HpackError } from './errors.js';
import { ENTRY_OVERHEAD, type HeaderField } from './header-field.js';
import { huffmanEncode, huffmanEncodedLength } from './huffman.js';
import { encodeInteger } from './integer.js';
import { STATIC_BY_NAME } from './static-lookup.js';

export type Representation = 'indexed' | 'incremental' | 'without-indexing' | 'never-indexed';
export type HuffmanMode = 'auto' | 'always' | 'never';

export interface HpackEncoderOptions {
  /** Table size both ends start with (HTTP/2 default 4096). No update is sent for it. */
  maxTableSize?: number;
  /** 'auto': Huffman-code a string only when that makes it shorter. */
  huffman?: HuffmanMode;
}

const NEVER_INDEXED_NAMES: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization']);
const SHORT_COOKIE_LENGTH = 20;
const RARELY_REPEATED_NAMES: ReadonlySet<string> = new Set([
  'etag',
  'if-none-match',
  'if-match',
  'if-modified-since',
  'if-unmodified-since',
  'if-range',
  'last-modified',
  'content-range',
  'age',
  'set-cookie',
]);
const LONG_PATH_LENGTH = 64;

/**
 * We never use more table than this, whatever the peer allows: the table
 * holds our own headers, and a peer advertising gigabytes should not make
 * each connection retain that much (an encoder may use less, RFC 7541 7.3).
 */
export const ENCODER_TABLE_SIZE_LIMIT = 65536;

// First-byte patterns and prefix sizes of the representations (RFC 7541 6).
const INDEXED = 0x80; // 1xxxxxxx, 7-bit index
const INCREMENTAL = 0x40; // 01xxxxxx, 6-bit name index
const SIZE_UPDATE = 0x20; // 001xxxxx, 5-bit size
const NEVER_INDEXED = 0x10; // 0001xxxx, 4-bit name index
const WITHOUT_INDEXING = 0x00; // 0000xxxx, 4-bit name index

export class HpackEncoder {
  private readonly table: EncoderTable;
  private readonly huffman: HuffmanMode;
  private readonly out = new ByteWriter();
  /** Smallest size set since the last block, or -1 if no change is pending. */
  private pendingMinSize = -1;

  constructor(opts: HpackEncoderOptions = {}) {
    // Not capped by ENCODER_TABLE_SIZE_LIMIT: this is the starting size
    // both ends assume without any signal, taken as given.
    this.table = new EncoderTable(opts.maxTableSize ?? 4096);
    this.huffman = opts.huffman ?? 'auto';
  }

  /**
   * The peer's SETTINGS_HEADER_TABLE_SIZE changed (and we are applying it;
   * any 32-bit value is legal there). Evicts now; the next block starts with
   * the size update(s) (RFC 7541 4.2).
   */
  setMaxTableSize(n: number): void {
    if (!Number.isInteger(n) || n < 0) {
      throw new HpackError('INVALID_INPUT', `invalid table size ${n}`);
    }
    const size = Math.min(n, ENCODER_TABLE_SIZE_LIMIT);
    if (this.pendingMinSize === -1 && size === this.table.maxSize) return;
    this.pendingMinSize = this.pendingMinSize === -1 ? size : Math.min(this.pendingMinSize, size);
    this.table.setMaxSize(size);
  }

  /** Encodes one header block with the default policy (see file comment). */
  encode(headers: readonly HeaderField[]): Uint8Array {
    return this.encodeBlock(headers, (field) => this.encodeWithPolicy(field));
  }

  /**
   * Encodes one header block with a representation chosen per field, for
   * tests and for intermediaries that must preserve the peer's choices.
   * 'indexed' needs an exact table match (INVALID_INPUT otherwise).
   */
  encodeExplicit(fields: ReadonlyArray<readonly [HeaderField, Representation]>): Uint8Array {
    return this.encodeBlock(fields, ([field, rep]) => this.encodeAs(field, rep));
  }

  private encodeBlock<T>(items: readonly T[], encodeOne: (item: T) => void): Uint8Array {
    const pendingBefore = this.pendingMinSize;
    const additionsBefore = this.table.additions;
    this.startBlock();
    try {
      for (const item of items) encodeOne(item);
    } catch (err) {
      this.abandonBlock(pendingBefore, additionsBefore);
      throw err;
    }
    return this.out.toBytes();
  }

  /** Size updates go first in the block (RFC 7541 4.2, 6.3). */
  private startBlock(): void {
    this.out.reset();
    if (this.pendingMinSize === -1) return;
    const finalSize = this.table.maxSize;
    if (this.pendingMinSize < finalSize) encodeInteger(this.out, this.pendingMinSize, 5, SIZE_UPDATE);
    encodeInteger(this.out, finalSize, 5, SIZE_UPDATE);
    this.pendingMinSize = -1;
  }

  /**
   * A block failed halfway (bad input) and will never be sent. Input is
   * checked as it is written rather than in a separate pass (that pass cost
   * ~40% of encoding a fully indexed block), so our table may already hold
   * entries the peer will never see. Rather than undo them, empty the table
   * and have the next block announce size 0 then the current size: the
   * peer's table empties too and both ends agree again (RFC 7541 4.2).
   */
  private abandonBlock(pendingBefore: number, additionsBefore: number): void {
    if (this.table.additions === additionsBefore) {
      this.pendingMinSize = pendingBefore; // nothing changed; the updates are still owed
      return;
    }
    const size = this.table.maxSize;
    this.table.setMaxSize(0);
    this.table.setMaxSize(size);
    this.pendingMinSize = 0;
  }

  private encodeWithPolicy(field: HeaderField): void {
    const { name, value } = field;
    const neverIndex =
      field.sensitive === true ||
      NEVER_INDEXED_NAMES.has(name) ||
      (name === 'cookie' && value.length < SHORT_COOKIE_LENGTH);
    if (neverIndex) {
      this.writeLiteral(field, NEVER_INDEXED, 4);
      return;
    }
    const exact = this.findField(field);
    if (exact !== 0) {
      encodeInteger(this.out, exact, 7, INDEXED);
      return;
    }
    const entrySize = name.length + value.length + ENTRY_OVERHEAD;
    const skipIndexing =
      entrySize * 4 > this.table.maxSize * 3 ||
      RARELY_REPEATED_NAMES.has(name) ||
      (name === ':path' && value.length > LONG_PATH_LENGTH);
    if (skipIndexing) {
      this.writeLiteral(field, WITHOUT_INDEXING, 4);
    } else {
      this.writeLiteral(field, INCREMENTAL, 6);
      this.table.add(name, value);
    }
  }

  private encodeAs(field: HeaderField, rep: Representation): void {
    switch (rep) {
      case 'indexed': {
        const index = this.findField(field);
        if (index === 0) throw new HpackError('INVALID_INPUT', `no table entry for ${field.name}`);
        encodeInteger(this.out, index, 7, INDEXED);
        return;
      }
      case 'incremental':
        this.writeLiteral(field, INCREMENTAL, 6);
        this.table.add(field.name, field.value);
        return;
      case 'without-indexing':
        this.writeLiteral(field, WITHOUT_INDEXING, 4);
        return;
      case 'never-indexed':
        this.writeLiteral(field, NEVER_INDEXED, 4);
        return;
    }
  }

  /** Index of an exact match, static table first; 0 if none. */
  private findField(field: HeaderField): number {
    const exact = STATIC_BY_NAME.get(field.name)?.indexByValue.get(field.value);
    return exact ?? this.table.findField(field.name, field.value);
  }

  /** Literal representation (6.2.x) with the name by index when possible. */
  private writeLiteral(field: HeaderField, pattern: number, prefixBits: number): void {
    const nameIndex = STATIC_BY_NAME.get(field.name)?.nameIndex ?? this.table.findName(field.name);
    encodeInteger(this.out, nameIndex, prefixBits, pattern);
    if (nameIndex === 0) this.writeString(field.name);
    this.writeString(field.value);
  }

  /** String literal (5.2). */
  private writeString(s: string): void {
    if (this.huffman !== 'never') {
      const huffmanLength = huffmanEncodedLength(s);
      if (this.huffman === 'always' || huffmanLength < s.length) {
        encodeInteger(this.out, huffmanLength, 7, 0x80);
        huffmanEncode(this.out, s);
        return;
      }
    }
    encodeInteger(this.out, s.length, 7, 0);
    if (this.out.latin1(s) > 0xff) throw new HpackError('INVALID_INPUT', 'string has a char above 0xFF');
  }
}
