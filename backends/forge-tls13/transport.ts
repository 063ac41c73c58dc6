/**
 * The forge-tls13 driver: the sans-I/O engine over a node:net socket, exposed as a Transport.
 *
 * A `TlsSocket` (a Node Duplex of plaintext) owns the socket and the engine; the Transport
 * contract itself (read queue, backpressure, half-close, idle and close timeouts) comes from
 * `duplexToTransport`, as for the other socket backends. This file adds what TLS needs: the
 * handshake (with its timeout), error mapping, and closing with alerts.
 */
import { appendFileSync } from 'node:fs';
import net from 'node:net';
import { Duplex } from 'node:stream';
import { AcceptQueue } from '../../src/accept-queue.js';
import { validateAlpnList } from '../../src/alpn.js';
import { duplexToTransport, mapNodeError } from '../../src/duplex.js';
import { connectTcp, formatAddress, listenTcp } from '../../src/net-connect.js';
import {
  TRANSPORT_DEFAULTS,
  TransportError,
  type AlpnOptions,
  type ConnectOptions,
  type HandshakeInfo,
  type Listener,
  type ListenOptions,
  type PemOrDer,
  type TimeoutOptions,
  type Transport,
  type TransportErrorCode,
} from '../../src/transport.js';
import { getProvider, type ProviderName } from './crypto/index.js';
import type { CryptoProvider, NamedGroupName } from './crypto/provider.js';
import { isCertificateAlert, TlsClient, TlsServer, type CertifiedKeyHandle, type TicketStore } from './engine/index.js';
import { configuredRecordSizeLimit } from './engine/common.js';
import type { TlsEngine } from './engine/engine.js';
import type { EngineHandshakeInfo } from './engine/events.js';
import type { CipherSuiteName } from './key-schedule.js';
import { AlertDescription } from './wire/constants.js';
import { TlsError } from './wire/errors.js';

export const BACKEND_NAME = 'forge-tls13';

/**
 * The default provider, chosen on speed measured with bench/tls.ts (docs/benchmarks.md):
 * with 'webcrypto' (@peculiar/webcrypto on Node) bulk AES-128-GCM runs about 10 times faster
 * than with node-forge's pure-JavaScript GCM, and full handshakes are faster too.
 */
export const DEFAULT_CRYPTO: ProviderName = 'webcrypto';

/** Options the forge-tls13 backend adds to the common ones. */
export interface ForgeTlsOptions {
  /**
   * Which crypto provider runs the primitives: a name, or a provider object (e.g. from
   * `createWebCryptoProvider({ subtle })` to run on a particular WebCrypto). Default 'webcrypto'
   * (measured faster).
   */
  crypto?: ProviderName | CryptoProvider;
  /** Cipher suites in preference order. */
  cipherSuites?: readonly CipherSuiteName[];
  /** Key-exchange groups in preference order (x25519, secp256r1, secp384r1). */
  groups?: readonly NamedGroupName[];
  /** Client: key shares to send in the first ClientHello (default: the first group). */
  keyShareGroups?: readonly NamedGroupName[];
  /** Client: where tickets are kept for resumption (none kept by default). Keyed by SNI name. */
  ticketStore?: TicketStore;
  /** Server: certificate and key per SNI name (null: no SNI); undefined falls back to cert/key. */
  sniCallback?: (serverName: string | null) => SniIdentity | undefined | Promise<SniIdentity | undefined>;
  /** Server: tickets issued after each full handshake (default 2; 0 disables resumption). */
  ticketCount?: number;
  /** Server: force a HelloRetryRequest (tests and interop checks). */
  forceHelloRetry?: boolean;
  /** KeyUpdate after this many records per key (default: half the AEAD limit). */
  keyUpdateAfterRecords?: number;
  /**
   * The record_size_limit we advertise (RFC 8449), both roles: the largest protected record we
   * accept from the peer, counted as TLS 1.3 counts it (content + 1 content type octet + padding),
   * an integer in 64..16385. The peer must keep its records within it (a larger one fails the
   * connection with record_overflow); a peer without the extension is not bound by it. Default
   * 16385 (2^14 + 1), the protocol maximum: no restriction, but still advertised, so the peer can
   * state its own limit, which we then honour when we fragment (always, whatever this option says).
   */
  recordSizeLimit?: number;
}

export interface SniIdentity {
  cert: PemOrDer | readonly PemOrDer[];
  key: PemOrDer;
}

export type ForgeConnectOptions = ConnectOptions & ForgeTlsOptions;
export type ForgeListenOptions = ListenOptions & ForgeTlsOptions;

// ---------------------------------------------------------------------------------------------
// Option conversion

const PEM_CERT = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

function certificatesFrom(input: PemOrDer | readonly PemOrDer[] | undefined): Uint8Array[] {
  if (input === undefined) return [];
  const list: readonly PemOrDer[] = typeof input === 'string' || input instanceof Uint8Array ? [input] : input;
  const out: Uint8Array[] = [];
  for (const item of list) {
    if (item instanceof Uint8Array) {
      out.push(item);
      continue;
    }
    const found = [...item.matchAll(PEM_CERT)];
    if (found.length === 0) throw new TransportError('INVALID_ARGUMENT', 'certificate option holds no PEM CERTIFICATE block');
    for (const m of found) out.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

async function certifiedKey(provider: CryptoProvider, cert: PemOrDer | readonly PemOrDer[], key: PemOrDer): Promise<CertifiedKeyHandle> {
  const chain = certificatesFrom(cert);
  if (chain.length === 0) throw new TransportError('INVALID_ARGUMENT', 'empty certificate chain');
  try {
    return { chain, key: await provider.importPrivateKey(key) };
  } catch (e) {
    throw new TransportError('INVALID_ARGUMENT', `cannot use the private key: ${(e as Error).message}`, { cause: e });
  }
}

function checkCommon(options: (ConnectOptions | ListenOptions) & ForgeTlsOptions): CryptoProvider {
  const alpnProblem = validateAlpnList(options.alpn);
  if (alpnProblem) throw new TransportError('INVALID_ARGUMENT', alpnProblem);
  if (options.maxVersion === 'TLSv1.2') throw new TransportError('INVALID_ARGUMENT', 'forge-tls13 speaks TLS 1.3 only');
  try {
    configuredRecordSizeLimit(options.recordSizeLimit); // the engine's check, reported now rather than as a failed handshake
  } catch (e) {
    throw new TransportError('INVALID_ARGUMENT', (e as Error).message, { cause: e });
  }
  const choice = options.crypto ?? DEFAULT_CRYPTO;
  if (typeof choice === 'object' && choice !== null && typeof choice.aead === 'function') return choice;
  if (choice !== 'forge' && choice !== 'webcrypto') {
    throw new TransportError('INVALID_ARGUMENT', `unknown crypto provider ${String(choice)} (known: forge, webcrypto, or a CryptoProvider object)`);
  }
  return getProvider(choice);
}

/** The user's callback, else an appender to $SSLKEYLOGFILE when it is set (NSS key log format). */
export function keylogSink(callback?: (line: string) => void): ((line: string) => void) | undefined {
  if (callback) return callback;
  const file = process.env['SSLKEYLOGFILE'];
  if (!file) return undefined;
  return (line) => {
    try {
      appendFileSync(file, `${line}\n`);
    } catch {
      /* key logging is best effort */
    }
  };
}

function isIpLiteral(host: string): boolean {
  return net.isIP(host) !== 0;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Engine and socket errors to the contract's codes. */
export function mapForgeError(err: unknown, phase: 'handshake' | 'established'): TransportError {
  if (err instanceof TransportError) return err;
  if (err instanceof TlsError) {
    const alert = err.alertName;
    const direction = err.origin === 'local' ? 'sent' : 'received';
    let code: TransportErrorCode;
    if (err.alert === AlertDescription.no_application_protocol) code = 'ALPN_MISMATCH';
    else if (isCertificateAlert(err.alert)) code = 'CERT_INVALID';
    else if (phase === 'handshake') code = 'HANDSHAKE_FAILED';
    else code = err.origin === 'local' ? 'PROTOCOL_ERROR' : 'PEER_RESET';
    return new TransportError(code, `${phase === 'handshake' ? 'handshake failed' : 'connection failed'}: ${err.message} (${alert} ${direction})`, {
      cause: err,
      alert,
    });
  }
  return mapNodeError(err, phase);
}

// ---------------------------------------------------------------------------------------------
// The plaintext Duplex over socket + engine

const GRACEFUL_LINGER_MS = 1_000;

/**
 * How much may be sealing at once (handed to the engine, records not yet on the socket) before a
 * write waits: 16 full records' worth of bytes, and 16 writes. An asynchronous AEAD (WebCrypto)
 * needs several records in flight to be fast; this bounds the memory and the number of AEAD jobs
 * that takes. Writes that queue up meanwhile are coalesced into one (`_writev`), so many small
 * writes become few records.
 */
const MAX_SEALING_BYTES = 16 * 16 * 1024;
const MAX_SEALING_WRITES = 16;

class TlsSocket extends Duplex {
  readonly handshake: Promise<HandshakeInfo>;
  #resolveHandshake!: (info: HandshakeInfo) => void;
  #rejectHandshake!: (err: unknown) => void;
  #handshakeSettled = false;
  #handshakeOk = false;
  #engineFailed = false;
  #ended = false;
  #timer: NodeJS.Timeout | undefined;
  /** Plaintext bytes (and writes) handed to the engine whose records have not been emitted yet. */
  #sealing = 0;
  #sealingWrites = 0;
  #sealingWaiters: Array<() => void> = [];

  constructor(
    readonly socket: net.Socket,
    readonly engine: TlsEngine<{ readonly kind: string }>,
    highWaterMark: number,
    handshakeTimeoutMs: number,
  ) {
    super({ allowHalfOpen: true, writableHighWaterMark: highWaterMark, readableHighWaterMark: highWaterMark });
    this.handshake = new Promise<HandshakeInfo>((resolve, reject) => {
      this.#resolveHandshake = resolve;
      this.#rejectHandshake = reject;
    });
    this.handshake.catch(() => {});
    if (handshakeTimeoutMs > 0) {
      this.#timer = setTimeout(
        () => this.#failHandshake(new TransportError('TIMEOUT', `TLS handshake did not finish within ${handshakeTimeoutMs} ms`)),
        handshakeTimeoutMs,
      );
      this.#timer.unref();
    }

    engine.on((event) => {
      switch (event.type) {
        case 'send':
          if (!socket.destroyed && !socket.writableEnded) socket.write(event.data);
          break;
        case 'handshake':
          this.#handshakeDone(event.info);
          break;
        case 'data':
          if (!this.push(event.data)) socket.pause();
          break;
        case 'close_notify':
          this.#end();
          break;
        case 'error':
          if (process.env['FORGE_TLS13_DEBUG']) console.error('forge-tls13 engine error:', event.error);
          this.#engineFailed = true;
          if (!this.#handshakeSettled) this.#failHandshake(event.error);
          else this.destroy(event.error);
          this.#lingerAndClose();
          break;
        default:
          break;
      }
    });

    socket.on('data', (chunk: Buffer) => {
      void engine.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    socket.on('end', () => {
      // Records already received are processed first (decryption is asynchronous).
      void engine.idle().then(() => {
        if (!this.#handshakeSettled) this.#failHandshake(new TransportError('HANDSHAKE_FAILED', 'the peer closed the connection during the handshake'));
        else this.#end(); // no close_notify: treated as the end of the stream (truncation is the application's concern)
      });
    });
    socket.on('error', (err) => {
      if (!this.#handshakeSettled) this.#failHandshake(err);
      else this.destroy(err);
    });
    socket.on('close', () => {
      void engine.idle().then(() => {
        if (!this.#handshakeSettled) this.#failHandshake(new TransportError('HANDSHAKE_FAILED', 'connection closed during the handshake'));
        if (this.destroyed) return;
        if (!this.#handshakeOk || !this.#ended) {
          this.destroy();
          return;
        }
        // Let the reader take what is buffered and see the end of stream first.
        if (this.readableEnded) this.destroy();
        else this.once('end', () => this.destroy());
      });
    });
  }

  /** Aborts so the peer notices: after a TLS alert a clean FIN, otherwise a TCP reset. */
  abort(): void {
    if (this.socket.destroyed) return;
    if (this.#engineFailed) this.#lingerAndClose();
    else this.socket.resetAndDestroy();
  }

  #lingerAndClose(): void {
    if (this.socket.destroyed) return;
    if (!this.socket.writableEnded) this.socket.end();
    setTimeout(() => this.socket.destroy(), GRACEFUL_LINGER_MS).unref();
  }

  #handshakeDone(info: EngineHandshakeInfo): void {
    if (this.#handshakeSettled) return;
    this.#handshakeSettled = true;
    this.#handshakeOk = true;
    clearTimeout(this.#timer);
    this.#resolveHandshake({
      backend: BACKEND_NAME,
      alpnProtocol: info.alpnProtocol,
      tlsVersion: info.tlsVersion,
      cipherSuite: info.cipherSuite,
      serverName: info.serverName,
      peerCertificates: info.peerCertificates,
      resumed: info.resumed,
    });
  }

  #failHandshake(err: unknown): void {
    if (this.#handshakeSettled) return;
    this.#handshakeSettled = true;
    clearTimeout(this.#timer);
    this.#rejectHandshake(err);
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.push(null);
  }

  override _read(): void {
    if (this.socket.isPaused()) this.socket.resume();
  }

  /**
   * Hands the chunk to the engine and calls back as soon as more may follow: while little is being
   * sealed (MAX_SEALING_*) and the socket does not ask us to wait. So consecutive writes are sealed
   * concurrently (records still leave in order), instead of one write's records having to reach
   * the socket before the next write is even looked at.
   */
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#send(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), callback);
  }

  /** Writes that queued up while we waited: one engine call, so they share records. */
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    let size = 0;
    for (const c of chunks) size += c.chunk.byteLength;
    const data = new Uint8Array(size);
    let offset = 0;
    for (const c of chunks) {
      data.set(c.chunk, offset);
      offset += c.chunk.byteLength;
    }
    this.#send(data, callback);
  }

  #send(data: Uint8Array, callback: (error?: Error | null) => void): void {
    this.handshake
      .then(() => {
        const size = data.byteLength;
        this.#sealing += size;
        this.#sealingWrites++;
        const done = (): void => {
          this.#sealing -= size;
          this.#sealingWrites--;
          if (this.#hasRoom()) for (const wake of this.#sealingWaiters.splice(0)) wake();
        };
        // Resolves once the records were emitted, also when the connection failed meanwhile (the
        // engine's error event reports that); rejects only for misuse.
        this.engine.sendApplicationData(data).then(done, (err: unknown) => {
          done();
          this.destroy(err as Error);
        });
        return this.#roomToWrite();
      })
      .then(
        () => callback(),
        (err: unknown) => callback(err as Error),
      );
  }

  #hasRoom(): boolean {
    return this.#sealing < MAX_SEALING_BYTES && this.#sealingWrites < MAX_SEALING_WRITES;
  }

  async #roomToWrite(): Promise<void> {
    while (!this.#hasRoom()) await new Promise<void>((resolve) => this.#sealingWaiters.push(resolve));
    const error = this.engine.error;
    if (error) throw error;
    if (!this.socket.writableNeedDrain) return;
    return new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.socket.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        this.socket.off('drain', onDrain);
        reject(new TransportError('CLOSED', 'connection closed before the write was accepted'));
      };
      this.socket.once('drain', onDrain);
      this.socket.once('close', onClose);
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    const finish = (): void => {
      if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.end();
      callback();
    };
    if (!this.#handshakeOk) {
      finish();
      return;
    }
    this.engine.close().then(finish, finish);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    if (!this.#handshakeSettled) this.#failHandshake(error ?? new TransportError('CLOSED', 'transport destroyed during the handshake'));
    if (!this.socket.destroyed && !this.#engineFailed) this.socket.destroy();
    callback(error);
  }
}

function wrap(socket: net.Socket, engine: TlsClient | TlsServer, role: 'client' | 'server', options: TimeoutOptions & { highWaterMark?: number }): Transport {
  const highWaterMark = options.highWaterMark ?? TRANSPORT_DEFAULTS.highWaterMark;
  const tls = new TlsSocket(socket, engine, highWaterMark, options.handshakeTimeoutMs ?? TRANSPORT_DEFAULTS.handshakeTimeoutMs);
  const transport = duplexToTransport(tls, {
    backend: BACKEND_NAME,
    role,
    remoteAddress: formatAddress(socket.remoteAddress, socket.remotePort),
    handshake: tls.handshake,
    highWaterMark,
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
    ...(options.closeTimeoutMs === undefined ? {} : { closeTimeoutMs: options.closeTimeoutMs }),
    mapError: mapForgeError,
    abort: () => tls.abort(),
    exportKeyingMaterial: (length, label, context) => exportFrom(engine, length, label, context),
  });
  return transport;
}

/** The engine's exporter with its errors in the contract's terms. */
async function exportFrom(engine: TlsEngine<{ readonly kind: string }>, length: number, label: string, context: Uint8Array | undefined): Promise<Uint8Array> {
  try {
    return await engine.exportKeyingMaterial(length, label, context);
  } catch (e) {
    const message = (e as Error).message;
    if (e instanceof RangeError) throw new TransportError('INVALID_ARGUMENT', message, { cause: e });
    if (engine.error) throw new TransportError('CLOSED', message, { cause: e });
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// connect / listen

export async function connect(options: ForgeConnectOptions): Promise<Transport> {
  const provider = checkCommon(options);
  const certificates =
    options.cert !== undefined && options.key !== undefined ? [await certifiedKey(provider, options.cert, options.key)] : undefined;
  const trustAnchors = options.ca === undefined ? undefined : certificatesFrom(options.ca);
  const sni = options.serverName ?? (isIpLiteral(options.host) ? null : options.host);
  const keylog = keylogSink(options.keylog);
  const engine = new TlsClient({
    provider,
    serverName: sni,
    verifyName: options.serverName ?? options.host,
    ...(options.alpn ? { alpn: options.alpn } : {}),
    ...(trustAnchors ? { trustAnchors } : {}),
    ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
    ...(keylog ? { keylog } : {}),
    ...(options.cipherSuites ? { cipherSuites: options.cipherSuites } : {}),
    ...(options.groups ? { groups: options.groups } : {}),
    ...(options.keyShareGroups ? { keyShareGroups: options.keyShareGroups } : {}),
    ...(options.ticketStore ? { ticketStore: options.ticketStore } : {}),
    ...(certificates ? { certificates } : {}),
    ...(options.keyUpdateAfterRecords === undefined ? {} : { keyUpdateAfterRecords: options.keyUpdateAfterRecords }),
    ...(options.recordSizeLimit === undefined ? {} : { recordSizeLimit: options.recordSizeLimit }),
  });
  const socket = await connectTcp(options);
  const transport = wrap(socket, engine, 'client', options);
  if (options.signal) {
    const signal = options.signal;
    const onAbort = (): void => transport.destroy(new TransportError('HANDSHAKE_FAILED', 'handshake aborted', { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    transport.handshake().then(
      () => signal.removeEventListener('abort', onAbort),
      () => signal.removeEventListener('abort', onAbort),
    );
  }
  void engine.start();
  return transport;
}

export async function listen(options: ForgeListenOptions): Promise<Listener> {
  const provider = checkCommon(options);
  if ((options.cert === undefined || options.key === undefined) && !options.sniCallback) {
    throw new TransportError('INVALID_ARGUMENT', 'a forge-tls13 server needs cert and key (or sniCallback)');
  }
  const certificates = options.cert !== undefined && options.key !== undefined ? [await certifiedKey(provider, options.cert, options.key)] : [];
  const trustAnchors = options.ca === undefined ? undefined : certificatesFrom(options.ca);
  const keylog = keylogSink(options.keylog);
  const ticketKey = provider.randomBytes(32);
  const sniCache = new Map<string, Promise<CertifiedKeyHandle | undefined>>();
  const userSni = options.sniCallback;
  const sniCallback = userSni
    ? (name: string | null): Promise<CertifiedKeyHandle | undefined> => {
        const key = name ?? '';
        let hit = sniCache.get(key);
        if (!hit) {
          hit = Promise.resolve(userSni(name)).then((id) => (id ? certifiedKey(provider, id.cert, id.key) : undefined));
          sniCache.set(key, hit);
          hit.catch(() => sniCache.delete(key));
        }
        return hit;
      }
    : undefined;
  const alpn: AlpnOptions = {
    ...(options.alpn ? { alpn: options.alpn } : {}),
    ...(options.alpnSelect ? { alpnSelect: options.alpnSelect } : {}),
  };
  const queue = new AcceptQueue();
  const pending = new Set<Transport>();
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    socket.on('error', () => {}); // reported through the transport
    const engine = new TlsServer({
      provider,
      certificates,
      ...alpn,
      ticketKey,
      ...(sniCallback ? { sniCallback } : {}),
      ...(trustAnchors ? { trustAnchors } : {}),
      ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
      ...(options.requestCert ? { requestCert: true } : {}),
      ...(keylog ? { keylog } : {}),
      ...(options.cipherSuites ? { cipherSuites: options.cipherSuites } : {}),
      ...(options.groups ? { groups: options.groups } : {}),
      ...(options.ticketCount === undefined ? {} : { ticketCount: options.ticketCount }),
      ...(options.forceHelloRetry ? { forceHelloRetry: true } : {}),
      ...(options.keyUpdateAfterRecords === undefined ? {} : { keyUpdateAfterRecords: options.keyUpdateAfterRecords }),
      ...(options.recordSizeLimit === undefined ? {} : { recordSizeLimit: options.recordSizeLimit }),
    });
    const transport = wrap(socket, engine, 'server', options);
    pending.add(transport);
    transport.handshake().then(
      () => {
        pending.delete(transport);
        queue.push(transport);
      },
      (err: unknown) => {
        pending.delete(transport);
        try {
          options.onHandshakeError?.(mapForgeError(err, 'handshake'));
        } catch {
          /* a throwing callback must not break the listener */
        }
      },
    );
    void engine.start();
  });
  const address = await listenTcp(server, options.host ?? '127.0.0.1', options.port ?? 0);
  let closing: Promise<void> | undefined;
  return {
    backend: BACKEND_NAME,
    address,
    accept: () => queue.accept(),
    [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        queue.close();
        for (const t of pending) t.destroy(new TransportError('CLOSED', 'listener closed during the handshake'));
        server.close();
        setImmediate(resolve);
      })),
  };
}
