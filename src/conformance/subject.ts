import type { Backend, ConnectOptions, ListenOptions } from '../transport.js';

/** A server that accepts connections and never says a word, for the handshake timeout checks. */
export interface StallingServer {
  readonly host: string;
  readonly port: number;
  /** Stops listening and drops the connections it holds (a net.Server must destroy its sockets). */
  close(): Promise<void>;
}

/** What the conformance suite runs against: a backend plus what it needs to connect at all. */
export interface ConformanceSubject {
  backend: Backend;
  /** Extra options merged into every listen()/connect() call, e.g. certificates and CA for a TLS backend. */
  listenOptions?: Partial<ListenOptions>;
  connectOptions?: Partial<ConnectOptions>;
  /**
   * false for cleartext transports: ALPN checks are skipped ("skipped: backend negotiates no
   * ALPN"). Default: backend.secure.
   */
  alpn?: boolean;
  /**
   * Whether transports offer `exportKeyingMaterial` (expected of TLS backends); false skips the
   * exporter check ("skipped: backend has no keying-material exporter"). Default: backend.secure.
   */
  exporter?: boolean;
  /** Scale down the big payloads (default 16 MiB max) for slow backends. */
  maxPayload?: number;
  /** Enables the handshake timeout and "handshake peer vanishes" checks; skipped without it. */
  stallingServer?: () => Promise<StallingServer>;
  /** Bound on each single wait in a check, default 5 000 ms. Big transfers get more in proportion. */
  stepTimeoutMs?: number;
  /** Shown in the top-level describe(); default the backend's name. */
  label?: string;
}
