/**
 * Record I/O for one connection (RFC 8446 section 5): framing of incoming bytes, protected or
 * plaintext records, handshake reassembly, change_cipher_spec tolerance, early-data skipping,
 * key switching, record_size_limit (RFC 8449) both ways, and the outgoing side (fragmentation at
 * 2^14 or the peer's record_size_limit, sealing, CCS).
 *
 * It decides what each incoming record *is*; what it *means* is the engine's business (it gets
 * typed callbacks). Every problem is thrown (TlsError or RecordProtectionError) for the engine's
 * single error path.
 *
 * Pipelining (both directions keep several AEAD operations in flight, which is what makes an
 * asynchronous provider such as WebCrypto fast):
 * - out: `send` seals at call time (sequence numbers in call order) and returns a promise for the
 *   moment its records were emitted; emission goes through one ordered queue, so records leave in
 *   call order whatever key sealed them and however long each seal took. Callers may start the
 *   next `send` before the previous one resolved.
 * - in: consecutive application_data records under an application key are opened concurrently
 *   (RecordOpener.openConcurrent) and handled strictly in order; when handling one changes the
 *   read key (KeyUpdate), the records after it are opened again under the new key.
 */
import { concatBytes } from '../../../src/bytes.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { CipherSuite } from '../key-schedule.js';
import { RecordOpener, RecordSealer, type OpenedRecord } from '../record-protection.js';
import { decodeAlert, encodeAlert, type Alert } from '../wire/alert.js';
import { ContentType, MAX_PLAINTEXT_LENGTH, MAX_RECORD_SIZE_LIMIT, ProtocolVersion } from '../wire/constants.js';
import { TlsError } from '../wire/errors.js';
import { HandshakeReassembler, type RawHandshake } from '../wire/handshake-reassembly.js';
import {
  RecordReader,
  checkChangeCipherSpec,
  checkPlaintextFragment,
  encodeChangeCipherSpecRecord,
  encodeRecord,
  encodeRecordHeader,
  fragmentPlaintext,
  type RecordContentType,
  type TlsRecord,
} from '../wire/record.js';

export interface RecordSink {
  handshake(message: RawHandshake): Promise<void>;
  alert(alert: Alert): Promise<void>;
  applicationData(data: Uint8Array): void;
}

/** RFC 8446 section 4.2.10: how much rejected early data a server skips before giving up. */
const MAX_SKIPPED_EARLY_DATA = 1 << 16;

/** Incoming records opened concurrently at most (they are in memory already). */
const MAX_OPEN_BATCH = 16;

const noop = (): void => {};

export class RecordLayer {
  readonly reader = new RecordReader();
  readonly handshakes: HandshakeReassembler;
  #opener: RecordOpener | null = null;
  #sealer: RecordSealer | null = null;
  /** Client in compatibility mode: send a CCS before the first protected record. */
  pendingCcs = false;
  /** Whether an unprotected change_cipher_spec is acceptable now (RFC 8446 section 5). */
  ccsAllowed = false;
  /** Whether application data may arrive now (read key is an application traffic key). */
  applicationDataAllowed = false;
  /** Server that rejected 0-RTT: 'trial' skips undecryptable records, 'all' skips every protected record. */
  skipEarlyData: 'no' | 'trial' | 'all' = 'no';
  #skipped = 0;
  /** Set once close_notify arrived: later records are ignored (RFC 8446 section 6.1). */
  readClosed = false;
  /** The ordered output queue: resolves once everything queued so far was emitted. */
  #outTail: Promise<void> = Promise.resolve();
  /** Set when a seal failed: nothing is emitted after it (the sequence would have a hole). */
  #outFailed: { error: unknown } | null = null;
  /** Content bytes per protected record we send (the peer's record_size_limit less the type octet). */
  #protectedFragment = MAX_PLAINTEXT_LENGTH;
  /** The largest TLSInnerPlaintext we accept: the record_size_limit we advertised, once negotiated. */
  #innerLimit = MAX_RECORD_SIZE_LIMIT;
  #peerRecordSizeLimit: number | null = null;

  constructor(
    private readonly provider: CryptoProvider,
    private readonly emit: (bytes: Uint8Array) => void,
    maxHandshakeMessageLength?: number,
  ) {
    this.handshakes = new HandshakeReassembler(
      maxHandshakeMessageLength === undefined ? {} : { maxMessageLength: maxHandshakeMessageLength },
    );
  }

  get protectedRead(): boolean {
    return this.#opener !== null;
  }

  get protectedWrite(): boolean {
    return this.#sealer !== null;
  }

  get writeSequence(): number {
    return this.#sealer?.sequenceNumber ?? 0;
  }

  /** Content bytes that fit in one protected record we send. */
  get protectedFragmentLength(): number {
    return this.#protectedFragment;
  }

  /** The record_size_limit the peer advertised, when both sides did (null: not negotiated). */
  get peerRecordSizeLimit(): number | null {
    return this.#peerRecordSizeLimit;
  }

  /**
   * Applies a negotiated record_size_limit (RFC 8449 section 4), from the next record on. `peer`
   * is the peer's value: our protected records carry at most that much TLSInnerPlaintext, which
   * without padding is `peer - 1` content bytes. A value above 2^14 + 1 is read as 2^14 + 1: we
   * never send more than the protocol allows whatever the peer says, and a server must not refuse
   * a higher value. `ours` is what we advertised: a protected record above it is record_overflow.
   * Unprotected records are not subject to either.
   */
  applyRecordSizeLimits(peer: number, ours: number): void {
    this.#peerRecordSizeLimit = peer;
    this.#protectedFragment = Math.min(peer, MAX_RECORD_SIZE_LIMIT) - 1;
    this.#innerLimit = Math.min(ours, MAX_RECORD_SIZE_LIMIT);
  }

  /** New read key. A handshake message must not straddle it (RFC 8446 section 5.1). */
  async setReadKey(suite: CipherSuite, secret: Uint8Array): Promise<void> {
    this.handshakes.assertEmptyAtKeyChange();
    this.#opener = await RecordOpener.create(this.provider, suite, secret);
  }

  async setWriteKey(suite: CipherSuite, secret: Uint8Array): Promise<void> {
    this.#sealer = await RecordSealer.create(this.provider, suite, secret);
  }

  // -------------------------------------------------------------------------------------------
  // Input

  /** Processes every complete record buffered in `reader` (the engine pushes bytes there), in order. */
  async process(sink: RecordSink, stopped: () => boolean): Promise<void> {
    let pending: TlsRecord | null = null;
    for (;;) {
      if (stopped() || this.readClosed) return;
      const record = pending ?? this.reader.next();
      pending = null;
      if (record === null) return;
      if (record.type === ContentType.application_data && this.applicationDataAllowed && this.skipEarlyData === 'no' && this.#opener) {
        pending = await this.#protectedRun(record, sink, stopped);
      } else {
        await this.#record(record, sink);
      }
    }
  }

  /**
   * Handles `first` and the protected records after it with up to MAX_OPEN_BATCH of them being
   * opened concurrently: a sliding window, topped up as records are handled and as more bytes
   * arrive. Records are handled strictly in order. Returns a record read past the run that is not
   * part of it (to be handled next), or null.
   */
  async #protectedRun(first: TlsRecord, sink: RecordSink, stopped: () => boolean): Promise<TlsRecord | null> {
    const opener = this.#opener!;
    const window: { record: TlsRecord; opening: Promise<OpenedRecord | null> }[] = [];
    let after: TlsRecord | null = null;
    // A framing error further on must not overtake the records before it: kept for when they are done.
    let readError: { error: unknown } | null = null;
    const start = (record: TlsRecord): void => {
      const opening = opener.openConcurrent(encodeRecordHeader(ContentType.application_data, record.fragment.length, record.version), record.fragment);
      opening.catch(noop); // awaited in order below, or abandoned once the connection stops
      window.push({ record, opening });
    };
    const fill = (): void => {
      while (after === null && readError === null && window.length < MAX_OPEN_BATCH) {
        let next: TlsRecord | null;
        try {
          next = this.reader.next();
        } catch (e) {
          readError = { error: e };
          return;
        }
        if (next === null) return;
        if (next.type !== ContentType.application_data) after = next;
        else start(next);
      }
    };
    start(first);
    fill();
    for (;;) {
      const head = window.shift();
      if (head === undefined) break;
      if (stopped() || this.readClosed) return null;
      if (this.#opener !== opener) {
        // The read key changed (KeyUpdate): what follows was opened with the old key; handle it
        // again, one record at a time, under the new one.
        for (const { record } of [head, ...window]) {
          if (stopped() || this.readClosed) return null;
          await this.#record(record, sink);
        }
        break;
      }
      const opened = await head.opening;
      if (opened === null) throw TlsError.badRecordMac('record authentication failed');
      await this.#opened(opened, sink);
      if (this.#opener === opener) fill();
    }
    if (readError !== null) throw (readError as { error: unknown }).error;
    return after;
  }

  async #record(record: TlsRecord, sink: RecordSink): Promise<void> {
    switch (record.type) {
      case ContentType.change_cipher_spec:
        // Unprotected CCS (1 byte, 0x01) is dropped while the handshake runs; otherwise it is
        // unexpected_message (RFC 8446 section 5).
        checkChangeCipherSpec(record.fragment);
        if (!this.ccsAllowed) throw TlsError.unexpectedMessage('change_cipher_spec outside the handshake');
        return;
      case ContentType.alert:
        // Plaintext alerts are tolerated until the handshake is complete: a peer that failed to
        // derive keys can only send one in the clear.
        if (this.applicationDataAllowed) throw TlsError.unexpectedMessage('unprotected alert after the handshake');
        return sink.alert(decodeAlert(record.fragment));
      case ContentType.handshake:
        if (this.#opener) throw TlsError.unexpectedMessage('unprotected handshake record after keys were established');
        return this.#handshakeFragment(record.fragment, sink);
      case ContentType.application_data:
        return this.#protected(record, sink);
    }
  }

  async #protected(record: TlsRecord, sink: RecordSink): Promise<void> {
    if (this.skipEarlyData === 'all') {
      this.#countSkipped(record.fragment.length);
      return;
    }
    const opener = this.#opener;
    if (!opener) throw TlsError.unexpectedMessage('protected record before keys were established');
    const header = encodeRecordHeader(ContentType.application_data, record.fragment.length, record.version);
    const opened = await opener.open(header, record.fragment);
    if (opened === null) {
      if (this.skipEarlyData === 'trial') {
        this.#countSkipped(record.fragment.length);
        return;
      }
      throw TlsError.badRecordMac('record authentication failed');
    }
    this.skipEarlyData = 'no';
    return this.#opened(opened, sink);
  }

  async #opened(opened: OpenedRecord, sink: RecordSink): Promise<void> {
    // RFC 8449 section 4: a record larger than the limit we advertised is a fatal record_overflow;
    // the limit counts the whole TLSInnerPlaintext, type octet and padding included.
    if (opened.innerLength > this.#innerLimit) {
      throw TlsError.recordOverflow(`protected record of ${opened.innerLength} bytes exceeds our record_size_limit ${this.#innerLimit}`);
    }
    checkPlaintextFragment(opened.contentType, opened.plaintext);
    switch (opened.contentType) {
      case ContentType.handshake:
        return this.#handshakeFragment(opened.plaintext, sink);
      case ContentType.alert:
        return sink.alert(decodeAlert(opened.plaintext));
      case ContentType.application_data:
        if (!this.applicationDataAllowed) throw TlsError.unexpectedMessage('application data before the handshake completed');
        // Zero-length application data is legal and carries nothing (RFC 8446 section 5.4).
        // The plaintext is a view of the AEAD's fresh output buffer, nobody else's: no copy.
        if (opened.plaintext.length > 0) sink.applicationData(opened.plaintext);
        return;
      default:
        throw TlsError.unexpectedMessage(`protected record of inner type ${opened.contentType}`);
    }
  }

  #countSkipped(length: number): void {
    this.#skipped += length;
    if (this.#skipped > MAX_SKIPPED_EARLY_DATA) throw TlsError.badRecordMac('too much undecryptable early data');
  }

  async #handshakeFragment(fragment: Uint8Array, sink: RecordSink): Promise<void> {
    this.handshakes.push(fragment);
    for (;;) {
      const message = this.handshakes.next();
      if (message === null) return;
      await sink.handshake(message);
      if (this.readClosed) return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Output

  /**
   * Sends a content stream: sealed under the write key if there is one, in records of at most
   * `protectedFragmentLength` content bytes (2^14 unprotected).
   * Sealing starts now; the promise resolves once the records were emitted (in call order, after
   * everything sent before) and rejects if sealing failed.
   */
  send(type: RecordContentType, bytes: Uint8Array, recordVersion: number = ProtocolVersion.TLS12): Promise<void> {
    let records: Uint8Array | Promise<(readonly [Uint8Array, Uint8Array])[]>;
    try {
      const sealer = this.#sealer;
      const fragments = fragmentPlaintext(type, bytes, sealer ? this.#protectedFragment : MAX_PLAINTEXT_LENGTH);
      if (fragments.length === 0) return this.flushed();
      if (sealer && this.pendingCcs) {
        // Middlebox compatibility (RFC 8446 D.4): one CCS before our first protected record.
        this.pendingCcs = false;
        this.sendChangeCipherSpec();
      }
      if (!sealer) {
        records = concatBytes(fragments.map((f) => encodeRecord(f.type, f.fragment, recordVersion)));
      } else {
        records = Promise.all(fragments.map((f) => sealer.sealParts(f.type, f.fragment)));
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(records);
  }

  async sendAlert(alert: Alert): Promise<void> {
    await this.send(ContentType.alert, encodeAlert(alert));
  }

  sendChangeCipherSpec(): void {
    this.#enqueue(encodeChangeCipherSpecRecord()).catch(noop);
  }

  /** Resolves once every record sent so far was emitted (rejects if a seal failed). */
  flushed(): Promise<void> {
    return this.#outTail.then(() => {
      if (this.#outFailed) throw this.#outFailed.error;
    });
  }

  #enqueue(records: Uint8Array | Promise<(readonly [Uint8Array, Uint8Array])[]>): Promise<void> {
    if (!(records instanceof Uint8Array)) records.catch(noop); // a failure is reported through `done`
    const done = this.#outTail.then(async () => {
      if (this.#outFailed) throw this.#outFailed.error;
      let bytes: Uint8Array;
      try {
        bytes = records instanceof Uint8Array ? records : concatBytes((await records).flat());
      } catch (e) {
        this.#outFailed = { error: e };
        throw e;
      }
      this.emit(bytes);
    });
    this.#outTail = done.then(noop, noop);
    return done;
  }
}

