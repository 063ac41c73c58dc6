/**
 * The Transport interface: one byte-stream connection, secured or not, after or during its
 * handshake. Everything above it (the HTTP/2 layer, the CLI, user code) sees only this file's
 * types; which backend carries the bytes is chosen by name through the registry.
 *
 * Contract, in short (docs/writing-a-backend.md has the long form, and the conformance suite in
 * src/conformance checks every point):
 * - `handshake()` settles once, with what was negotiated or a TransportError; calling it again
 *   returns the same promise. Reads and writes wait for it.
 * - `read()` resolves with the next chunk, `null` at a clean end of stream, or rejects with a
 *   TransportError. Chunk boundaries carry no meaning.
 * - `write()` resolves once the bytes are accepted below the backend's high-water mark: a peer
 *   that stops reading eventually stops our writes from resolving. It rejects if the transport
 *   is closed or fails before the bytes are accepted.
 * - `end()` half-closes (TLS close_notify, then FIN); reads continue until the peer ends.
 * - `close()` ends, stops reading, and releases the connection once the peer ends too or
 *   `closeTimeoutMs` passes. It never rejects.
 * - `destroy(err)` aborts at once; pending operations reject, the peer sees PEER_RESET.
 * - `closed` resolves when the transport is fully closed, whatever the reason; never rejects.
 */

export type TransportErrorCode =
  /** The TLS (or simulated) handshake failed for a reason other than the specific ones below. */
  | 'HANDSHAKE_FAILED'
  /** Client and server share no application protocol (TLS alert no_application_protocol). */
  | 'ALPN_MISMATCH'
  /** The peer's certificate did not verify (unknown CA, expired, wrong host name, ...). */
  | 'CERT_INVALID'
  /** The handshake or idle timeout fired. */
  | 'TIMEOUT'
  /** The operation needs an open transport and this one is closed (locally or by the peer). */
  | 'CLOSED'
  /** The peer aborted the connection (TCP reset, fatal alert, destroyed loopback peer). */
  | 'PEER_RESET'
  /** Nothing listens at the address, or the connection attempt failed before any handshake. */
  | 'CONNECT_FAILED'
  /** The peer broke the TLS or framing protocol after the handshake (bad record MAC, ...). */
  | 'PROTOCOL_ERROR'
  /** The caller passed options the backend cannot honour. */
  | 'INVALID_ARGUMENT';

export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;
  /** The TLS alert behind the error, by RFC 8446 name, when there is one. */
  readonly alert: string | undefined;

  constructor(code: TransportErrorCode, message: string, options: { cause?: unknown; alert?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.alert = options.alert;
  }
}

export function isTransportError(err: unknown, code?: TransportErrorCode): err is TransportError {
  return err instanceof TransportError && (code === undefined || err.code === code);
}

/** What the handshake settled on. Fields that do not apply (no TLS) are null or empty. */
export interface HandshakeInfo {
  readonly backend: string;
  /** The ALPN protocol both sides agreed on, or null when the client offered none. */
  readonly alpnProtocol: string | null;
  /** 'TLSv1.3', 'TLSv1.2', or null without TLS. */
  readonly tlsVersion: string | null;
  /** IANA cipher suite name, e.g. 'TLS_AES_128_GCM_SHA256', or null without TLS. */
  readonly cipherSuite: string | null;
  /** SNI: what the client asked for (server side) or sent (client side); null when none. */
  readonly serverName: string | null;
  /** The peer's certificate chain in DER, leaf first; empty when the peer sent none. */
  readonly peerCertificates: readonly Uint8Array[];
  /** True when the session was resumed (PSK / ticket). */
  readonly resumed: boolean;
}

export interface AlpnOptions {
  /**
   * Client: the protocols to offer, most preferred first.
   * Server: the preference list used to choose among the client's offer when no `alpnSelect` is
   * given (the server's order wins, as RFC 7301 section 3.2 lets the server decide).
   */
  alpn?: readonly string[];
  /**
   * Server only: choose a protocol from the client's offer, or return undefined when none is
   * acceptable; the handshake then fails with `no_application_protocol` (ALPN_MISMATCH).
   * Not called when the client offers no ALPN at all.
   */
  alpnSelect?: (offered: readonly string[], serverName: string | null) => string | undefined;
}

export interface TimeoutOptions {
  /** Give up on a handshake that has not finished after this long. Default 10 000 ms. */
  handshakeTimeoutMs?: number;
  /** Destroy the transport after this long without a byte read or written. Default 0: never. */
  idleTimeoutMs?: number;
  /** How long `close()` waits for the peer to end before it destroys. Default 2 000 ms. */
  closeTimeoutMs?: number;
}

/** Certificates and keys are PEM text (or DER bytes where a backend says it accepts them). */
export type PemOrDer = string | Uint8Array;

export interface TlsOptions {
  /** Trust anchors that replace the default (Node's bundled roots). */
  ca?: PemOrDer | readonly PemOrDer[];
  /** Our certificate chain (leaf first) and private key: required on a TLS server. */
  cert?: PemOrDer | readonly PemOrDer[];
  key?: PemOrDer;
  /** Verify the peer's certificate. Default true; turn off only for tests and self-signed peers. */
  rejectUnauthorized?: boolean;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /**
   * Called with each line of the NSS key log (https://wireshark's SSLKEYLOGFILE format). When
   * absent and the SSLKEYLOGFILE environment variable is set, backends append to that file.
   */
  keylog?: (line: string) => void;
}

export interface ConnectOptions extends AlpnOptions, TimeoutOptions, TlsOptions {
  /** Host name or address. For `loopback` any name: in-memory listeners are keyed by host and port. */
  host: string;
  port: number;
  /** SNI and the name the certificate must match. Default: `host`, unless it is an IP literal. */
  serverName?: string;
  /** Bytes buffered before `write()` stops resolving. Backend default (about 64 KiB). */
  highWaterMark?: number;
  /** Aborts the connection attempt and the handshake. */
  signal?: AbortSignal;
}

export interface ListenOptions extends AlpnOptions, TimeoutOptions, TlsOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: any free port (the listener's `address` tells which). */
  port?: number;
  /** Ask clients for a certificate; with `rejectUnauthorized` it must verify against `ca`. */
  requestCert?: boolean;
  highWaterMark?: number;
  /**
   * Called when an incoming connection fails before `accept()` could hand it out (handshake
   * error, ALPN mismatch, timeout). Such connections never reach `accept()`.
   */
  onHandshakeError?: (error: TransportError) => void;
}

export interface ListenerAddress {
  readonly host: string;
  readonly port: number;
}

export interface Listener {
  readonly backend: string;
  readonly address: ListenerAddress;
  /** The next accepted transport, or null once the listener is closed. */
  accept(): Promise<Transport | null>;
  [Symbol.asyncIterator](): AsyncIterator<Transport>;
  /** Stops accepting; transports already accepted stay open. Pending `accept()` calls give null. */
  close(): Promise<void>;
}

export interface Transport {
  readonly backend: string;
  readonly role: 'client' | 'server';
  /** 'host:port' of the peer where there is one, for logs. */
  readonly remoteAddress: string;
  handshake(): Promise<HandshakeInfo>;
  read(): Promise<Uint8Array | null>;
  write(data: Uint8Array): Promise<void>;
  end(): Promise<void>;
  close(): Promise<void>;
  destroy(error?: Error): void;
  readonly closed: Promise<void>;
  /**
   * Keying material exporter: `length` bytes that both ends of this TLS session derive alike
   * from its secrets, bound to `label` and `context` (TLS 1.3: RFC 8446 section 7.5, TLS 1.2:
   * RFC 5705). For channel binding, or keys for another protocol over the same session.
   *
   * Optional: only backends that carry TLS have it. Cleartext backends (`tcp`, `loopback`) omit
   * it, so test for the method before calling it.
   *
   * - `label`: 1..249 printable ASCII characters; use a registered exporter label or one that
   *   starts with "EXPERIMENTAL". `length`: 1..65535, and with TLS 1.3 at most 255 times the
   *   output size of the cipher suite's hash (8160 bytes with SHA-256, 12240 with SHA-384).
   *   `context`: at most 65535 bytes.
   * - With TLS 1.3, no `context` and an empty one give the same bytes; with TLS 1.2 they differ.
   * - Rejects with INVALID_ARGUMENT for arguments outside those bounds and when the handshake
   *   has not completed yet (await `handshake()` first), and with CLOSED once the transport was
   *   closed, destroyed or failed.
   */
  exportKeyingMaterial?(length: number, label: string, context?: Uint8Array): Promise<Uint8Array>;
}

/** A backend is a plain object: a name, a way to connect and a way to listen. */
export interface Backend {
  readonly name: string;
  readonly description: string;
  /** True when the backend carries TLS (ALPN and certificates are real); false for cleartext. */
  readonly secure: boolean;
  connect(options: ConnectOptions): Promise<Transport>;
  listen(options: ListenOptions): Promise<Listener>;
}

/** Default limits shared by the built-in backends, so they behave alike. */
export const TRANSPORT_DEFAULTS = {
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 0,
  closeTimeoutMs: 2_000,
  highWaterMark: 64 * 1024,
} as const;
