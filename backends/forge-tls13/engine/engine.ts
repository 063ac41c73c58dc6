/**
 * The sans-I/O engine core shared by client and server: a serial work queue (crypto is async, so
 * input is processed one step at a time and records leave in order), the record layer, the one
 * error path (error → alert via alerts.ts, alert sent, `error` event), close_notify, application
 * data and KeyUpdate. The role classes add the handshake state machines.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { exportKeyingMaterial, nextTrafficSecret, type CipherSuite } from '../key-schedule.js';
import { CLOSE_NOTIFY, alertFor, type Alert } from '../wire/alert.js';
import { AlertDescription, ContentType, HandshakeType, KeyUpdateRequest } from '../wire/constants.js';
import { TlsError } from '../wire/errors.js';
import type { RawHandshake } from '../wire/handshake-reassembly.js';
import { decodeHandshake, encodeHandshake, type NewSessionTicket, type Role } from '../wire/messages.js';
import { toTlsError } from './alerts.js';
import type { CommonEngineConfig } from './config.js';
import type { EngineEvent, EngineHandshakeInfo, EngineListener } from './events.js';
import { keylogLine, type KeylogLabel } from './keylog.js';
import { RecordLayer, type RecordSink } from './record-layer.js';

/** Application traffic secrets, updated by KeyUpdate (RFC 8446 section 7.2). */
export interface TrafficSecrets {
  readonly suite: CipherSuite;
  readSecret: Uint8Array;
  writeSecret: Uint8Array;
}

/** Every state machine ends in this one: the connection carries application data. */
export interface ExpectTraffic {
  readonly kind: 'ExpectTraffic';
  readonly traffic: TrafficSecrets;
}

export abstract class TlsEngine<S extends { readonly kind: string }> {
  abstract readonly role: Role;
  protected abstract state: S;
  protected readonly rl: RecordLayer;
  protected readonly provider: CryptoProvider;
  protected clientRandom: Uint8Array = new Uint8Array(32);
  #listeners: EngineListener[] = [];
  #chain: Promise<void> = Promise.resolve();
  #failed: TlsError | null = null;
  #traffic: TrafficSecrets | null = null;
  /** exporter_master_secret (RFC 8446 section 7.1), kept for exportKeyingMaterial. */
  #exporterSecret: Uint8Array | null = null;
  #info: EngineHandshakeInfo | null = null;
  #writeClosed = false;
  #peerClosed = false;
  #pendingData: Uint8Array[] = [];

  protected constructor(protected readonly baseConfig: CommonEngineConfig) {
    this.provider = baseConfig.provider;
    this.rl = new RecordLayer(baseConfig.provider, (data) => this.emit({ type: 'send', data }), baseConfig.maxHandshakeMessageLength);
  }

  // -------------------------------------------------------------------------------------------
  // Public API

  /** Adds an event listener (returns a function that removes it). */
  on(listener: EngineListener): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  get handshakeInfo(): EngineHandshakeInfo | null {
    return this.#info;
  }

  get connected(): boolean {
    return this.#info !== null && this.#failed === null;
  }

  /** The error that ended the connection, if any. */
  get error(): TlsError | null {
    return this.#failed;
  }

  get peerClosed(): boolean {
    return this.#peerClosed;
  }

  get writeClosed(): boolean {
    return this.#writeClosed;
  }

  /** Client: sends the ClientHello. Server: nothing to do (waits for it); harmless. */
  start(): Promise<void> {
    return this.#run(() => this.onStart());
  }

  /** Bytes from the peer, in any fragmentation. Resolves once processed; never rejects. */
  receive(bytes: Uint8Array): Promise<void> {
    // Buffered (copied) at once, processed in turn: records that arrive while earlier ones are
    // being decrypted join the window of concurrent opens. Nothing is kept once reading is over.
    try {
      if (!this.#failed && !this.rl.readClosed) this.rl.reader.push(bytes);
    } catch (e) {
      return this.#run(() => Promise.reject(e));
    }
    return this.#run(() => this.rl.process(this.#sink, () => this.#failed !== null));
  }

  /**
   * Sends application data (buffered until the handshake completes). Resolves once its records
   * were emitted as `send` events (or the connection failed); rejects only for misuse (after
   * close()); connection failures are reported as `error` events.
   *
   * Calls may overlap, and should for throughput: sealing starts as soon as earlier operations
   * have been queued, without waiting for their records to be sealed, so several records are in
   * flight; records are still emitted strictly in order.
   */
  sendApplicationData(data: Uint8Array): Promise<void> {
    if (this.#writeClosed) return Promise.reject(new Error('TLS write side is closed'));
    const copy = data.slice();
    let emitted: Promise<void> = Promise.resolve();
    return this.#run(async () => {
      if (!this.#traffic) this.#pendingData.push(copy);
      else emitted = (await this.#sendData(copy)).emitted;
    })
      .then(() => emitted)
      .catch((e: unknown) => this.#run(() => Promise.reject(e))); // a failed seal fails the connection
  }

  /** Sends close_notify (half-close: the peer may keep sending). */
  close(): Promise<void> {
    if (this.#writeClosed) return this.#run(async () => {});
    this.#writeClosed = true;
    return this.#run(async () => {
      if (this.#traffic && this.#pendingData.length > 0) {
        for (const d of this.#pendingData.splice(0)) await (await this.#sendData(d)).emitted;
      }
      await this.rl.sendAlert(CLOSE_NOTIFY);
    });
  }

  /** Updates our write key; with `requestPeer` the peer is asked to update its own too. */
  keyUpdate(requestPeer = false): Promise<void> {
    if (this.#writeClosed) return Promise.reject(new Error('TLS write side is closed'));
    return this.#run(async () => {
      if (!this.#traffic) throw TlsError.internalError('keyUpdate() before the handshake completed');
      await this.#sendKeyUpdate(requestPeer);
    });
  }

  /**
   * TLS-Exporter(label, context, length) of RFC 8446 section 7.5: keying material both ends derive
   * alike from exporter_master_secret. No context and an empty context give the same bytes (the
   * context is hashed). Available once the handshake completed, until the connection fails; a
   * KeyUpdate does not change it (the exporter secret is not a traffic secret).
   *
   * Rejects with a RangeError for a length outside 1..255 * Hash.length (HKDF-Expand, RFC 5869
   * section 2.3) or a label outside 1..249 bytes (HkdfLabel's label<7..255> holds "tls13 " +
   * label, RFC 8446 section 7.1; checked where the label is encoded), and with an Error before
   * the handshake or after a failure.
   */
  async exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Promise<Uint8Array> {
    if (this.#failed) throw new Error(`cannot export keying material: the connection failed (${this.#failed.alertName})`);
    const secret = this.#exporterSecret;
    const suite = this.#traffic?.suite;
    if (!secret || !suite) throw new Error('cannot export keying material before the handshake has completed');
    const max = 255 * suite.hashLength;
    if (!Number.isSafeInteger(length) || length < 1 || length > max) {
      throw new RangeError(`exported keying material must be 1..${max} bytes with ${suite.name} (got ${length})`);
    }
    return exportKeyingMaterial(this.provider, suite.hash, secret, label, context, length);
  }

  /** Resolves once everything queued so far has been processed (and its records emitted). */
  idle(): Promise<void> {
    return this.#run(() => this.rl.flushed());
  }

  /**
   * Aborts with a local error: sends its alert (e.g. user_canceled, internal_error) and reports
   * it. For the driver's timeouts; nothing happens when the connection already failed.
   */
  abort(error: TlsError): Promise<void> {
    return this.#run(() => Promise.reject(error));
  }

  // -------------------------------------------------------------------------------------------
  // For the role classes

  protected abstract onStart(): Promise<void>;
  protected abstract handle(state: S, message: RawHandshake): Promise<S>;

  protected emit(event: EngineEvent): void {
    for (const l of this.#listeners) l(event);
  }

  protected keylog(label: KeylogLabel, secret: Uint8Array): void {
    const line = keylogLine(label, this.clientRandom, secret);
    this.baseConfig.keylog?.(line);
    this.emit({ type: 'keylog', line });
  }

  /** Called by a role once its handshake is done; flushes data queued before. */
  protected async handshakeComplete(info: EngineHandshakeInfo, traffic: TrafficSecrets, exporterSecret: Uint8Array): Promise<void> {
    this.#traffic = traffic;
    this.#exporterSecret = exporterSecret;
    this.#info = info;
    this.emit({ type: 'handshake', info });
    for (const d of this.#pendingData.splice(0)) await (await this.#sendData(d)).emitted;
  }

  /** Post-handshake messages common to both roles (KeyUpdate); NewSessionTicket via the hook. */
  protected async trafficMessage(state: ExpectTraffic, raw: RawHandshake): Promise<ExpectTraffic> {
    const expected =
      this.role === 'client' ? [HandshakeType.key_update, HandshakeType.new_session_ticket] : [HandshakeType.key_update];
    const msg = decodeHandshake(raw.type, raw.body, { role: this.role, expected });
    if (msg.type === HandshakeType.new_session_ticket) {
      await this.onNewSessionTicket(msg);
      return state;
    }
    if (msg.type !== HandshakeType.key_update) throw TlsError.unexpectedMessage('unexpected post-handshake message');
    const t = state.traffic;
    t.readSecret = await nextTrafficSecret(this.provider, t.suite.hash, t.readSecret);
    await this.rl.setReadKey(t.suite, t.readSecret);
    const requested = msg.requestUpdate === KeyUpdateRequest.update_requested;
    this.emit({ type: 'key_update', direction: 'received', requested });
    // RFC 8446 section 4.6.3: answer before our next application data (we answer at once).
    if (requested && !this.#writeClosed) await this.#sendKeyUpdate(false);
    return state;
  }

  protected async onNewSessionTicket(_msg: NewSessionTicket): Promise<void> {
    throw TlsError.unexpectedMessage('NewSessionTicket sent to a server');
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  readonly #sink: RecordSink = {
    handshake: async (message) => {
      this.state = await this.handle(this.state, message);
    },
    alert: (alert) => this.#onAlert(alert),
    applicationData: (data) => {
      if (!this.#peerClosed) this.emit({ type: 'data', data });
    },
  };

  async #onAlert(alert: Alert): Promise<void> {
    if (alert.description === AlertDescription.user_canceled) return; // a close_notify follows (6.1)
    if (alert.description === AlertDescription.close_notify) {
      if (!this.#traffic) throw TlsError.fromAlert(alert.description, alert.level); // closed mid-handshake
      this.#peerClosed = true;
      this.rl.readClosed = true;
      this.emit({ type: 'close_notify' });
      return;
    }
    throw TlsError.fromAlert(alert.description, alert.level);
  }

  #run(fn: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(async () => {
      if (this.#failed) return;
      try {
        await fn();
      } catch (e) {
        await this.#fail(e);
      }
    });
    this.#chain = next;
    return next;
  }

  async #fail(e: unknown): Promise<void> {
    if (this.#failed) return;
    const error = toTlsError(e);
    this.#failed = error;
    if (error.origin === 'local') {
      try {
        await this.rl.sendAlert(alertFor(error.alert)); // fatal alerts go out before we close
      } catch {
        /* nothing more we can do */
      }
    }
    this.emit({ type: 'error', error });
  }

  #keyUpdateThreshold(suite: CipherSuite): number {
    return this.baseConfig.keyUpdateAfterRecords ?? suite.keyUpdateAfter;
  }

  /**
   * Starts sealing `data` (KeyUpdates first where the key's record budget runs out) and returns
   * once every record of it is queued, with a promise for their emission: the engine's queue moves
   * on to the next operation while the AEAD works.
   */
  async #sendData(data: Uint8Array): Promise<{ emitted: Promise<void> }> {
    const t = this.#traffic!;
    const threshold = this.#keyUpdateThreshold(t.suite);
    const parts: Promise<void>[] = [];
    let offset = 0;
    while (offset < data.length) {
      if (this.rl.writeSequence >= threshold) await this.#sendKeyUpdate(false);
      const records = Math.max(1, Math.min(16, threshold - this.rl.writeSequence));
      const end = Math.min(data.length, offset + records * this.rl.protectedFragmentLength);
      const sent = this.rl.send(ContentType.application_data, data.subarray(offset, end));
      sent.catch(() => {}); // observed through `emitted`
      parts.push(sent);
      offset = end;
    }
    return { emitted: Promise.all(parts).then(() => {}) };
  }

  async #sendKeyUpdate(requestPeer: boolean): Promise<void> {
    const t = this.#traffic!;
    const requestUpdate = requestPeer ? KeyUpdateRequest.update_requested : KeyUpdateRequest.update_not_requested;
    await this.rl.send(ContentType.handshake, encodeHandshake({ type: HandshakeType.key_update, requestUpdate }));
    t.writeSecret = await nextTrafficSecret(this.provider, t.suite.hash, t.writeSecret);
    await this.rl.setWriteKey(t.suite, t.writeSecret);
    this.emit({ type: 'key_update', direction: 'sent', requested: requestPeer });
  }
}
