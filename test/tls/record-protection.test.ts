/**
 * Record protection, byte-exact against every encrypted record of RFC 8448's Simple 1-RTT,
 * Resumed 0-RTT and HelloRetryRequest traces, plus limits, padding, ordering and tampering, for
 * every provider.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CryptoProvider } from '../../backends/forge-tls13/crypto/provider.js';
import {
  type CipherSuite,
  CIPHER_SUITES,
  TLS_AES_128_GCM_SHA256,
  nextTrafficSecret,
  trafficKeys,
} from '../../backends/forge-tls13/key-schedule.js';
import {
  ContentType,
  MAX_CIPHERTEXT_LENGTH,
  RecordOpener,
  RecordProtectionError,
  RecordSealer,
  recordHeader,
  recordNonce,
} from '../../backends/forge-tls13/record-protection.js';
import { PROVIDERS, flip, h, toHex, utf8 } from './crypto-test-helpers.js';
import { helloRetry as R, resumed0Rtt as Z, simple1Rtt as S } from './rfc8448.js';

const suite = TLS_AES_128_GCM_SHA256;

interface TraceRecord {
  readonly what: string;
  readonly type: number;
  readonly plaintext: Uint8Array;
  readonly record: Uint8Array;
}

/** One direction of one key in a trace: its key/iv or secret and its records in sequence order. */
interface TraceKey {
  readonly what: string;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
  readonly secret?: Uint8Array;
  readonly records: readonly TraceRecord[];
}

const HS = ContentType.handshake;
const APP = ContentType.application_data;
const ALERT = ContentType.alert;

const TRACE_KEYS: readonly TraceKey[] = [
  {
    what: '1-RTT server handshake',
    key: S.serverHandshakeKey,
    iv: S.serverHandshakeIv,
    secret: S.serverHandshakeTrafficSecret,
    records: [{ what: 'EE..Finished', type: HS, plaintext: S.serverHandshakeFlight, record: S.serverHandshakeFlightRecord }],
  },
  {
    what: '1-RTT client handshake',
    key: S.clientHandshakeKey,
    iv: S.clientHandshakeIv,
    secret: S.clientHandshakeTrafficSecret,
    records: [{ what: 'Finished', type: HS, plaintext: S.clientFinished, record: S.clientFinishedRecord }],
  },
  {
    what: '1-RTT server application',
    key: S.serverApplicationKey,
    iv: S.serverApplicationIv,
    secret: S.serverApplicationTrafficSecret,
    records: [
      { what: 'NewSessionTicket', type: HS, plaintext: S.newSessionTicket, record: S.newSessionTicketRecord },
      { what: 'application data', type: APP, plaintext: S.applicationData, record: S.serverApplicationDataRecord },
      { what: 'close_notify', type: ALERT, plaintext: S.alert, record: S.serverAlertRecord },
    ],
  },
  {
    what: '1-RTT client application',
    key: S.clientApplicationKey,
    iv: S.clientApplicationIv,
    secret: S.clientApplicationTrafficSecret,
    records: [
      { what: 'application data', type: APP, plaintext: S.applicationData, record: S.clientApplicationDataRecord },
      { what: 'close_notify', type: ALERT, plaintext: S.alert, record: S.clientAlertRecord },
    ],
  },
  {
    what: '0-RTT client early data',
    key: Z.clientEarlyKey,
    iv: Z.clientEarlyIv,
    secret: Z.clientEarlyTrafficSecret,
    records: [
      { what: 'early data', type: APP, plaintext: Z.earlyApplicationData, record: Z.earlyApplicationDataRecord },
      { what: 'EndOfEarlyData', type: HS, plaintext: Z.endOfEarlyData, record: Z.endOfEarlyDataRecord },
    ],
  },
  {
    what: '0-RTT server handshake',
    key: Z.serverHandshakeKey,
    iv: Z.serverHandshakeIv,
    secret: Z.serverHandshakeTrafficSecret,
    records: [{ what: 'EE, Finished', type: HS, plaintext: Z.serverHandshakeFlight, record: Z.serverHandshakeFlightRecord }],
  },
  {
    what: '0-RTT client handshake',
    key: Z.clientHandshakeKey,
    iv: Z.clientHandshakeIv,
    secret: Z.clientHandshakeTrafficSecret,
    records: [{ what: 'Finished', type: HS, plaintext: Z.clientFinished, record: Z.clientFinishedRecord }],
  },
  {
    what: '0-RTT server application',
    key: Z.serverApplicationKey,
    iv: Z.serverApplicationIv,
    secret: Z.serverApplicationTrafficSecret,
    records: [
      { what: 'application data', type: APP, plaintext: Z.applicationData, record: Z.serverApplicationDataRecord },
      { what: 'close_notify', type: ALERT, plaintext: Z.alert, record: Z.serverAlertRecord },
    ],
  },
  {
    what: '0-RTT client application',
    key: Z.clientApplicationKey,
    iv: Z.clientApplicationIv,
    secret: Z.clientApplicationTrafficSecret,
    records: [
      { what: 'application data', type: APP, plaintext: Z.applicationData, record: Z.clientApplicationDataRecord },
      { what: 'close_notify', type: ALERT, plaintext: Z.alert, record: Z.clientAlertRecord },
    ],
  },
  {
    what: 'HRR server handshake',
    key: R.serverHandshakeKey,
    iv: R.serverHandshakeIv,
    secret: R.serverHandshakeTrafficSecret,
    records: [{ what: 'EE..Finished', type: HS, plaintext: R.serverHandshakeFlight, record: R.serverHandshakeFlightRecord }],
  },
  {
    what: 'HRR client handshake',
    key: R.clientHandshakeKey,
    iv: R.clientHandshakeIv,
    secret: R.clientHandshakeTrafficSecret,
    records: [{ what: 'Finished', type: HS, plaintext: R.clientFinished, record: R.clientFinishedRecord }],
  },
];

function expectAlert(alert: RecordProtectionError['alert']) {
  return (e: unknown) => e instanceof RecordProtectionError && e.alert === alert;
}

/** Seals `inner` (already a TLSInnerPlaintext) directly with the AEAD, bypassing our checks. */
async function rawRecord(p: CryptoProvider, key: Uint8Array, iv: Uint8Array, seq: number, inner: Uint8Array): Promise<Uint8Array> {
  const aead = await p.aead('AES-128-GCM', key);
  const header = recordHeader(23, inner.length + 16);
  return new Uint8Array([...header, ...(await aead.seal(recordNonce(iv, seq), header, inner))]);
}

for (const [name, p] of PROVIDERS) {
  describe(`record protection, RFC 8448 records: ${name}`, () => {
    for (const t of TRACE_KEYS) {
      it(`${t.what}: seal reproduces the trace records`, async () => {
        const sealer = await RecordSealer.fromKeys(p, suite, t.key, t.iv);
        for (const [i, r] of t.records.entries()) {
          assert.equal(sealer.sequenceNumber, i);
          assert.equal(toHex(await sealer.seal(r.type, r.plaintext)), toHex(r.record), r.what);
        }
        if (t.secret) {
          // The same from the traffic secret (key and IV derived by trafficKeys).
          const fromSecret = await RecordSealer.create(p, suite, t.secret);
          for (const r of t.records) assert.equal(toHex(await fromSecret.seal(r.type, r.plaintext)), toHex(r.record), r.what);
        }
      });

      it(`${t.what}: open gives the content type and plaintext; any flipped byte is caught`, async () => {
        const opener = await RecordOpener.create(p, suite, t.secret as Uint8Array);
        for (const r of t.records) {
          const seq = opener.sequenceNumber;
          for (let i = 0; i < r.record.length; i++) {
            const bad = flip(r.record, i);
            if (i === 0) {
              await assert.rejects(opener.openRecord(bad), expectAlert('unexpected_message'), 'outer type');
            } else if (i === 3 || i === 4) {
              await assert.rejects(opener.openRecord(bad), expectAlert('decode_error'), 'length');
            } else {
              assert.equal(await opener.openRecord(bad), null, `${r.what}: byte ${i}`);
            }
            assert.equal(opener.sequenceNumber, seq, 'a failed open does not consume a sequence number');
          }
          const opened = await opener.openRecord(r.record);
          assert.ok(opened, r.what);
          assert.equal(opened.contentType, r.type);
          assert.equal(toHex(opened.plaintext), toHex(r.plaintext));
          assert.equal(opener.sequenceNumber, seq + 1);
        }
      });
    }

    it('the records come in the order the trace gives (wrong sequence number fails)', async () => {
      const t = TRACE_KEYS[2] as TraceKey;
      const opener = await RecordOpener.fromKeys(p, suite, t.key, t.iv);
      assert.equal(await opener.openRecord((t.records[1] as TraceRecord).record), null, 'record 1 at sequence 0');
      assert.ok(await opener.openRecord((t.records[0] as TraceRecord).record));
      assert.ok(await opener.openRecord((t.records[1] as TraceRecord).record));
    });
  });

  describe(`record protection rules: ${name}`, () => {
    const key = h('00112233445566778899aabbccddeeff');
    const iv = h('0102030405060708090a0b0c');

    it('padding: zeros after the content type are stripped; header covers them', async () => {
      const sealer = await RecordSealer.fromKeys(p, suite, key, iv);
      const opener = await RecordOpener.fromKeys(p, suite, key, iv);
      for (const [pt, pad, type] of [
        [utf8('hello'), 0, APP],
        [utf8('hello'), 1000, APP],
        [new Uint8Array(0), 10, APP],
        [new Uint8Array([0, 0, 0]), 5, HS], // content that ends in zeros survives
        [new Uint8Array(16384), 0, APP],
        [utf8('x'), 16383, ALERT],
      ] as const) {
        const record = await sealer.seal(type, pt, pad);
        assert.equal(record.length, 5 + pt.length + 1 + pad + 16);
        assert.deepEqual([...record.subarray(0, 3)], [23, 3, 3]);
        const opened = await opener.openRecord(record);
        assert.ok(opened);
        assert.equal(opened.contentType, type);
        assert.equal(toHex(opened.plaintext), toHex(pt));
      }
    });

    it('all-zero TLSInnerPlaintext is unexpected_message', async () => {
      const opener = await RecordOpener.fromKeys(p, suite, key, iv);
      await assert.rejects(opener.openRecord(await rawRecord(p, key, iv, 0, new Uint8Array(20))), expectAlert('unexpected_message'));
      const opener2 = await RecordOpener.fromKeys(p, suite, key, iv);
      await assert.rejects(opener2.openRecord(await rawRecord(p, key, iv, 0, new Uint8Array(1))), expectAlert('unexpected_message'));
    });

    it('record_overflow: ciphertext over 2^14 + 256, inner plaintext over 2^14 + 1', async () => {
      const opener = await RecordOpener.fromKeys(p, suite, key, iv);
      const tooLong = new Uint8Array(MAX_CIPHERTEXT_LENGTH + 1);
      await assert.rejects(opener.open(recordHeader(23, tooLong.length), tooLong), expectAlert('record_overflow'));
      // 2^14 + 256 itself is allowed through to authentication (which fails here).
      const maxLen = new Uint8Array(MAX_CIPHERTEXT_LENGTH);
      assert.equal(await opener.open(recordHeader(23, maxLen.length), maxLen), null);
      // A correctly authenticated record whose content is 2^14 + 1 bytes.
      const inner = new Uint8Array(16384 + 2).fill(1);
      await assert.rejects(opener.openRecord(await rawRecord(p, key, iv, 0, inner)), expectAlert('record_overflow'));
      // 2^14 bytes of content + type is fine.
      const ok = await RecordOpener.fromKeys(p, suite, key, iv);
      const opened = await ok.openRecord(await rawRecord(p, key, iv, 0, new Uint8Array(16384 + 1).fill(1)));
      assert.equal(opened?.plaintext.length, 16384);
    });

    it('header checks: outer type, length, size', async () => {
      const sealer = await RecordSealer.fromKeys(p, suite, key, iv);
      const record = await sealer.seal(APP, utf8('data'));
      const opener = await RecordOpener.fromKeys(p, suite, key, iv);
      await assert.rejects(opener.open(record.subarray(0, 4), record.subarray(5)), expectAlert('decode_error'));
      await assert.rejects(opener.open(record.subarray(0, 5), record.subarray(6)), expectAlert('decode_error'));
      await assert.rejects(opener.openRecord(record.subarray(0, 3)), expectAlert('decode_error'));
      await assert.rejects(opener.openRecord(new Uint8Array([22, ...record.subarray(1)])), expectAlert('unexpected_message'));
      assert.equal(await opener.open(recordHeader(23, 16), new Uint8Array(16)), null, 'too short to hold a content type');
      // The version bytes are authenticated (they are part of the AAD) but not checked otherwise.
      assert.equal(await opener.openRecord(new Uint8Array([23, 3, 1, ...record.subarray(3)])), null);
      assert.ok(await opener.openRecord(record));
    });

    it('seal refuses oversized plaintext, oversized padding, bad content types', async () => {
      const sealer = await RecordSealer.fromKeys(p, suite, key, iv);
      await assert.rejects(sealer.seal(APP, new Uint8Array(16385)), RangeError);
      await assert.rejects(sealer.seal(APP, new Uint8Array(100), 16285), RangeError);
      await assert.rejects(sealer.seal(APP, new Uint8Array(100), -1), RangeError);
      await assert.rejects(sealer.seal(ContentType.change_cipher_spec, new Uint8Array([1])), RangeError);
      await assert.rejects(sealer.seal(0, new Uint8Array([1])), RangeError);
      await assert.rejects(sealer.seal(HS, new Uint8Array(0)), RangeError);
      await assert.rejects(sealer.seal(ALERT, new Uint8Array(0), 10), RangeError);
      assert.equal(sealer.sequenceNumber, 0, 'refused seals use no sequence number');
      assert.equal((await sealer.seal(APP, new Uint8Array(100), 16284)).length, 5 + 16385 + 16);
      assert.equal((await sealer.seal(APP, new Uint8Array(0))).length, 5 + 1 + 16);
    });

    it('overlapping seals: sequence numbers by call order, results in call order', async () => {
      const sealer = await RecordSealer.fromKeys(p, suite, key, iv);
      const order: number[] = [];
      const n = 64;
      const payloads = Array.from({ length: n }, (_, i) => new Uint8Array((n - i) * 200).fill(i + 1));
      const pending = payloads.map((pt, i) => sealer.seal(APP, pt).then((r) => (order.push(i), r)));
      assert.equal(sealer.sequenceNumber, n);
      const records = await Promise.all(pending);
      assert.deepEqual(order, [...Array(n).keys()]);
      const opener = await RecordOpener.fromKeys(p, suite, key, iv);
      // Overlapping opens are queued and run in call order too.
      const opened = await Promise.all(records.map((r) => opener.openRecord(r)));
      opened.forEach((o, i) => assert.equal(toHex(o?.plaintext as Uint8Array), toHex(payloads[i] as Uint8Array)));
    });

    it('a failed open between good ones does not disturb the sequence (trial decryption)', async () => {
      const sealer = await RecordSealer.fromKeys(p, suite, key, iv);
      const a = await sealer.seal(APP, utf8('a'));
      const b = await sealer.seal(APP, utf8('b'));
      const opener = await RecordOpener.fromKeys(p, suite, key, iv);
      const foreign = await (await RecordSealer.fromKeys(p, suite, flip(key, 0), iv)).seal(APP, utf8('early data under another key'));
      const results = await Promise.all([opener.openRecord(foreign), opener.openRecord(a), opener.openRecord(foreign), opener.openRecord(b)]);
      assert.deepEqual(
        results.map((r) => (r ? new TextDecoder().decode(r.plaintext) : null)),
        [null, 'a', null, 'b'],
      );
    });

    it('every suite round-trips, across providers, and after KeyUpdate', async () => {
      for (const s of CIPHER_SUITES) {
        let secret = p.randomBytes(s.hashLength);
        for (let generation = 0; generation < 3; generation++) {
          let sealer = await RecordSealer.create(p, s, secret);
          for (const [, q] of PROVIDERS) {
            sealer = await RecordSealer.create(p, s, secret);
            const opener = await RecordOpener.create(q, s, secret);
            for (let i = 0; i < 3; i++) {
              const pt = p.randomBytes(i * 1000);
              const opened = await opener.openRecord(await sealer.seal(APP, pt, i));
              assert.equal(toHex(opened?.plaintext as Uint8Array), toHex(pt), `${s.name} generation ${generation}`);
            }
          }
          const oldSealer = sealer;
          secret = await nextTrafficSecret(p, s.hash, secret);
          const newOpener = await RecordOpener.create(p, s, secret);
          assert.equal(await newOpener.openRecord(await oldSealer.seal(APP, utf8('old key'))), null, 'old key no longer accepted');
        }
      }
    });

    it('randomised round trips (fast-check)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...CIPHER_SUITES),
          fc.uint8Array({ maxLength: 2000 }),
          fc.integer({ min: 0, max: 300 }),
          fc.constantFrom(HS, APP, ALERT),
          async (s: CipherSuite, pt, padding, type) => {
            if (pt.length === 0 && type !== APP) return;
            const { key: k, iv: v } = await trafficKeys(p, s, new Uint8Array(s.hashLength).fill(pt.length & 0xff));
            const sealer = await RecordSealer.fromKeys(p, s, k, v);
            const opener = await RecordOpener.fromKeys(p, s, k, v);
            const opened = await opener.openRecord(await sealer.seal(type, pt, padding));
            assert.equal(opened?.contentType, type);
            assert.equal(toHex(opened.plaintext), toHex(pt));
          },
        ),
        { numRuns: 60 },
      );
    });

    it('AEAD limits: keyUpdateRecommended, then exhausted (refuses to seal/open)', async () => {
      const tiny: CipherSuite = { ...suite, recordLimit: 3, keyUpdateAfter: 2 };
      const sealer = await RecordSealer.fromKeys(p, tiny, key, iv);
      const opener = await RecordOpener.fromKeys(p, tiny, key, iv);
      const records: Uint8Array[] = [];
      for (let i = 0; i < 3; i++) {
        assert.equal(sealer.keyUpdateRecommended, i >= 2);
        records.push(await sealer.seal(APP, utf8(`r${i}`)));
      }
      assert.equal(sealer.exhausted, true);
      await assert.rejects(sealer.seal(APP, utf8('one too many')), /exhausted/);
      for (const r of records) assert.ok(await opener.openRecord(r));
      assert.equal(opener.keyUpdateRecommended, true);
      assert.equal(opener.exhausted, true);
      await assert.rejects(opener.openRecord(records[0] as Uint8Array), /exhausted/);
    });

    it('nonce = iv XOR 64-bit big-endian sequence number', () => {
      const v = h('000102030405060708090a0b');
      assert.equal(toHex(recordNonce(v, 0)), '000102030405060708090a0b');
      assert.equal(toHex(recordNonce(v, 1)), '000102030405060708090a0a');
      assert.equal(toHex(recordNonce(v, 0x0102030405)), '00010203' + '040506060a0a0e0e');
      assert.equal(toHex(recordNonce(new Uint8Array(12), 2 ** 53 - 1)), '0000000000' + '1fffffffffffff');
      assert.equal(toHex(v), '000102030405060708090a0b', 'iv untouched');
    });
  });
}
