/**
 * TLS 1.3 code points (RFC 8446 section B and the IANA registries it creates).
 *
 * Each table is a frozen `as const` object plus a type of its values, so `ContentType.handshake` is
 * the literal `22` and narrows in `match`/`switch`. Fields that carry a code point received from the
 * peer are typed `number`: unknown values (GREASE, future suites) must survive decoding.
 */

type ValueOf<T> = T[keyof T];

/** RFC 8446 section 5.1 ContentType. */
export const ContentType = {
  invalid: 0,
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;
export type ContentType = ValueOf<typeof ContentType>;

/** RFC 8446 section 4 HandshakeType (only the values TLS 1.3 uses, plus the synthetic message_hash). */
export const HandshakeType = {
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  certificate_request: 13,
  certificate_verify: 15,
  finished: 20,
  key_update: 24,
  message_hash: 254,
} as const;
export type HandshakeType = ValueOf<typeof HandshakeType>;

/** RFC 8446 section 4.2 ExtensionType, plus RFC 8449 record_size_limit and a few common legacy ones. */
export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  heartbeat: 15,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  client_certificate_type: 19,
  server_certificate_type: 20,
  padding: 21,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  record_size_limit: 28,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
  renegotiation_info: 0xff01,
} as const;
export type ExtensionType = ValueOf<typeof ExtensionType>;

/** RFC 8446 section 6 AlertLevel. TLS 1.3 ignores it on receipt (section 6). */
export const AlertLevel = {
  warning: 1,
  fatal: 2,
} as const;
export type AlertLevel = ValueOf<typeof AlertLevel>;

/** RFC 8446 section 6 AlertDescription (TLS 1.3 values). */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;
export type AlertDescription = ValueOf<typeof AlertDescription>;

/** RFC 8446 section 4.2.7 NamedGroup. */
export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  x25519: 0x001d,
  x448: 0x001e,
  ffdhe2048: 0x0100,
  ffdhe3072: 0x0101,
  ffdhe4096: 0x0102,
  ffdhe6144: 0x0103,
  ffdhe8192: 0x0104,
} as const;
export type NamedGroup = ValueOf<typeof NamedGroup>;

/** RFC 8446 section 4.2.3 SignatureScheme. */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
  rsa_pkcs1_sha1: 0x0201,
  ecdsa_sha1: 0x0203,
} as const;
export type SignatureScheme = ValueOf<typeof SignatureScheme>;

/** RFC 8446 section B.4 cipher suites. */
export const CipherSuite = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
  TLS_AES_128_CCM_SHA256: 0x1304,
  TLS_AES_128_CCM_8_SHA256: 0x1305,
} as const;
export type CipherSuite = ValueOf<typeof CipherSuite>;

/** ProtocolVersion values (RFC 8446 sections 4.1.2, 4.2.1, 5.1). */
export const ProtocolVersion = {
  TLS10: 0x0301,
  TLS11: 0x0302,
  TLS12: 0x0303,
  TLS13: 0x0304,
} as const;
export type ProtocolVersion = ValueOf<typeof ProtocolVersion>;

/** RFC 8446 section 4.2.9 PskKeyExchangeMode. */
export const PskKeyExchangeMode = {
  psk_ke: 0,
  psk_dhe_ke: 1,
} as const;
export type PskKeyExchangeMode = ValueOf<typeof PskKeyExchangeMode>;

/** RFC 8446 section 4.6.3 KeyUpdateRequest. */
export const KeyUpdateRequest = {
  update_not_requested: 0,
  update_requested: 1,
} as const;
export type KeyUpdateRequest = ValueOf<typeof KeyUpdateRequest>;

/** RFC 6066 section 4 MaxFragmentLength: 2^9, 2^10, 2^11, 2^12 bytes. */
export const MaxFragmentLength = {
  '2^9': 1,
  '2^10': 2,
  '2^11': 3,
  '2^12': 4,
} as const;
export type MaxFragmentLength = ValueOf<typeof MaxFragmentLength>;

/** RFC 6066 section 3 NameType. */
export const NameType = { host_name: 0 } as const;

/** RFC 8446 section 5.1: TLSPlaintext.length MUST NOT exceed 2^14. */
export const MAX_PLAINTEXT_LENGTH = 1 << 14;
/** RFC 8446 section 5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256. */
export const MAX_CIPHERTEXT_LENGTH = (1 << 14) + 256;
/**
 * RFC 8449 section 4: record_size_limit counts the whole TLSInnerPlaintext in TLS 1.3 (content,
 * the content type octet, padding), so its largest value is 2^14 + 1; below 64 is illegal_parameter.
 */
export const MAX_RECORD_SIZE_LIMIT = (1 << 14) + 1;
export const MIN_RECORD_SIZE_LIMIT = 64;
/** type(1) + legacy_record_version(2) + length(2). */
export const RECORD_HEADER_LENGTH = 5;
/** msg_type(1) + length(3). */
export const HANDSHAKE_HEADER_LENGTH = 4;

/**
 * RFC 8446 section 4.1.3: a ServerHello whose random is SHA-256("HelloRetryRequest") is a
 * HelloRetryRequest. (Typed arrays cannot be frozen: treat as read-only.)
 */
export const HELLO_RETRY_REQUEST_RANDOM: Uint8Array = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** RFC 8446 section 4.1.3 downgrade sentinels: last 8 bytes of ServerHello.random. */
export const DOWNGRADE_TLS12: Uint8Array = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);
export const DOWNGRADE_TLS11: Uint8Array = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]);

function reverseTable(table: Record<string, number>): Map<number, string> {
  const m = new Map<number, string>();
  for (const [k, v] of Object.entries(table)) m.set(v, k);
  return m;
}

const handshakeNames = reverseTable(HandshakeType);
const extensionNames = reverseTable(ExtensionType);
const contentTypeNames = reverseTable(ContentType);

/** "client_hello", or "unknown(99)". */
export function handshakeTypeName(code: number): string {
  return handshakeNames.get(code) ?? `unknown(${code})`;
}

/** "key_share", or "unknown(0x1a1a)". */
export function extensionTypeName(code: number): string {
  return extensionNames.get(code) ?? `unknown(0x${code.toString(16).padStart(4, '0')})`;
}

export function contentTypeName(code: number): string {
  return contentTypeNames.get(code) ?? `unknown(${code})`;
}

export function isHandshakeType(code: number): code is HandshakeType {
  return handshakeNames.has(code);
}

/** The four record types RFC 8446 section 5.1 defines (0 = invalid is not one of them). */
export function isKnownContentType(code: number): code is Exclude<ContentType, 0> {
  return code === 20 || code === 21 || code === 22 || code === 23;
}
