/**
 * TLS extensions (RFC 8446 section 4.2, RFC 6066, RFC 7301, RFC 8449) as plain data.
 *
 * The meaning of an extension depends on the message carrying it (key_share in ClientHello vs
 * ServerHello vs HelloRetryRequest, ...), so every message has its own union of extension types,
 * each discriminated by `type` (the RFC name). Extensions we do not parse are kept as
 * `{ type: 'raw', code, data }` in wire order, so messages re-encode byte for byte.
 *
 * Checks done while decoding an extension block:
 *  - duplicate extension types: illegal_parameter (section 4.2, "There MUST NOT be more than one
 *    extension of the same type in a given extension block");
 *  - an extension RFC 8446 section 4.2 (or RFC 8449 for record_size_limit) lists, found in a
 *    message it is not specified for: illegal_parameter (section 4.2);
 *  - vector bounds and trailing bytes inside each extension: decode_error;
 *  - per-extension semantic checks noted on each type.
 * Unknown code points are never an error here: the engine decides (e.g. unsupported_extension for
 * an unsolicited one, section 4.2).
 */

import { match } from 'ts-pattern';
import { ExtensionType, MIN_RECORD_SIZE_LIMIT, extensionTypeName } from './constants.js';
import { TlsError } from './errors.js';
import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

// ---------------------------------------------------------------------------------------------
// Data types

/** Messages that carry extension blocks. 'certificate' is a CertificateEntry's block. */
export type ExtensionContext =
  | 'client_hello'
  | 'server_hello'
  | 'hello_retry_request'
  | 'encrypted_extensions'
  | 'certificate_request'
  | 'certificate'
  | 'new_session_ticket';

/** An extension kept as bytes: unknown code points, or known ones we do not interpret. */
export interface RawExtension {
  readonly type: 'raw';
  readonly code: number;
  readonly data: Uint8Array;
}

/** RFC 6066 section 3, ClientHello: a ServerNameList with exactly one host_name. */
export interface ServerNameExtension {
  readonly type: 'server_name';
  /** ASCII, as sent (no case folding, no trailing-dot or IP-literal checks: the engine's job). */
  readonly hostName: string;
}

/** RFC 6066 section 3, EncryptedExtensions: empty extension_data acknowledging SNI. */
export interface ServerNameAckExtension {
  readonly type: 'server_name';
}

/** RFC 6066 section 4. `value` 1..4 = 2^9..2^12 (MaxFragmentLength); others are illegal_parameter. */
export interface MaxFragmentLengthExtension {
  readonly type: 'max_fragment_length';
  readonly value: number;
}

/** RFC 8446 section 4.2.7: NamedGroup named_group_list<2..2^16-1>. */
export interface SupportedGroupsExtension {
  readonly type: 'supported_groups';
  readonly groups: readonly number[];
}

/** RFC 8446 section 4.2.3: SignatureScheme supported_signature_algorithms<2..2^16-2>. */
export interface SignatureAlgorithmsExtension {
  readonly type: 'signature_algorithms';
  readonly schemes: readonly number[];
}

export interface SignatureAlgorithmsCertExtension {
  readonly type: 'signature_algorithms_cert';
  readonly schemes: readonly number[];
}

/** RFC 7301 section 3.1, ClientHello: ProtocolName (opaque<1..2^8-1>) protocol_name_list<2..2^16-1>. */
export interface AlpnExtension {
  readonly type: 'application_layer_protocol_negotiation';
  readonly protocols: readonly Uint8Array[];
}

/** RFC 7301 section 3.1, EncryptedExtensions: the list holds exactly one name (else illegal_parameter). */
export interface AlpnSelectedExtension {
  readonly type: 'application_layer_protocol_negotiation';
  readonly protocol: Uint8Array;
}

/** RFC 8446 section 4.2.1, ClientHello: ProtocolVersion versions<2..254>. */
export interface SupportedVersionsClientExtension {
  readonly type: 'supported_versions';
  readonly versions: readonly number[];
}

/** RFC 8446 section 4.2.1, ServerHello and HelloRetryRequest. */
export interface SupportedVersionsServerExtension {
  readonly type: 'supported_versions';
  readonly selectedVersion: number;
}

/** RFC 8446 section 4.2.2: opaque cookie<1..2^16-1>. */
export interface CookieExtension {
  readonly type: 'cookie';
  readonly cookie: Uint8Array;
}

/** RFC 8446 section 4.2.9: PskKeyExchangeMode ke_modes<1..255> (unknown modes kept). */
export interface PskKeyExchangeModesExtension {
  readonly type: 'psk_key_exchange_modes';
  readonly modes: readonly number[];
}

/** RFC 8446 section 4.2.11 PskIdentity. */
export interface PskIdentity {
  /** opaque identity<1..2^16-1> */
  readonly identity: Uint8Array;
  readonly obfuscatedTicketAge: number;
}

/**
 * RFC 8446 section 4.2.11, ClientHello: OfferedPsks. Must be the last extension (illegal_parameter
 * otherwise); identities and binders must pair up one to one (illegal_parameter otherwise).
 */
export interface PreSharedKeyClientExtension {
  readonly type: 'pre_shared_key';
  /** PskIdentity identities<7..2^16-1> */
  readonly identities: readonly PskIdentity[];
  /** PskBinderEntry (opaque<32..255>) binders<33..2^16-1> */
  readonly binders: readonly Uint8Array[];
}

/** RFC 8446 section 4.2.11, ServerHello: uint16 selected_identity. */
export interface PreSharedKeyServerExtension {
  readonly type: 'pre_shared_key';
  readonly selectedIdentity: number;
}

/** RFC 8446 section 4.2.10, ClientHello / EncryptedExtensions: empty. */
export interface EarlyDataExtension {
  readonly type: 'early_data';
}

/** RFC 8446 section 4.2.10, NewSessionTicket: uint32 max_early_data_size. */
export interface EarlyDataTicketExtension {
  readonly type: 'early_data';
  readonly maxEarlyDataSize: number;
}

/** RFC 8446 section 4.2.8 KeyShareEntry: NamedGroup group; opaque key_exchange<1..2^16-1>. */
export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}

/**
 * RFC 8446 section 4.2.8, ClientHello: KeyShareEntry client_shares<0..2^16-1>. Two shares for one
 * group are illegal_parameter (a MAY check of 4.2.8). Whether every share's group is in
 * supported_groups, and key_exchange sizes per group, are left to the engine.
 */
export interface KeyShareClientExtension {
  readonly type: 'key_share';
  readonly clientShares: readonly KeyShareEntry[];
}

/** RFC 8446 section 4.2.8, ServerHello: KeyShareEntry server_share. */
export interface KeyShareServerExtension {
  readonly type: 'key_share';
  readonly serverShare: KeyShareEntry;
}

/** RFC 8446 section 4.2.8, HelloRetryRequest: NamedGroup selected_group. */
export interface KeyShareHelloRetryExtension {
  readonly type: 'key_share';
  readonly selectedGroup: number;
}

/** RFC 8449 section 4: uint16 RecordSizeLimit; values below 64 are illegal_parameter. */
export interface RecordSizeLimitExtension {
  readonly type: 'record_size_limit';
  readonly limit: number;
}

/** RFC 8446 section 4.2.6: empty. */
export interface PostHandshakeAuthExtension {
  readonly type: 'post_handshake_auth';
}

/** RFC 8446 section 4.2.4: DistinguishedName (opaque<1..2^16-1>) authorities<3..2^16-1>. */
export interface CertificateAuthoritiesExtension {
  readonly type: 'certificate_authorities';
  readonly authorities: readonly Uint8Array[];
}

export type ClientHelloExtension =
  | ServerNameExtension
  | MaxFragmentLengthExtension
  | SupportedGroupsExtension
  | SignatureAlgorithmsExtension
  | SignatureAlgorithmsCertExtension
  | AlpnExtension
  | SupportedVersionsClientExtension
  | CookieExtension
  | PskKeyExchangeModesExtension
  | PreSharedKeyClientExtension
  | EarlyDataExtension
  | KeyShareClientExtension
  | RecordSizeLimitExtension
  | PostHandshakeAuthExtension
  | CertificateAuthoritiesExtension
  | RawExtension;

export type ServerHelloExtension =
  | SupportedVersionsServerExtension
  | KeyShareServerExtension
  | PreSharedKeyServerExtension
  | RawExtension;

export type HelloRetryRequestExtension =
  | SupportedVersionsServerExtension
  | KeyShareHelloRetryExtension
  | CookieExtension
  | RawExtension;

export type EncryptedExtensionsExtension =
  | ServerNameAckExtension
  | MaxFragmentLengthExtension
  | SupportedGroupsExtension
  | AlpnSelectedExtension
  | EarlyDataExtension
  | RecordSizeLimitExtension
  | RawExtension;

export type CertificateRequestExtension =
  | SignatureAlgorithmsExtension
  | SignatureAlgorithmsCertExtension
  | CertificateAuthoritiesExtension
  | RawExtension;

/** status_request (OCSP) and signed_certificate_timestamp are kept raw. */
export type CertificateEntryExtension = RawExtension;

export type NewSessionTicketExtension = EarlyDataTicketExtension | RawExtension;

export type AnyExtension =
  | ClientHelloExtension
  | ServerHelloExtension
  | HelloRetryRequestExtension
  | EncryptedExtensionsExtension
  | CertificateRequestExtension
  | CertificateEntryExtension
  | NewSessionTicketExtension;

// ---------------------------------------------------------------------------------------------
// Lookup helpers

/** The extension of that type in a list, narrowed (lists never hold duplicates once decoded). */
export function findExtension<E extends { readonly type: string }, K extends Exclude<E['type'], 'raw'>>(
  extensions: readonly E[],
  type: K,
): Extract<E, { readonly type: K }> | undefined {
  return extensions.find((e): e is Extract<E, { readonly type: K }> => e.type === type);
}

/** A raw (uninterpreted) extension by code point. */
export function findRawExtension(extensions: readonly AnyExtension[], code: number): RawExtension | undefined {
  return extensions.find((e): e is RawExtension => e.type === 'raw' && e.code === code);
}

/** The code point of any extension value. */
export function extensionCode(ext: AnyExtension): number {
  return ext.type === 'raw' ? ext.code : ExtensionType[ext.type];
}

/** Whether the list has an extension with this code point (typed or raw). */
export function hasExtension(extensions: readonly AnyExtension[], code: number): boolean {
  return extensions.some((e) => extensionCode(e) === code);
}

// ---------------------------------------------------------------------------------------------
// Where each extension may appear (RFC 8446 section 4.2 table; RFC 8449 section 5 for
// record_size_limit). Extensions outside this table are unknown to us and always allowed (raw).

const CH = 'client_hello';
const SH = 'server_hello';
const HRR = 'hello_retry_request';
const EE = 'encrypted_extensions';
const CR = 'certificate_request';
const CT = 'certificate';
const NST = 'new_session_ticket';

const ALLOWED_IN: ReadonlyMap<number, readonly ExtensionContext[]> = new Map<number, readonly ExtensionContext[]>([
  [ExtensionType.server_name, [CH, EE]],
  [ExtensionType.max_fragment_length, [CH, EE]],
  [ExtensionType.status_request, [CH, CR, CT]],
  [ExtensionType.supported_groups, [CH, EE]],
  [ExtensionType.signature_algorithms, [CH, CR]],
  [ExtensionType.use_srtp, [CH, EE]],
  [ExtensionType.heartbeat, [CH, EE]],
  [ExtensionType.application_layer_protocol_negotiation, [CH, EE]],
  [ExtensionType.signed_certificate_timestamp, [CH, CR, CT]],
  [ExtensionType.client_certificate_type, [CH, EE]],
  [ExtensionType.server_certificate_type, [CH, EE]],
  [ExtensionType.padding, [CH]],
  [ExtensionType.record_size_limit, [CH, EE]],
  [ExtensionType.pre_shared_key, [CH, SH]],
  [ExtensionType.early_data, [CH, EE, NST]],
  [ExtensionType.psk_key_exchange_modes, [CH]],
  [ExtensionType.cookie, [CH, HRR]],
  [ExtensionType.supported_versions, [CH, SH, HRR]],
  [ExtensionType.certificate_authorities, [CH, CR]],
  [ExtensionType.oid_filters, [CR]],
  [ExtensionType.post_handshake_auth, [CH]],
  [ExtensionType.signature_algorithms_cert, [CH, CR]],
  [ExtensionType.key_share, [CH, SH, HRR]],
]);

/** False only for an extension RFC 8446 specifies for other messages than `context`. */
export function isExtensionAllowedIn(code: number, context: ExtensionContext): boolean {
  const allowed = ALLOWED_IN.get(code);
  return allowed === undefined || allowed.includes(context);
}

// ---------------------------------------------------------------------------------------------
// Extension block framing: Extension extensions<min..max>, Extension = { uint16; opaque<0..2^16-1> }

/**
 * Reads an extension block. `parse` returns the typed value for codes it interprets (it gets a
 * reader over extension_data and must consume it fully; leftovers are decode_error), or undefined
 * to keep the extension raw.
 */
function decodeBlock<E>(
  r: ByteReader,
  context: ExtensionContext,
  min: number,
  max: number,
  parse: (code: number, body: ByteReader) => E | undefined,
): (E | RawExtension)[] {
  const block = r.vector(2, min, max, 'extensions');
  const seen = new Set<number>();
  const out: (E | RawExtension)[] = [];
  while (!block.atEnd) {
    const code = block.u16('extension_type');
    const data = block.opaque16(0, 0xffff, extensionTypeName(code));
    if (seen.has(code)) {
      throw TlsError.illegalParameter(`${context}: duplicate ${extensionTypeName(code)} extension`);
    }
    seen.add(code);
    if (!isExtensionAllowedIn(code, context)) {
      throw TlsError.illegalParameter(`${context}: ${extensionTypeName(code)} extension is not allowed here`);
    }
    const body = new ByteReader(data, `${context}.${extensionTypeName(code)}`);
    const value = parse(code, body);
    if (value === undefined) {
      out.push({ type: 'raw', code, data });
    } else {
      body.end();
      out.push(value);
    }
  }
  return out;
}

interface EncodedExtension {
  readonly code: number;
  readonly write: (w: ByteWriter) => void;
}

function encodeBlock<E extends AnyExtension>(
  w: ByteWriter,
  extensions: readonly E[],
  context: ExtensionContext,
  min: number,
  max: number,
  encodeOne: (e: E) => EncodedExtension,
): void {
  const seen = new Set<number>();
  w.vector(2, min, max, `${context}.extensions`, (bw) => {
    for (const ext of extensions) {
      const { code, write } = encodeOne(ext);
      if (seen.has(code)) throw TlsError.internalError(`${context}: duplicate ${extensionTypeName(code)} extension`);
      seen.add(code);
      if (!isExtensionAllowedIn(code, context)) {
        throw TlsError.internalError(`${context}: ${extensionTypeName(code)} extension is not allowed here`);
      }
      bw.u16(code, 'extension_type');
      bw.vector(2, 0, 0xffff, extensionTypeName(code), write);
    }
  });
}

function raw(e: RawExtension): EncodedExtension {
  return { code: e.code, write: (w) => w.bytes(e.data) };
}

// ---------------------------------------------------------------------------------------------
// Per-extension bodies

function isPrintableAscii(b: Uint8Array): boolean {
  for (const c of b) if (c < 0x21 || c > 0x7e) return false;
  return true;
}

function asciiBytes(s: string, field: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) throw TlsError.internalError(`${field}: not printable ASCII`);
    out[i] = c;
  }
  return out;
}

function decodeServerName(r: ByteReader): ServerNameExtension {
  // RFC 6066 section 3: ServerName server_name_list<1..2^16-1>; only host_name(0) is defined.
  // We reject other NameTypes (illegal_parameter, "an invalid enum", RFC 8446 section 6.2): none
  // has ever been registered, and keeping them would complicate every consumer.
  let hostName: string | undefined;
  const list = r.vector(2, 1, 0xffff, 'server_name_list');
  while (!list.atEnd) {
    const nameType = list.u8('name_type');
    if (nameType !== 0) throw TlsError.illegalParameter(`server_name: unknown NameType ${nameType}`);
    const name = list.opaque16(1, 0xffff, 'host_name');
    if (hostName !== undefined) throw TlsError.illegalParameter('server_name: more than one host_name'); // RFC 6066 section 3
    if (!isPrintableAscii(name)) throw TlsError.illegalParameter('server_name: host_name is not printable ASCII');
    let s = '';
    for (const c of name) s += String.fromCharCode(c);
    hostName = s;
  }
  if (hostName === undefined) throw TlsError.decodeError('server_name: empty list'); // unreachable: list >= 1 byte
  return { type: 'server_name', hostName };
}

function writeServerName(w: ByteWriter, e: ServerNameExtension): void {
  const name = asciiBytes(e.hostName, 'server_name.host_name');
  w.vector(2, 1, 0xffff, 'server_name_list', (lw) => {
    lw.u8(0);
    lw.opaque16(name, 1, 0xffff, 'host_name');
  });
}

function decodeMaxFragmentLength(r: ByteReader): MaxFragmentLengthExtension {
  const value = r.u8('max_fragment_length');
  // RFC 6066 section 4: a value other than the allowed ones is illegal_parameter.
  if (value < 1 || value > 4) throw TlsError.illegalParameter(`max_fragment_length: invalid value ${value}`);
  return { type: 'max_fragment_length', value };
}

function decodeAlpnList(r: ByteReader): Uint8Array[] {
  return r.list(2, 2, 0xffff, 'protocol_name_list', (lr) => lr.opaque8(1, 0xff, 'protocol_name'));
}

function writeAlpnList(w: ByteWriter, protocols: readonly Uint8Array[]): void {
  w.vector(2, 2, 0xffff, 'protocol_name_list', (lw) => {
    for (const p of protocols) lw.opaque8(p, 1, 0xff, 'protocol_name');
  });
}

function decodeKeyShareEntry(r: ByteReader): KeyShareEntry {
  const group = r.u16('group');
  const keyExchange = r.opaque16(1, 0xffff, 'key_exchange');
  return { group, keyExchange };
}

function writeKeyShareEntry(w: ByteWriter, e: KeyShareEntry): void {
  w.u16(e.group, 'group');
  w.opaque16(e.keyExchange, 1, 0xffff, 'key_exchange');
}

function decodeClientKeyShare(r: ByteReader): KeyShareClientExtension {
  const clientShares = r.list(2, 0, 0xffff, 'client_shares', decodeKeyShareEntry);
  const groups = new Set<number>();
  for (const s of clientShares) {
    // RFC 8446 section 4.2.8: clients MUST NOT offer two KeyShareEntry values for one group.
    if (groups.has(s.group)) throw TlsError.illegalParameter(`key_share: two shares for group 0x${s.group.toString(16)}`);
    groups.add(s.group);
  }
  return { type: 'key_share', clientShares };
}

function decodeOfferedPsks(r: ByteReader): PreSharedKeyClientExtension {
  const identities = r.list(2, 7, 0xffff, 'identities', (lr) => ({
    identity: lr.opaque16(1, 0xffff, 'identity'),
    obfuscatedTicketAge: lr.u32('obfuscated_ticket_age'),
  }));
  const binders = r.list(2, 33, 0xffff, 'binders', (lr) => lr.opaque8(32, 255, 'binder'));
  if (identities.length !== binders.length) {
    throw TlsError.illegalParameter(`pre_shared_key: ${identities.length} identities but ${binders.length} binders`);
  }
  return { type: 'pre_shared_key', identities, binders };
}

function writeBinders(w: ByteWriter, binders: readonly Uint8Array[]): void {
  w.vector(2, 33, 0xffff, 'binders', (lw) => {
    for (const b of binders) lw.opaque8(b, 32, 255, 'binder');
  });
}

function writeOfferedPsks(w: ByteWriter, e: PreSharedKeyClientExtension): void {
  if (e.identities.length !== e.binders.length) {
    throw TlsError.internalError('pre_shared_key: identities and binders differ in number');
  }
  w.vector(2, 7, 0xffff, 'identities', (lw) => {
    for (const id of e.identities) {
      lw.opaque16(id.identity, 1, 0xffff, 'identity');
      lw.u32(id.obfuscatedTicketAge, 'obfuscated_ticket_age');
    }
  });
  writeBinders(w, e.binders);
}

/** Encoded size of the binders list, 2-byte length prefix included (RFC 8446 section 4.2.11.2). */
export function pskBindersLength(binders: readonly Uint8Array[]): number {
  let n = 2;
  for (const b of binders) n += 1 + b.length;
  return n;
}

function decodeRecordSizeLimit(r: ByteReader): RecordSizeLimitExtension {
  const limit = r.u16('record_size_limit');
  // RFC 8449 section 4: a value below 64 MUST be treated as a fatal illegal_parameter.
  if (limit < MIN_RECORD_SIZE_LIMIT) throw TlsError.illegalParameter(`record_size_limit ${limit} is below ${MIN_RECORD_SIZE_LIMIT}`);
  return { type: 'record_size_limit', limit };
}

function decodeCertificateAuthorities(r: ByteReader): CertificateAuthoritiesExtension {
  const authorities = r.list(2, 3, 0xffff, 'authorities', (lr) => lr.opaque16(1, 0xffff, 'DistinguishedName'));
  return { type: 'certificate_authorities', authorities };
}

function writeCertificateAuthorities(w: ByteWriter, e: CertificateAuthoritiesExtension): void {
  w.vector(2, 3, 0xffff, 'authorities', (lw) => {
    for (const dn of e.authorities) lw.opaque16(dn, 1, 0xffff, 'DistinguishedName');
  });
}

const T = ExtensionType;

// ---------------------------------------------------------------------------------------------
// ClientHello (RFC 8446 section 4.1.2: Extension extensions<8..2^16-1>; see messages.ts for the
// bounds actually applied)

export function decodeClientHelloExtensions(r: ByteReader, min: number, max: number): ClientHelloExtension[] {
  const exts = decodeBlock<ClientHelloExtension>(r, CH, min, max, (code, b) => {
    switch (code) {
      case T.server_name:
        return decodeServerName(b);
      case T.max_fragment_length:
        return decodeMaxFragmentLength(b);
      case T.supported_groups:
        return { type: 'supported_groups', groups: b.u16List(2, 2, 0xffff, 'named_group_list') };
      case T.signature_algorithms:
        return { type: 'signature_algorithms', schemes: b.u16List(2, 2, 0xfffe, 'supported_signature_algorithms') };
      case T.signature_algorithms_cert:
        return { type: 'signature_algorithms_cert', schemes: b.u16List(2, 2, 0xfffe, 'supported_signature_algorithms') };
      case T.application_layer_protocol_negotiation:
        return { type: 'application_layer_protocol_negotiation', protocols: decodeAlpnList(b) };
      case T.supported_versions:
        return { type: 'supported_versions', versions: b.u16List(1, 2, 254, 'versions') };
      case T.cookie:
        return { type: 'cookie', cookie: b.opaque16(1, 0xffff, 'cookie') };
      case T.psk_key_exchange_modes:
        return { type: 'psk_key_exchange_modes', modes: b.u8List(1, 1, 255, 'ke_modes') };
      case T.pre_shared_key:
        return decodeOfferedPsks(b);
      case T.early_data:
        return { type: 'early_data' };
      case T.key_share:
        return decodeClientKeyShare(b);
      case T.record_size_limit:
        return decodeRecordSizeLimit(b);
      case T.post_handshake_auth:
        return { type: 'post_handshake_auth' };
      case T.certificate_authorities:
        return decodeCertificateAuthorities(b);
      default:
        return undefined;
    }
  });
  // RFC 8446 section 4.2.11: pre_shared_key MUST be the last extension in the ClientHello.
  const psk = exts.findIndex((e) => extensionCode(e) === T.pre_shared_key);
  if (psk !== -1 && psk !== exts.length - 1) {
    throw TlsError.illegalParameter('client_hello: pre_shared_key is not the last extension');
  }
  return exts;
}

function encodeClientHelloExtension(e: ClientHelloExtension): EncodedExtension {
  return match(e)
    .with({ type: 'server_name' }, (x) => ({ code: T.server_name, write: (w: ByteWriter) => writeServerName(w, x) }))
    .with({ type: 'max_fragment_length' }, (x) => ({ code: T.max_fragment_length, write: (w: ByteWriter) => void w.u8(x.value) }))
    .with({ type: 'supported_groups' }, (x) => ({
      code: T.supported_groups,
      write: (w: ByteWriter) => void w.u16List(2, x.groups, 2, 0xffff, 'named_group_list'),
    }))
    .with({ type: 'signature_algorithms' }, (x) => ({
      code: T.signature_algorithms,
      write: (w: ByteWriter) => void w.u16List(2, x.schemes, 2, 0xfffe, 'supported_signature_algorithms'),
    }))
    .with({ type: 'signature_algorithms_cert' }, (x) => ({
      code: T.signature_algorithms_cert,
      write: (w: ByteWriter) => void w.u16List(2, x.schemes, 2, 0xfffe, 'supported_signature_algorithms'),
    }))
    .with({ type: 'application_layer_protocol_negotiation' }, (x) => ({
      code: T.application_layer_protocol_negotiation,
      write: (w: ByteWriter) => writeAlpnList(w, x.protocols),
    }))
    .with({ type: 'supported_versions' }, (x) => ({
      code: T.supported_versions,
      write: (w: ByteWriter) => void w.u16List(1, x.versions, 2, 254, 'versions'),
    }))
    .with({ type: 'cookie' }, (x) => ({ code: T.cookie, write: (w: ByteWriter) => void w.opaque16(x.cookie, 1, 0xffff, 'cookie') }))
    .with({ type: 'psk_key_exchange_modes' }, (x) => ({
      code: T.psk_key_exchange_modes,
      write: (w: ByteWriter) => void w.u8List(1, x.modes, 1, 255, 'ke_modes'),
    }))
    .with({ type: 'pre_shared_key' }, (x) => ({ code: T.pre_shared_key, write: (w: ByteWriter) => writeOfferedPsks(w, x) }))
    .with({ type: 'early_data' }, () => ({ code: T.early_data, write: () => {} }))
    .with({ type: 'key_share' }, (x) => ({
      code: T.key_share,
      write: (w: ByteWriter) =>
        void w.vector(2, 0, 0xffff, 'client_shares', (lw) => {
          for (const s of x.clientShares) writeKeyShareEntry(lw, s);
        }),
    }))
    .with({ type: 'record_size_limit' }, (x) => ({ code: T.record_size_limit, write: (w: ByteWriter) => void w.u16(x.limit) }))
    .with({ type: 'post_handshake_auth' }, () => ({ code: T.post_handshake_auth, write: () => {} }))
    .with({ type: 'certificate_authorities' }, (x) => ({
      code: T.certificate_authorities,
      write: (w: ByteWriter) => writeCertificateAuthorities(w, x),
    }))
    .with({ type: 'raw' }, raw)
    .exhaustive();
}

export function encodeClientHelloExtensions(w: ByteWriter, exts: readonly ClientHelloExtension[], min: number, max: number): void {
  const psk = exts.findIndex((e) => extensionCode(e) === T.pre_shared_key);
  if (psk !== -1 && psk !== exts.length - 1) {
    throw TlsError.internalError('client_hello: pre_shared_key must be the last extension');
  }
  encodeBlock(w, exts, CH, min, max, encodeClientHelloExtension);
}

// ---------------------------------------------------------------------------------------------
// ServerHello (RFC 8446 section 4.1.3)

export function decodeServerHelloExtensions(r: ByteReader, min: number, max: number): ServerHelloExtension[] {
  return decodeBlock<ServerHelloExtension>(r, SH, min, max, (code, b) => {
    switch (code) {
      case T.supported_versions:
        return { type: 'supported_versions', selectedVersion: b.u16('selected_version') };
      case T.key_share:
        return { type: 'key_share', serverShare: decodeKeyShareEntry(b) };
      case T.pre_shared_key:
        return { type: 'pre_shared_key', selectedIdentity: b.u16('selected_identity') };
      default:
        return undefined;
    }
  });
}

function encodeServerHelloExtension(e: ServerHelloExtension): EncodedExtension {
  return match(e)
    .with({ type: 'supported_versions' }, (x) => ({ code: T.supported_versions, write: (w: ByteWriter) => void w.u16(x.selectedVersion) }))
    .with({ type: 'key_share' }, (x) => ({ code: T.key_share, write: (w: ByteWriter) => writeKeyShareEntry(w, x.serverShare) }))
    .with({ type: 'pre_shared_key' }, (x) => ({ code: T.pre_shared_key, write: (w: ByteWriter) => void w.u16(x.selectedIdentity) }))
    .with({ type: 'raw' }, raw)
    .exhaustive();
}

export function encodeServerHelloExtensions(w: ByteWriter, exts: readonly ServerHelloExtension[], min: number, max: number): void {
  encodeBlock(w, exts, SH, min, max, encodeServerHelloExtension);
}

// ---------------------------------------------------------------------------------------------
// HelloRetryRequest (RFC 8446 section 4.1.4)

export function decodeHelloRetryRequestExtensions(r: ByteReader, min: number, max: number): HelloRetryRequestExtension[] {
  return decodeBlock<HelloRetryRequestExtension>(r, HRR, min, max, (code, b) => {
    switch (code) {
      case T.supported_versions:
        return { type: 'supported_versions', selectedVersion: b.u16('selected_version') };
      case T.key_share:
        return { type: 'key_share', selectedGroup: b.u16('selected_group') };
      case T.cookie:
        return { type: 'cookie', cookie: b.opaque16(1, 0xffff, 'cookie') };
      default:
        return undefined;
    }
  });
}

function encodeHelloRetryRequestExtension(e: HelloRetryRequestExtension): EncodedExtension {
  return match(e)
    .with({ type: 'supported_versions' }, (x) => ({ code: T.supported_versions, write: (w: ByteWriter) => void w.u16(x.selectedVersion) }))
    .with({ type: 'key_share' }, (x) => ({ code: T.key_share, write: (w: ByteWriter) => void w.u16(x.selectedGroup) }))
    .with({ type: 'cookie' }, (x) => ({ code: T.cookie, write: (w: ByteWriter) => void w.opaque16(x.cookie, 1, 0xffff, 'cookie') }))
    .with({ type: 'raw' }, raw)
    .exhaustive();
}

export function encodeHelloRetryRequestExtensions(w: ByteWriter, exts: readonly HelloRetryRequestExtension[], min: number, max: number): void {
  encodeBlock(w, exts, HRR, min, max, encodeHelloRetryRequestExtension);
}

// ---------------------------------------------------------------------------------------------
// EncryptedExtensions (RFC 8446 section 4.3.1)

export function decodeEncryptedExtensionsExtensions(r: ByteReader): EncryptedExtensionsExtension[] {
  return decodeBlock<EncryptedExtensionsExtension>(r, EE, 0, 0xffff, (code, b) => {
    switch (code) {
      case T.server_name:
        return { type: 'server_name' }; // RFC 6066 section 3: extension_data SHALL be empty
      case T.max_fragment_length:
        return decodeMaxFragmentLength(b);
      case T.supported_groups:
        return { type: 'supported_groups', groups: b.u16List(2, 2, 0xffff, 'named_group_list') };
      case T.application_layer_protocol_negotiation: {
        const protocols = decodeAlpnList(b);
        const [protocol] = protocols;
        // RFC 7301 section 3.1: the server's ProtocolNameList MUST contain exactly one name.
        if (protocol === undefined || protocols.length !== 1) {
          throw TlsError.illegalParameter(`application_layer_protocol_negotiation: server selected ${protocols.length} protocols`);
        }
        return { type: 'application_layer_protocol_negotiation', protocol };
      }
      case T.early_data:
        return { type: 'early_data' };
      case T.record_size_limit:
        return decodeRecordSizeLimit(b);
      default:
        return undefined;
    }
  });
}

function encodeEncryptedExtensionsExtension(e: EncryptedExtensionsExtension): EncodedExtension {
  return match(e)
    .with({ type: 'server_name' }, () => ({ code: T.server_name, write: () => {} }))
    .with({ type: 'max_fragment_length' }, (x) => ({ code: T.max_fragment_length, write: (w: ByteWriter) => void w.u8(x.value) }))
    .with({ type: 'supported_groups' }, (x) => ({
      code: T.supported_groups,
      write: (w: ByteWriter) => void w.u16List(2, x.groups, 2, 0xffff, 'named_group_list'),
    }))
    .with({ type: 'application_layer_protocol_negotiation' }, (x) => ({
      code: T.application_layer_protocol_negotiation,
      write: (w: ByteWriter) => writeAlpnList(w, [x.protocol]),
    }))
    .with({ type: 'early_data' }, () => ({ code: T.early_data, write: () => {} }))
    .with({ type: 'record_size_limit' }, (x) => ({ code: T.record_size_limit, write: (w: ByteWriter) => void w.u16(x.limit) }))
    .with({ type: 'raw' }, raw)
    .exhaustive();
}

export function encodeEncryptedExtensionsExtensions(w: ByteWriter, exts: readonly EncryptedExtensionsExtension[]): void {
  encodeBlock(w, exts, EE, 0, 0xffff, encodeEncryptedExtensionsExtension);
}

// ---------------------------------------------------------------------------------------------
// CertificateRequest (RFC 8446 section 4.3.2: Extension extensions<2..2^16-1>)

export function decodeCertificateRequestExtensions(r: ByteReader): CertificateRequestExtension[] {
  return decodeBlock<CertificateRequestExtension>(r, CR, 2, 0xffff, (code, b) => {
    switch (code) {
      case T.signature_algorithms:
        return { type: 'signature_algorithms', schemes: b.u16List(2, 2, 0xfffe, 'supported_signature_algorithms') };
      case T.signature_algorithms_cert:
        return { type: 'signature_algorithms_cert', schemes: b.u16List(2, 2, 0xfffe, 'supported_signature_algorithms') };
      case T.certificate_authorities:
        return decodeCertificateAuthorities(b);
      default:
        return undefined;
    }
  });
}

function encodeCertificateRequestExtension(e: CertificateRequestExtension): EncodedExtension {
  return match(e)
    .with({ type: 'signature_algorithms' }, (x) => ({
      code: T.signature_algorithms,
      write: (w: ByteWriter) => void w.u16List(2, x.schemes, 2, 0xfffe, 'supported_signature_algorithms'),
    }))
    .with({ type: 'signature_algorithms_cert' }, (x) => ({
      code: T.signature_algorithms_cert,
      write: (w: ByteWriter) => void w.u16List(2, x.schemes, 2, 0xfffe, 'supported_signature_algorithms'),
    }))
    .with({ type: 'certificate_authorities' }, (x) => ({
      code: T.certificate_authorities,
      write: (w: ByteWriter) => writeCertificateAuthorities(w, x),
    }))
    .with({ type: 'raw' }, raw)
    .exhaustive();
}

export function encodeCertificateRequestExtensions(w: ByteWriter, exts: readonly CertificateRequestExtension[]): void {
  encodeBlock(w, exts, CR, 2, 0xffff, encodeCertificateRequestExtension);
}

// ---------------------------------------------------------------------------------------------
// CertificateEntry (RFC 8446 section 4.4.2: Extension extensions<0..2^16-1>)

export function decodeCertificateEntryExtensions(r: ByteReader): CertificateEntryExtension[] {
  return decodeBlock<never>(r, CT, 0, 0xffff, () => undefined);
}

export function encodeCertificateEntryExtensions(w: ByteWriter, exts: readonly CertificateEntryExtension[]): void {
  encodeBlock(w, exts, CT, 0, 0xffff, raw);
}

// ---------------------------------------------------------------------------------------------
// NewSessionTicket (RFC 8446 section 4.6.1: Extension extensions<0..2^16-2>)

export function decodeNewSessionTicketExtensions(r: ByteReader): NewSessionTicketExtension[] {
  return decodeBlock<NewSessionTicketExtension>(r, NST, 0, 0xfffe, (code, b) => {
    if (code === T.early_data) return { type: 'early_data', maxEarlyDataSize: b.u32('max_early_data_size') };
    return undefined;
  });
}

function encodeNewSessionTicketExtension(e: NewSessionTicketExtension): EncodedExtension {
  return match(e)
    .with({ type: 'early_data' }, (x) => ({ code: T.early_data, write: (w: ByteWriter) => void w.u32(x.maxEarlyDataSize) }))
    .with({ type: 'raw' }, raw)
    .exhaustive();
}

export function encodeNewSessionTicketExtensions(w: ByteWriter, exts: readonly NewSessionTicketExtension[]): void {
  encodeBlock(w, exts, NST, 0, 0xfffe, encodeNewSessionTicketExtension);
}
