/**
 * Handshake message and extension validation: each rule with the alert it must produce.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as F from './fixtures-wire.js';
import {
  AlertDescription,
  ExtensionType,
  HELLO_RETRY_REQUEST_RANDOM,
  HandshakeType,
  NamedGroup,
  TlsError,
  alertName,
  decodeHandshake,
  encodeHandshake,
  findExtension,
  isExtensionAllowedIn,
  type ClientHello,
  type HandshakeMessage,
  type Role,
} from '../../backends/forge-tls13/wire/index.js';

const A = AlertDescription;
const T = ExtensionType;

function throwsAlert(fn: () => unknown, alert: number, msg?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TlsError, `expected TlsError, got ${String(e)}`);
    assert.equal(e.alertName, alertName(alert), `${msg ?? ''} ${e.message}`);
    return true;
  });
}

// --- byte builders ---------------------------------------------------------------------------
type Bytes = number[];
const u16 = (n: number): Bytes => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n: number): Bytes => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const u32 = (n: number): Bytes => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const v8 = (b: Bytes): Bytes => [b.length, ...b];
const v16 = (b: Bytes): Bytes => [...u16(b.length), ...b];
const v24 = (b: Bytes): Bytes => [...u24(b.length), ...b];
const ext = (code: number, data: Bytes): Bytes => [...u16(code), ...v16(data)];
const ascii = (s: string): Bytes => [...Buffer.from(s, 'ascii')];
const fill = (n: number, v = 0): Bytes => new Array<number>(n).fill(v);
const B = (b: Bytes): Uint8Array => Uint8Array.from(b);

const SV_CH = ext(T.supported_versions, v8(u16(0x0304)));
const KS_CH = ext(T.key_share, v16([...u16(NamedGroup.x25519), ...v16(fill(32, 9))]));
const SG = ext(T.supported_groups, v16(u16(NamedGroup.x25519)));
const SA = ext(T.signature_algorithms, v16(u16(0x0804)));
const BASE_EXTS = [SV_CH, KS_CH, SG, SA];

interface ChParts {
  sid?: Bytes;
  suites?: Bytes;
  comp?: Bytes;
  exts?: Bytes[] | null;
  extBlock?: Bytes;
  trailing?: Bytes;
}
function chBody(p: ChParts = {}): Uint8Array {
  const exts = p.exts === undefined ? BASE_EXTS : p.exts;
  const block = p.extBlock ?? (exts === null ? [] : v16(exts.flat()));
  return B([
    ...u16(0x0303),
    ...fill(32, 1),
    ...v8(p.sid ?? []),
    ...(p.suites ?? v16(u16(0x1301))),
    ...(p.comp ?? v8([0])),
    ...block,
    ...(p.trailing ?? []),
  ]);
}
const decodeCH = (body: Uint8Array): ClientHello =>
  decodeHandshake(HandshakeType.client_hello, body, { role: 'server', expected: [HandshakeType.client_hello] });
const chWith = (...exts: Bytes[]) => chBody({ exts: [...BASE_EXTS, ...exts] });

const SV_SH = ext(T.supported_versions, u16(0x0304));
const KS_SH = ext(T.key_share, [...u16(NamedGroup.x25519), ...v16(fill(32, 9))]);
function shBody(exts: Bytes[] | null, opts: { random?: Bytes; comp?: number } = {}): Uint8Array {
  return B([
    ...u16(0x0303),
    ...(opts.random ?? fill(32, 2)),
    ...v8([]),
    ...u16(0x1301),
    opts.comp ?? 0,
    ...(exts === null ? [] : v16(exts.flat())),
  ]);
}
const decodeSH = (body: Uint8Array) =>
  decodeHandshake(HandshakeType.server_hello, body, { role: 'client', expected: [HandshakeType.server_hello] });
const HRR_RANDOM = [...HELLO_RETRY_REQUEST_RANDOM];
const decodeEE = (exts: Bytes[]) => decodeHandshake(HandshakeType.encrypted_extensions, B(v16(exts.flat())), { role: 'client' });

describe('ClientHello validation', () => {
  it('baseline decodes and round-trips', () => {
    const body = chBody();
    const ch = decodeCH(body);
    assert.deepEqual(encodeHandshake(ch).subarray(4), body);
  });

  it('cipher_suites<2..2^16-2>: empty or odd length is decode_error', () => {
    throwsAlert(() => decodeCH(chBody({ suites: v16([]) })), A.decode_error);
    throwsAlert(() => decodeCH(chBody({ suites: v16([0x13, 0x01, 0x13]) })), A.decode_error);
  });

  it('legacy_session_id<0..32>', () => {
    assert.equal(decodeCH(chBody({ sid: fill(32, 5) })).legacySessionId.length, 32);
    throwsAlert(() => decodeCH(chBody({ sid: fill(33, 5) })), A.decode_error);
  });

  it('legacy_compression_methods: exactly [0] in a TLS 1.3 ClientHello, else illegal_parameter', () => {
    throwsAlert(() => decodeCH(chBody({ comp: v8([1]) })), A.illegal_parameter);
    throwsAlert(() => decodeCH(chBody({ comp: v8([1, 0]) })), A.illegal_parameter);
    throwsAlert(() => decodeCH(chBody({ comp: v8([0, 0]) })), A.illegal_parameter);
    throwsAlert(() => decodeCH(chBody({ comp: v8([]) })), A.decode_error);
    // A pre-1.3 ClientHello (no supported_versions with 0x0304) is left to the engine (protocol_version).
    const legacy = decodeCH(chBody({ comp: v8([1, 0]), exts: [SG, SA] }));
    assert.deepEqual(legacy.legacyCompressionMethods, [1, 0]);
  });

  it('extensions block: absent is allowed (section 4.1.2), otherwise <8..2^16-1> with nothing after it', () => {
    const noExt = decodeCH(chBody({ exts: null }));
    assert.deepEqual(noExt.extensions, []);
    assert.deepEqual(encodeHandshake(noExt).subarray(4), chBody({ exts: null }));
    throwsAlert(() => decodeCH(chBody({ extBlock: v16([]) })), A.decode_error);
    throwsAlert(() => decodeCH(chBody({ exts: [ext(T.early_data, [])] })), A.decode_error); // 4 < 8
    throwsAlert(() => decodeCH(chBody({ trailing: [0] })), A.decode_error);
    throwsAlert(() => decodeCH(chBody({ extBlock: [0, 50, ...SV_CH] })), A.decode_error); // block longer than data
    throwsAlert(() => decodeCH(chBody({ exts: null, trailing: [0] })), A.decode_error); // 1 byte is no block
  });

  it('duplicate extensions are illegal_parameter', () => {
    throwsAlert(() => decodeCH(chWith(SG.map((x) => x))), A.illegal_parameter);
    throwsAlert(() => decodeCH(chWith(ext(0x1a1a, []), ext(0x1a1a, [1]))), A.illegal_parameter);
  });

  it('unknown extensions are kept raw, in order', () => {
    const ch = decodeCH(chWith(ext(0x1a1a, [1, 2, 3]), ext(T.status_request, [1, 0, 0, 0, 0])));
    assert.deepEqual(ch.extensions.slice(-2), [
      { type: 'raw', code: 0x1a1a, data: B([1, 2, 3]) },
      { type: 'raw', code: T.status_request, data: B([1, 0, 0, 0, 0]) },
    ]);
  });

  it('an extension with trailing bytes inside it is decode_error', () => {
    throwsAlert(() => decodeCH(chBody({ exts: [ext(T.supported_versions, [...v8(u16(0x0304)), 0]), KS_CH] })), A.decode_error);
    throwsAlert(() => decodeCH(chWith(ext(T.early_data, [0]))), A.decode_error);
    throwsAlert(() => decodeCH(chWith(ext(T.post_handshake_auth, [0]))), A.decode_error);
    throwsAlert(() => decodeCH(chWith(ext(T.record_size_limit, [0x40, 0x00, 0x00]))), A.decode_error);
  });

  it('supported_versions<2..254>', () => {
    throwsAlert(() => decodeCH(chBody({ exts: [ext(T.supported_versions, v8([])), KS_CH] })), A.decode_error);
    throwsAlert(() => decodeCH(chBody({ exts: [ext(T.supported_versions, v8([3, 4, 3])), KS_CH] })), A.decode_error);
    throwsAlert(() => decodeCH(chBody({ exts: [ext(T.supported_versions, [])], trailing: [] })), A.decode_error);
  });

  it('supported_groups / signature_algorithms: empty or odd is decode_error', () => {
    throwsAlert(() => decodeCH(chBody({ exts: [SV_CH, ext(T.supported_groups, v16([]))] })), A.decode_error);
    throwsAlert(() => decodeCH(chBody({ exts: [SV_CH, ext(T.supported_groups, v16([0, 29, 0]))] })), A.decode_error);
    throwsAlert(() => decodeCH(chBody({ exts: [SV_CH, ext(T.signature_algorithms, v16([]))] })), A.decode_error);
    throwsAlert(() => decodeCH(chBody({ exts: [SV_CH, ext(T.signature_algorithms_cert, v16([8]))] })), A.decode_error);
  });

  it('server_name (RFC 6066 section 3)', () => {
    const sni = (list: Bytes) => ext(T.server_name, v16(list));
    assert.equal(findExtension(decodeCH(chWith(sni([0, ...v16(ascii('example.com'))]))).extensions, 'server_name')?.hostName, 'example.com');
    throwsAlert(() => decodeCH(chWith(sni([]))), A.decode_error); // empty list
    throwsAlert(() => decodeCH(chWith(sni([0, ...v16([])]))), A.decode_error); // empty host_name
    throwsAlert(() => decodeCH(chWith(sni([0, ...v16(ascii('a')), 0, ...v16(ascii('b'))]))), A.illegal_parameter); // two host_names
    throwsAlert(() => decodeCH(chWith(sni([1, ...v16(ascii('a'))]))), A.illegal_parameter); // unknown NameType
    throwsAlert(() => decodeCH(chWith(sni([0, ...v16([0x61, 0x00])]))), A.illegal_parameter); // not printable ASCII
    throwsAlert(() => decodeCH(chWith(sni([0, ...v16(ascii('ab')).slice(0, 3)]))), A.decode_error); // truncated
  });

  it('application_layer_protocol_negotiation (RFC 7301 section 3.1)', () => {
    const alpn = (list: Bytes) => ext(T.application_layer_protocol_negotiation, v16(list));
    const ch = decodeCH(chWith(alpn([...v8(ascii('h2')), ...v8(ascii('http/1.1'))])));
    assert.deepEqual(findExtension(ch.extensions, 'application_layer_protocol_negotiation')?.protocols, [B(ascii('h2')), B(ascii('http/1.1'))]);
    throwsAlert(() => decodeCH(chWith(alpn([]))), A.decode_error); // empty list
    throwsAlert(() => decodeCH(chWith(alpn([0, ...v8(ascii('h2'))]))), A.decode_error); // empty name
    throwsAlert(() => decodeCH(chWith(alpn([5, 0x68]))), A.decode_error); // name overruns the list
  });

  it('max_fragment_length: 1..4, else illegal_parameter (RFC 6066 section 4)', () => {
    assert.equal(findExtension(decodeCH(chWith(ext(T.max_fragment_length, [4]))).extensions, 'max_fragment_length')?.value, 4);
    throwsAlert(() => decodeCH(chWith(ext(T.max_fragment_length, [0]))), A.illegal_parameter);
    throwsAlert(() => decodeCH(chWith(ext(T.max_fragment_length, [5]))), A.illegal_parameter);
    throwsAlert(() => decodeCH(chWith(ext(T.max_fragment_length, []))), A.decode_error);
  });

  it('record_size_limit below 64 is illegal_parameter (RFC 8449 section 4)', () => {
    assert.equal(findExtension(decodeCH(chWith(ext(T.record_size_limit, u16(64)))).extensions, 'record_size_limit')?.limit, 64);
    throwsAlert(() => decodeCH(chWith(ext(T.record_size_limit, u16(63)))), A.illegal_parameter);
  });

  it('key_share: duplicate groups illegal_parameter, empty key_exchange decode_error, empty list allowed', () => {
    const share = (g: number, n: number) => [...u16(g), ...v16(fill(n, 1))];
    const ks = (list: Bytes) => ext(T.key_share, v16(list));
    throwsAlert(() => decodeCH(chBody({ exts: [SV_CH, ks([...share(29, 32), ...share(29, 32)])] })), A.illegal_parameter);
    throwsAlert(() => decodeCH(chBody({ exts: [SV_CH, ks(share(29, 0))] })), A.decode_error);
    assert.deepEqual(findExtension(decodeCH(chBody({ exts: [SV_CH, ks([])] })).extensions, 'key_share')?.clientShares, []);
  });

  it('psk_key_exchange_modes<1..255>, cookie<1..2^16-1>', () => {
    throwsAlert(() => decodeCH(chWith(ext(T.psk_key_exchange_modes, v8([])))), A.decode_error);
    assert.deepEqual(findExtension(decodeCH(chWith(ext(T.psk_key_exchange_modes, v8([0, 1, 7])))).extensions, 'psk_key_exchange_modes')?.modes, [0, 1, 7]);
    throwsAlert(() => decodeCH(chWith(ext(T.cookie, v16([])))), A.decode_error);
  });

  describe('pre_shared_key (RFC 8446 section 4.2.11)', () => {
    const identity = (len: number) => [...v16(fill(len, 3)), ...u32(12345)];
    const psk = (ids: Bytes, binders: Bytes) => ext(T.pre_shared_key, [...v16(ids), ...v16(binders)]);
    const PSK_MODES = ext(T.psk_key_exchange_modes, v8([1]));

    it('decodes when last', () => {
      const ch = decodeCH(chWith(PSK_MODES, psk(identity(10), v8(fill(32, 4)))));
      const p = findExtension(ch.extensions, 'pre_shared_key');
      assert.equal(p?.identities[0]?.obfuscatedTicketAge, 12345);
      assert.equal(p?.binders[0]?.length, 32);
    });
    it('must be the last extension: illegal_parameter', () => {
      throwsAlert(() => decodeCH(chWith(psk(identity(10), v8(fill(32, 4))), PSK_MODES)), A.illegal_parameter);
    });
    it('identities and binders must pair up: illegal_parameter', () => {
      throwsAlert(() => decodeCH(chWith(PSK_MODES, psk([...identity(10), ...identity(4)], v8(fill(32, 4))))), A.illegal_parameter);
    });
    it('bounds: identity<1..>, identities<7..>, binder<32..255>, binders<33..>', () => {
      throwsAlert(() => decodeCH(chWith(psk(identity(0), v8(fill(32))))), A.decode_error);
      throwsAlert(() => decodeCH(chWith(psk([], v8(fill(32))))), A.decode_error);
      throwsAlert(() => decodeCH(chWith(psk(identity(10), v8(fill(31))))), A.decode_error);
      throwsAlert(() => decodeCH(chWith(psk(identity(10), []))), A.decode_error);
      throwsAlert(() => decodeCH(chWith(ext(T.pre_shared_key, [...v16(identity(10)), ...v16(v8(fill(32))), 0]))), A.decode_error);
    });
    it('encoding refuses a pre_shared_key that is not last (internal_error)', () => {
      const ch = decodeCH(chWith(PSK_MODES, psk(identity(10), v8(fill(32, 4)))));
      const bad: ClientHello = { ...ch, extensions: [...ch.extensions].reverse() };
      throwsAlert(() => encodeHandshake(bad), A.internal_error);
    });
  });

  it('extensions not allowed in a ClientHello (oid_filters) are illegal_parameter', () => {
    throwsAlert(() => decodeCH(chWith(ext(T.oid_filters, v16([])))), A.illegal_parameter);
  });

  it('truncation anywhere inside a complete message is decode_error', () => {
    const body = F.S3_CLIENT_HELLO.subarray(4);
    const endOfCompression = 2 + 32 + 1 + 2 + 6 + 2;
    for (let n = 0; n < body.length; n++) {
      if (n === endOfCompression) {
        assert.deepEqual(decodeCH(body.subarray(0, n)).extensions, []); // legitimately no extensions
        continue;
      }
      throwsAlert(() => decodeCH(body.subarray(0, n)), A.decode_error, `cut at ${n}`);
    }
  });

  it('encoder enforces RFC bounds (internal_error)', () => {
    const ch = decodeCH(chBody());
    throwsAlert(() => encodeHandshake({ ...ch, cipherSuites: [] }), A.internal_error);
    throwsAlert(() => encodeHandshake({ ...ch, random: new Uint8Array(31) }), A.internal_error);
    throwsAlert(() => encodeHandshake({ ...ch, legacySessionId: new Uint8Array(33) }), A.internal_error);
    throwsAlert(() => encodeHandshake({ ...ch, extensions: [{ type: 'server_name', hostName: '' }] }), A.internal_error);
    throwsAlert(() => encodeHandshake({ ...ch, extensions: [...ch.extensions, { type: 'application_layer_protocol_negotiation', protocols: [] }] }), A.internal_error);
    throwsAlert(() => encodeHandshake({ ...ch, extensions: [...ch.extensions, { type: 'raw', code: T.supported_groups, data: B([]) }] }), A.internal_error); // duplicate
    throwsAlert(() => encodeHandshake({ ...ch, extensions: [...ch.extensions, { type: 'raw', code: T.oid_filters, data: B([]) }] }), A.internal_error); // not allowed
  });
});

describe('ServerHello / HelloRetryRequest validation', () => {
  it('baseline ServerHello', () => {
    const sh = decodeSH(shBody([SV_SH, KS_SH]));
    assert.ok(sh.type === HandshakeType.server_hello && !sh.isHelloRetryRequest);
    assert.deepEqual(encodeHandshake(sh).subarray(4), shBody([SV_SH, KS_SH]));
  });

  it('a TLS 1.2 ServerHello (no supported_versions) decodes, even with a short block or none', () => {
    const renegInfo = ext(T.renegotiation_info, [0]); // 5 bytes
    const sh = decodeSH(shBody([renegInfo], { comp: 0 }));
    assert.equal(sh.extensions.length, 1);
    assert.deepEqual(decodeSH(shBody(null)).extensions, []);
  });

  it('legacy_compression_method must be 0 in TLS 1.3: illegal_parameter', () => {
    throwsAlert(() => decodeSH(shBody([SV_SH, KS_SH], { comp: 1 })), A.illegal_parameter);
    throwsAlert(() => decodeSH(shBody([SV_SH], { comp: 1, random: HRR_RANDOM })), A.illegal_parameter);
  });

  it('supported_versions in a ServerHello is exactly one version', () => {
    throwsAlert(() => decodeSH(shBody([ext(T.supported_versions, v8(u16(0x0304)))])), A.decode_error);
    throwsAlert(() => decodeSH(shBody([ext(T.supported_versions, [3])])), A.decode_error);
  });

  it('extensions not allowed in a ServerHello are illegal_parameter', () => {
    for (const code of [T.server_name, T.early_data, T.cookie, T.supported_groups, T.application_layer_protocol_negotiation]) {
      throwsAlert(() => decodeSH(shBody([SV_SH, ext(code, [])])), A.illegal_parameter, `ext ${code}`);
    }
  });

  it('duplicate extensions are illegal_parameter', () => {
    throwsAlert(() => decodeSH(shBody([SV_SH, KS_SH, KS_SH])), A.illegal_parameter);
  });

  it('HelloRetryRequest: its own extension meanings and allowed set', () => {
    const hrr = decodeSH(shBody([SV_SH, ext(T.key_share, u16(NamedGroup.secp256r1)), ext(T.cookie, v16([1, 2]))], { random: HRR_RANDOM }));
    assert.ok(hrr.type === HandshakeType.server_hello && hrr.isHelloRetryRequest);
    assert.equal(findExtension(hrr.extensions, 'key_share')?.selectedGroup, NamedGroup.secp256r1);
    throwsAlert(() => decodeSH(shBody([SV_SH, ext(T.pre_shared_key, u16(0))], { random: HRR_RANDOM })), A.illegal_parameter);
    throwsAlert(() => decodeSH(shBody([SV_SH, KS_SH], { random: HRR_RANDOM })), A.decode_error); // a ServerHello-style key_share
    throwsAlert(() => decodeSH(shBody(null, { random: HRR_RANDOM })), A.decode_error); // block required
    throwsAlert(() => decodeSH(shBody([ext(T.cookie, [0, 0])], { random: HRR_RANDOM })), A.decode_error); // cookie<1..>
  });

  it('a ServerHello cannot be encoded with the HelloRetryRequest random', () => {
    const sh = decodeSH(shBody([SV_SH, KS_SH]));
    assert.ok(!sh.isHelloRetryRequest);
    throwsAlert(() => encodeHandshake({ ...sh, random: Uint8Array.from(HRR_RANDOM) }), A.internal_error);
  });

  it('truncation is decode_error (except the legitimate no-extensions cut)', () => {
    const body = F.S3_SERVER_HELLO.subarray(4);
    for (let n = 0; n < body.length; n++) {
      if (n === 38) continue;
      throwsAlert(() => decodeSH(body.subarray(0, n)), A.decode_error, `cut at ${n}`);
    }
    const hrr = F.S5_SERVER_HELLO_1.subarray(4);
    for (let n = 0; n < hrr.length; n++) throwsAlert(() => decodeSH(hrr.subarray(0, n)), A.decode_error, `cut at ${n}`);
  });
});

describe('EncryptedExtensions validation', () => {
  it('server_name ack must be empty', () => {
    assert.deepEqual(decodeEE([ext(T.server_name, [])]).type, HandshakeType.encrypted_extensions);
    throwsAlert(() => decodeEE([ext(T.server_name, [0])]), A.decode_error);
  });

  it('ALPN: exactly one protocol, else illegal_parameter', () => {
    const alpn = (list: Bytes) => ext(T.application_layer_protocol_negotiation, v16(list));
    const ee = decodeEE([alpn(v8(ascii('h2')))]);
    assert.ok(ee.type === HandshakeType.encrypted_extensions);
    assert.deepEqual(findExtension(ee.extensions, 'application_layer_protocol_negotiation')?.protocol, B(ascii('h2')));
    throwsAlert(() => decodeEE([alpn([...v8(ascii('h2')), ...v8(ascii('h3'))])]), A.illegal_parameter);
    throwsAlert(() => decodeEE([alpn([])]), A.decode_error);
  });

  it('forbidden extensions are illegal_parameter (section 4.3.1)', () => {
    for (const code of [T.key_share, T.supported_versions, T.pre_shared_key, T.signature_algorithms, T.cookie, T.psk_key_exchange_modes, T.padding]) {
      throwsAlert(() => decodeEE([ext(code, [])]), A.illegal_parameter, `ext ${code}`);
    }
  });

  it('early_data in EncryptedExtensions is empty', () => {
    throwsAlert(() => decodeEE([ext(T.early_data, u32(5))]), A.decode_error);
  });

  it('trailing bytes after the block are decode_error', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.encrypted_extensions, B([0, 0, 0]), { role: 'client' }), A.decode_error);
    throwsAlert(() => decodeHandshake(HandshakeType.encrypted_extensions, B([]), { role: 'client' }), A.decode_error);
  });
});

describe('CertificateRequest, Certificate, CertificateVerify, Finished', () => {
  const cr = (ctx: Bytes, exts: Bytes[]) =>
    decodeHandshake(HandshakeType.certificate_request, B([...v8(ctx), ...v16(exts.flat())]), { role: 'client' });

  it('CertificateRequest needs signature_algorithms (missing_extension)', () => {
    assert.equal(cr([], [SA]).type, HandshakeType.certificate_request);
    throwsAlert(() => cr([], [ext(T.signature_algorithms_cert, v16(u16(0x0804)))]), A.missing_extension);
    throwsAlert(() => cr([], []), A.decode_error); // extensions<2..2^16-1>
    throwsAlert(() => cr([], [SA, ext(T.key_share, [])]), A.illegal_parameter);
    const withCa = cr([7], [SA, ext(T.certificate_authorities, v16(v16([0x30, 0])))]);
    assert.ok(withCa.type === HandshakeType.certificate_request);
    assert.deepEqual(withCa.certificateRequestContext, B([7]));
    assert.deepEqual(findExtension(withCa.extensions, 'certificate_authorities')?.authorities, [B([0x30, 0])]);
  });

  const cert = (ctx: Bytes, entries: Bytes, role: Role) =>
    decodeHandshake(HandshakeType.certificate, B([...v8(ctx), ...v24(entries)]), { role });
  const entry = (data: Bytes, exts: Bytes[] = []) => [...v24(data), ...v16(exts.flat())];

  it('Certificate: entries, per-entry extensions', () => {
    const c = cert([], [...entry([0x30, 1, 2], [ext(T.status_request, [1, 2])]), ...entry([0x30, 3])], 'client');
    assert.ok(c.type === HandshakeType.certificate);
    assert.equal(c.certificateList.length, 2);
    assert.deepEqual(c.certificateList[0]?.extensions, [{ type: 'raw', code: T.status_request, data: B([1, 2]) }]);
    assert.deepEqual(encodeHandshake(c).subarray(4), B([...v8([]), ...v24([...entry([0x30, 1, 2], [ext(T.status_request, [1, 2])]), ...entry([0x30, 3])])]));
  });

  it('Certificate: empty from the server is decode_error; empty from the client is fine', () => {
    throwsAlert(() => cert([], [], 'client'), A.decode_error);
    const c = cert([1, 2], [], 'server');
    assert.ok(c.type === HandshakeType.certificate && c.certificateList.length === 0);
  });

  it('Certificate: bad entries', () => {
    throwsAlert(() => cert([], entry([]), 'client'), A.decode_error); // cert_data<1..>
    throwsAlert(() => cert([], [...entry([1]), 0], 'client'), A.decode_error); // trailing inside the list
    throwsAlert(() => cert([], entry([1], [ext(T.key_share, [])]), 'client'), A.illegal_parameter); // not allowed per entry
    throwsAlert(() => cert([], entry([1], [ext(5, []), ext(5, [])]), 'client'), A.illegal_parameter); // duplicate
    throwsAlert(() => cert([9], entry([1]), 'client'), A.illegal_parameter); // server context must be empty
  });

  it('CertificateVerify', () => {
    const cv = decodeHandshake(HandshakeType.certificate_verify, B([8, 4, ...v16([1, 2, 3])]), { role: 'client' });
    assert.ok(cv.type === HandshakeType.certificate_verify && cv.algorithm === 0x0804);
    throwsAlert(() => decodeHandshake(HandshakeType.certificate_verify, B([8, 4, ...v16([1, 2, 3]), 0]), { role: 'client' }), A.decode_error);
    throwsAlert(() => decodeHandshake(HandshakeType.certificate_verify, B([8, 4, 0, 5, 1]), { role: 'client' }), A.decode_error);
  });

  it('Finished: verify_data length must equal Hash.length', () => {
    const fin = (n: number, hashLength?: number) =>
      decodeHandshake(HandshakeType.finished, new Uint8Array(n), hashLength === undefined ? { role: 'client' } : { role: 'client', hashLength });
    assert.equal(fin(32).type, HandshakeType.finished);
    assert.equal(fin(48).type, HandshakeType.finished);
    assert.equal(fin(48, 48).type, HandshakeType.finished);
    throwsAlert(() => fin(32, 48), A.decode_error);
    throwsAlert(() => fin(33), A.decode_error);
    throwsAlert(() => fin(0), A.decode_error);
  });

  it('truncation of every trace message body is decode_error', () => {
    const cases: [Uint8Array, Role][] = [
      [F.S3_SERVER_ENCRYPTED_EXTENSIONS, 'client'],
      [F.S3_SERVER_CERTIFICATE, 'client'],
      [F.S3_SERVER_CERTIFICATE_VERIFY, 'client'],
      [F.S3_SERVER_FINISHED, 'client'],
      [F.S3_SERVER_NEW_SESSION_TICKET, 'client'],
      [F.S6_SERVER_CERTIFICATE_REQUEST, 'client'],
      [F.S6_CLIENT_CERTIFICATE, 'server'],
      [F.S4_CLIENT_HELLO, 'server'],
    ];
    for (const [raw, role] of cases) {
      const body = raw.subarray(4);
      const lastValidCut = raw[0] === HandshakeType.client_hello ? 2 + 32 + 1 + 2 + 6 + 2 : -1;
      for (let n = 0; n < body.length; n++) {
        if (n === lastValidCut) continue;
        throwsAlert(() => decodeHandshake(raw[0]!, body.subarray(0, n), { role }), A.decode_error, `type ${raw[0]} cut at ${n}`);
      }
      const extra = new Uint8Array([...body, 0]);
      throwsAlert(() => decodeHandshake(raw[0]!, extra, { role }), A.decode_error, `type ${raw[0]} + trailing byte`);
    }
  });
});

describe('post-handshake messages', () => {
  it('NewSessionTicket bounds and extensions', () => {
    const nst = (nonce: Bytes, ticket: Bytes, exts: Bytes[]) =>
      decodeHandshake(HandshakeType.new_session_ticket, B([...u32(7200), ...u32(1), ...v8(nonce), ...v16(ticket), ...v16(exts.flat())]), {
        role: 'client',
      });
    const ok = nst([], [1], [ext(T.early_data, u32(16384))]);
    assert.ok(ok.type === HandshakeType.new_session_ticket);
    assert.equal(findExtension(ok.extensions, 'early_data')?.maxEarlyDataSize, 16384);
    throwsAlert(() => nst([], [], []), A.decode_error); // ticket<1..>
    throwsAlert(() => nst([], [1], [ext(T.early_data, [])]), A.decode_error); // early_data needs the u32 here
    throwsAlert(() => nst([], [1], [ext(T.key_share, [])]), A.illegal_parameter);
  });

  it('KeyUpdate: request_update 0 or 1, else illegal_parameter', () => {
    const ku = (b: Bytes) => decodeHandshake(HandshakeType.key_update, B(b), { role: 'server' });
    assert.deepEqual(ku([0]), { type: HandshakeType.key_update, requestUpdate: 0 });
    assert.deepEqual(ku([1]), { type: HandshakeType.key_update, requestUpdate: 1 });
    throwsAlert(() => ku([2]), A.illegal_parameter);
    throwsAlert(() => ku([1, 0]), A.decode_error);
    throwsAlert(() => ku([]), A.decode_error);
  });

  it('EndOfEarlyData has an empty body', () => {
    throwsAlert(() => decodeHandshake(HandshakeType.end_of_early_data, B([0]), { role: 'server' }), A.decode_error);
  });
});

describe('decodeHandshake dispatch', () => {
  it('unknown types, message_hash, wrong direction and unexpected types are unexpected_message', () => {
    throwsAlert(() => decodeHandshake(99, B([]), { role: 'client' }), A.unexpected_message);
    throwsAlert(() => decodeHandshake(HandshakeType.message_hash, new Uint8Array(32), { role: 'client' }), A.unexpected_message);
    throwsAlert(() => decodeHandshake(HandshakeType.client_hello, F.S3_CLIENT_HELLO.subarray(4), { role: 'client' }), A.unexpected_message);
    throwsAlert(() => decodeHandshake(HandshakeType.server_hello, F.S3_SERVER_HELLO.subarray(4), { role: 'server' }), A.unexpected_message);
    throwsAlert(() => decodeHandshake(HandshakeType.end_of_early_data, B([]), { role: 'client' }), A.unexpected_message);
    throwsAlert(() => decodeHandshake(HandshakeType.certificate_request, F.S6_SERVER_CERTIFICATE_REQUEST.subarray(4), { role: 'server' }), A.unexpected_message);
    throwsAlert(
      () => decodeHandshake(HandshakeType.finished, F.S3_SERVER_FINISHED.subarray(4), { role: 'client', expected: [HandshakeType.certificate, HandshakeType.certificate_verify] }),
      A.unexpected_message,
    );
  });

  it('expected narrows the result type', () => {
    const m = decodeHandshake(HandshakeType.finished, F.S3_SERVER_FINISHED.subarray(4), { role: 'client', expected: [HandshakeType.finished] });
    // Compiles only because m is Finished.
    assert.equal(m.verifyData.length, 32);
    const any: HandshakeMessage = decodeHandshake(HandshakeType.finished, F.S3_SERVER_FINISHED.subarray(4), { role: 'client' });
    assert.equal(any.type, HandshakeType.finished);
  });

  it('allowed-extension table follows RFC 8446 section 4.2', () => {
    assert.ok(isExtensionAllowedIn(T.key_share, 'hello_retry_request'));
    assert.ok(!isExtensionAllowedIn(T.key_share, 'encrypted_extensions'));
    assert.ok(isExtensionAllowedIn(T.status_request, 'certificate'));
    assert.ok(isExtensionAllowedIn(T.early_data, 'new_session_ticket'));
    assert.ok(isExtensionAllowedIn(0x1a1a, 'server_hello')); // unknown: engine decides
  });
});
