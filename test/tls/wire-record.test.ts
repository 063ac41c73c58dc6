/**
 * Record framing, handshake reassembly and alerts: streaming behaviour and negative cases.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as F from './fixtures-wire.js';
import {
  AlertDescription,
  AlertLevel,
  CLOSE_NOTIFY,
  ContentType,
  HandshakeReassembler,
  HandshakeType,
  MAX_CIPHERTEXT_LENGTH,
  MAX_PLAINTEXT_LENGTH,
  RecordReader,
  TlsError,
  alertFor,
  alertName,
  checkChangeCipherSpec,
  checkPlaintextFragment,
  decodeAlert,
  encodeAlert,
  encodeChangeCipherSpecRecord,
  encodeHandshake,
  encodeRecord,
  encodeRecordHeader,
  fragmentPlaintext,
  isClosureAlert,
  type RawHandshake,
  type TlsRecord,
} from '../../backends/forge-tls13/wire/index.js';

const A = AlertDescription;

function throwsAlert(fn: () => unknown, alert: number, msg?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TlsError, `expected TlsError, got ${String(e)}`);
    assert.equal(e.alertName, alertName(alert), msg ?? e.message);
    assert.equal(e.origin, 'local');
    return true;
  });
}

/** Deterministic PRNG (mulberry32) for chunking. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chunks(bytes: Uint8Array, sizes: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = Math.max(1, sizes());
    out.push(bytes.slice(i, i + n));
    i += n;
  }
  return out;
}

function readAllRecords(parts: Uint8Array[]): TlsRecord[] {
  const rr = new RecordReader();
  const out: TlsRecord[] = [];
  for (const p of parts) {
    rr.push(p);
    for (let r = rr.next(); r; r = rr.next()) out.push(r);
  }
  assert.ok(rr.isEmpty());
  return out;
}

function reassembleAll(parts: Uint8Array[]): RawHandshake[] {
  const h = new HandshakeReassembler();
  const out: RawHandshake[] = [];
  for (const p of parts) {
    h.push(p);
    for (let m = h.next(); m; m = h.next()) out.push(m);
  }
  assert.ok(h.isEmpty());
  return out;
}

const concat = (...xs: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(xs.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of xs) {
    out.set(x, o);
    o += x.length;
  }
  return out;
};

const stream = concat(
  F.S3_CLIENT_HELLO_RECORD,
  F.S3_SERVER_HELLO_RECORD,
  F.S7_SERVER_CHANGE_CIPHER_SPEC_RECORD,
  F.S3_SERVER_FLIGHT_RECORD,
  encodeRecord(ContentType.application_data, new Uint8Array(0)),
  encodeRecord(ContentType.alert, encodeAlert(CLOSE_NOTIFY)),
);

describe('RecordReader', () => {
  const whole = readAllRecords([stream]);

  it('reads a stream of records', () => {
    assert.deepEqual(
      whole.map((r) => [r.type, r.fragment.length]),
      [
        [ContentType.handshake, 196],
        [ContentType.handshake, 90],
        [ContentType.change_cipher_spec, 1],
        [ContentType.application_data, 674],
        [ContentType.application_data, 0],
        [ContentType.alert, 2],
      ],
    );
    assert.equal(whole[0]?.version, 0x0301);
    assert.equal(whole[1]?.version, 0x0303);
  });

  it('one byte at a time gives the same records', () => {
    assert.deepEqual(readAllRecords(chunks(stream, () => 1)), whole);
  });

  it('random chunks give the same records', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rnd = prng(seed);
      assert.deepEqual(readAllRecords(chunks(stream, () => Math.floor(rnd() * 300))), whole);
    }
  });

  it('an incomplete record is "need more bytes" (null), not an error', () => {
    const rr = new RecordReader();
    rr.push(F.S3_CLIENT_HELLO_RECORD.subarray(0, 100));
    assert.equal(rr.next(), null);
    assert.equal(rr.bufferedLength, 100);
    assert.ok(!rr.isEmpty());
    rr.push(F.S3_CLIENT_HELLO_RECORD.subarray(100));
    assert.deepEqual(rr.next()?.fragment, F.S3_CLIENT_HELLO);
  });

  it('unknown content types are unexpected_message, from the first byte', () => {
    for (const t of [0, 19, 24, 0x80, 0xff]) {
      const rr = new RecordReader();
      rr.push(Uint8Array.of(t));
      throwsAlert(() => rr.next(), A.unexpected_message, `type ${t}`);
    }
  });

  it('legacy_record_version: any 0x03xx accepted, other major bytes are decode_error', () => {
    for (const v of [0x0300, 0x0301, 0x0303, 0x0304, 0x03ff]) {
      const rr = new RecordReader();
      rr.push(Uint8Array.of(22, v >> 8, v & 0xff, 0, 1, 1));
      assert.equal(rr.next()?.version, v);
    }
    for (const major of [0x00, 0x02, 0x04, 0xfe]) {
      const rr = new RecordReader();
      rr.push(Uint8Array.of(22, major));
      throwsAlert(() => rr.next(), A.decode_error);
    }
  });

  it('length limits: 2^14 + 256 for application_data, 2^14 for the plaintext types (record_overflow)', () => {
    const header = (type: number, len: number) => Uint8Array.of(type, 3, 3, len >> 8, len & 0xff);
    let rr = new RecordReader();
    rr.push(header(ContentType.application_data, MAX_CIPHERTEXT_LENGTH));
    assert.equal(rr.next(), null); // fine so far, waits for the body
    rr.push(new Uint8Array(MAX_CIPHERTEXT_LENGTH));
    assert.equal(rr.next()?.fragment.length, MAX_CIPHERTEXT_LENGTH);

    rr = new RecordReader();
    rr.push(header(ContentType.application_data, MAX_CIPHERTEXT_LENGTH + 1));
    throwsAlert(() => rr.next(), A.record_overflow);

    for (const t of [ContentType.handshake, ContentType.alert, ContentType.change_cipher_spec]) {
      rr = new RecordReader();
      rr.push(header(t, MAX_PLAINTEXT_LENGTH));
      assert.equal(rr.next(), null);
      rr = new RecordReader();
      rr.push(header(t, MAX_PLAINTEXT_LENGTH + 1));
      throwsAlert(() => rr.next(), A.record_overflow);
    }

    rr = new RecordReader({ maxCiphertextLength: 1000 });
    rr.push(header(ContentType.application_data, 1001));
    throwsAlert(() => rr.next(), A.record_overflow);
  });

  it('zero-length handshake / alert / change_cipher_spec records are unexpected_message', () => {
    for (const t of [ContentType.handshake, ContentType.alert, ContentType.change_cipher_spec]) {
      const rr = new RecordReader();
      rr.push(Uint8Array.of(t, 3, 3, 0, 0));
      throwsAlert(() => rr.next(), A.unexpected_message);
    }
    const rr = new RecordReader();
    rr.push(Uint8Array.of(ContentType.application_data, 3, 3, 0, 0));
    assert.equal(rr.next()?.fragment.length, 0);
  });

  it('errors are sticky', () => {
    const rr = new RecordReader();
    rr.push(Uint8Array.of(99));
    let first: unknown;
    try {
      rr.next();
    } catch (e) {
      first = e;
    }
    assert.ok(first instanceof TlsError);
    assert.throws(() => rr.next(), (e) => e === first);
    assert.throws(() => rr.push(Uint8Array.of(22)), (e) => e === first);
  });
});

describe('record encoding', () => {
  it('encodeRecord / encodeRecordHeader', () => {
    assert.deepEqual(encodeRecord(ContentType.handshake, F.S3_SERVER_HELLO), F.S3_SERVER_HELLO_RECORD);
    assert.deepEqual(encodeRecord(ContentType.handshake, F.S3_CLIENT_HELLO, 0x0301), F.S3_CLIENT_HELLO_RECORD);
    assert.deepEqual(F.S3_SERVER_FLIGHT_RECORD.subarray(0, 5), encodeRecordHeader(ContentType.application_data, 674));
    assert.deepEqual(encodeChangeCipherSpecRecord(), F.S7_SERVER_CHANGE_CIPHER_SPEC_RECORD);
    throwsAlert(() => encodeRecord(ContentType.handshake, new Uint8Array(0)), A.internal_error);
    throwsAlert(() => encodeRecord(ContentType.application_data, new Uint8Array(MAX_CIPHERTEXT_LENGTH + 1)), A.internal_error);
    throwsAlert(() => encodeRecord(24 as typeof ContentType.handshake, Uint8Array.of(1)), A.internal_error);
    assert.equal(encodeRecord(ContentType.application_data, new Uint8Array(0)).length, 5);
  });

  it('fragmentPlaintext splits at maxFragment', () => {
    const data = new Uint8Array(40000).map((_, i) => i & 0xff);
    const frags = fragmentPlaintext(ContentType.application_data, data);
    assert.deepEqual(frags.map((f) => f.fragment.length), [16384, 16384, 7232]);
    assert.deepEqual(concat(...frags.map((f) => f.fragment)), data);
    assert.ok(frags.every((f) => f.type === ContentType.application_data));
    assert.deepEqual(fragmentPlaintext(ContentType.handshake, data.subarray(0, 10), 4).map((f) => f.fragment.length), [4, 4, 2]);
    assert.deepEqual(fragmentPlaintext(ContentType.handshake, data.subarray(0, 8), 4).map((f) => f.fragment.length), [4, 4]);
    assert.deepEqual(fragmentPlaintext(ContentType.application_data, new Uint8Array(0)), []);
    throwsAlert(() => fragmentPlaintext(ContentType.handshake, new Uint8Array(0)), A.internal_error);
    throwsAlert(() => fragmentPlaintext(ContentType.handshake, data, 16385), A.internal_error);
    throwsAlert(() => fragmentPlaintext(ContentType.handshake, data, 0), A.internal_error);
    throwsAlert(() => fragmentPlaintext(ContentType.alert, Uint8Array.of(2, 40), 1), A.internal_error);
  });

  it('fragmented handshake records reassemble to the original messages', () => {
    const flight = F.S3_SERVER_FLIGHT_PAYLOAD;
    const records = fragmentPlaintext(ContentType.handshake, flight, 100).map((f) => encodeRecord(f.type, f.fragment));
    const recs = readAllRecords(chunks(concat(...records), () => 7));
    const msgs = reassembleAll(recs.map((r) => r.fragment));
    assert.deepEqual(msgs.map((m) => m.raw), [
      F.S3_SERVER_ENCRYPTED_EXTENSIONS,
      F.S3_SERVER_CERTIFICATE,
      F.S3_SERVER_CERTIFICATE_VERIFY,
      F.S3_SERVER_FINISHED,
    ]);
  });

  it('checkPlaintextFragment and checkChangeCipherSpec', () => {
    checkPlaintextFragment(ContentType.handshake, Uint8Array.of(1));
    checkPlaintextFragment(ContentType.application_data, new Uint8Array(0));
    throwsAlert(() => checkPlaintextFragment(ContentType.handshake, new Uint8Array(0)), A.unexpected_message);
    throwsAlert(() => checkPlaintextFragment(ContentType.alert, new Uint8Array(0)), A.unexpected_message);
    throwsAlert(() => checkPlaintextFragment(ContentType.application_data, new Uint8Array(MAX_PLAINTEXT_LENGTH + 1)), A.record_overflow);
    throwsAlert(() => checkPlaintextFragment(0, Uint8Array.of(1)), A.unexpected_message);
    checkChangeCipherSpec(Uint8Array.of(1));
    throwsAlert(() => checkChangeCipherSpec(Uint8Array.of(2)), A.unexpected_message);
    throwsAlert(() => checkChangeCipherSpec(Uint8Array.of(1, 1)), A.unexpected_message);
  });
});

describe('HandshakeReassembler', () => {
  const flight = F.S3_SERVER_FLIGHT_PAYLOAD;
  const whole = reassembleAll([flight]);

  it('several messages in one record', () => {
    assert.equal(whole.length, 4);
    assert.deepEqual(whole.map((m) => m.type), [
      HandshakeType.encrypted_extensions,
      HandshakeType.certificate,
      HandshakeType.certificate_verify,
      HandshakeType.finished,
    ]);
    for (const m of whole) assert.deepEqual(m.raw.subarray(4), m.body);
  });

  it('three messages in one record', () => {
    const three = reassembleAll([F.S6_CLIENT_FLIGHT_PAYLOAD]);
    assert.deepEqual(three.map((m) => m.raw), [F.S6_CLIENT_CERTIFICATE, F.S6_CLIENT_CERTIFICATE_VERIFY, F.S6_CLIENT_FINISHED]);
  });

  it('one byte at a time and random chunks give the same messages', () => {
    assert.deepEqual(reassembleAll(chunks(flight, () => 1)), whole);
    for (let seed = 1; seed <= 50; seed++) {
      const rnd = prng(seed);
      assert.deepEqual(reassembleAll(chunks(flight, () => Math.floor(rnd() * 200))), whole);
    }
  });

  it('a message spanning records; isEmpty tracks partial messages', () => {
    const h = new HandshakeReassembler();
    h.push(F.S3_SERVER_CERTIFICATE.subarray(0, 3));
    assert.equal(h.next(), null);
    assert.ok(!h.isEmpty());
    throwsAlert(() => h.assertEmptyAtKeyChange(), A.unexpected_message);
    h.push(F.S3_SERVER_CERTIFICATE.subarray(3, 300));
    assert.equal(h.next(), null);
    h.push(F.S3_SERVER_CERTIFICATE.subarray(300));
    assert.deepEqual(h.next()?.raw, F.S3_SERVER_CERTIFICATE);
    assert.ok(h.isEmpty());
    h.assertEmptyAtKeyChange();
  });

  it('empty-body messages (EndOfEarlyData)', () => {
    const msgs = reassembleAll([concat(F.S4_CLIENT_END_OF_EARLY_DATA, F.S4_CLIENT_FINISHED)]);
    assert.equal(msgs[0]?.type, HandshakeType.end_of_early_data);
    assert.equal(msgs[0]?.body.length, 0);
    assert.equal(msgs[1]?.type, HandshakeType.finished);
  });

  it('maxMessageLength: longer messages are decode_error from the header alone', () => {
    const h = new HandshakeReassembler({ maxMessageLength: 400 });
    h.push(F.S3_SERVER_CERTIFICATE.subarray(0, 4)); // declares 441 bytes
    throwsAlert(() => h.next(), A.decode_error);
    const def = new HandshakeReassembler();
    def.push(Uint8Array.of(HandshakeType.certificate, 0x01, 0x00, 0x01)); // 65537 > 64 KiB default
    throwsAlert(() => def.next(), A.decode_error);
    const big = new HandshakeReassembler({ maxMessageLength: 1 << 20 });
    const body = new Uint8Array(70000);
    big.push(concat(Uint8Array.of(HandshakeType.certificate, 0x01, 0x11, 0x70), body));
    assert.equal(big.next()?.body.length, 70000);
  });

  it('unknown handshake types and message_hash are unexpected_message', () => {
    for (const t of [0, 3, 6, 12, 22, 254, 255]) {
      const h = new HandshakeReassembler();
      h.push(Uint8Array.of(t));
      throwsAlert(() => h.next(), A.unexpected_message, `type ${t}`);
    }
  });

  it('encodeHandshake output feeds straight back in', () => {
    const h = new HandshakeReassembler();
    h.push(encodeHandshake({ type: HandshakeType.key_update, requestUpdate: 1 }));
    assert.deepEqual(h.next(), {
      type: HandshakeType.key_update,
      body: Uint8Array.of(1),
      raw: Uint8Array.of(24, 0, 0, 1, 1),
    });
  });
});

describe('alerts and TlsError', () => {
  it('encode / decode', () => {
    assert.deepEqual(encodeAlert(CLOSE_NOTIFY), Uint8Array.of(1, 0));
    assert.deepEqual(decodeAlert(Uint8Array.of(2, 50)), { level: AlertLevel.fatal, description: A.decode_error });
    assert.deepEqual(decodeAlert(Uint8Array.of(7, 200)), { level: 7, description: 200 }); // kept; section 6
    throwsAlert(() => decodeAlert(Uint8Array.of(2)), A.decode_error);
    throwsAlert(() => decodeAlert(Uint8Array.of(2, 50, 0)), A.decode_error);
    throwsAlert(() => encodeAlert({ level: 256, description: 0 }), A.internal_error);
    assert.deepEqual(alertFor(A.handshake_failure), { level: AlertLevel.fatal, description: A.handshake_failure });
    assert.deepEqual(alertFor(A.close_notify), CLOSE_NOTIFY);
    assert.ok(isClosureAlert(alertFor(A.user_canceled)));
    assert.ok(!isClosureAlert(alertFor(A.bad_record_mac)));
  });

  it('TlsError helpers', () => {
    const e = TlsError.illegalParameter('x');
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'TlsError');
    assert.equal(e.alert, 47);
    assert.equal(e.alertName, 'illegal_parameter');
    assert.equal(e.origin, 'local');
    assert.equal(TlsError.decodeError('x').alert, 50);
    assert.equal(TlsError.unexpectedMessage('x').alert, 10);
    assert.equal(TlsError.recordOverflow('x').alert, 22);
    assert.equal(TlsError.missingExtension('x').alert, 109);
    assert.equal(TlsError.internalError('x', new Error('inner')).cause instanceof Error, true);
    const remote = TlsError.fromAlert(A.bad_certificate);
    assert.equal(remote.origin, 'remote');
    assert.equal(remote.alertName, 'bad_certificate');
    assert.equal(alertName(250), 'unknown_alert(250)');
    assert.ok(TlsError.is(remote));
    assert.ok(!TlsError.is(new Error('x')));
  });
});
