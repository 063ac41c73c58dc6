/** The encoding helpers in crypto/keys.ts: DER, OIDs, PEM, SPKI/PKCS#8 parsing, ECDSA conversion. */

import assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import { describe, it } from 'node:test';
import {
  KeyFormatError,
  base64Decode,
  base64UrlEncode,
  constantTimeEqual,
  decodeOid,
  decodePem,
  ecdsaDerToRaw,
  ecdsaRawToDer,
  encodeOid,
  handshakeSchemesFor,
  parsePrivateKey,
  parseSpki,
  readSingle,
  readTlv,
} from '../../backends/forge-tls13/crypto/keys.js';
import { h, toHex } from './crypto-test-helpers.js';

describe('crypto/keys helpers', () => {
  it('DER lengths: short and long form; rejects indefinite, non-minimal, truncated', () => {
    const long = new Uint8Array([0x04, 0x81, 0x80, ...new Uint8Array(0x80)]);
    assert.equal(readTlv(long).contents.length, 0x80);
    assert.throws(() => readTlv(new Uint8Array([0x04, 0x81, 0x05, 1, 2, 3, 4, 5])), KeyFormatError); // should be short form
    assert.throws(() => readTlv(new Uint8Array([0x04, 0x82, 0x00, 0x85, ...new Uint8Array(0x85)])), KeyFormatError);
    assert.throws(() => readTlv(new Uint8Array([0x30, 0x80, 0x00, 0x00])), KeyFormatError);
    assert.throws(() => readTlv(new Uint8Array([0x04, 0x05, 1, 2])), KeyFormatError);
    assert.throws(() => readTlv(new Uint8Array([0x1f, 0x01, 0x00])), KeyFormatError);
    assert.throws(() => readSingle(new Uint8Array([0x05, 0x00, 0x00])), KeyFormatError);
  });

  it('OIDs round-trip', () => {
    for (const oid of ['1.2.840.113549.1.1.10', '1.3.101.112', '2.16.840.1.101.3.4.2.3', '1.2.840.10045.3.1.7', '2.999.1']) {
      assert.equal(decodeOid(readSingle(encodeOid(oid)).contents), oid);
    }
    assert.equal(toHex(encodeOid('1.2.840.113549.1.1.1')), '06092a864886f70d010101');
    assert.throws(() => decodeOid(new Uint8Array([0x2a, 0x86])), KeyFormatError);
    assert.throws(() => decodeOid(new Uint8Array([0x2a, 0x80, 0x01])), KeyFormatError);
  });

  it('ECDSA raw <-> DER, including values with high bits and leading zeros', () => {
    for (let i = 0; i < 200; i++) {
      const size = i % 2 ? 32 : 48;
      const raw = nodeCrypto.randomBytes(2 * size);
      if (i % 5 === 0) raw.fill(0, 0, 3);
      if (i % 7 === 0) raw[size] = 0x80;
      const der = ecdsaRawToDer(raw);
      assert.equal(toHex(ecdsaDerToRaw(der, size)), raw.toString('hex'));
    }
    // node:crypto's DER signatures convert to what its ieee-p1363 encoding gives.
    const { privateKey } = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const der = nodeCrypto.sign('sha384', Buffer.from('x'), privateKey);
    const raw = ecdsaDerToRaw(der, 48);
    assert.equal(toHex(ecdsaRawToDer(raw)), der.toString('hex'));
    assert.throws(() => ecdsaDerToRaw(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), 32), KeyFormatError);
  });

  it('base64 and PEM', () => {
    assert.equal(toHex(base64Decode('AAEC/w==')), '000102ff');
    assert.equal(toHex(base64Decode('AAEC_w')), '000102ff');
    assert.equal(base64UrlEncode(h('000102ff')), 'AAEC_w');
    assert.throws(() => base64Decode('A'), KeyFormatError);
    assert.throws(() => base64Decode('AA!A'), KeyFormatError);
    const pem = '-----BEGIN PUBLIC KEY-----\r\nAAEC\r\n/w==\r\n-----END PUBLIC KEY-----\r\n';
    const block = decodePem(`junk before\n${pem}`);
    assert.equal(block.label, 'PUBLIC KEY');
    assert.equal(toHex(block.der), '000102ff');
    assert.throws(() => decodePem('-----BEGIN X-----\nAA==\n-----END Y-----'), KeyFormatError);
  });

  it('parses SPKI and PKCS#8 of every supported kind; RSASSA-PSS restrictions', () => {
    const pairs = [
      ['rsa', nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 1024 })],
      ['rsa-pss', nodeCrypto.generateKeyPairSync('rsa-pss', { modulusLength: 1024 })],
      ['rsa-pss', nodeCrypto.generateKeyPairSync('rsa-pss', { modulusLength: 1024, hashAlgorithm: 'sha512', mgf1HashAlgorithm: 'sha512' })],
      ['ec-p256', nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })],
      ['ec-p384', nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-384' })],
      ['ed25519', nodeCrypto.generateKeyPairSync('ed25519')],
    ] as const;
    for (const [kind, pair] of pairs) {
      const spki = parseSpki(new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' })));
      const pkcs8 = parsePrivateKey(new Uint8Array(pair.privateKey.export({ type: 'pkcs8', format: 'der' })));
      assert.equal(spki.kind, kind);
      assert.equal(pkcs8.kind, kind);
      if (spki.kind === 'rsa-pss' || spki.kind === 'rsa') {
        // The re-wrapped SPKI is a plain rsaEncryption key node:crypto can read.
        const re = nodeCrypto.createPublicKey({ key: Buffer.from(spki.spki), format: 'der', type: 'spki' });
        assert.equal(re.asymmetricKeyType, 'rsa');
      }
    }
    const restricted = parseSpki(new Uint8Array((pairs[2][1].publicKey.export({ type: 'spki', format: 'der' }))));
    assert.equal(restricted.kind === 'rsa-pss' ? restricted.pssHash : 'x', 'SHA-512');
    assert.deepEqual(handshakeSchemesFor('rsa-pss', 'SHA-512'), ['rsa_pss_pss_sha512']);
    // PSS keys whose digest and MGF1 hash differ, or that only allow SHA-1, are refused.
    const mixed = nodeCrypto.generateKeyPairSync('rsa-pss', { modulusLength: 1024, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha384' });
    assert.throws(() => parseSpki(new Uint8Array(mixed.publicKey.export({ type: 'spki', format: 'der' }))), KeyFormatError);
    const sha1 = nodeCrypto.generateKeyPairSync('rsa-pss', { modulusLength: 1024, hashAlgorithm: 'sha1', mgf1HashAlgorithm: 'sha1' });
    assert.throws(() => parsePrivateKey(new Uint8Array(sha1.privateKey.export({ type: 'pkcs8', format: 'der' }))), KeyFormatError);
  });

  it('constant-time compare', () => {
    assert.equal(constantTimeEqual(h('0102'), h('0102')), true);
    assert.equal(constantTimeEqual(h('0102'), h('0103')), false);
    assert.equal(constantTimeEqual(h('0102'), h('01')), false);
    assert.equal(constantTimeEqual(new Uint8Array(0), new Uint8Array(0)), true);
  });
});
