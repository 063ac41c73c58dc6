/**
 * Record framing (RFC 8446 section 5.1): TLSPlaintext / TLSCiphertext headers, no crypto.
 *
 *   struct { ContentType type; ProtocolVersion legacy_record_version; uint16 length;
 *            opaque fragment[length]; } TLSPlaintext;
 *
 * Decisions (documented here because the RFC leaves room):
 *  - legacy_record_version "MUST be ignored for all purposes" (5.1). We ignore its value except that
 *    the major byte must be 0x03 (0x0300..0x03ff): anything else is not a TLS record at all, and we
 *    fail fast with decode_error instead of waiting for up to 64 KiB of garbage. The value is
 *    still reported in `TlsRecord.version`.
 *  - Length limits depend on the outer type. In TLS 1.3 every protected record has outer type
 *    application_data and application data is never sent unprotected, so: application_data records
 *    may be up to 2^14 + 256 (TLSCiphertext, 5.2); handshake / alert / change_cipher_spec records
 *    are TLSPlaintext and limited to 2^14 (5.1). Exceeding either is record_overflow. Both limits
 *    are options. (RFC 8449 record_size_limit is not enforced here but after decryption, in the
 *    engine's record layer: it counts the TLSInnerPlaintext, which only the AEAD reveals.)
 *  - Unknown content types (including 0 = invalid) are unexpected_message (section 5).
 *  - Zero-length handshake, alert and change_cipher_spec records are unexpected_message (5.1 and
 *    5.4 for inner plaintexts); zero-length application_data is allowed (5.1).
 *  - Headers are validated as soon as their bytes arrive, before the body.
 *  - Errors are sticky: once next() has thrown, it throws the same error again.
 */

import {
  ContentType,
  MAX_CIPHERTEXT_LENGTH,
  MAX_PLAINTEXT_LENGTH,
  RECORD_HEADER_LENGTH,
  ProtocolVersion,
  contentTypeName,
  isKnownContentType,
} from './constants.js';
import { ByteQueue } from './byte-queue.js';
import { TlsError } from './errors.js';

/** Content types that can appear on the wire in TLS 1.3. */
export type RecordContentType = Exclude<ContentType, typeof ContentType.invalid>;

export interface TlsRecord {
  readonly type: RecordContentType;
  /** legacy_record_version as received (0x03xx). */
  readonly version: number;
  readonly fragment: Uint8Array;
}

export interface PlaintextFragment {
  readonly type: RecordContentType;
  readonly fragment: Uint8Array;
}

export interface RecordReaderOptions {
  /** Limit for application_data (i.e. protected) records. Default 2^14 + 256 (RFC 8446 5.2). */
  readonly maxCiphertextLength?: number;
  /** Limit for handshake / alert / change_cipher_spec records. Default 2^14 (RFC 8446 5.1). */
  readonly maxPlaintextLength?: number;
}

export class RecordReader {
  readonly #queue = new ByteQueue();
  #error: TlsError | undefined;
  /** Settable at any time. */
  maxCiphertextLength: number;
  maxPlaintextLength: number;

  constructor(options: RecordReaderOptions = {}) {
    this.maxCiphertextLength = options.maxCiphertextLength ?? MAX_CIPHERTEXT_LENGTH;
    this.maxPlaintextLength = options.maxPlaintextLength ?? MAX_PLAINTEXT_LENGTH;
  }

  /** Bytes received but not yet returned as records. */
  get bufferedLength(): number {
    return this.#queue.length;
  }

  /** True when no partial record is buffered (e.g. to tell a clean EOF from a truncated one). */
  isEmpty(): boolean {
    return this.#queue.length === 0;
  }

  push(bytes: Uint8Array): void {
    if (this.#error) throw this.#error;
    this.#queue.push(bytes);
  }

  /** The next complete record, or null if more bytes are needed. Throws TlsError on bad input. */
  next(): TlsRecord | null {
    if (this.#error) throw this.#error;
    try {
      return this.#next();
    } catch (e) {
      this.#error = e instanceof TlsError ? e : TlsError.internalError('record reader failure', e);
      throw this.#error;
    }
  }

  #next(): TlsRecord | null {
    const q = this.#queue;
    if (q.length < 1) return null;
    const type = q.at(0);
    if (!isKnownContentType(type)) {
      throw TlsError.unexpectedMessage(`unknown record content type ${type}`);
    }
    if (q.length < 2) return null;
    if (q.at(1) !== 0x03) {
      throw TlsError.decodeError(`record version major byte 0x${q.at(1).toString(16)} is not 0x03`);
    }
    if (q.length < RECORD_HEADER_LENGTH) return null;
    const version = (q.at(1) << 8) | q.at(2);
    const length = (q.at(3) << 8) | q.at(4);
    const limit = type === ContentType.application_data ? this.maxCiphertextLength : this.maxPlaintextLength;
    if (length > limit) {
      throw TlsError.recordOverflow(`${contentTypeName(type)} record of ${length} bytes exceeds ${limit}`);
    }
    if (length === 0 && type !== ContentType.application_data) {
      throw TlsError.unexpectedMessage(`zero-length ${contentTypeName(type)} record`);
    }
    if (q.length < RECORD_HEADER_LENGTH + length) return null;
    q.take(RECORD_HEADER_LENGTH);
    return { type, version, fragment: q.take(length) };
  }
}

function checkType(type: number): asserts type is RecordContentType {
  if (!isKnownContentType(type)) throw TlsError.internalError(`cannot send record content type ${type}`);
}

/**
 * The 5-byte record header; for a protected record this is also the AEAD additional data
 * (RFC 8446 section 5.2: opaque_type || legacy_record_version || length).
 */
export function encodeRecordHeader(type: RecordContentType, length: number, version: number = ProtocolVersion.TLS12): Uint8Array {
  checkType(type);
  if (!Number.isInteger(length) || length < 0 || length > MAX_CIPHERTEXT_LENGTH) {
    throw TlsError.internalError(`record length ${length} out of range`);
  }
  if (!Number.isInteger(version) || version < 0 || version > 0xffff) {
    throw TlsError.internalError(`record version ${version} out of range`);
  }
  return Uint8Array.of(type, version >>> 8, version & 0xff, length >>> 8, length & 0xff);
}

/**
 * Header + fragment. `version` is 0x0303 except that an initial ClientHello MAY use 0x0301
 * (RFC 8446 section 5.1). The fragment may be plaintext or ciphertext; the length limit applied is
 * the ciphertext one (2^14 + 256), and empty non-application_data fragments are refused.
 */
export function encodeRecord(type: RecordContentType, fragment: Uint8Array, version: number = ProtocolVersion.TLS12): Uint8Array {
  checkType(type);
  if (fragment.length === 0 && type !== ContentType.application_data) {
    throw TlsError.internalError(`refusing to send a zero-length ${contentTypeName(type)} record`);
  }
  const header = encodeRecordHeader(type, fragment.length, version);
  const out = new Uint8Array(RECORD_HEADER_LENGTH + fragment.length);
  out.set(header);
  out.set(fragment, RECORD_HEADER_LENGTH);
  return out;
}

/**
 * Splits a message stream of one content type into record-sized fragments (RFC 8446 section 5.1:
 * handshake messages may be split across records or coalesced; alerts MUST NOT be fragmented).
 * Empty input gives no fragments for application_data and is refused for other types. The
 * fragments are views into `bytes` (no copy): encode or seal them before `bytes` changes.
 */
export function fragmentPlaintext(type: RecordContentType, bytes: Uint8Array, maxFragment: number = MAX_PLAINTEXT_LENGTH): PlaintextFragment[] {
  checkType(type);
  if (!Number.isInteger(maxFragment) || maxFragment < 1 || maxFragment > MAX_PLAINTEXT_LENGTH) {
    throw TlsError.internalError(`maxFragment ${maxFragment} outside 1..${MAX_PLAINTEXT_LENGTH}`);
  }
  if (bytes.length === 0) {
    if (type === ContentType.application_data) return [];
    throw TlsError.internalError(`refusing to send an empty ${contentTypeName(type)} message`);
  }
  if (type === ContentType.alert && bytes.length > maxFragment) {
    throw TlsError.internalError('alert messages must not be fragmented');
  }
  const out: PlaintextFragment[] = [];
  for (let off = 0; off < bytes.length; off += maxFragment) {
    out.push({ type, fragment: bytes.subarray(off, off + maxFragment) });
  }
  return out;
}

/**
 * Checks a (decrypted or unprotected) TLSPlaintext/TLSInnerPlaintext content against RFC 8446:
 * longer than the limit → record_overflow (5.1, 5.2); zero-length handshake or alert (or
 * change_cipher_spec) → unexpected_message (5.1, 5.4).
 */
export function checkPlaintextFragment(type: number, fragment: Uint8Array, maxPlaintextLength: number = MAX_PLAINTEXT_LENGTH): void {
  if (!isKnownContentType(type)) throw TlsError.unexpectedMessage(`unknown content type ${type}`);
  if (fragment.length > maxPlaintextLength) {
    throw TlsError.recordOverflow(`${contentTypeName(type)} plaintext of ${fragment.length} bytes exceeds ${maxPlaintextLength}`);
  }
  if (fragment.length === 0 && type !== ContentType.application_data) {
    throw TlsError.unexpectedMessage(`zero-length ${contentTypeName(type)} content`);
  }
}

/**
 * RFC 8446 section 5: an unprotected change_cipher_spec record must consist of the single byte
 * 0x01; any other value is unexpected_message. (Whether one is acceptable at this point of the
 * handshake, and that a protected one is refused, is the engine's decision.)
 */
export function checkChangeCipherSpec(fragment: Uint8Array): void {
  if (fragment.length !== 1 || fragment[0] !== 0x01) {
    throw TlsError.unexpectedMessage('invalid change_cipher_spec record');
  }
}

/** The compatibility-mode change_cipher_spec record (RFC 8446 section D.4). */
export function encodeChangeCipherSpecRecord(): Uint8Array {
  return encodeRecord(ContentType.change_cipher_spec, Uint8Array.of(0x01));
}
