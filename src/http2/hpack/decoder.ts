/**
 * HPACK decoder (RFC 7541 3, 6).
 *
 * Errors come in two strengths (see HpackError): anything malformed is
 * COMPRESSION and stops at once; an over-long header list is only noted,
 * the rest of the block is still processed so that the dynamic table stays
 * in step with the peer's encoder, and HEADER_LIST_TOO_LARGE is thrown at
 * the end. Past the limit, fields are measured but never turned into
 * strings or objects, so an "HPACK bomb" of repeated indexes costs nothing.
 */
import { Buffer } from 'node:buffer';
import { DynamicTable } from './dynamic-table.js';
import { HpackError, compressionError } from './errors.js';
import { ENTRY_OVERHEAD, type HeaderField } from './header-field.js';
import { huffmanDecode, huffmanDecodedCapacity } from './huffman.js';
import { decodeInteger, type Cursor } from './integer.js';
import { STATIC_TABLE, STATIC_TABLE_LENGTH } from './static-table.js';

export interface HpackDecoderOptions {
  /** The SETTINGS_HEADER_TABLE_SIZE we advertised (default 4096). */
  maxTableSize?: number;
  /** RFC 9113 6.5.2 size: sum of name + value + 32 per field. Default Infinity. */
  maxHeaderListSize?: number;
  /** Longest name or value (decoded octets) accepted; a longer one makes the list too large. */
  maxStringLength?: number;
}

const STATIC_NAMES: readonly string[] = STATIC_TABLE.map(([name]) => name);
const STATIC_VALUES: readonly string[] = STATIC_TABLE.map(([, value]) => value);
const FIRST_DYNAMIC_INDEX = STATIC_TABLE_LENGTH + 1;

/** The block being decoded, viewed as a Buffer for fast latin1 slicing. */
interface BlockCursor extends Cursor {
  readonly buf: Buffer;
}

/** Where the last string literal read lives: a slice of the block or of a scratch buffer. */
interface StringSpan {
  buf: Buffer;
  start: number;
  length: number;
}

/** Per-block bookkeeping. */
interface BlockState {
  readonly fields: HeaderField[];
  listSize: number;
  tooLarge: boolean;
  fieldSeen: boolean;
}

export class HpackDecoder {
  /** Local limit on the decoded header list (RFC 9113 6.5.2); settable. */
  maxHeaderListSize: number;
  private readonly maxStringLength: number;
  private readonly table: DynamicTable;
  /** Ceiling for size updates: our advertised SETTINGS_HEADER_TABLE_SIZE. */
  private allowedTableSize: number;
  /** We lowered the setting below the table's size; the peer owes us a size update. */
  private sizeUpdateOwed = false;
  // Huffman output goes to scratch buffers reused across blocks; a literal
  // holds a name and a value at once, so each gets its own.
  private nameScratch: Buffer = Buffer.alloc(0);
  private valueScratch: Buffer = Buffer.alloc(0);
  private readonly nameSpan: StringSpan = { buf: this.nameScratch, start: 0, length: 0 };
  private readonly valueSpan: StringSpan = { buf: this.valueScratch, start: 0, length: 0 };

  constructor(opts: HpackDecoderOptions = {}) {
    this.allowedTableSize = opts.maxTableSize ?? 4096;
    this.table = new DynamicTable(this.allowedTableSize);
    this.maxHeaderListSize = opts.maxHeaderListSize ?? Infinity;
    this.maxStringLength = opts.maxStringLength ?? Infinity;
  }

  /**
   * We advertised a new SETTINGS_HEADER_TABLE_SIZE and it was acknowledged.
   * If it is below what the encoder may currently use, the encoder must
   * signal a size update at the start of its next block (RFC 7541 4.2);
   * a block without one is COMPRESSION.
   */
  setMaxTableSize(n: number): void {
    this.allowedTableSize = n;
    if (n < this.table.maxSize) this.sizeUpdateOwed = true;
  }

  /** Current dynamic table, newest first (for tests and debugging). */
  dynamicTableEntries(): Array<[name: string, value: string]> {
    const entries: Array<[string, string]> = [];
    for (let i = 0; i < this.table.length; i++) entries.push([this.table.nameAt(i), this.table.valueAt(i)]);
    return entries;
  }

  /** Current dynamic table size (RFC 7541 4.1). */
  get dynamicTableSize(): number {
    return this.table.size;
  }

  /** Decodes one complete header block. */
  decode(block: Uint8Array): HeaderField[] {
    const cur: BlockCursor = { buf: Buffer.from(block.buffer, block.byteOffset, block.byteLength), pos: 0 };
    const state: BlockState = { fields: [], listSize: 0, tooLarge: false, fieldSeen: false };
    const end = cur.buf.length;
    while (cur.pos < end) {
      const first = cur.buf[cur.pos]!;
      if (first >= 0x80) this.indexedField(cur, state);
      else if ((first & 0xe0) === 0x20) this.sizeUpdate(cur, state);
      else this.literalField(cur, state, first);
    }
    if (this.sizeUpdateOwed) throw compressionError('missing required table size update');
    if (state.tooLarge) {
      const limit = this.maxHeaderListSize;
      const message =
        state.listSize > limit
          ? `header list size ${state.listSize} exceeds limit ${limit}`
          : `a header string exceeds maxStringLength ${this.maxStringLength}`;
      throw new HpackError('HEADER_LIST_TOO_LARGE', message, state.fields);
    }
    return state.fields;
  }

  /** 6.1: 1xxxxxxx, 7-bit index. */
  private indexedField(cur: BlockCursor, state: BlockState): void {
    const index = decodeInteger(cur, 7);
    this.beginField(state);
    const name = this.nameAt(index);
    const value = this.valueAt(index);
    if (this.countField(state, name.length, value.length)) state.fields.push({ name, value });
  }

  /** 6.3: 001xxxxx, 5-bit size; only before the first field of a block (4.2). */
  private sizeUpdate(cur: BlockCursor, state: BlockState): void {
    if (state.fieldSeen) throw compressionError('table size update after a header field');
    const size = decodeInteger(cur, 5);
    if (size > this.allowedTableSize) throw compressionError(`table size update ${size} above limit`);
    this.table.setMaxSize(size);
    this.sizeUpdateOwed = false;
  }

  /** 6.2: incremental (01, 6-bit), never indexed (0001, 4-bit), without indexing (0000, 4-bit). */
  private literalField(cur: BlockCursor, state: BlockState, first: number): void {
    const incremental = first >= 0x40;
    const sensitive = !incremental && (first & 0x10) !== 0;
    const nameIndex = decodeInteger(cur, incremental ? 6 : 4);
    this.beginField(state);
    // Take the name before inserting: the insertion may evict its entry (4.4).
    let name = nameIndex === 0 ? undefined : this.nameAt(nameIndex);
    const nameLength = name === undefined ? this.readString(cur, this.nameSpan, true) : name.length;
    const valueLength = this.readString(cur, this.valueSpan, false);

    const keep = this.countField(state, nameLength, valueLength);
    // An entry bigger than the whole table is never stored; it empties the
    // table (4.4). Strings are built only for a kept field or an insertion.
    const insert = incremental && nameLength + valueLength + ENTRY_OVERHEAD <= this.table.maxSize;
    if (incremental && !insert) this.table.clear();
    if (!keep && !insert) return;
    name ??= spanToString(this.nameSpan);
    const value = spanToString(this.valueSpan);
    if (insert) this.table.add(name, value);
    if (keep) state.fields.push(sensitive ? { name, value, sensitive: true } : { name, value });
  }

  private beginField(state: BlockState): void {
    if (state.fieldSeen) return;
    if (this.sizeUpdateOwed) throw compressionError('missing required table size update');
    state.fieldSeen = true;
  }

  /** Adds a field to the list size; false once the list is over a limit (the field is then dropped). */
  private countField(state: BlockState, nameLength: number, valueLength: number): boolean {
    state.listSize += nameLength + valueLength + ENTRY_OVERHEAD;
    if (
      !state.tooLarge &&
      (state.listSize > this.maxHeaderListSize ||
        nameLength > this.maxStringLength ||
        valueLength > this.maxStringLength)
    ) {
      state.tooLarge = true;
    }
    return !state.tooLarge;
  }

  /** Name of the entry at an HPACK index (2.3.3); COMPRESSION for 0 or out of range. */
  private nameAt(index: number): string {
    if (index < FIRST_DYNAMIC_INDEX) {
      if (index === 0) throw compressionError('index 0');
      return STATIC_NAMES[index - 1]!;
    }
    const i = index - FIRST_DYNAMIC_INDEX;
    if (i >= this.table.length) throw compressionError(`index ${index} out of range`);
    return this.table.nameAt(i);
  }

  /** Value at an index already validated by nameAt. */
  private valueAt(index: number): string {
    return index < FIRST_DYNAMIC_INDEX ? STATIC_VALUES[index - 1]! : this.table.valueAt(index - FIRST_DYNAMIC_INDEX);
  }

  /**
   * Reads a string literal (5.2) into `span` without building a string;
   * Huffman data is decoded (and validated) into a scratch buffer.
   * Returns the decoded length.
   */
  private readString(cur: BlockCursor, span: StringSpan, isName: boolean): number {
    // If pos is at the end, decodeInteger throws before the flag matters.
    const huffman = ((cur.buf[cur.pos] ?? 0) & 0x80) !== 0;
    const encodedLength = decodeInteger(cur, 7);
    const start = cur.pos;
    const end = start + encodedLength;
    if (end > cur.buf.length) throw compressionError('truncated string literal');
    cur.pos = end;
    if (!huffman) {
      span.buf = cur.buf;
      span.start = start;
      span.length = encodedLength;
    } else {
      const scratch = this.scratch(isName, huffmanDecodedCapacity(encodedLength));
      span.buf = scratch;
      span.start = 0;
      span.length = huffmanDecode(cur.buf, start, end, scratch);
    }
    return span.length;
  }

  private scratch(isName: boolean, capacity: number): Buffer {
    const current = isName ? this.nameScratch : this.valueScratch;
    if (current.length >= capacity) return current;
    const bigger = Buffer.allocUnsafeSlow(Math.max(capacity, 2 * current.length, 64));
    if (isName) this.nameScratch = bigger;
    else this.valueScratch = bigger;
    return bigger;
  }
}

function spanToString(span: StringSpan): string {
  return span.buf.toString('latin1', span.start, span.start + span.length);
}
