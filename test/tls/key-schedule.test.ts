/**
 * HKDF (RFC 5869 vectors) and the TLS 1.3 key schedule, byte-exact against RFC 8448's traces
 * (Simple 1-RTT, Resumed 0-RTT, HelloRetryRequest), for every provider.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CryptoProvider } from '../../backends/forge-tls13/crypto/provider.js';
import { deriveSecret, encodeHkdfLabel, hkdfExpand, hkdfExpandLabel, hkdfExtract } from '../../backends/forge-tls13/hkdf.js';
import {
  CIPHER_SUITES,
  EarlySecretStage,
  TLS_AES_128_GCM_SHA256,
  TLS_AES_256_GCM_SHA384,
  TLS_CHACHA20_POLY1305_SHA256,
  Transcript,
  cipherSuiteById,
  cipherSuiteByName,
  computeFinished,
  exportKeyingMaterial,
  finishedKey,
  nextTrafficSecret,
  pskBinder,
  resumptionPsk,
  trafficKeys,
  verifyFinished,
} from '../../backends/forge-tls13/key-schedule.js';
import { PROVIDERS, flip, h, toHex, utf8 } from './crypto-test-helpers.js';
import { helloRetry as R, resumed0Rtt as Z, simple1Rtt as S } from './rfc8448.js';

const suite = TLS_AES_128_GCM_SHA256;
const HASH = suite.hash;

/** Asserts byte equality with readable hex diffs. */
function eq(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.equal(toHex(actual), toHex(expected), what);
}

const RFC5869 = [
  {
    name: 'Test Case 1',
    ikm: '0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b',
    salt: '000102030405060708090a0b0c',
    info: 'f0f1f2f3f4f5f6f7f8f9',
    length: 42,
    prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: 'Test Case 2',
    ikm:
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f' +
      '303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f',
    salt:
      '606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f' +
      '909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf',
    info:
      'b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf' +
      'e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff',
    length: 82,
    prk: '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
    okm:
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09' +
      'da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
  },
  {
    name: 'Test Case 3 (empty salt and info)',
    ikm: '0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b',
    salt: '',
    info: '',
    length: 42,
    prk: '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
];

/** Transcript-Hash via a Transcript holding `messages`. */
async function th(p: CryptoProvider, ...messages: Uint8Array[]): Promise<Uint8Array> {
  const t = new Transcript(p, HASH);
  t.add(...messages);
  return t.hash();
}

for (const [name, p] of PROVIDERS) {
  describe(`HKDF: ${name}`, () => {
    for (const v of RFC5869) {
      it(`RFC 5869 ${v.name}`, async () => {
        const prk = await hkdfExtract(p, 'SHA-256', h(v.salt), h(v.ikm));
        assert.equal(toHex(prk), v.prk);
        assert.equal(toHex(await hkdfExpand(p, 'SHA-256', prk, h(v.info), v.length)), v.okm);
      });
    }

    it('Extract with no salt uses HashLen zeros', async () => {
      eq(await hkdfExtract(p, 'SHA-384', null, h('01')), await hkdfExtract(p, 'SHA-384', new Uint8Array(48), h('01')), 'null salt');
      eq(await hkdfExtract(p, 'SHA-256', undefined, new Uint8Array(32)), S.earlySecret, 'RFC 8448 early secret');
    });

    it('Expand: lengths 0, 1, HashLen, 255*HashLen; rejects longer', async () => {
      const prk = new Uint8Array(48).fill(1);
      assert.equal((await hkdfExpand(p, 'SHA-384', prk, new Uint8Array(0), 0)).length, 0);
      const long = await hkdfExpand(p, 'SHA-384', prk, utf8('info'), 255 * 48);
      assert.equal(long.length, 255 * 48);
      eq(await hkdfExpand(p, 'SHA-384', prk, utf8('info'), 49), long.subarray(0, 49), 'prefix property');
      await assert.rejects(hkdfExpand(p, 'SHA-384', prk, utf8('info'), 255 * 48 + 1), RangeError);
      await assert.rejects(hkdfExpand(p, 'SHA-256', prk, utf8('info'), -1), RangeError);
    });

    it('HkdfLabel encoding matches the RFC 8448 "info" values', async () => {
      assert.equal(toHex(encodeHkdfLabel('key', new Uint8Array(0), 16)), '001009746c733133206b657900');
      assert.equal(toHex(encodeHkdfLabel('iv', new Uint8Array(0), 12)), '000c08746c73313320697600');
      assert.equal(toHex(encodeHkdfLabel('finished', new Uint8Array(0), 32)), '00200e746c7331332066696e697368656400');
      assert.equal(
        toHex(encodeHkdfLabel('derived', S.emptyHash, 32)),
        '00200d746c733133206465726976656420' + toHex(S.emptyHash),
      );
      assert.equal(toHex(encodeHkdfLabel('resumption', S.ticketNonce, 32)), '002010746c733133207265736f6d7074696f6e020000'.replace('7265736f6d', '726573756d'));
      assert.throws(() => encodeHkdfLabel('x'.repeat(250), new Uint8Array(0), 1), RangeError);
      assert.throws(() => encodeHkdfLabel('ok', new Uint8Array(256), 1), RangeError);
      assert.throws(() => encodeHkdfLabel('ok', new Uint8Array(0), 65536), RangeError);
    });

    it('Expand-Label and Derive-Secret reproduce RFC 8448 steps', async () => {
      eq(await deriveSecret(p, HASH, S.earlySecret, 'derived', S.emptyHash), S.derivedForHandshake, 'derived');
      eq(await hkdfExpandLabel(p, HASH, S.serverHandshakeTrafficSecret, 'key', new Uint8Array(0), 16), S.serverHandshakeKey, 'key');
      await assert.rejects(deriveSecret(p, HASH, S.earlySecret, 'derived', new Uint8Array(31)), RangeError);
    });
  });

  describe(`key schedule, RFC 8448 section 3 (Simple 1-RTT): ${name}`, () => {
    it('early, handshake and master secrets; traffic secrets, keys and IVs; Finished; exporter and resumption', async () => {
      const client = await p.keyShareFromPrivateKey('x25519', S.clientX25519Private);
      const ecdhe = await client.deriveSecret(S.serverX25519Public);
      eq(ecdhe, S.sharedSecret, 'x25519 shared secret');

      const early = await EarlySecretStage.create(p, HASH);
      assert.equal(early.hasPsk, false);
      eq(early.secret, S.earlySecret, 'early secret');

      const transcript = new Transcript(p);
      transcript.add(S.clientHello, S.serverHello);
      transcript.setHash(suite.hash); // a client learns the hash from the ServerHello
      const thSH = await transcript.hash();
      eq(thSH, S.transcriptHashThroughServerHello, 'Hash(CH..SH)');

      const hs = await early.toHandshake(ecdhe);
      eq(hs.secret, S.handshakeSecret, 'handshake secret');
      const hsSecrets = await hs.trafficSecrets(thSH);
      eq(hsSecrets.client, S.clientHandshakeTrafficSecret, 'c hs traffic');
      eq(hsSecrets.server, S.serverHandshakeTrafficSecret, 's hs traffic');

      const sKeys = await trafficKeys(p, suite, hsSecrets.server);
      eq(sKeys.key, S.serverHandshakeKey, 'server hs key');
      eq(sKeys.iv, S.serverHandshakeIv, 'server hs iv');
      const cKeys = await trafficKeys(p, suite, hsSecrets.client);
      eq(cKeys.key, S.clientHandshakeKey, 'client hs key');
      eq(cKeys.iv, S.clientHandshakeIv, 'client hs iv');

      // Server Finished over CH..CertificateVerify.
      transcript.add(S.encryptedExtensions, S.certificate, S.certificateVerify);
      const sfk = await finishedKey(p, HASH, hsSecrets.server);
      eq(sfk, S.serverFinishedKey, 'server finished key');
      const sfv = await computeFinished(p, HASH, sfk, await transcript.hash());
      eq(sfv, S.serverFinishedVerifyData, 'server verify_data');
      eq(S.serverFinished.subarray(4), sfv, 'Finished message body');
      assert.equal(await verifyFinished(p, HASH, sfk, await transcript.hash(), sfv), true);
      assert.equal(await verifyFinished(p, HASH, sfk, await transcript.hash(), flip(sfv, 31)), false);
      assert.equal(await verifyFinished(p, HASH, sfk, await transcript.hash(), sfv.subarray(0, 31)), false);

      transcript.add(S.serverFinished);
      const thSF = await transcript.hash();
      eq(thSF, S.transcriptHashThroughServerFinished, 'Hash(CH..SF)');

      const master = await hs.toMaster();
      assert.equal(hs.consumed, true);
      eq(master.secret, S.masterSecret, 'master secret');
      const app = await master.applicationSecrets(thSF);
      eq(app.client, S.clientApplicationTrafficSecret, 'c ap traffic');
      eq(app.server, S.serverApplicationTrafficSecret, 's ap traffic');
      eq(await master.exporterSecret(thSF), S.exporterMasterSecret, 'exp master');
      const sApp = await trafficKeys(p, suite, app.server);
      eq(sApp.key, S.serverApplicationKey, 'server app key');
      eq(sApp.iv, S.serverApplicationIv, 'server app iv');
      const cApp = await trafficKeys(p, suite, app.client);
      eq(cApp.key, S.clientApplicationKey, 'client app key');
      eq(cApp.iv, S.clientApplicationIv, 'client app iv');

      // Client Finished over CH..server Finished.
      const cfk = await finishedKey(p, HASH, hsSecrets.client);
      eq(cfk, S.clientFinishedKey, 'client finished key');
      eq(await computeFinished(p, HASH, cfk, thSF), S.clientFinishedVerifyData, 'client verify_data');

      transcript.add(S.clientFinished);
      const thCF = await transcript.hash();
      eq(thCF, S.transcriptHashThroughClientFinished, 'Hash(CH..CF)');
      const rms = await master.resumptionMasterSecret(thCF);
      eq(rms, S.resumptionMasterSecret, 'res master');

      eq(S.newSessionTicket.subarray(13, 15), S.ticketNonce, 'ticket_nonce inside NewSessionTicket'); // after type, length, lifetime, age_add, nonce length
      eq(await resumptionPsk(p, HASH, rms, S.ticketNonce), S.resumptionPsk, 'resumption PSK');
    });
  });

  describe(`key schedule, RFC 8448 section 4 (Resumed 0-RTT): ${name}`, () => {
    it('PSK, early secret, binder, early traffic secret and keys', async () => {
      eq(Z.psk, S.resumptionPsk, 'the PSK is section 3’s resumption PSK');
      eq(await resumptionPsk(p, HASH, S.resumptionMasterSecret, h('0000')), Z.psk, 'PSK from the resumption master secret');

      const early = await EarlySecretStage.create(p, HASH, Z.psk);
      assert.equal(early.hasPsk, true);
      eq(early.secret, Z.earlySecret, 'early secret');

      const binderKey = await early.binderKey('resumption');
      eq(binderKey, Z.binderKey, 'res binder key');
      eq(await finishedKey(p, HASH, binderKey), Z.binderFinishedKey, 'binder finished key');
      const transcript = new Transcript(p, HASH);
      const binderHash = await transcript.hashWith(Z.clientHelloPrefix);
      eq(binderHash, Z.binderHash, 'Transcript-Hash(truncated ClientHello)');
      const binder = await pskBinder(p, HASH, binderKey, binderHash);
      eq(binder, Z.binder, 'binder');
      // The full ClientHello ends with the binders list: 00 21 (length) 20 (binder length) binder.
      eq(Z.clientHello.subarray(0, Z.clientHelloPrefix.length), Z.clientHelloPrefix, 'prefix');
      eq(Z.clientHello.subarray(Z.clientHelloPrefix.length), new Uint8Array([0x00, 0x21, 0x20, ...binder]), 'binders');
      // The external binder key is a different label.
      assert.notEqual(toHex(await early.binderKey('external')), toHex(binderKey));

      transcript.add(Z.clientHello);
      const thCH = await transcript.hash();
      eq(thCH, Z.transcriptHashClientHello, 'Hash(ClientHello)');
      const cets = await early.clientEarlyTrafficSecret(thCH);
      eq(cets, Z.clientEarlyTrafficSecret, 'c e traffic');
      eq(await early.earlyExporterMasterSecret(thCH), Z.earlyExporterMasterSecret, 'e exp master');
      const earlyKeys = await trafficKeys(p, suite, cets);
      eq(earlyKeys.key, Z.clientEarlyKey, 'early key');
      eq(earlyKeys.iv, Z.clientEarlyIv, 'early iv');

      const ecdhe = await (await p.keyShareFromPrivateKey('x25519', Z.serverX25519Private)).deriveSecret(Z.clientX25519Public);
      eq(ecdhe, Z.sharedSecret, 'x25519 shared secret');
      const hs = await early.toHandshake(ecdhe);
      eq(hs.secret, Z.handshakeSecret, 'handshake secret');
      transcript.add(Z.serverHello);
      const thSH = await transcript.hash();
      eq(thSH, Z.transcriptHashThroughServerHello, 'Hash(CH..SH)');
      const hsSecrets = await hs.trafficSecrets(thSH);
      eq(hsSecrets.client, Z.clientHandshakeTrafficSecret, 'c hs traffic');
      eq(hsSecrets.server, Z.serverHandshakeTrafficSecret, 's hs traffic');
      eq((await trafficKeys(p, suite, hsSecrets.server)).key, Z.serverHandshakeKey, 'server hs key');
      eq((await trafficKeys(p, suite, hsSecrets.client)).iv, Z.clientHandshakeIv, 'client hs iv');

      transcript.add(Z.encryptedExtensions);
      const sfk = await finishedKey(p, HASH, hsSecrets.server);
      eq(sfk, Z.serverFinishedKey, 'server finished key');
      eq(await computeFinished(p, HASH, sfk, await transcript.hash()), Z.serverFinishedVerifyData, 'server verify_data');
      transcript.add(Z.serverFinished);
      const thSF = await transcript.hash();
      eq(thSF, Z.transcriptHashThroughServerFinished, 'Hash(CH..SF)');

      const master = await hs.toMaster();
      eq(master.secret, Z.masterSecret, 'master secret');
      const app = await master.applicationSecrets(thSF);
      eq(app.client, Z.clientApplicationTrafficSecret, 'c ap traffic');
      eq(app.server, Z.serverApplicationTrafficSecret, 's ap traffic');
      eq(await master.exporterSecret(thSF), Z.exporterMasterSecret, 'exp master');

      // The client Finished covers EndOfEarlyData.
      transcript.add(Z.endOfEarlyData);
      const cfk = await finishedKey(p, HASH, hsSecrets.client);
      eq(cfk, Z.clientFinishedKey, 'client finished key');
      eq(await computeFinished(p, HASH, cfk, await transcript.hash()), Z.clientFinishedVerifyData, 'client verify_data');
      transcript.add(Z.clientFinished);
      eq(await transcript.hash(), Z.transcriptHashThroughClientFinished, 'Hash(CH..CF)');
      eq(await master.resumptionMasterSecret(await transcript.hash()), Z.resumptionMasterSecret, 'res master');
    });
  });

  describe(`key schedule, RFC 8448 section 5 (HelloRetryRequest): ${name}`, () => {
    it('message_hash transcript, P-256 handshake, Finished and application secrets', async () => {
      const transcript = new Transcript(p);
      transcript.add(R.clientHello1);
      transcript.setHash(HASH); // from the HelloRetryRequest's cipher suite
      await transcript.replaceClientHelloWithMessageHash();
      eq(transcript.bytes(), new Uint8Array([254, 0, 0, 32, ...(await p.hash(HASH, R.clientHello1))]), 'message_hash');
      transcript.add(R.helloRetryRequest, R.clientHello2, R.serverHello);
      const thSH = await transcript.hash();
      eq(thSH, R.transcriptHashThroughServerHello, 'Hash(message_hash..SH)');

      const ecdhe = await (await p.keyShareFromPrivateKey('secp256r1', R.serverP256Private)).deriveSecret(R.clientP256Public);
      eq(ecdhe, R.sharedSecret, 'P-256 shared secret');
      const early = await EarlySecretStage.create(p, HASH, null);
      eq(early.secret, R.earlySecret, 'early secret');
      const hs = await early.toHandshake(ecdhe);
      eq(hs.secret, R.handshakeSecret, 'handshake secret');
      const hsSecrets = await hs.trafficSecrets(thSH);
      eq(hsSecrets.client, R.clientHandshakeTrafficSecret, 'c hs traffic');
      eq(hsSecrets.server, R.serverHandshakeTrafficSecret, 's hs traffic');
      eq((await trafficKeys(p, suite, hsSecrets.server)).iv, R.serverHandshakeIv, 'server hs iv');

      transcript.add(R.encryptedExtensions, R.certificate, R.certificateVerify);
      const sfk = await finishedKey(p, HASH, hsSecrets.server);
      eq(await computeFinished(p, HASH, sfk, await transcript.hash()), R.serverFinishedVerifyData, 'server verify_data');
      transcript.add(R.serverFinished);
      const thSF = await transcript.hash();
      eq(thSF, R.transcriptHashThroughServerFinished, 'Hash(..SF)');
      const master = await hs.toMaster();
      eq(master.secret, R.masterSecret, 'master');
      const app = await master.applicationSecrets(thSF);
      eq(app.client, R.clientApplicationTrafficSecret, 'c ap traffic');
      eq(app.server, R.serverApplicationTrafficSecret, 's ap traffic');
      eq(await master.exporterSecret(thSF), R.exporterMasterSecret, 'exp master');
      eq(await computeFinished(p, HASH, await finishedKey(p, HASH, hsSecrets.client), thSF), R.clientFinishedVerifyData, 'client verify_data');
      transcript.add(R.clientFinished);
      eq(await transcript.hash(), R.transcriptHashThroughClientFinished, 'Hash(..CF)');
      eq(await master.resumptionMasterSecret(await transcript.hash()), R.resumptionMasterSecret, 'res master');
    });
  });

  describe(`key schedule rules: ${name}`, () => {
    it('stages cannot be used after the schedule moves on', async () => {
      const early = await EarlySecretStage.create(p, HASH, S.resumptionPsk);
      const hs = await early.toHandshake(S.sharedSecret);
      assert.equal(early.consumed, true);
      await assert.rejects(early.binderKey('resumption'), /used up/);
      await assert.rejects(early.clientEarlyTrafficSecret(S.emptyHash), /used up/);
      await assert.rejects(early.toHandshake(S.sharedSecret), /used up/);
      assert.throws(() => early.secret, /used up/);
      await hs.trafficSecrets(S.transcriptHashThroughServerHello);
      const master = await hs.toMaster();
      await assert.rejects(hs.trafficSecrets(S.transcriptHashThroughServerHello), /used up/);
      await assert.rejects(hs.toMaster(), /used up/);
      master.dispose();
      await assert.rejects(master.exporterSecret(S.transcriptHashThroughServerFinished), /used up/);
    });

    it('the transition consumes the stage at once, even before it resolves', async () => {
      const early = await EarlySecretStage.create(p, HASH);
      const pending = early.toHandshake(null);
      await assert.rejects(early.earlyExporterMasterSecret(S.emptyHash), /used up/);
      await pending;
    });

    it('no binder key without a PSK; transcript hashes must have the hash length', async () => {
      const early = await EarlySecretStage.create(p, HASH);
      await assert.rejects(early.binderKey('external'), /no PSK/);
      await assert.rejects(early.clientEarlyTrafficSecret(new Uint8Array(48)), RangeError);
      const hs = await early.toHandshake(null);
      await assert.rejects(hs.trafficSecrets(new Uint8Array(31)), RangeError);
      await assert.rejects(computeFinished(p, HASH, new Uint8Array(32), new Uint8Array(48)), RangeError);
    });

    it('psk_ke: toHandshake(null) uses HashLen zeros', async () => {
      const a = await (await EarlySecretStage.create(p, 'SHA-384', new Uint8Array(48).fill(9))).toHandshake(null);
      const b = await (await EarlySecretStage.create(p, 'SHA-384', new Uint8Array(48).fill(9))).toHandshake(new Uint8Array(48));
      eq(a.secret, b.secret, 'zeros');
      assert.equal(a.secret.length, 48);
    });

    it('the caller’s PSK and ECDHE buffers are not wiped or kept', async () => {
      const psk = new Uint8Array(32).fill(5);
      const early = await EarlySecretStage.create(p, HASH, psk);
      const ecdhe = new Uint8Array(32).fill(6);
      await early.toHandshake(ecdhe);
      assert.deepEqual([...new Set(psk)], [5]);
      assert.deepEqual([...new Set(ecdhe)], [6]);
    });

    it('KeyUpdate: "traffic upd" derivation, deterministic and distinct for each step', async () => {
      const s1 = await nextTrafficSecret(p, HASH, S.clientApplicationTrafficSecret);
      eq(s1, await hkdfExpandLabel(p, HASH, S.clientApplicationTrafficSecret, 'traffic upd', new Uint8Array(0), 32), 'definition');
      const s2 = await nextTrafficSecret(p, HASH, s1);
      assert.notEqual(toHex(s1), toHex(S.clientApplicationTrafficSecret));
      assert.notEqual(toHex(s2), toHex(s1));
      for (const [, q] of PROVIDERS) eq(await nextTrafficSecret(q, HASH, s1), s2, 'providers agree');
    });

    it('SHA-384 suite: traffic keys are 32 + 12 bytes and providers agree', async () => {
      const secret = new Uint8Array(48).fill(3);
      const k = await trafficKeys(p, TLS_AES_256_GCM_SHA384, secret);
      assert.equal(k.key.length, 32);
      assert.equal(k.iv.length, 12);
      for (const [, q] of PROVIDERS) {
        const k2 = await trafficKeys(q, TLS_AES_256_GCM_SHA384, secret);
        eq(k2.key, k.key, 'key');
        eq(k2.iv, k.iv, 'iv');
      }
      assert.equal((await trafficKeys(p, TLS_CHACHA20_POLY1305_SHA256, new Uint8Array(32))).key.length, 32);
    });

    it('exporter (RFC 8446 7.5): depends on label, context and length; providers agree', async () => {
      const a = await exportKeyingMaterial(p, HASH, S.exporterMasterSecret, 'EXPORTER-test', utf8('ctx'), 42);
      assert.equal(a.length, 42);
      assert.notEqual(toHex(a), toHex(await exportKeyingMaterial(p, HASH, S.exporterMasterSecret, 'EXPORTER-test', utf8('ctx2'), 42)));
      assert.notEqual(toHex(a), toHex(await exportKeyingMaterial(p, HASH, S.exporterMasterSecret, 'EXPORTER-other', utf8('ctx'), 42)));
      eq(
        await exportKeyingMaterial(p, HASH, S.exporterMasterSecret, 'x', undefined, 16),
        await exportKeyingMaterial(p, HASH, S.exporterMasterSecret, 'x', new Uint8Array(0), 16),
        'absent = empty context',
      );
      for (const [, q] of PROVIDERS) eq(await exportKeyingMaterial(q, HASH, S.exporterMasterSecret, 'EXPORTER-test', utf8('ctx'), 42), a, 'agree');
    });
  });

  describe(`Transcript: ${name}`, () => {
    it('hash must be known before hashing and cannot change', async () => {
      const t = new Transcript(p);
      t.add(S.clientHello);
      await assert.rejects(t.hash(), /not known/);
      t.setHash('SHA-256');
      t.setHash('SHA-256');
      assert.throws(() => t.setHash('SHA-384'), /already/);
      eq(await t.hash(), await p.hash('SHA-256', S.clientHello), 'hash of one message');
      assert.equal(t.messageCount, 1);
    });

    it('message_hash replaces exactly one ClientHello; hashWith does not add', async () => {
      const t = new Transcript(p, 'SHA-384');
      t.add(R.clientHello1, R.helloRetryRequest);
      await assert.rejects(t.replaceClientHelloWithMessageHash(), /exactly one/);
      const u = new Transcript(p, 'SHA-384');
      u.add(R.clientHello1);
      await u.replaceClientHelloWithMessageHash();
      const bytes = u.bytes();
      assert.equal(bytes.length, 52);
      assert.deepEqual([...bytes.subarray(0, 4)], [254, 0, 0, 48]);
      eq(Transcript.messageHash(await p.hash('SHA-384', R.clientHello1)), bytes, 'static helper');
      const before = await u.hash();
      await u.hashWith(R.helloRetryRequest);
      eq(await u.hash(), before, 'hashWith leaves the transcript alone');
      const c = u.clone();
      c.add(R.helloRetryRequest);
      eq(await u.hash(), before, 'clone is independent');
      assert.throws(() => u.add(new Uint8Array(3)), RangeError);
    });

    it('messages are copied on add', async () => {
      const t = new Transcript(p, HASH);
      const m = S.clientHello;
      t.add(m);
      m.fill(0);
      eq(await t.hash(), await p.hash(HASH, S.clientHello), 'copy');
    });
  });
}

describe('cipher suites', () => {
  it('table (RFC 8446 B.4)', () => {
    assert.deepEqual(
      CIPHER_SUITES.map((s) => [s.id, s.name, s.hash, s.aead, s.keyLength, s.ivLength, s.tagLength]),
      [
        [0x1301, 'TLS_AES_128_GCM_SHA256', 'SHA-256', 'AES-128-GCM', 16, 12, 16],
        [0x1302, 'TLS_AES_256_GCM_SHA384', 'SHA-384', 'AES-256-GCM', 32, 12, 16],
        [0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'SHA-256', 'CHACHA20-POLY1305', 32, 12, 16],
      ],
    );
    assert.equal(cipherSuiteById(0x1302), TLS_AES_256_GCM_SHA384);
    assert.equal(cipherSuiteById(0x1304), undefined);
    assert.equal(cipherSuiteByName('TLS_CHACHA20_POLY1305_SHA256'), TLS_CHACHA20_POLY1305_SHA256);
    assert.equal(TLS_AES_128_GCM_SHA256.recordLimit, 23726566);
    assert.ok(Object.isFrozen(TLS_AES_128_GCM_SHA256));
  });
});
