/**
 * What a sans-I/O engine reports. The driver (or a test) installs one listener; events arrive
 * synchronously, in the order the engine produced them, from inside `receive()` / `start()` /
 * `sendApplicationData()` / `close()` / `keyUpdate()`.
 */
import type { TlsError } from '../wire/errors.js';

/** What the handshake settled on (the transport adds `backend`). */
export interface EngineHandshakeInfo {
  readonly alpnProtocol: string | null;
  readonly tlsVersion: 'TLSv1.3';
  /** IANA name, e.g. TLS_AES_128_GCM_SHA256. */
  readonly cipherSuite: string;
  /** SNI: sent (client) or received (server); null when none. */
  readonly serverName: string | null;
  /** Named group of the (EC)DHE exchange. */
  readonly group: string;
  /** CertificateVerify scheme the peer used, or null (resumption, or no client certificate). */
  readonly peerSignatureScheme: string | null;
  /** Peer certificate chain, DER, leaf first; empty when none was sent (or on resumption). */
  readonly peerCertificates: readonly Uint8Array[];
  readonly resumed: boolean;
  /** Whether a HelloRetryRequest was part of the handshake. */
  readonly helloRetry: boolean;
  /**
   * The peer's record_size_limit when both sides sent one (RFC 8449): our protected records stay
   * within it. Null when not negotiated.
   */
  readonly peerRecordSizeLimit: number | null;
}

/** A session ticket as the client keeps it (RFC 8446 section 4.6.1). */
export interface SessionTicket {
  readonly serverName: string | null;
  /** The opaque ticket (the PSK identity). */
  readonly ticket: Uint8Array;
  /** The resumption PSK derived from resumption_master_secret and the ticket nonce. */
  readonly psk: Uint8Array;
  /** IANA name of the suite of the session that issued it (its hash must match on resumption). */
  readonly cipherSuite: string;
  readonly ticketAgeAdd: number;
  /** ms since the epoch when it was received. */
  readonly receivedAt: number;
  /** Seconds, already capped at 7 days. */
  readonly lifetime: number;
  readonly maxEarlyDataSize: number;
  /** What the full handshake negotiated, reported again on resumption. */
  readonly alpnProtocol: string | null;
  readonly peerCertificates: readonly Uint8Array[];
}

export type EngineEvent =
  /** Bytes to write to the peer, in order. */
  | { readonly type: 'send'; readonly data: Uint8Array }
  | { readonly type: 'handshake'; readonly info: EngineHandshakeInfo }
  /** Decrypted application data. */
  | { readonly type: 'data'; readonly data: Uint8Array }
  /** The peer sent close_notify: no more data will come (its write side is closed). */
  | { readonly type: 'close_notify' }
  /**
   * The connection failed. origin 'local': we detected it and sent `error.alert` (before this
   * event); origin 'remote': the peer sent the alert. Nothing follows this event.
   */
  | { readonly type: 'error'; readonly error: TlsError }
  /** Client: the server issued a ticket (already put in the ticket store). */
  | { readonly type: 'ticket'; readonly ticket: SessionTicket }
  /** A line of the NSS key log format. */
  | { readonly type: 'keylog'; readonly line: string }
  /** A KeyUpdate was sent ('sent') or received ('received'); for tests and logs. */
  | { readonly type: 'key_update'; readonly direction: 'sent' | 'received'; readonly requested: boolean };

export type EngineListener = (event: EngineEvent) => void;
