/**
 * Engine configuration. Everything is already parsed (DER certificates, imported keys): the
 * driver turns PEM options into this. Tests inject randomness and key shares here.
 */
import type { AlpnOptions } from '../../../src/transport.js';
import type { CryptoProvider, KeyShare, NamedGroupName, PrivateKeyHandle, SignatureSchemeName } from '../crypto/provider.js';
import type { CipherSuiteName } from '../key-schedule.js';
import type { EncryptedExtensionsExtension } from '../wire/extensions.js';
import type { ClientHello, ServerHello } from '../wire/messages.js';
import type { TicketState, TicketStore } from './tickets.js';

/** A certificate chain (DER, leaf first) and its private key. */
export interface CertifiedKeyHandle {
  readonly chain: readonly Uint8Array[];
  readonly key: PrivateKeyHandle;
}

export interface CommonEngineConfig {
  readonly provider: CryptoProvider;
  /** Our preference order. Default: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305. */
  readonly cipherSuites?: readonly CipherSuiteName[];
  /** Our preference order. Default: x25519, secp256r1, secp384r1. */
  readonly groups?: readonly NamedGroupName[];
  /** Trust anchors (DER). Default: `defaultTrustAnchors()` (Node's bundled roots). */
  readonly trustAnchors?: readonly Uint8Array[];
  /** Verify the peer's certificate chain. Default true. */
  readonly rejectUnauthorized?: boolean;
  /** Clock for certificate validity. */
  readonly now?: () => Date;
  /** NSS key log lines. */
  readonly keylog?: (line: string) => void;
  /**
   * Send KeyUpdate after this many records under one application key. Default: the suite's
   * `keyUpdateAfter` (half the AEAD limit of RFC 8446 section 5.5). Lower it for tests.
   */
  readonly keyUpdateAfterRecords?: number;
  /**
   * The record_size_limit we advertise (RFC 8449): the largest TLSInnerPlaintext (content, content
   * type octet, padding) we accept in a protected record, 64..2^14 + 1. Default 2^14 + 1, the
   * protocol maximum: no restriction, advertised anyway so that the peer may state its own.
   */
  readonly recordSizeLimit?: number;
  /** Largest handshake message accepted (certificate chains). Default 64 KiB. */
  readonly maxHandshakeMessageLength?: number;
  /** For deterministic tests: where random bytes (randoms, session ids, nonces) come from. */
  readonly randomBytes?: (length: number) => Uint8Array;
}

export interface ClientEngineConfig extends CommonEngineConfig {
  /** SNI and the name the certificate must match (omit for none; IP literals are not sent as SNI). */
  readonly serverName?: string | null;
  /** Name to check the certificate against when it differs from the SNI (e.g. an IP literal). */
  readonly verifyName?: string | null;
  readonly alpn?: readonly string[];
  /** Groups to send key shares for in the first ClientHello. Default: the first of `groups`. */
  readonly keyShareGroups?: readonly NamedGroupName[];
  /** For tests: use these key shares (e.g. RFC 8448's fixed x25519 key) instead of fresh ones. */
  readonly keyShares?: readonly KeyShare[];
  /** Middlebox compatibility mode (RFC 8446 D.4): legacy_session_id + change_cipher_spec. Default true. */
  readonly middleboxCompat?: boolean;
  /** Client certificate(s) offered when the server asks. */
  readonly certificates?: readonly CertifiedKeyHandle[];
  /** Tickets for resumption; none kept when absent. */
  readonly ticketStore?: TicketStore;
  /**
   * signature_algorithms: the schemes offered for CertificateVerify and, unless
   * `certificateSignatureSchemes` is given, for the signatures inside the server's chain (RFC
   * 8446 section 4.2.3). Default: the handshake schemes and, for certificates only, PKCS#1 v1.5
   * with SHA-256/384/512 (never accepted in CertificateVerify whatever this says).
   */
  readonly signatureSchemes?: readonly SignatureSchemeName[];
  /**
   * Sent as signature_algorithms_cert: the schemes accepted for the signatures inside the
   * server's chain; a chain signed otherwise is refused (unsupported_certificate). Default: not
   * sent, and `signatureSchemes` applies to the chain as well.
   */
  readonly certificateSignatureSchemes?: readonly SignatureSchemeName[];
  /** For tests: extra bytes for the ClientHello random and session id instead of randomBytes. */
  readonly clientRandom?: Uint8Array;
  readonly legacySessionId?: Uint8Array;
  /**
   * Last word on the ClientHello before binders are computed (tests reproducing a trace, GREASE).
   * What the engine checks the ServerHello against is read back from the returned message.
   */
  readonly clientHelloHook?: (ch: ClientHello) => ClientHello;
}

export interface ServerEngineConfig extends CommonEngineConfig, AlpnOptions {
  /** Certificates to choose from (the first whose key suits the client). */
  readonly certificates?: readonly CertifiedKeyHandle[];
  /** Picks certificates for the SNI name the client sent (null without SNI); undefined falls back to `certificates`. */
  readonly sniCallback?: (serverName: string | null) =>
    | readonly CertifiedKeyHandle[]
    | CertifiedKeyHandle
    | undefined
    | Promise<readonly CertifiedKeyHandle[] | CertifiedKeyHandle | undefined>;
  /** Ask for a client certificate (CertificateRequest). Default false. */
  readonly requestCert?: boolean;
  /**
   * With requestCert: signature_algorithms_cert of the CertificateRequest, the schemes accepted
   * for the signatures inside the client's chain (a chain signed otherwise is refused with
   * unsupported_certificate). Default: the handshake schemes and PKCS#1 v1.5 with SHA-256/384/512.
   */
  readonly certificateSignatureSchemes?: readonly SignatureSchemeName[];
  /** With requestCert: whether a client that sends none is refused (certificate_required). Default: rejectUnauthorized. */
  readonly requireClientCert?: boolean;
  /** Issue this many NewSessionTickets after the handshake (0: none). Default 2 (as OpenSSL). */
  readonly ticketCount?: number;
  /** Ticket lifetime in seconds (at most 604800). Default 7200. */
  readonly ticketLifetime?: number;
  /** The key sealing tickets (32 bytes); share it between engines of one listener. */
  readonly ticketKey?: Uint8Array;
  /** Always send a HelloRetryRequest, even when a share fits (tests). */
  readonly forceHelloRetry?: boolean;
  /** For tests: the server's key share(s) and random. */
  readonly keyShares?: readonly KeyShare[];
  readonly serverRandom?: Uint8Array;
  /** Extra EncryptedExtensions entries, placed first (tests reproducing a trace). */
  readonly extraEncryptedExtensions?: readonly EncryptedExtensionsExtension[];
  /**
   * For tests reproducing a trace (RFC 8448 section 4): what a PSK identity (ticket) the client
   * offers stands for, in place of opening it with `ticketKey` (undefined: not a ticket we know).
   * The binder is still verified.
   */
  readonly decodeTicket?: (identity: Uint8Array) => TicketState | undefined | Promise<TicketState | undefined>;
  /**
   * Last word on the ServerHello's encoding (tests reproducing a trace: its extension order). It
   * must not change what the engine chose (random, suite, key share, PSK).
   */
  readonly serverHelloHook?: (sh: ServerHello) => ServerHello;
}
