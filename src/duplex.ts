/**
 * Adapters both ways between a `Transport` and a Node `Duplex`.
 *
 * - `duplexToTransport` turns any Duplex (a net.Socket, a tls.TLSSocket, a stream pair) into a
 *   Transport. The node-tls and tcp backends are built on it, so the socket handling (read queue,
 *   backpressure, half-close, timeouts, error mapping) lives in one place.
 * - `transportToDuplex` lets existing Node libraries (node:http2's `createConnection`, node:http
 *   servers, https agents) run over any backend.
 */
import { Duplex } from 'node:stream';
import {
  TRANSPORT_DEFAULTS,
  TransportError,
  type HandshakeInfo,
  type Transport,
  type TransportErrorCode,
} from './transport.js';

export interface DuplexTransportOptions {
  backend: string;
  role: 'client' | 'server';
  remoteAddress?: string;
  /**
   * Settles with what the handshake negotiated. Defaults to an immediately resolved cleartext
   * HandshakeInfo (no TLS, no ALPN), for plain byte streams.
   */
  handshake?: Promise<HandshakeInfo>;
  highWaterMark?: number;
  idleTimeoutMs?: number;
  closeTimeoutMs?: number;
  /** Maps an 'error' event of the duplex to a TransportError. Default: `mapNodeError`. */
  mapError?: (err: unknown, phase: 'handshake' | 'established') => TransportError;
  /**
   * Aborts the connection so the peer notices (TCP RST). Default: `duplex.destroy()`, which a peer
   * may see as a clean end: backends over sockets pass `() => rawSocket.resetAndDestroy()`.
   */
  abort?: () => void;
  /**
   * A TLS backend's keying material exporter. With it the transport has `exportKeyingMaterial`
   * (see `Transport`), without it (cleartext) the method is absent. It is called only after the
   * handshake completed and while the transport is open, with arguments already within the
   * contract's bounds (`exporterArgumentProblem`); it should throw TransportErrors (anything else
   * becomes INVALID_ARGUMENT, or CLOSED if the transport closed meanwhile).
   */
  exportKeyingMaterial?: KeyingMaterialExporter;
}

export type KeyingMaterialExporter = (length: number, label: string, context: Uint8Array | undefined) => Uint8Array | Promise<Uint8Array>;

/**
 * What is wrong with exporter arguments by the Transport contract, or null. The bounds are the
 * ones every TLS version can honour alike: a label TLS 1.3's HkdfLabel can carry ("tls13 " +
 * label in label<7..255>, RFC 8446 section 7.1) and in ASCII, so no backend has to choose an
 * encoding; a length and a context that fit RFC 5705's uint16 fields. A backend refuses what its
 * protocol version cannot do beyond that (TLS 1.3: 255 hash lengths of output).
 */
export function exporterArgumentProblem(length: number, label: string, context: Uint8Array | undefined): string | null {
  if (!Number.isSafeInteger(length) || length < 1 || length > 0xffff) return `exporter length must be an integer in 1..65535 (got ${String(length)})`;
  if (typeof label !== 'string' || !/^[\x20-\x7e]{1,249}$/.test(label)) return 'exporter label must be 1..249 printable ASCII characters';
  if (context !== undefined && (!(context instanceof Uint8Array) || context.length > 0xffff)) return 'exporter context must be a Uint8Array of at most 65535 bytes';
  return null;
}

/** The HandshakeInfo of a cleartext stream: nothing negotiated. */
export function cleartextHandshakeInfo(backend: string): HandshakeInfo {
  return {
    backend,
    alpnProtocol: null,
    tlsVersion: null,
    cipherSuite: null,
    serverName: null,
    peerCertificates: [],
    resumed: false,
  };
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EAI_AGAIN']);

/**
 * Node's socket and OpenSSL errors to TransportError codes. OpenSSL reports a received alert as
 * `ERR_SSL_SSLV3_ALERT_<NAME>` or `ERR_SSL_TLSV1_ALERT_<NAME>`; the alert name is kept.
 */
export function mapNodeError(err: unknown, phase: 'handshake' | 'established'): TransportError {
  if (err instanceof TransportError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const message = err instanceof Error ? err.message : String(err);
  const alertMatch = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)$/.exec(code);
  const alert = alertMatch?.[1]?.toLowerCase();
  let mapped: TransportErrorCode;
  if (code === 'ERR_SSL_NO_APPLICATION_PROTOCOL' || alert === 'no_application_protocol') mapped = 'ALPN_MISMATCH';
  else if (isCertificateErrorCode(code) || (alert !== undefined && CERT_ALERTS.has(alert))) mapped = 'CERT_INVALID';
  else if (RESET_CODES.has(code)) mapped = 'PEER_RESET';
  else if (CONNECT_CODES.has(code)) mapped = 'CONNECT_FAILED';
  else if (code === 'ETIMEDOUT') mapped = 'TIMEOUT';
  else if (phase === 'handshake') mapped = 'HANDSHAKE_FAILED';
  else mapped = 'PROTOCOL_ERROR';
  const options: { cause: unknown; alert?: string } = { cause: err };
  if (alert !== undefined) options.alert = alert;
  else if (mapped === 'ALPN_MISMATCH') options.alert = 'no_application_protocol';
  return new TransportError(mapped, `${phase === 'handshake' ? 'handshake failed' : 'connection failed'}: ${message.split('\n')[0]}`, options);
}

const CERT_ALERTS = new Set([
  'bad_certificate', 'unsupported_certificate', 'certificate_revoked', 'certificate_expired',
  'certificate_unknown', 'unknown_ca', 'certificate_required',
]);

/** OpenSSL X509 verification codes as Node names them, plus node:tls's host name check. */
function isCertificateErrorCode(code: string): boolean {
  return code === 'ERR_TLS_CERT_ALTNAME_INVALID'
    || code.startsWith('CERT_')
    || code.startsWith('UNABLE_TO_')
    || code.includes('SELF_SIGNED')
    || code === 'HOSTNAME_MISMATCH'
    || code === 'INVALID_CA'
    || code === 'PATH_LENGTH_EXCEEDED'
    || code === 'INVALID_PURPOSE'
    || code === 'CERT_UNTRUSTED'
    || code === 'CERT_REJECTED';
}

interface PendingRead {
  resolve(chunk: Uint8Array | null): void;
  reject(err: TransportError): void;
}

/** A Transport over a Node Duplex. See `src/transport.ts` for the contract it keeps. */
export class DuplexTransport implements Transport {
  readonly backend: string;
  readonly role: 'client' | 'server';
  readonly remoteAddress: string;
  readonly closed: Promise<void>;
  /** Present only when the backend gave an exporter (`declare`: absent, not undefined, otherwise). */
  declare readonly exportKeyingMaterial?: (length: number, label: string, context?: Uint8Array) => Promise<Uint8Array>;

  readonly #duplex: Duplex;
  readonly #handshake: Promise<HandshakeInfo>;
  readonly #highWaterMark: number;
  readonly #closeTimeoutMs: number;
  readonly #abort: () => void;
  readonly #mapError: (err: unknown, phase: 'handshake' | 'established') => TransportError;

  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #readers: PendingRead[] = [];
  #peerEnded = false;
  #localClosed = false;
  #failure: TransportError | null = null;
  #handshakeDone = false;
  #endPromise: Promise<void> | null = null;
  #closePromise: Promise<void> | null = null;
  #resolveClosed!: () => void;
  #drainWaiters: Array<{ resolve(): void; reject(err: TransportError): void }> = [];
  #idleTimer: NodeJS.Timeout | null = null;
  readonly #idleTimeoutMs: number;

  constructor(duplex: Duplex, options: DuplexTransportOptions) {
    this.#duplex = duplex;
    this.backend = options.backend;
    this.role = options.role;
    this.remoteAddress = options.remoteAddress ?? '';
    this.#highWaterMark = options.highWaterMark ?? TRANSPORT_DEFAULTS.highWaterMark;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? TRANSPORT_DEFAULTS.closeTimeoutMs;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? TRANSPORT_DEFAULTS.idleTimeoutMs;
    this.#abort = options.abort ?? (() => duplex.destroy());
    this.#mapError = options.mapError ?? mapNodeError;
    this.closed = new Promise((resolve) => { this.#resolveClosed = resolve; });
    const exporter = options.exportKeyingMaterial;
    if (exporter) this.exportKeyingMaterial = (length, label, context) => this.#export(exporter, length, label, context);

    const handshake = options.handshake ?? Promise.resolve(cleartextHandshakeInfo(options.backend));
    this.#handshake = handshake.then(
      (info) => { this.#handshakeDone = true; return info; },
      (err: unknown) => {
        const failure = this.#mapError(err, 'handshake');
        this.#fail(failure);
        this.#abort();
        throw failure;
      },
    );
    // The handshake promise is also observed by read()/write(); a caller that never calls
    // handshake() must not get an unhandled rejection from it.
    this.#handshake.catch(() => {});

    duplex.on('data', (chunk: Uint8Array) => this.#onData(chunk));
    duplex.on('end', () => this.#onEnd());
    duplex.on('error', (err: unknown) => this.#fail(this.#mapError(err, this.#handshakeDone ? 'established' : 'handshake')));
    duplex.on('drain', () => this.#settleDrainWaiters());
    duplex.on('close', () => this.#onClose());
    this.#touch();
  }

  handshake(): Promise<HandshakeInfo> {
    return this.#handshake;
  }

  async read(): Promise<Uint8Array | null> {
    const chunk = this.#queue.shift();
    if (chunk !== undefined) {
      this.#queuedBytes -= chunk.length;
      if (this.#queuedBytes < this.#highWaterMark && this.#duplex.isPaused()) this.#duplex.resume();
      return chunk;
    }
    if (this.#failure) throw this.#failure;
    if (this.#peerEnded || this.#localClosed) return null;
    return new Promise((resolve, reject) => this.#readers.push({ resolve, reject }));
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (this.#endPromise || this.#localClosed) throw new TransportError('CLOSED', 'write after end() or close()');
    if (data.length === 0) return;
    this.#touch();
    // Backpressure: resolve at once while the duplex stays below its high-water mark, otherwise
    // when it drains (or fails). The duplex's own highWaterMark is set by the backend.
    if (this.#duplex.write(data)) return;
    await new Promise<void>((resolve, reject) => this.#drainWaiters.push({ resolve, reject }));
  }

  end(): Promise<void> {
    if (this.#endPromise) return this.#endPromise;
    if (this.#failure) return Promise.reject(this.#failure);
    this.#endPromise = new Promise<void>((resolve, reject) => {
      // 'finish' fires once the FIN (after TLS close_notify) is handed to the socket.
      const onFinish = () => { cleanup(); resolve(); };
      const onClose = () => { cleanup(); this.#failure ? reject(this.#failure) : resolve(); };
      const cleanup = () => { this.#duplex.off('finish', onFinish); this.#duplex.off('close', onClose); };
      this.#duplex.once('finish', onFinish);
      this.#duplex.once('close', onClose);
      this.#duplex.end();
    });
    this.#endPromise.catch(() => {});
    return this.#endPromise;
  }

  close(): Promise<void> {
    if (this.#closePromise) return this.#closePromise;
    this.#localClosed = true;
    // Reading stops: queued and future data is discarded, pending reads see end of stream.
    this.#queue = [];
    this.#queuedBytes = 0;
    for (const reader of this.#readers.splice(0)) reader.resolve(null);
    if (this.#duplex.isPaused()) this.#duplex.resume();
    this.#closePromise = (async () => {
      try {
        if (!this.#failure) await this.end();
      } catch { /* a failed end still closes */ }
      const timer = setTimeout(() => this.#duplex.destroy(), this.#closeTimeoutMs);
      timer.unref();
      if (this.#peerEnded && this.#duplex.writableFinished) this.#duplex.destroy();
      await this.closed;
      clearTimeout(timer);
    })();
    return this.#closePromise;
  }

  destroy(error?: Error): void {
    if (!this.#failure) {
      this.#fail(error instanceof TransportError
        ? error
        : new TransportError('CLOSED', error ? `transport destroyed: ${error.message}` : 'transport destroyed', { cause: error }));
    }
    this.#abort();
  }

  async #export(exporter: KeyingMaterialExporter, length: number, label: string, context: Uint8Array | undefined): Promise<Uint8Array> {
    const problem = exporterArgumentProblem(length, label, context);
    if (problem) throw new TransportError('INVALID_ARGUMENT', problem);
    const open = (): boolean => this.#failure === null && !this.#localClosed && !this.#duplex.destroyed;
    if (!open()) throw new TransportError('CLOSED', 'cannot export keying material: the transport is closed', { cause: this.#failure ?? undefined });
    if (!this.#handshakeDone) throw new TransportError('INVALID_ARGUMENT', 'cannot export keying material before the handshake has completed (await handshake() first)');
    try {
      return await exporter(length, label, context);
    } catch (err) {
      if (err instanceof TransportError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new TransportError(open() ? 'INVALID_ARGUMENT' : 'CLOSED', `keying material export failed: ${message}`, { cause: err });
    }
  }

  #onData(chunk: Uint8Array): void {
    this.#touch();
    if (this.#localClosed) return;
    const reader = this.#readers.shift();
    if (reader) { reader.resolve(chunk); return; }
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    // Stop pulling from the socket once the reader falls behind: TCP flow control then pushes
    // back on the peer, which is what makes backpressure end to end.
    if (this.#queuedBytes >= this.#highWaterMark) this.#duplex.pause();
  }

  #onEnd(): void {
    this.#peerEnded = true;
    for (const reader of this.#readers.splice(0)) reader.resolve(null);
    if (this.#localClosed && this.#duplex.writableFinished) this.#duplex.destroy();
  }

  #onClose(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    if (!this.#peerEnded && !this.#failure && !this.#localClosed) {
      // Closed under us with neither a clean end nor an error: say so rather than hang.
      this.#fail(new TransportError('PEER_RESET', 'connection closed without a clean end of stream'));
    }
    this.#peerEnded = true;
    for (const reader of this.#readers.splice(0)) {
      if (this.#failure) reader.reject(this.#failure); else reader.resolve(null);
    }
    this.#settleDrainWaiters();
    this.#resolveClosed();
  }

  #fail(error: TransportError): void {
    if (this.#failure) return;
    this.#failure = error;
    for (const reader of this.#readers.splice(0)) reader.reject(error);
    this.#settleDrainWaiters();
  }

  #settleDrainWaiters(): void {
    for (const waiter of this.#drainWaiters.splice(0)) {
      if (this.#failure) waiter.reject(this.#failure);
      else if (this.#duplex.destroyed) waiter.reject(new TransportError('CLOSED', 'connection closed before the write was accepted'));
      else waiter.resolve();
    }
  }

  /** Restarts the idle timer: any byte read or written counts as activity. */
  #touch(): void {
    if (this.#idleTimeoutMs <= 0) return;
    if (this.#idleTimer) this.#idleTimer.refresh();
    else {
      this.#idleTimer = setTimeout(() => {
        this.#fail(new TransportError('TIMEOUT', `idle for ${this.#idleTimeoutMs} ms`));
        this.#abort();
      }, this.#idleTimeoutMs);
      this.#idleTimer.unref();
    }
  }
}

export function duplexToTransport(duplex: Duplex, options: DuplexTransportOptions): Transport {
  return new DuplexTransport(duplex, options);
}

/**
 * A Duplex over a Transport. Writes resolve through the transport's backpressure; the Duplex's
 * end() half-closes the transport; destroy() destroys it. Reading pulls from `transport.read()`.
 */
export function transportToDuplex(transport: Transport): Duplex {
  let reading = false;
  const duplex = new Duplex({
    read() {
      if (reading) return;
      reading = true;
      const pump = async (): Promise<void> => {
        try {
          for (;;) {
            const chunk = await transport.read();
            if (chunk === null) { duplex.push(null); return; }
            if (!duplex.push(chunk)) return;
          }
        } catch (err) {
          duplex.destroy(err as Error);
        } finally {
          reading = false;
        }
      };
      void pump();
    },
    write(chunk: Uint8Array, _encoding, callback) {
      transport.write(chunk).then(() => callback(), (err: Error) => callback(err));
    },
    final(callback) {
      transport.end().then(() => callback(), (err: Error) => callback(err));
    },
    destroy(err, callback) {
      if (err) transport.destroy(err); else void transport.close();
      callback(err);
    },
  });
  // node:http reads `remoteAddress` off its connection for req.socket.remoteAddress.
  Object.assign(duplex, { remoteAddress: transport.remoteAddress });
  return duplex;
}
