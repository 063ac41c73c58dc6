/**
 * Both crypto providers against known vectors, against node:crypto (used here as an independent
 * reference only), and against each other.
 */

import assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import { describe, it } from 'node:test';
import { createWebCryptoProvider } from '../../backends/forge-tls13/crypto/webcrypto.js';
import type { AeadAlgorithm, HashAlgorithm } from '../../backends/forge-tls13/crypto/provider.js';
import { PROVIDERS, flip, h, toHex, utf8 } from './crypto-test-helpers.js';
import { helloRetry, resumed0Rtt, simple1Rtt } from './rfc8448.js';

const NODE_AEAD: Record<AeadAlgorithm, string> = {
  'AES-128-GCM': 'aes-128-gcm',
  'AES-256-GCM': 'aes-256-gcm',
  'CHACHA20-POLY1305': 'chacha20-poly1305',
};
const KEY_LENGTH: Record<AeadAlgorithm, number> = { 'AES-128-GCM': 16, 'AES-256-GCM': 32, 'CHACHA20-POLY1305': 32 };

function nodeSeal(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): string {
  const c = nodeCrypto.createCipheriv(NODE_AEAD[alg] as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: pt.length });
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]).toString('hex');
}

const nodeHash = (alg: HashAlgorithm) => (alg === 'SHA-256' ? 'sha256' : 'sha384');

for (const [name, p] of PROVIDERS) {
  describe(`crypto provider: ${name}`, () => {
    describe('hash and HMAC', () => {
      it('SHA-256 / SHA-384 of "abc" (FIPS 180-2 examples)', async () => {
        assert.equal(toHex(await p.hash('SHA-256', utf8('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
        assert.equal(
          toHex(await p.hash('SHA-384', utf8('abc'))),
          'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
        );
        assert.equal(toHex(await p.hash('SHA-256', new Uint8Array(0))), toHex(simple1Rtt.emptyHash));
      });

      it('HMAC, RFC 4231 test case 2', async () => {
        const key = utf8('Jefe');
        const data = utf8('what do ya want for nothing?');
        assert.equal(toHex(await p.hmac('SHA-256', key, data)), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
        assert.equal(
          toHex(await p.hmac('SHA-384', key, data)),
          'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
        );
      });

      it('hash and HMAC agree with node:crypto for many lengths (empty and long keys too)', async () => {
        for (const alg of ['SHA-256', 'SHA-384'] as const) {
          for (const len of [0, 1, 55, 56, 64, 111, 112, 128, 1000, 20000]) {
            const data = nodeCrypto.randomBytes(len);
            assert.equal(toHex(await p.hash(alg, data)), nodeCrypto.createHash(nodeHash(alg)).update(data).digest('hex'));
            for (const keyLen of [0, 1, 32, 48, 64, 128, 129, 200]) {
              const key = nodeCrypto.randomBytes(keyLen);
              assert.equal(
                toHex(await p.hmac(alg, key, data)),
                nodeCrypto.createHmac(nodeHash(alg), key).update(data).digest('hex'),
                `${alg} key ${keyLen} data ${len}`,
              );
            }
          }
        }
      });

      it('randomBytes', () => {
        assert.equal(p.randomBytes(0).length, 0);
        const a = p.randomBytes(100000);
        assert.equal(a.length, 100000);
        assert.notEqual(toHex(p.randomBytes(32)), toHex(p.randomBytes(32)));
      });
    });

    describe('AEAD', () => {
      it('ChaCha20-Poly1305: RFC 8439 section 2.8.2', async () => {
        const aead = await p.aead('CHACHA20-POLY1305', h('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f'));
        const nonce = h('070000004041424344454647');
        const aad = h('50515253c0c1c2c3c4c5c6c7');
        const pt = utf8("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
        const expected =
          'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b' +
          '1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc' +
          '3ff4def08e4b7a9de576d26586cec64b6116' +
          '1ae10b594f09e26a7e902ecbd0600691';
        assert.equal(aead.keyLength, 32);
        assert.equal(aead.nonceLength, 12);
        assert.equal(aead.tagLength, 16);
        assert.equal(toHex(await aead.seal(nonce, aad, pt)), expected);
        assert.deepEqual(await aead.open(nonce, aad, h(expected)), pt);
      });

      it('AES-GCM: GCM specification test cases 2, 13 and 14 (zero key and IV)', async () => {
        const a128 = await p.aead('AES-128-GCM', new Uint8Array(16));
        assert.equal(
          toHex(await a128.seal(new Uint8Array(12), new Uint8Array(0), new Uint8Array(16))),
          '0388dace60b6a392f328c2b971b2fe78' + 'ab6e47d42cec13bdf53a67b21257bddf',
        );
        const a256 = await p.aead('AES-256-GCM', new Uint8Array(32));
        assert.equal(toHex(await a256.seal(new Uint8Array(12), new Uint8Array(0), new Uint8Array(0))), '530f8afbc74536b9a963b4f1c4cb738b');
        assert.equal(
          toHex(await a256.seal(new Uint8Array(12), new Uint8Array(0), new Uint8Array(16))),
          'cea7403d4d606b6e074ec5d3baf39d18' + 'd0d1c8a799996bf0265b98b5d48ab919',
        );
      });

      it('AES-128-GCM: the RFC 8448 client application data record, as a raw AEAD vector', async () => {
        const aead = await p.aead('AES-128-GCM', simple1Rtt.clientApplicationKey);
        const record = simple1Rtt.clientApplicationDataRecord;
        const inner = new Uint8Array([...simple1Rtt.applicationData, 23]);
        const sealed = await aead.seal(simple1Rtt.clientApplicationIv, record.subarray(0, 5), inner);
        assert.equal(toHex(sealed), toHex(record.subarray(5)));
      });

      for (const alg of ['AES-128-GCM', 'AES-256-GCM', 'CHACHA20-POLY1305'] as const) {
        it(`${alg}: matches node:crypto, round-trips, rejects tampering`, async () => {
          const key = nodeCrypto.randomBytes(KEY_LENGTH[alg]);
          const aead = await p.aead(alg, key);
          assert.equal(aead.algorithm, alg);
          for (const len of [0, 1, 15, 16, 17, 100, 16385]) {
            const nonce = nodeCrypto.randomBytes(12);
            const aad = nodeCrypto.randomBytes(len % 13);
            const pt = nodeCrypto.randomBytes(len);
            const sealed = await aead.seal(nonce, aad, pt);
            assert.equal(toHex(sealed), nodeSeal(alg, key, nonce, aad, pt), `length ${len}`);
            assert.equal(toHex((await aead.open(nonce, aad, sealed)) as Uint8Array), toHex(pt));
            assert.equal(await aead.open(nonce, aad, flip(sealed, sealed.length - 1)), null, 'tag');
            assert.equal(await aead.open(nonce, aad, flip(sealed, 0)), null, 'first byte');
            assert.equal(await aead.open(flip(nonce, 11), aad, sealed), null, 'nonce');
            assert.equal(await aead.open(nonce, utf8('other aad'), sealed), null, 'aad');
            assert.equal(await aead.open(nonce, aad, sealed.subarray(0, sealed.length - 1)), null, 'truncated');
          }
          assert.equal(await aead.open(new Uint8Array(12), new Uint8Array(0), new Uint8Array(15)), null, 'shorter than a tag');
          assert.equal(await aead.open(new Uint8Array(12), new Uint8Array(0), new Uint8Array(0)), null, 'empty');
        });

        it(`${alg}: rejects bad key and nonce lengths`, async () => {
          await assert.rejects(p.aead(alg, new Uint8Array(KEY_LENGTH[alg] + 1)));
          await assert.rejects(p.aead(alg, new Uint8Array(0)));
          const aead = await p.aead(alg, new Uint8Array(KEY_LENGTH[alg]));
          await assert.rejects(aead.seal(new Uint8Array(8), new Uint8Array(0), new Uint8Array(1)));
          await assert.rejects(aead.open(new Uint8Array(16), new Uint8Array(0), new Uint8Array(32)));
        });

        it(`${alg}: concurrent calls on one instance give the right results`, async () => {
          const key = nodeCrypto.randomBytes(KEY_LENGTH[alg]);
          const aead = await p.aead(alg, key);
          const jobs = Array.from({ length: 40 }, (_, i) => {
            const nonce = nodeCrypto.randomBytes(12);
            const pt = nodeCrypto.randomBytes(i * 37);
            return { nonce, pt, sealed: aead.seal(nonce, new Uint8Array(0), pt) };
          });
          for (const j of jobs) assert.equal(toHex(await j.sealed), nodeSeal(alg, key, j.nonce, new Uint8Array(0), j.pt));
        });
      }

      it('the key given to aead() is copied', async () => {
        const key = new Uint8Array(32).fill(7);
        const aead = await p.aead('CHACHA20-POLY1305', key);
        const gcm = await p.aead('AES-256-GCM', key);
        const a = await aead.seal(new Uint8Array(12), new Uint8Array(0), utf8('x'));
        const b = await gcm.seal(new Uint8Array(12), new Uint8Array(0), utf8('x'));
        key.fill(0);
        assert.deepEqual(await aead.seal(new Uint8Array(12), new Uint8Array(0), utf8('x')), a);
        assert.deepEqual(await gcm.seal(new Uint8Array(12), new Uint8Array(0), utf8('x')), b);
      });
    });

    describe('key exchange', () => {
      it('x25519: RFC 8448 fixed keys give the trace public keys and shared secret', async () => {
        for (const t of [simple1Rtt, resumed0Rtt]) {
          const client = await p.keyShareFromPrivateKey('x25519', t.clientX25519Private);
          const server = await p.keyShareFromPrivateKey('x25519', t.serverX25519Private);
          assert.equal(client.group, 'x25519');
          assert.equal(toHex(client.publicKey), toHex(t.clientX25519Public));
          assert.equal(toHex(server.publicKey), toHex(t.serverX25519Public));
          assert.equal(toHex(await client.deriveSecret(t.serverX25519Public)), toHex(t.sharedSecret));
          assert.equal(toHex(await server.deriveSecret(t.clientX25519Public)), toHex(t.sharedSecret));
        }
      });

      it('secp256r1: RFC 8448 HelloRetryRequest trace keys give its public keys and shared secret', async () => {
        const client = await p.keyShareFromPrivateKey('secp256r1', helloRetry.clientP256Private);
        const server = await p.keyShareFromPrivateKey('secp256r1', helloRetry.serverP256Private);
        assert.equal(toHex(client.publicKey), toHex(helloRetry.clientP256Public));
        assert.equal(toHex(server.publicKey), toHex(helloRetry.serverP256Public));
        assert.equal(toHex(await client.deriveSecret(helloRetry.serverP256Public)), toHex(helloRetry.sharedSecret));
        assert.equal(toHex(await server.deriveSecret(helloRetry.clientP256Public)), toHex(helloRetry.sharedSecret));
      });

      it('secp384r1: a fixed private key gives node:crypto’s public key; agreement works', async () => {
        const { privateKey } = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
        const jwk = privateKey.export({ format: 'jwk' });
        const d = Buffer.from(jwk.d as string, 'base64url');
        const share = await p.keyShareFromPrivateKey('secp384r1', d);
        const expected = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x as string, 'base64url'), Buffer.from(jwk.y as string, 'base64url')]);
        assert.equal(toHex(share.publicKey), expected.toString('hex'));
        const other = await p.generateKeyShare('secp384r1');
        const ecdh = nodeCrypto.createECDH('secp384r1');
        ecdh.setPrivateKey(d);
        assert.equal(toHex(await share.deriveSecret(other.publicKey)), ecdh.computeSecret(other.publicKey).toString('hex'));
        assert.equal(toHex(await other.deriveSecret(share.publicKey)), ecdh.computeSecret(other.publicKey).toString('hex'));
      });

      for (const [group, length] of [
        ['x25519', 32],
        ['secp256r1', 65],
        ['secp384r1', 97],
      ] as const) {
        it(`${group}: generated shares have wire-format public keys and agree, also across providers`, async () => {
          const a = await p.generateKeyShare(group);
          assert.equal(a.group, group);
          assert.equal(a.publicKey.length, length);
          if (group !== 'x25519') assert.equal(a.publicKey[0], 0x04);
          for (const [, q] of PROVIDERS) {
            const b = await q.generateKeyShare(group);
            const s1 = await a.deriveSecret(b.publicKey);
            assert.equal(s1.length, group === 'secp384r1' ? 48 : 32);
            assert.equal(toHex(s1), toHex(await b.deriveSecret(a.publicKey)));
          }
          assert.notEqual(toHex((await p.generateKeyShare(group)).publicKey), toHex(a.publicKey));
        });
      }

      it('x25519: rejects small-order peer points (all-zero shared secret) and bad lengths', async () => {
        const share = await p.generateKeyShare('x25519');
        const lowOrder = [
          '0000000000000000000000000000000000000000000000000000000000000000',
          '0100000000000000000000000000000000000000000000000000000000000000',
          'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
          '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
          'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
        ];
        for (const point of lowOrder) await assert.rejects(share.deriveSecret(h(point)), Error, point);
        await assert.rejects(share.deriveSecret(new Uint8Array(31)));
        await assert.rejects(share.deriveSecret(new Uint8Array(33)));
        await assert.rejects(share.deriveSecret(new Uint8Array(0)));
      });

      it('EC groups: reject compressed, off-curve, wrong-size and wrong-curve points', async () => {
        const share = await p.keyShareFromPrivateKey('secp256r1', helloRetry.clientP256Private);
        const good = helloRetry.serverP256Public;
        const compressed = new Uint8Array([2 + ((good[64] as number) & 1), ...good.subarray(1, 33)]);
        await assert.rejects(share.deriveSecret(compressed));
        await assert.rejects(share.deriveSecret(flip(good, 64)), Error, 'off curve');
        await assert.rejects(share.deriveSecret(new Uint8Array(65)), Error, 'zeros');
        await assert.rejects(share.deriveSecret(new Uint8Array([0x04, ...new Uint8Array(64).fill(0xff)])));
        await assert.rejects(share.deriveSecret(good.subarray(0, 64)));
        await assert.rejects(share.deriveSecret((await p.generateKeyShare('secp384r1')).publicKey));
        const p384 = await p.generateKeyShare('secp384r1');
        await assert.rejects(p384.deriveSecret(good));
      });

      it('keyShareFromPrivateKey rejects wrong private key lengths and unknown groups', async () => {
        await assert.rejects(p.keyShareFromPrivateKey('x25519', new Uint8Array(31)));
        await assert.rejects(p.keyShareFromPrivateKey('secp256r1', new Uint8Array(33)));
        await assert.rejects(p.generateKeyShare('ffdhe2048' as 'x25519'));
      });
    });
  });
}

describe('webcrypto provider: x25519 all-zero check is ours, not only the platform’s', () => {
  it('rejects an all-zero shared secret even when deriveBits returns one', async () => {
    const real = globalThis.crypto.subtle;
    const fake = Object.create(real) as typeof real;
    fake.deriveBits = async () => new ArrayBuffer(32);
    for (const m of ['importKey', 'exportKey', 'generateKey'] as const) {
      (fake as unknown as Record<string, unknown>)[m] = (real[m] as (...a: unknown[]) => unknown).bind(real);
    }
    const p = createWebCryptoProvider({ subtle: fake });
    const share = await p.keyShareFromPrivateKey('x25519', simple1Rtt.clientX25519Private);
    await assert.rejects(share.deriveSecret(simple1Rtt.serverX25519Public), /all zero/);
  });
});
