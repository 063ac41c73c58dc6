/**
 * RFC 8448 traces through the wire codecs: decode every handshake message, check the fields, and
 * re-encode to the exact bytes of the trace.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as F from './fixtures-wire.js';
import {
  CipherSuite,
  ContentType,
  HandshakeReassembler,
  HandshakeType,
  NamedGroup,
  ProtocolVersion,
  PskKeyExchangeMode,
  RecordReader,
  SignatureScheme,
  decodeAlert,
  decodeHandshake,
  encodeClientHelloForBinders,
  encodeHandshake,
  findExtension,
  findRawExtension,
  ExtensionType,
  isHelloRetryRequest,
  messageHash,
  truncateReceivedClientHello,
  truncatedClientHelloLength,
  withPskBinders,
  type HandshakeMessage,
  type Role,
} from '../../backends/forge-tls13/wire/index.js';

/** Decodes one whole handshake message (header included) and checks it re-encodes identically. */
function roundTrip<K extends HandshakeType>(raw: Uint8Array, role: Role, expected: readonly K[]) {
  const r = new HandshakeReassembler();
  r.push(raw);
  const m = r.next();
  assert.ok(m, 'complete message');
  assert.ok(r.isEmpty());
  assert.deepEqual(m.raw, raw);
  const msg = decodeHandshake(m.type, m.body, { role, expected });
  assert.deepEqual(encodeHandshake(msg), raw, 're-encodes to the trace bytes');
  return msg;
}

const sigAlgsCH = [
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.ecdsa_secp521r1_sha512,
  SignatureScheme.ecdsa_sha1,
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pss_rsae_sha384,
  SignatureScheme.rsa_pss_rsae_sha512,
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pkcs1_sha384,
  SignatureScheme.rsa_pkcs1_sha512,
  SignatureScheme.rsa_pkcs1_sha1,
  0x0402,
  0x0502,
  0x0602,
  0x0202,
];
const allGroups = [
  NamedGroup.x25519,
  NamedGroup.secp256r1,
  NamedGroup.secp384r1,
  NamedGroup.secp521r1,
  NamedGroup.ffdhe2048,
  NamedGroup.ffdhe3072,
  NamedGroup.ffdhe4096,
  NamedGroup.ffdhe6144,
  NamedGroup.ffdhe8192,
];
const suites = [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384];

describe('RFC 8448 section 3: simple 1-RTT handshake', () => {
  it('ClientHello', () => {
    const ch = roundTrip(F.S3_CLIENT_HELLO, 'server', [HandshakeType.client_hello]);
    assert.equal(ch.type, HandshakeType.client_hello);
    assert.equal(ch.legacyVersion, 0x0303);
    assert.equal(Buffer.from(ch.random).toString('hex'), 'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7');
    assert.equal(ch.legacySessionId.length, 0);
    assert.deepEqual(ch.cipherSuites, suites);
    assert.deepEqual(ch.legacyCompressionMethods, [0]);
    assert.deepEqual(
      ch.extensions.map((e) => (e.type === 'raw' ? e.code : e.type)),
      [
        'server_name',
        0xff01,
        'supported_groups',
        ExtensionType.session_ticket,
        'key_share',
        'supported_versions',
        'signature_algorithms',
        'psk_key_exchange_modes',
        'record_size_limit',
      ],
    );
    assert.equal(findExtension(ch.extensions, 'server_name')?.hostName, 'server');
    assert.deepEqual(findExtension(ch.extensions, 'supported_groups')?.groups, allGroups);
    const ks = findExtension(ch.extensions, 'key_share');
    assert.equal(ks?.clientShares.length, 1);
    assert.equal(ks?.clientShares[0]?.group, NamedGroup.x25519);
    assert.deepEqual(ks?.clientShares[0]?.keyExchange, F.S3_CLIENT_X25519_PUBLIC);
    assert.deepEqual(findExtension(ch.extensions, 'supported_versions')?.versions, [ProtocolVersion.TLS13]);
    assert.deepEqual(findExtension(ch.extensions, 'signature_algorithms')?.schemes, sigAlgsCH);
    assert.deepEqual(findExtension(ch.extensions, 'psk_key_exchange_modes')?.modes, [PskKeyExchangeMode.psk_dhe_ke]);
    assert.equal(findExtension(ch.extensions, 'record_size_limit')?.limit, 0x4001);
    assert.deepEqual(findRawExtension(ch.extensions, 0xff01)?.data, Uint8Array.of(0));
    assert.equal(findExtension(ch.extensions, 'pre_shared_key'), undefined);
  });

  it('ClientHello record', () => {
    const rr = new RecordReader();
    rr.push(F.S3_CLIENT_HELLO_RECORD);
    const rec = rr.next();
    assert.ok(rec);
    assert.equal(rec.type, ContentType.handshake);
    assert.equal(rec.version, 0x0301);
    assert.deepEqual(rec.fragment, F.S3_CLIENT_HELLO);
    assert.equal(rr.next(), null);
    assert.ok(rr.isEmpty());
  });

  it('ServerHello', () => {
    const sh = roundTrip(F.S3_SERVER_HELLO, 'client', [HandshakeType.server_hello]);
    assert.equal(isHelloRetryRequest(sh), false);
    assert.ok(!sh.isHelloRetryRequest);
    assert.equal(Buffer.from(sh.random).toString('hex'), 'a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928');
    assert.equal(sh.cipherSuite, CipherSuite.TLS_AES_128_GCM_SHA256);
    assert.equal(sh.legacyCompressionMethod, 0);
    const ks = findExtension(sh.extensions, 'key_share');
    assert.equal(ks?.serverShare.group, NamedGroup.x25519);
    assert.deepEqual(ks?.serverShare.keyExchange, F.S3_SERVER_X25519_PUBLIC);
    assert.equal(findExtension(sh.extensions, 'supported_versions')?.selectedVersion, ProtocolVersion.TLS13);
  });

  it('EncryptedExtensions', () => {
    const ee = roundTrip(F.S3_SERVER_ENCRYPTED_EXTENSIONS, 'client', [HandshakeType.encrypted_extensions]);
    assert.deepEqual(
      ee.extensions.map((e) => e.type),
      ['supported_groups', 'record_size_limit', 'server_name'],
    );
    assert.deepEqual(findExtension(ee.extensions, 'supported_groups')?.groups, allGroups);
    assert.equal(findExtension(ee.extensions, 'record_size_limit')?.limit, 0x4001);
  });

  it('Certificate', () => {
    const c = roundTrip(F.S3_SERVER_CERTIFICATE, 'client', [HandshakeType.certificate]);
    assert.equal(c.certificateRequestContext.length, 0);
    assert.equal(c.certificateList.length, 1);
    const cert = c.certificateList[0]!;
    assert.equal(cert.data.length, 432);
    assert.deepEqual(cert.data, F.S3_SERVER_CERTIFICATE.subarray(11, 11 + 432));
    assert.equal(Buffer.from(cert.data.subarray(0, 4)).toString('hex'), '308201ac'); // DER SEQUENCE
    assert.equal(cert.extensions.length, 0);
  });

  it('CertificateVerify', () => {
    const cv = roundTrip(F.S3_SERVER_CERTIFICATE_VERIFY, 'client', [HandshakeType.certificate_verify]);
    assert.equal(cv.algorithm, SignatureScheme.rsa_pss_rsae_sha256);
    assert.equal(cv.signature.length, 128);
    assert.equal(Buffer.from(cv.signature.subarray(0, 4)).toString('hex'), '5a747c5d');
  });

  it('server and client Finished', () => {
    const sf = roundTrip(F.S3_SERVER_FINISHED, 'client', [HandshakeType.finished]);
    assert.equal(Buffer.from(sf.verifyData).toString('hex'), '9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718');
    const cf = decodeHandshake(HandshakeType.finished, F.S3_CLIENT_FINISHED.subarray(4), { role: 'server', hashLength: 32 });
    assert.equal(Buffer.from(cf.type === HandshakeType.finished ? cf.verifyData : new Uint8Array()).toString('hex'),
      'a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61');
  });

  it('the server flight: four messages in one record', () => {
    const r = new HandshakeReassembler();
    r.push(F.S3_SERVER_FLIGHT_PAYLOAD);
    const got: Uint8Array[] = [];
    for (let m = r.next(); m; m = r.next()) got.push(m.raw);
    assert.deepEqual(got, [
      F.S3_SERVER_ENCRYPTED_EXTENSIONS,
      F.S3_SERVER_CERTIFICATE,
      F.S3_SERVER_CERTIFICATE_VERIFY,
      F.S3_SERVER_FINISHED,
    ]);
    assert.ok(r.isEmpty());
  });

  it('protected records frame as application_data', () => {
    const rr = new RecordReader();
    rr.push(F.S3_SERVER_FLIGHT_RECORD);
    const rec = rr.next();
    assert.equal(rec?.type, ContentType.application_data);
    assert.equal(rec?.fragment.length, 674);
  });

  it('NewSessionTicket', () => {
    const nst = roundTrip(F.S3_SERVER_NEW_SESSION_TICKET, 'client', [HandshakeType.new_session_ticket]);
    assert.equal(nst.ticketLifetime, 30);
    assert.equal(nst.ticketAgeAdd, 0xfad6aac5);
    assert.deepEqual(nst.ticketNonce, Uint8Array.of(0, 0));
    assert.equal(nst.ticket.length, 178);
    assert.equal(Buffer.from(nst.ticket.subarray(0, 4)).toString('hex'), '2c035d82');
    assert.equal(findExtension(nst.extensions, 'early_data')?.maxEarlyDataSize, 1024);
  });

  it('close_notify payload', () => {
    assert.deepEqual(decodeAlert(F.S3_CLIENT_ALERT_PAYLOAD), { level: 1, description: 0 });
  });
});

describe('RFC 8448 section 4: resumed 0-RTT handshake', () => {
  const nst = decodeHandshake(HandshakeType.new_session_ticket, F.S3_SERVER_NEW_SESSION_TICKET.subarray(4), {
    role: 'client',
    expected: [HandshakeType.new_session_ticket],
  });

  it('ClientHello with early_data and pre_shared_key (last)', () => {
    const ch = roundTrip(F.S4_CLIENT_HELLO, 'server', [HandshakeType.client_hello]);
    assert.equal(ch.extensions.at(-1)?.type, 'pre_shared_key');
    assert.ok(findExtension(ch.extensions, 'early_data'));
    const padding = findRawExtension(ch.extensions, ExtensionType.padding);
    assert.equal(padding?.data.length, 0x57);
    const psk = findExtension(ch.extensions, 'pre_shared_key');
    assert.ok(psk);
    assert.equal(psk.identities.length, 1);
    assert.deepEqual(psk.identities[0]?.identity, nst.ticket);
    assert.equal(psk.identities[0]?.obfuscatedTicketAge, 0xfad6aacb);
    assert.deepEqual(psk.binders, [F.S4_CLIENT_PSK_BINDER]);
  });

  it('truncated ClientHello for binders matches the trace prefix', () => {
    const ch = decodeHandshake(HandshakeType.client_hello, F.S4_CLIENT_HELLO.subarray(4), {
      role: 'server',
      expected: [HandshakeType.client_hello],
    });
    assert.equal(truncatedClientHelloLength(ch), 477);
    assert.equal(F.S4_CLIENT_HELLO.length - truncatedClientHelloLength(ch), 2 + 1 + 32);
    assert.deepEqual(encodeClientHelloForBinders(ch), F.S4_CLIENT_HELLO_PREFIX);
    assert.deepEqual(truncateReceivedClientHello(F.S4_CLIENT_HELLO, ch), F.S4_CLIENT_HELLO_PREFIX);
    // The client's flow: placeholder binders, truncate, compute, fill in.
    const placeholder = withPskBinders(ch, [new Uint8Array(32)]);
    assert.deepEqual(encodeClientHelloForBinders(placeholder), F.S4_CLIENT_HELLO_PREFIX);
    assert.deepEqual(encodeHandshake(withPskBinders(placeholder, [F.S4_CLIENT_PSK_BINDER])), F.S4_CLIENT_HELLO);
    assert.throws(() => withPskBinders(ch, [new Uint8Array(48)]), { alert: 80 });
  });

  it('ServerHello with pre_shared_key', () => {
    const sh = roundTrip(F.S4_SERVER_HELLO, 'client', [HandshakeType.server_hello]);
    assert.ok(!sh.isHelloRetryRequest);
    assert.equal(findExtension(sh.extensions, 'pre_shared_key')?.selectedIdentity, 0);
    assert.equal(findExtension(sh.extensions, 'key_share')?.serverShare.group, NamedGroup.x25519);
  });

  it('EncryptedExtensions with early_data, EndOfEarlyData, Finished', () => {
    const ee = roundTrip(F.S4_SERVER_ENCRYPTED_EXTENSIONS, 'client', [HandshakeType.encrypted_extensions]);
    assert.ok(findExtension(ee.extensions, 'early_data'));
    const eoed = roundTrip(F.S4_CLIENT_END_OF_EARLY_DATA, 'server', [HandshakeType.end_of_early_data]);
    assert.equal(eoed.type, HandshakeType.end_of_early_data);
    roundTrip(F.S4_SERVER_FINISHED, 'client', [HandshakeType.finished]);
    roundTrip(F.S4_CLIENT_FINISHED, 'server', [HandshakeType.finished]);
  });

  it('ClientHello record (first record may use 0x0301)', () => {
    const rr = new RecordReader();
    rr.push(F.S4_CLIENT_HELLO_RECORD);
    const rec = rr.next();
    assert.equal(rec?.version, 0x0301);
    assert.deepEqual(rec?.fragment, F.S4_CLIENT_HELLO);
  });
});

describe('RFC 8448 section 5: HelloRetryRequest', () => {
  it('HelloRetryRequest is recognised by its random', () => {
    const hrr = roundTrip(F.S5_SERVER_HELLO_1, 'client', [HandshakeType.server_hello]);
    assert.ok(isHelloRetryRequest(hrr));
    assert.ok(hrr.isHelloRetryRequest);
    assert.equal(hrr.cipherSuite, CipherSuite.TLS_AES_128_GCM_SHA256);
    assert.equal(findExtension(hrr.extensions, 'key_share')?.selectedGroup, NamedGroup.secp256r1);
    assert.equal(findExtension(hrr.extensions, 'supported_versions')?.selectedVersion, ProtocolVersion.TLS13);
    assert.equal(findExtension(hrr.extensions, 'cookie')?.cookie.length, 114);
  });

  it('second ClientHello echoes the cookie and sends a P-256 share', () => {
    const ch1 = roundTrip(F.S5_CLIENT_HELLO_1, 'server', [HandshakeType.client_hello]);
    const ch2 = roundTrip(F.S5_CLIENT_HELLO_2, 'server', [HandshakeType.client_hello]);
    const hrr = decodeHandshake(HandshakeType.server_hello, F.S5_SERVER_HELLO_1.subarray(4), { role: 'client' });
    assert.ok(isHelloRetryRequest(hrr));
    assert.deepEqual(findExtension(ch2.extensions, 'cookie')?.cookie, findExtension(hrr.extensions, 'cookie')?.cookie);
    const share = findExtension(ch2.extensions, 'key_share')?.clientShares[0];
    assert.equal(share?.group, NamedGroup.secp256r1);
    assert.equal(share?.keyExchange.length, 65);
    assert.deepEqual(ch1.random, ch2.random);
  });

  it('rest of the handshake', () => {
    const sh = roundTrip(F.S5_SERVER_HELLO_2, 'client', [HandshakeType.server_hello]);
    assert.ok(!isHelloRetryRequest(sh));
    roundTrip(F.S5_SERVER_ENCRYPTED_EXTENSIONS, 'client', [HandshakeType.encrypted_extensions]);
    roundTrip(F.S5_SERVER_CERTIFICATE, 'client', [HandshakeType.certificate]);
    roundTrip(F.S5_SERVER_CERTIFICATE_VERIFY, 'client', [HandshakeType.certificate_verify]);
    roundTrip(F.S5_SERVER_FINISHED, 'client', [HandshakeType.finished]);
    roundTrip(F.S5_CLIENT_FINISHED, 'server', [HandshakeType.finished]);
  });

  it('message_hash encodes as 0xfe 00 00 Hash.length hash (RFC 8446 section 4.4.1)', () => {
    const h = new Uint8Array(32).fill(7);
    const enc = encodeHandshake(messageHash(h));
    assert.deepEqual(enc.subarray(0, 4), Uint8Array.of(254, 0, 0, 32));
    assert.deepEqual(enc.subarray(4), h);
  });
});

describe('RFC 8448 section 6: client authentication', () => {
  it('CertificateRequest', () => {
    const cr = roundTrip(F.S6_SERVER_CERTIFICATE_REQUEST, 'client', [HandshakeType.certificate_request]);
    assert.equal(cr.certificateRequestContext.length, 0);
    assert.deepEqual(findExtension(cr.extensions, 'signature_algorithms')?.schemes, sigAlgsCH);
  });

  it('server and client messages', () => {
    for (const [raw, role] of [
      [F.S6_CLIENT_HELLO, 'server'],
      [F.S6_SERVER_HELLO, 'client'],
      [F.S6_SERVER_ENCRYPTED_EXTENSIONS, 'client'],
      [F.S6_SERVER_CERTIFICATE, 'client'],
      [F.S6_SERVER_CERTIFICATE_VERIFY, 'client'],
      [F.S6_SERVER_FINISHED, 'client'],
      [F.S6_CLIENT_CERTIFICATE, 'server'],
      [F.S6_CLIENT_CERTIFICATE_VERIFY, 'server'],
      [F.S6_CLIENT_FINISHED, 'server'],
    ] as const) {
      const m: HandshakeMessage = roundTrip(raw, role, Object.values(HandshakeType));
      assert.equal(m.type, raw[0]);
    }
    const cv = decodeHandshake(HandshakeType.certificate_verify, F.S6_SERVER_CERTIFICATE_VERIFY.subarray(4), {
      role: 'client',
      expected: [HandshakeType.certificate_verify],
    });
    assert.equal(cv.algorithm, SignatureScheme.ecdsa_secp256r1_sha256);
  });

  it('client flight: Certificate, CertificateVerify, Finished in one record', () => {
    const r = new HandshakeReassembler();
    r.push(F.S6_CLIENT_FLIGHT_PAYLOAD);
    const types: number[] = [];
    for (let m = r.next(); m; m = r.next()) types.push(m.type);
    assert.deepEqual(types, [HandshakeType.certificate, HandshakeType.certificate_verify, HandshakeType.finished]);
  });
});

describe('RFC 8448 section 7: compatibility mode', () => {
  it('legacy_session_id is echoed', () => {
    const ch = roundTrip(F.S7_CLIENT_HELLO, 'server', [HandshakeType.client_hello]);
    const sh = roundTrip(F.S7_SERVER_HELLO, 'client', [HandshakeType.server_hello]);
    assert.equal(ch.legacySessionId.length, 32);
    assert.ok(!sh.isHelloRetryRequest);
    assert.deepEqual(sh.legacySessionIdEcho, ch.legacySessionId);
  });

  it('ServerHello record followed by change_cipher_spec', () => {
    const rr = new RecordReader();
    const stream = new Uint8Array([...F.S7_SERVER_HELLO_RECORD, ...F.S7_SERVER_CHANGE_CIPHER_SPEC_RECORD]);
    rr.push(stream);
    const a = rr.next();
    const b = rr.next();
    assert.equal(a?.type, ContentType.handshake);
    assert.deepEqual(a?.fragment, F.S7_SERVER_HELLO);
    assert.equal(b?.type, ContentType.change_cipher_spec);
    assert.deepEqual(b?.fragment, Uint8Array.of(1));
    assert.equal(rr.next(), null);
  });
});
