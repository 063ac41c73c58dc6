/**
 * TLS 1.3 handshake messages (RFC 8446 section 4) as plain data, with pure encoders and decoders.
 *
 *   struct { HandshakeType msg_type; uint24 length; select (msg_type) { ... }; } Handshake;
 *
 * `encodeHandshake` writes the 4-byte header; `decodeHandshake` takes a body (as produced by
 * HandshakeReassembler) and validates it completely: truncation, out-of-range vector lengths and
 * trailing bytes are decode_error, invalid enum values and rule violations the RFC names are
 * illegal_parameter, a message the peer may not send (or that the caller did not expect) is
 * unexpected_message.
 */

import { match } from 'ts-pattern';
import {
  HANDSHAKE_HEADER_LENGTH,
  HELLO_RETRY_REQUEST_RANDOM,
  HandshakeType,
  KeyUpdateRequest,
  ProtocolVersion,
  handshakeTypeName,
  isHandshakeType,
} from './constants.js';
import { TlsError } from './errors.js';
import {
  type CertificateEntryExtension,
  type CertificateRequestExtension,
  type ClientHelloExtension,
  type EncryptedExtensionsExtension,
  type HelloRetryRequestExtension,
  type NewSessionTicketExtension,
  type PreSharedKeyClientExtension,
  type ServerHelloExtension,
  decodeCertificateEntryExtensions,
  decodeCertificateRequestExtensions,
  decodeClientHelloExtensions,
  decodeEncryptedExtensionsExtensions,
  decodeHelloRetryRequestExtensions,
  decodeNewSessionTicketExtensions,
  decodeServerHelloExtensions,
  encodeCertificateEntryExtensions,
  encodeCertificateRequestExtensions,
  encodeClientHelloExtensions,
  encodeEncryptedExtensionsExtensions,
  encodeHelloRetryRequestExtensions,
  encodeNewSessionTicketExtensions,
  encodeServerHelloExtensions,
  findExtension,
  pskBindersLength,
} from './extensions.js';
import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

// ---------------------------------------------------------------------------------------------
// Data types

/** RFC 8446 section 4.1.2. */
export interface ClientHello {
  readonly type: typeof HandshakeType.client_hello;
  /** 0x0303 for TLS 1.3 (the real versions are in supported_versions). */
  readonly legacyVersion: number;
  /** Random: 32 bytes. */
  readonly random: Uint8Array;
  /** opaque legacy_session_id<0..32>. */
  readonly legacySessionId: Uint8Array;
  /** CipherSuite cipher_suites<2..2^16-2>; unknown values kept. */
  readonly cipherSuites: readonly number[];
  /** opaque legacy_compression_methods<1..2^8-1>; exactly [0] in a TLS 1.3 ClientHello. */
  readonly legacyCompressionMethods: readonly number[];
  /**
   * Extension extensions<8..2^16-1>, in wire order. Empty means the block is absent (a pre-TLS 1.3
   * ClientHello may omit it, section 4.1.2); an empty list is encoded by omitting the block.
   */
  readonly extensions: readonly ClientHelloExtension[];
}

/** RFC 8446 section 4.1.3, a ServerHello that is not a HelloRetryRequest. */
export interface ServerHello {
  readonly type: typeof HandshakeType.server_hello;
  readonly isHelloRetryRequest: false;
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  /** opaque legacy_session_id_echo<0..32>. */
  readonly legacySessionIdEcho: Uint8Array;
  readonly cipherSuite: number;
  /** 0 in TLS 1.3. */
  readonly legacyCompressionMethod: number;
  /**
   * Extension extensions<6..2^16-1>. Empty = block absent. The lower bound is not enforced on
   * decode: a TLS 1.3 ServerHello always carries supported_versions (6 bytes) so it cannot violate
   * it, while a TLS 1.2 ServerHello with a short block must reach the engine, which answers
   * protocol_version rather than decode_error.
   */
  readonly extensions: readonly ServerHelloExtension[];
}

/**
 * RFC 8446 section 4.1.4: a ServerHello whose random is HELLO_RETRY_REQUEST_RANDOM. The random is
 * implied (written by the encoder).
 */
export interface HelloRetryRequest {
  readonly type: typeof HandshakeType.server_hello;
  readonly isHelloRetryRequest: true;
  readonly legacyVersion: number;
  readonly legacySessionIdEcho: Uint8Array;
  readonly cipherSuite: number;
  readonly legacyCompressionMethod: number;
  /** Extension extensions<6..2^16-1>. */
  readonly extensions: readonly HelloRetryRequestExtension[];
}

/** RFC 8446 section 4.3.1. */
export interface EncryptedExtensions {
  readonly type: typeof HandshakeType.encrypted_extensions;
  readonly extensions: readonly EncryptedExtensionsExtension[];
}

/** RFC 8446 section 4.3.2. signature_algorithms is mandatory (missing_extension otherwise). */
export interface CertificateRequest {
  readonly type: typeof HandshakeType.certificate_request;
  /** opaque certificate_request_context<0..2^8-1>. */
  readonly certificateRequestContext: Uint8Array;
  /** Extension extensions<2..2^16-1>. */
  readonly extensions: readonly CertificateRequestExtension[];
}

/** RFC 8446 section 4.4.2 CertificateEntry (X.509 or RawPublicKey: same wire shape). */
export interface CertificateEntry {
  /** opaque cert_data<1..2^24-1> (DER certificate, or SubjectPublicKeyInfo for RawPublicKey). */
  readonly data: Uint8Array;
  readonly extensions: readonly CertificateEntryExtension[];
}

/** RFC 8446 section 4.4.2. */
export interface Certificate {
  readonly type: typeof HandshakeType.certificate;
  readonly certificateRequestContext: Uint8Array;
  /** CertificateEntry certificate_list<0..2^24-1>, end-entity first. */
  readonly certificateList: readonly CertificateEntry[];
}

/** RFC 8446 section 4.4.3. */
export interface CertificateVerify {
  readonly type: typeof HandshakeType.certificate_verify;
  readonly algorithm: number;
  /** opaque signature<0..2^16-1>. */
  readonly signature: Uint8Array;
}

/** RFC 8446 section 4.4.4: opaque verify_data[Hash.length]. */
export interface Finished {
  readonly type: typeof HandshakeType.finished;
  readonly verifyData: Uint8Array;
}

/** RFC 8446 section 4.6.1. */
export interface NewSessionTicket {
  readonly type: typeof HandshakeType.new_session_ticket;
  /** Seconds; servers MUST NOT use more than 604800 (not enforced on decode: the client caps it). */
  readonly ticketLifetime: number;
  readonly ticketAgeAdd: number;
  /** opaque ticket_nonce<0..255>. */
  readonly ticketNonce: Uint8Array;
  /** opaque ticket<1..2^16-1>. */
  readonly ticket: Uint8Array;
  /** Extension extensions<0..2^16-2>. */
  readonly extensions: readonly NewSessionTicketExtension[];
}

/** RFC 8446 section 4.5: empty body. */
export interface EndOfEarlyData {
  readonly type: typeof HandshakeType.end_of_early_data;
}

/** RFC 8446 section 4.6.3. Values other than 0 and 1 are illegal_parameter. */
export interface KeyUpdate {
  readonly type: typeof HandshakeType.key_update;
  readonly requestUpdate: KeyUpdateRequest;
}

/**
 * RFC 8446 section 4.4.1: the synthetic message replacing ClientHello1 in the transcript after a
 * HelloRetryRequest; body = Hash(ClientHello1). Never sent or received.
 */
export interface MessageHash {
  readonly type: typeof HandshakeType.message_hash;
  readonly hash: Uint8Array;
}

export type HandshakeMessage =
  | ClientHello
  | ServerHello
  | HelloRetryRequest
  | EncryptedExtensions
  | CertificateRequest
  | Certificate
  | CertificateVerify
  | Finished
  | NewSessionTicket
  | EndOfEarlyData
  | KeyUpdate
  | MessageHash;

export type Role = 'client' | 'server';

export interface HandshakeDecodeContext<K extends HandshakeType = HandshakeType> {
  /** Our role: a client decodes what servers send and vice versa (wrong direction: unexpected_message). */
  readonly role: Role;
  /** If given, any other message type is unexpected_message; the result type narrows to these. */
  readonly expected?: readonly K[];
  /**
   * Hash.length of the negotiated cipher suite: Finished.verify_data must have exactly this length.
   * Without it, 32 or 48 bytes (the TLS 1.3 suites' hashes) are accepted.
   */
  readonly hashLength?: number;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** RFC 8446 section 4.1.3: a ServerHello.random equal to SHA-256("HelloRetryRequest"). */
export function isHelloRetryRequestRandom(random: Uint8Array): boolean {
  return bytesEqual(random, HELLO_RETRY_REQUEST_RANDOM);
}

export function isHelloRetryRequest(msg: HandshakeMessage): msg is HelloRetryRequest {
  return msg.type === HandshakeType.server_hello && msg.isHelloRetryRequest;
}

/** Which side may send a message type (RFC 8446 section 4 and the section 2 diagrams). */
export function handshakeSender(type: HandshakeType): Role | 'both' | 'none' {
  return match(type)
    .with(HandshakeType.client_hello, HandshakeType.end_of_early_data, () => 'client' as const)
    .with(
      HandshakeType.server_hello,
      HandshakeType.encrypted_extensions,
      HandshakeType.certificate_request,
      HandshakeType.new_session_ticket,
      () => 'server' as const,
    )
    .with(HandshakeType.certificate, HandshakeType.certificate_verify, HandshakeType.finished, HandshakeType.key_update, () => 'both' as const)
    .with(HandshakeType.message_hash, () => 'none' as const)
    .exhaustive();
}

function offersTls13(exts: readonly ClientHelloExtension[]): boolean {
  const sv = findExtension(exts, 'supported_versions');
  return sv !== undefined && sv.versions.includes(ProtocolVersion.TLS13);
}

// ---------------------------------------------------------------------------------------------
// ClientHello

export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new ByteReader(body, 'ClientHello');
  const legacyVersion = r.u16('legacy_version');
  const random = r.bytes(32, 'random');
  const legacySessionId = r.opaque8(0, 32, 'legacy_session_id');
  const cipherSuites = r.u16List(2, 2, 0xfffe, 'cipher_suites');
  const legacyCompressionMethods = r.u8List(1, 1, 0xff, 'legacy_compression_methods');
  // Section 4.1.2: either no data after legacy_compression_methods or a valid extensions block
  // with nothing after it (decode_error otherwise).
  const extensions = r.atEnd ? [] : decodeClientHelloExtensions(r, 8, 0xffff);
  r.end();
  if (offersTls13(extensions) && (legacyCompressionMethods.length !== 1 || legacyCompressionMethods[0] !== 0)) {
    throw TlsError.illegalParameter('ClientHello: legacy_compression_methods must be [null] in TLS 1.3'); // section 4.1.2
  }
  return {
    type: HandshakeType.client_hello,
    legacyVersion,
    random,
    legacySessionId,
    cipherSuites,
    legacyCompressionMethods,
    extensions,
  };
}

function writeClientHello(w: ByteWriter, m: ClientHello): void {
  w.u16(m.legacyVersion, 'legacy_version');
  w.bytes(m.random, 'random', 32);
  w.opaque8(m.legacySessionId, 0, 32, 'legacy_session_id');
  w.u16List(2, m.cipherSuites, 2, 0xfffe, 'cipher_suites');
  w.u8List(1, m.legacyCompressionMethods, 1, 0xff, 'legacy_compression_methods');
  if (m.extensions.length > 0) encodeClientHelloExtensions(w, m.extensions, 8, 0xffff);
}

// ---------------------------------------------------------------------------------------------
// ServerHello / HelloRetryRequest

export function decodeServerHello(body: Uint8Array): ServerHello | HelloRetryRequest {
  const r = new ByteReader(body, 'ServerHello');
  const legacyVersion = r.u16('legacy_version');
  const random = r.bytes(32, 'random');
  const legacySessionIdEcho = r.opaque8(0, 32, 'legacy_session_id_echo');
  const cipherSuite = r.u16('cipher_suite');
  const legacyCompressionMethod = r.u8('legacy_compression_method');
  if (isHelloRetryRequestRandom(random)) {
    const extensions = decodeHelloRetryRequestExtensions(r, 6, 0xffff);
    r.end();
    if (legacyCompressionMethod !== 0) {
      throw TlsError.illegalParameter('HelloRetryRequest: legacy_compression_method must be 0'); // section 4.1.3
    }
    return {
      type: HandshakeType.server_hello,
      isHelloRetryRequest: true,
      legacyVersion,
      legacySessionIdEcho,
      cipherSuite,
      legacyCompressionMethod,
      extensions,
    };
  }
  const extensions = r.atEnd ? [] : decodeServerHelloExtensions(r, 0, 0xffff);
  r.end();
  if (findExtension(extensions, 'supported_versions') !== undefined && legacyCompressionMethod !== 0) {
    throw TlsError.illegalParameter('ServerHello: legacy_compression_method must be 0'); // section 4.1.3
  }
  return {
    type: HandshakeType.server_hello,
    isHelloRetryRequest: false,
    legacyVersion,
    random,
    legacySessionIdEcho,
    cipherSuite,
    legacyCompressionMethod,
    extensions,
  };
}

function writeServerHello(w: ByteWriter, m: ServerHello | HelloRetryRequest): void {
  w.u16(m.legacyVersion, 'legacy_version');
  if (m.isHelloRetryRequest) {
    w.bytes(HELLO_RETRY_REQUEST_RANDOM);
  } else {
    if (isHelloRetryRequestRandom(m.random)) {
      throw TlsError.internalError('ServerHello.random must not be the HelloRetryRequest value');
    }
    w.bytes(m.random, 'random', 32);
  }
  w.opaque8(m.legacySessionIdEcho, 0, 32, 'legacy_session_id_echo');
  w.u16(m.cipherSuite, 'cipher_suite');
  w.u8(m.legacyCompressionMethod, 'legacy_compression_method');
  if (m.isHelloRetryRequest) {
    encodeHelloRetryRequestExtensions(w, m.extensions, 6, 0xffff);
  } else if (m.extensions.length > 0) {
    encodeServerHelloExtensions(w, m.extensions, 6, 0xffff);
  }
}

// ---------------------------------------------------------------------------------------------
// EncryptedExtensions, CertificateRequest

export function decodeEncryptedExtensions(body: Uint8Array): EncryptedExtensions {
  const r = new ByteReader(body, 'EncryptedExtensions');
  const extensions = decodeEncryptedExtensionsExtensions(r);
  r.end();
  return { type: HandshakeType.encrypted_extensions, extensions };
}

export function decodeCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new ByteReader(body, 'CertificateRequest');
  const certificateRequestContext = r.opaque8(0, 0xff, 'certificate_request_context');
  const extensions = decodeCertificateRequestExtensions(r);
  r.end();
  if (findExtension(extensions, 'signature_algorithms') === undefined) {
    throw TlsError.missingExtension('CertificateRequest without signature_algorithms'); // section 4.3.2
  }
  return { type: HandshakeType.certificate_request, certificateRequestContext, extensions };
}

function writeCertificateRequest(w: ByteWriter, m: CertificateRequest): void {
  if (findExtension(m.extensions, 'signature_algorithms') === undefined) {
    throw TlsError.internalError('CertificateRequest needs signature_algorithms');
  }
  w.opaque8(m.certificateRequestContext, 0, 0xff, 'certificate_request_context');
  encodeCertificateRequestExtensions(w, m.extensions);
}

// ---------------------------------------------------------------------------------------------
// Certificate, CertificateVerify, Finished

/**
 * `fromServer`: section 4.4.2 says the server's certificate_request_context SHALL be empty
 * (illegal_parameter otherwise) and section 4.4.2.4 that an empty server Certificate is
 * decode_error. A client may send an empty list (it has no certificate).
 */
export function decodeCertificate(body: Uint8Array, fromServer: boolean): Certificate {
  const r = new ByteReader(body, 'Certificate');
  const certificateRequestContext = r.opaque8(0, 0xff, 'certificate_request_context');
  const list = r.vector(3, 0, 0xffffff, 'certificate_list');
  const certificateList: CertificateEntry[] = [];
  while (!list.atEnd) {
    const data = list.opaque24(1, 0xffffff, 'cert_data');
    const extensions = decodeCertificateEntryExtensions(list);
    certificateList.push({ data, extensions });
  }
  r.end();
  if (fromServer && certificateRequestContext.length !== 0) {
    throw TlsError.illegalParameter('server Certificate with a non-empty certificate_request_context');
  }
  if (fromServer && certificateList.length === 0) {
    throw TlsError.decodeError('empty server Certificate'); // section 4.4.2.4
  }
  return { type: HandshakeType.certificate, certificateRequestContext, certificateList };
}

function writeCertificate(w: ByteWriter, m: Certificate): void {
  w.opaque8(m.certificateRequestContext, 0, 0xff, 'certificate_request_context');
  w.vector(3, 0, 0xffffff, 'certificate_list', (lw) => {
    for (const e of m.certificateList) {
      lw.opaque24(e.data, 1, 0xffffff, 'cert_data');
      encodeCertificateEntryExtensions(lw, e.extensions);
    }
  });
}

export function decodeCertificateVerify(body: Uint8Array): CertificateVerify {
  const r = new ByteReader(body, 'CertificateVerify');
  const algorithm = r.u16('algorithm');
  const signature = r.opaque16(0, 0xffff, 'signature');
  r.end();
  return { type: HandshakeType.certificate_verify, algorithm, signature };
}

export function decodeFinished(body: Uint8Array, hashLength?: number): Finished {
  const ok = hashLength === undefined ? body.length === 32 || body.length === 48 : body.length === hashLength;
  if (!ok) {
    throw TlsError.decodeError(`Finished.verify_data of ${body.length} bytes, expected ${hashLength ?? '32 or 48'}`);
  }
  return { type: HandshakeType.finished, verifyData: body.slice() };
}

// ---------------------------------------------------------------------------------------------
// Post-handshake and synthetic messages

export function decodeNewSessionTicket(body: Uint8Array): NewSessionTicket {
  const r = new ByteReader(body, 'NewSessionTicket');
  const ticketLifetime = r.u32('ticket_lifetime');
  const ticketAgeAdd = r.u32('ticket_age_add');
  const ticketNonce = r.opaque8(0, 0xff, 'ticket_nonce');
  const ticket = r.opaque16(1, 0xffff, 'ticket');
  const extensions = decodeNewSessionTicketExtensions(r);
  r.end();
  return { type: HandshakeType.new_session_ticket, ticketLifetime, ticketAgeAdd, ticketNonce, ticket, extensions };
}

function writeNewSessionTicket(w: ByteWriter, m: NewSessionTicket): void {
  w.u32(m.ticketLifetime, 'ticket_lifetime');
  w.u32(m.ticketAgeAdd, 'ticket_age_add');
  w.opaque8(m.ticketNonce, 0, 0xff, 'ticket_nonce');
  w.opaque16(m.ticket, 1, 0xffff, 'ticket');
  encodeNewSessionTicketExtensions(w, m.extensions);
}

export function decodeKeyUpdate(body: Uint8Array): KeyUpdate {
  const r = new ByteReader(body, 'KeyUpdate');
  const v = r.u8('request_update');
  r.end();
  if (v !== KeyUpdateRequest.update_not_requested && v !== KeyUpdateRequest.update_requested) {
    throw TlsError.illegalParameter(`KeyUpdate.request_update ${v}`); // section 4.6.3
  }
  return { type: HandshakeType.key_update, requestUpdate: v };
}

export function decodeEndOfEarlyData(body: Uint8Array): EndOfEarlyData {
  new ByteReader(body, 'EndOfEarlyData').end();
  return { type: HandshakeType.end_of_early_data };
}

/** The synthetic message_hash message for Hash(ClientHello1) (section 4.4.1). */
export function messageHash(hashOfClientHello1: Uint8Array): MessageHash {
  return { type: HandshakeType.message_hash, hash: hashOfClientHello1 };
}

// ---------------------------------------------------------------------------------------------
// Dispatch

/** The body of a message (no header). */
export function encodeHandshakeBody(msg: HandshakeMessage): Uint8Array {
  const w = new ByteWriter();
  match(msg)
    .with({ type: HandshakeType.client_hello }, (m) => writeClientHello(w, m))
    .with({ type: HandshakeType.server_hello }, (m) => writeServerHello(w, m))
    .with({ type: HandshakeType.encrypted_extensions }, (m) => encodeEncryptedExtensionsExtensions(w, m.extensions))
    .with({ type: HandshakeType.certificate_request }, (m) => writeCertificateRequest(w, m))
    .with({ type: HandshakeType.certificate }, (m) => writeCertificate(w, m))
    .with({ type: HandshakeType.certificate_verify }, (m) => {
      w.u16(m.algorithm, 'algorithm');
      w.opaque16(m.signature, 0, 0xffff, 'signature');
    })
    .with({ type: HandshakeType.finished }, (m) => {
      if (m.verifyData.length === 0) throw TlsError.internalError('empty Finished.verify_data');
      w.bytes(m.verifyData);
    })
    .with({ type: HandshakeType.new_session_ticket }, (m) => writeNewSessionTicket(w, m))
    .with({ type: HandshakeType.end_of_early_data }, () => {})
    .with({ type: HandshakeType.key_update }, (m) => {
      if (m.requestUpdate !== 0 && m.requestUpdate !== 1) throw TlsError.internalError(`KeyUpdate.request_update ${String(m.requestUpdate)}`);
      w.u8(m.requestUpdate);
    })
    .with({ type: HandshakeType.message_hash }, (m) => {
      if (m.hash.length === 0) throw TlsError.internalError('empty message_hash');
      w.bytes(m.hash);
    })
    .exhaustive();
  return w.finish();
}

/** Header (msg_type, uint24 length) + body: the bytes to send and to add to the transcript. */
export function encodeHandshake(msg: HandshakeMessage): Uint8Array {
  const body = encodeHandshakeBody(msg);
  if (body.length > 0xffffff) throw TlsError.internalError('handshake message too long');
  const out = new Uint8Array(HANDSHAKE_HEADER_LENGTH + body.length);
  out[0] = msg.type;
  out[1] = body.length >>> 16;
  out[2] = (body.length >>> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, HANDSHAKE_HEADER_LENGTH);
  return out;
}

/**
 * Decodes one handshake body. `type` may be any number (unknown: unexpected_message). Messages the
 * peer cannot send given `context.role`, message_hash, and types outside `context.expected` are
 * unexpected_message. With `expected`, the result type narrows to those messages.
 */
export function decodeHandshake<K extends HandshakeType = HandshakeType>(
  type: number,
  body: Uint8Array,
  context: HandshakeDecodeContext<K>,
): Extract<HandshakeMessage, { readonly type: K }> {
  if (!isHandshakeType(type)) {
    throw TlsError.unexpectedMessage(`unknown handshake message type ${type}`);
  }
  const sender = handshakeSender(type);
  const peer: Role = context.role === 'client' ? 'server' : 'client';
  if (sender !== 'both' && sender !== peer) {
    throw TlsError.unexpectedMessage(`${handshakeTypeName(type)} cannot be received by a ${context.role}`);
  }
  if (context.expected !== undefined && !(context.expected as readonly number[]).includes(type)) {
    throw TlsError.unexpectedMessage(
      `unexpected ${handshakeTypeName(type)} (expected ${context.expected.map((t) => handshakeTypeName(t)).join(' or ')})`,
    );
  }
  const msg: HandshakeMessage = match(type)
    .with(HandshakeType.client_hello, () => decodeClientHello(body))
    .with(HandshakeType.server_hello, () => decodeServerHello(body))
    .with(HandshakeType.encrypted_extensions, () => decodeEncryptedExtensions(body))
    .with(HandshakeType.certificate_request, () => decodeCertificateRequest(body))
    .with(HandshakeType.certificate, () => decodeCertificate(body, peer === 'server'))
    .with(HandshakeType.certificate_verify, () => decodeCertificateVerify(body))
    .with(HandshakeType.finished, () => decodeFinished(body, context.hashLength))
    .with(HandshakeType.new_session_ticket, () => decodeNewSessionTicket(body))
    .with(HandshakeType.end_of_early_data, () => decodeEndOfEarlyData(body))
    .with(HandshakeType.key_update, () => decodeKeyUpdate(body))
    .with(HandshakeType.message_hash, (): never => {
      throw TlsError.unexpectedMessage('message_hash is never sent'); // unreachable: sender 'none'
    })
    .exhaustive();
  return msg as Extract<HandshakeMessage, { readonly type: K }>;
}

// ---------------------------------------------------------------------------------------------
// PSK binders (RFC 8446 section 4.2.11.2)

function offeredPsks(ch: ClientHello): PreSharedKeyClientExtension {
  const last = ch.extensions[ch.extensions.length - 1];
  if (last === undefined || last.type !== 'pre_shared_key') {
    throw TlsError.internalError('ClientHello has no pre_shared_key as its last extension');
  }
  return last;
}

/**
 * Length of Truncate(ClientHello) with its 4-byte header: the encoded message up to, and
 * excluding, the binders list (its 2-byte length included). The length fields inside keep the
 * values of the full message, as the binders are present.
 */
export function truncatedClientHelloLength(ch: ClientHello): number {
  return encodeHandshake(ch).length - pskBindersLength(offeredPsks(ch).binders);
}

/**
 * Truncate(ClientHello) for binder computation. The ClientHello must already carry binders of the
 * final lengths (e.g. zero-filled placeholders of Hash.length bytes).
 */
export function encodeClientHelloForBinders(ch: ClientHello): Uint8Array {
  const full = encodeHandshake(ch);
  return full.slice(0, full.length - pskBindersLength(offeredPsks(ch).binders));
}

/** Server side: Truncate() applied to the ClientHello bytes as received (header included). */
export function truncateReceivedClientHello(raw: Uint8Array, ch: ClientHello): Uint8Array {
  const cut = pskBindersLength(offeredPsks(ch).binders);
  if (cut > raw.length) throw TlsError.internalError('ClientHello bytes do not match the decoded message');
  return raw.slice(0, raw.length - cut);
}

/** The same ClientHello with the binders replaced; lengths must match so the prefix is unchanged. */
export function withPskBinders(ch: ClientHello, binders: readonly Uint8Array[]): ClientHello {
  const psk = offeredPsks(ch);
  if (binders.length !== psk.binders.length || binders.some((b, i) => b.length !== psk.binders[i]?.length)) {
    throw TlsError.internalError('replacement binders must match the placeholder lengths');
  }
  const extensions = [...ch.extensions.slice(0, -1), { ...psk, binders: [...binders] }];
  return { ...ch, extensions };
}
