/**
 * What a caller passes to the client: the options of a client (and of `connect()`), and those of
 * each request. Types only: client.ts, client-session.ts and client-exchange.ts read them.
 */
import type { BodyInit } from './body.js';
import type { PushedResponse } from './client-response.js';
import type { GoawayInfo } from './goaway.js';
import type { HeadersInit, IncomingHeaders } from './headers.js';
import type { Http2Limits, Http2Settings } from './limits.js';
import type { BackendRef } from '../registry.js';
import type { ConnectOptions as TransportConnectOptions } from '../transport.js';

export interface ClientOptions {
  settings?: Partial<Http2Settings>;
  limits?: Partial<Http2Limits>;
  /** Shorthand for limits.maxQueuedRequests. */
  maxQueuedRequests?: number;
  /** Default :authority. connect(): the URL's host; fromTransport(): SNI, else "localhost". */
  authority?: string;
  /** Default :scheme: "https" over TLS, else "http" (connect(): the URL's). */
  scheme?: string;
  /** A retryable request is sent at most this many times in all (owning clients only). Default 3. */
  maxAttempts?: number;
  onGoaway?: (info: GoawayInfo) => void;
  onRemoteSettings?: (settings: Readonly<Http2Settings>) => void;
  /** Server push (needs settings.enablePush = true). Without it, promises are refused with CANCEL. */
  onPush?: (push: PushedResponse) => void;
}

export interface ConnectOptions extends Omit<TransportConnectOptions, 'host' | 'port'>, ClientOptions {
  /** Default: 'node-tls' for https:, 'tcp' for http:. */
  backend?: BackendRef;
}

export interface RequestInit {
  method?: string;
  path?: string;
  authority?: string;
  headers?: HeadersInit;
  body?: BodyInit;
  signal?: AbortSignal;
  trailers?: Record<string, string>;
  /** Header names sent never-indexed (RFC 7541 6.2.3): secrets that must not enter HPACK tables. */
  sensitiveHeaders?: string[];
  /**
   * Called for each informational (1xx) response the server sends before the final one
   * (RFC 9113 8.1, RFC 9110 15.2): 100 (Continue), 103 (Early Hints), ... in the order they
   * arrive, all before the request's promise resolves. Without it they are skipped. If it
   * throws, the request is cancelled (RST_STREAM CANCEL) and rejects with what it threw.
   */
  onInformational?: (status: number, headers: IncomingHeaders) => void;
}
