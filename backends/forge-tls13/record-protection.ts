/**
 * TLS 1.3 record protection (RFC 8446 section 5.2-5.5): one `RecordSealer` per write key and one
 * `RecordOpener` per read key, each bound to a traffic secret and a cipher suite and owning its
 * 64-bit sequence number.
 *
 * Concurrency: calls may overlap (the caller need not await one before starting the next).
 * - `seal` takes its sequence number synchronously at call time, starts the AEAD at once (so
 *   WebCrypto can work on several records in parallel) and resolves strictly in call order. If a
 *   seal ever fails, every later seal on that sealer rejects (its sequence numbers would be off).
 * - `open` calls are queued and run one after another, in call order. A record that fails
 *   authentication resolves null and does NOT consume a sequence number, so a server skipping
 *   rejected 0-RTT records by trial decryption (RFC 8446 4.2.10) keeps its handshake-key sequence.
 *   Any other failure (record_overflow, unexpected_message, decode_error) is fatal to the
 *   connection and thrown as a RecordProtectionError.
 * - `openConcurrent` is for records that must authenticate (no trial decryption): like `seal`, it
 *   takes its sequence number at call time and starts the AEAD at once, so several records are
 *   decrypted in parallel. A null result (authentication failed) is then fatal: the records opened
 *   after it were given sequence numbers that assumed it would succeed.
 */

import type { Aead, CryptoProvider } from './crypto/provider.js';
import { type CipherSuite, trafficKeys } from './key-schedule.js';

export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;
export type ContentTypeValue = (typeof ContentType)[keyof typeof ContentType];

/** TLSPlaintext.fragment / TLSInnerPlaintext.content at most 2^14 bytes (5.1). */
export const MAX_PLAINTEXT_LENGTH = 2 ** 14;
/** TLSInnerPlaintext (content + type + padding) at most 2^14 + 1 bytes (5.4). */
export const MAX_INNER_PLAINTEXT_LENGTH = 2 ** 14 + 1;
/** TLSCiphertext.encrypted_record at most 2^14 + 256 bytes (5.2). */
export const MAX_CIPHERTEXT_LENGTH = 2 ** 14 + 256;
export const RECORD_HEADER_LENGTH = 5;
const LEGACY_RECORD_VERSION = 0x0303;

export type RecordAlert = 'record_overflow' | 'unexpected_message' | 'decode_error';

/** A fatal record-layer error; `alert` is the alert the engine should send. */
export class RecordProtectionError extends Error {
  override readonly name = 'RecordProtectionError';
  constructor(
    readonly alert: RecordAlert,
    message: string,
  ) {
    super(message);
  }
}

export interface OpenedRecord {
  /** The real content type from TLSInnerPlaintext. */
  readonly contentType: number;
  /** The content, padding removed. */
  readonly plaintext: Uint8Array;
  /** Length of the whole TLSInnerPlaintext (content, type octet, padding): what RFC 8449 limits. */
  readonly innerLength: number;
}

/** Per-record nonce: the 64-bit sequence number, left-padded to iv_length, XORed with the IV (5.3). */
export function recordNonce(iv: Uint8Array, sequenceNumber: number): Uint8Array {
  const nonce = iv.slice();
  const n = nonce.length;
  const high = Math.floor(sequenceNumber / 2 ** 32);
  const low = sequenceNumber >>> 0;
  nonce[n - 1] = (nonce[n - 1] as number) ^ (low & 0xff);
  nonce[n - 2] = (nonce[n - 2] as number) ^ ((low >>> 8) & 0xff);
  nonce[n - 3] = (nonce[n - 3] as number) ^ ((low >>> 16) & 0xff);
  nonce[n - 4] = (nonce[n - 4] as number) ^ (low >>> 24);
  nonce[n - 5] = (nonce[n - 5] as number) ^ (high & 0xff);
  nonce[n - 6] = (nonce[n - 6] as number) ^ ((high >>> 8) & 0xff);
  nonce[n - 7] = (nonce[n - 7] as number) ^ ((high >>> 16) & 0xff);
  nonce[n - 8] = (nonce[n - 8] as number) ^ ((high >>> 24) & 0xff);
  return nonce;
}

/** The 5-byte record header: opaque_type, legacy_record_version 0x0303, length. */
export function recordHeader(contentType: number, length: number): Uint8Array {
  return Uint8Array.of(contentType, LEGACY_RECORD_VERSION >> 8, LEGACY_RECORD_VERSION & 0xff, length >> 8, length & 0xff);
}

const noop = (): void => {};

abstract class RecordProtectionBase {
  protected nextSequence = 0;

  protected constructor(
    readonly suite: CipherSuite,
    protected readonly aead: Aead,
    protected readonly iv: Uint8Array,
  ) {
    if (iv.length !== aead.nonceLength) throw new RangeError(`IV must be ${aead.nonceLength} bytes`);
  }

  /** The sequence number the next record will use (= records processed or in flight). */
  get sequenceNumber(): number {
    return this.nextSequence;
  }

  /**
   * True once enough records used this key that the engine should update it (KeyUpdate for
   * application keys, RFC 8446 5.5). Check after each record.
   */
  get keyUpdateRecommended(): boolean {
    return this.nextSequence >= this.suite.keyUpdateAfter;
  }

  /** True when the key may protect no more records; seal/open then throw. */
  get exhausted(): boolean {
    return this.nextSequence >= this.suite.recordLimit;
  }

  protected checkLimit(): void {
    if (this.exhausted) throw new Error('record key exhausted (RFC 8446 5.5); a KeyUpdate was due long ago');
  }
}

export class RecordSealer extends RecordProtectionBase {
  #tail: Promise<void> = Promise.resolve();
  #failed: unknown = undefined;

  private constructor(suite: CipherSuite, aead: Aead, iv: Uint8Array) {
    super(suite, aead, iv);
  }

  /** A sealer for the write direction whose traffic secret is `trafficSecret`. */
  static async create(p: CryptoProvider, suite: CipherSuite, trafficSecret: Uint8Array): Promise<RecordSealer> {
    const { key, iv } = await trafficKeys(p, suite, trafficSecret);
    return RecordSealer.fromKeys(p, suite, key, iv);
  }

  static async fromKeys(p: CryptoProvider, suite: CipherSuite, key: Uint8Array, iv: Uint8Array): Promise<RecordSealer> {
    return new RecordSealer(suite, await p.aead(suite.aead, key), iv.slice());
  }

  /**
   * Protects one record: returns the complete TLSCiphertext (header with type application_data,
   * 0x0303, length; then the AEAD output over content || type || `padding` zero bytes).
   */
  seal(contentType: number, plaintext: Uint8Array, padding = 0): Promise<Uint8Array> {
    return this.sealParts(contentType, plaintext, padding).then(([header, ciphertext]) => {
      const record = new Uint8Array(RECORD_HEADER_LENGTH + ciphertext.length);
      record.set(header);
      record.set(ciphertext, RECORD_HEADER_LENGTH);
      return record;
    });
  }

  /**
   * `seal` giving the record as its two parts (header, encrypted_record), for a caller that
   * joins many records into one buffer anyway. Same ordering and failure rules as `seal`.
   */
  sealParts(contentType: number, plaintext: Uint8Array, padding = 0): Promise<readonly [Uint8Array, Uint8Array]> {
    try {
      if (this.#failed !== undefined) throw new Error('an earlier seal failed; this sealer is unusable', { cause: this.#failed });
      if (contentType !== ContentType.alert && contentType !== ContentType.handshake && contentType !== ContentType.application_data) {
        throw new RangeError(`content type ${contentType} cannot be sent protected`);
      }
      if (plaintext.length === 0 && contentType !== ContentType.application_data) {
        throw new RangeError('only application data may be sent in zero-length fragments (RFC 8446 5.1)');
      }
      if (plaintext.length > MAX_PLAINTEXT_LENGTH) throw new RangeError('record plaintext exceeds 2^14 bytes');
      if (!Number.isSafeInteger(padding) || padding < 0 || plaintext.length + 1 + padding > MAX_INNER_PLAINTEXT_LENGTH) {
        throw new RangeError('padding makes TLSInnerPlaintext exceed 2^14 + 1 bytes');
      }
      this.checkLimit();
    } catch (e) {
      return Promise.reject(e);
    }
    const sequence = this.nextSequence++;
    const inner = new Uint8Array(plaintext.length + 1 + padding); // padding bytes are already zero
    inner.set(plaintext);
    inner[plaintext.length] = contentType;
    const header = recordHeader(ContentType.application_data, inner.length + this.aead.tagLength);
    let work: Promise<Uint8Array>;
    try {
      work = this.aead.seal(recordNonce(this.iv, sequence), header, inner);
    } catch (e) {
      work = Promise.reject(e);
    }
    const result = this.#tail.then(() => work).then(
      (ciphertext) => [header, ciphertext] as const,
      (e: unknown) => {
        this.#failed ??= e;
        throw e;
      },
    );
    this.#tail = result.then(noop, noop);
    return result;
  }
}

export class RecordOpener extends RecordProtectionBase {
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(suite: CipherSuite, aead: Aead, iv: Uint8Array) {
    super(suite, aead, iv);
  }

  /** An opener for the read direction whose traffic secret is `trafficSecret`. */
  static async create(p: CryptoProvider, suite: CipherSuite, trafficSecret: Uint8Array): Promise<RecordOpener> {
    const { key, iv } = await trafficKeys(p, suite, trafficSecret);
    return RecordOpener.fromKeys(p, suite, key, iv);
  }

  static async fromKeys(p: CryptoProvider, suite: CipherSuite, key: Uint8Array, iv: Uint8Array): Promise<RecordOpener> {
    return new RecordOpener(suite, await p.aead(suite.aead, key), iv.slice());
  }

  /**
   * Deprotects one record given its 5-byte header (used as the AAD exactly as received) and its
   * encrypted_record. Resolves null when authentication fails (send bad_record_mac); throws
   * RecordProtectionError for record_overflow, unexpected_message (wrong outer type, or no
   * non-zero content type byte) and decode_error (length mismatch).
   */
  open(header: Uint8Array, encryptedRecord: Uint8Array): Promise<OpenedRecord | null> {
    const run = this.#tail.then(() => this.#open(header, encryptedRecord));
    this.#tail = run.then(noop, noop);
    return run;
  }

  /** `open` for a complete record (header + encrypted_record). */
  openRecord(record: Uint8Array): Promise<OpenedRecord | null> {
    if (record.length < RECORD_HEADER_LENGTH) {
      return Promise.reject(new RecordProtectionError('decode_error', 'record shorter than its header'));
    }
    return this.open(record.subarray(0, RECORD_HEADER_LENGTH), record.subarray(RECORD_HEADER_LENGTH));
  }

  /**
   * Opens a record that must authenticate, without waiting for earlier opens: the sequence number
   * is taken now and the AEAD started at once; results resolve in call order. Must not overlap
   * `open()` calls (the record layer uses one or the other for a given stretch of records). A null
   * result is fatal for the connection (see the file comment).
   */
  openConcurrent(header: Uint8Array, encryptedRecord: Uint8Array): Promise<OpenedRecord | null> {
    let work: Promise<OpenedRecord | null>;
    try {
      if (!this.#check(header, encryptedRecord)) {
        work = Promise.resolve(null);
      } else {
        const sequence = this.nextSequence++;
        work = this.aead.open(recordNonce(this.iv, sequence), header, encryptedRecord).then((inner) => (inner === null ? null : innerPlaintext(inner)));
      }
    } catch (e) {
      work = Promise.reject(e);
    }
    const result = this.#tail.then(() => work);
    this.#tail = result.then(noop, noop);
    return result;
  }

  /** Header and size checks; false when the record is too short to authenticate. */
  #check(header: Uint8Array, encryptedRecord: Uint8Array): boolean {
    if (header.length !== RECORD_HEADER_LENGTH) throw new RecordProtectionError('decode_error', 'record header must be 5 bytes');
    if (header[0] !== ContentType.application_data) {
      throw new RecordProtectionError('unexpected_message', `protected record with outer type ${header[0]}`);
    }
    const declared = ((header[3] as number) << 8) | (header[4] as number);
    if (declared !== encryptedRecord.length) {
      throw new RecordProtectionError('decode_error', 'record length does not match its header');
    }
    if (encryptedRecord.length > MAX_CIPHERTEXT_LENGTH) {
      throw new RecordProtectionError('record_overflow', 'encrypted record exceeds 2^14 + 256 bytes');
    }
    this.checkLimit();
    // At least one byte of TLSInnerPlaintext (the content type) plus the tag; shorter cannot
    // authenticate, which is what the peer gets told.
    return encryptedRecord.length >= this.aead.tagLength + 1;
  }

  async #open(header: Uint8Array, encryptedRecord: Uint8Array): Promise<OpenedRecord | null> {
    if (!this.#check(header, encryptedRecord)) return null;
    const inner = await this.aead.open(recordNonce(this.iv, this.nextSequence), header, encryptedRecord);
    if (inner === null) return null;
    this.nextSequence++;
    return innerPlaintext(inner);
  }
}

/** TLSInnerPlaintext → content type and content (padding removed), with its size checks. */
function innerPlaintext(inner: Uint8Array): OpenedRecord {
  if (inner.length > MAX_INNER_PLAINTEXT_LENGTH) {
    throw new RecordProtectionError('record_overflow', 'TLSInnerPlaintext exceeds 2^14 + 1 bytes');
  }
  let i = inner.length - 1;
  while (i >= 0 && inner[i] === 0) i--;
  if (i < 0) throw new RecordProtectionError('unexpected_message', 'TLSInnerPlaintext has no non-zero content type');
  return { contentType: inner[i] as number, plaintext: inner.subarray(0, i), innerLength: inner.length };
}
