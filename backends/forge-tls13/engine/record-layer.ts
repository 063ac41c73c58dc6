/**
 * Record I/O for one connection (RFC 8446 section 5): framing of incoming bytes, protected or
 * plaintext records, handshake reassembly, change_cipher_spec tolerance, early-data skipping,
 * key switching, and the outgoing side (fragmentation at 2^14, sealing, CCS).
 *
 * It decides what each incoming record *is*; what it *means* is the engine's business (it gets
 * typed callbacks). Every problem is thrown (TlsError or RecordProtectionError) for the engine's
 * single error path.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import type { CipherSuite } from '../key-schedule.js';
import { RecordOpener, RecordSealer } from '../record-protection.js';
import { decodeAlert, encodeAlert, type Alert } from '../wire/alert.js';
import { ContentType, MAX_PLAINTEXT_LENGTH, ProtocolVersion } from '../wire/constants.js';
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

  /** Feeds bytes and processes every complete record, in order. */
  async receive(bytes: Uint8Array, sink: RecordSink, stopped: () => boolean): Promise<void> {
    this.reader.push(bytes);
    for (;;) {
      if (stopped() || this.readClosed) return;
      const record = this.reader.next();
      if (record === null) return;
      await this.#record(record, sink);
    }
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
    checkPlaintextFragment(opened.contentType, opened.plaintext);
    switch (opened.contentType) {
      case ContentType.handshake:
        return this.#handshakeFragment(opened.plaintext, sink);
      case ContentType.alert:
        return sink.alert(decodeAlert(opened.plaintext));
      case ContentType.application_data:
        if (!this.applicationDataAllowed) throw TlsError.unexpectedMessage('application data before the handshake completed');
        // Zero-length application data is legal and carries nothing (RFC 8446 section 5.4).
        if (opened.plaintext.length > 0) sink.applicationData(opened.plaintext.slice());
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

  /** Sends a content stream: fragmented at 2^14, sealed under the write key if there is one. */
  async send(type: RecordContentType, bytes: Uint8Array, recordVersion: number = ProtocolVersion.TLS12): Promise<void> {
    const fragments = fragmentPlaintext(type, bytes, MAX_PLAINTEXT_LENGTH);
    if (fragments.length === 0) return;
    const sealer = this.#sealer;
    if (sealer && this.pendingCcs) {
      // Middlebox compatibility (RFC 8446 D.4): one CCS before our first protected record.
      this.pendingCcs = false;
      this.sendChangeCipherSpec();
    }
    if (!sealer) {
      const out = fragments.map((f) => encodeRecord(f.type, f.fragment, recordVersion));
      this.emit(concat(out));
      return;
    }
    const sealed = await Promise.all(fragments.map((f) => sealer.seal(f.type, f.fragment)));
    this.emit(concat(sealed));
  }

  async sendAlert(alert: Alert): Promise<void> {
    await this.send(ContentType.alert, encodeAlert(alert));
  }

  sendChangeCipherSpec(): void {
    this.emit(encodeChangeCipherSpecRecord());
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
