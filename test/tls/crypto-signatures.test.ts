/**
 * Signatures: sign -> verify for every scheme with freshly generated keys (node:crypto makes the
 * keys and acts as an independent verifier/signer; it is not used by the providers), across
 * providers, tampering and junk input, key import formats, and RFC 8448's CertificateVerify.
 */

import assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import { describe, it } from 'node:test';
import type { PrivateKeyHandle, SignatureSchemeName } from '../../backends/forge-tls13/crypto/provider.js';
import { PROVIDERS, flip, utf8 } from './crypto-test-helpers.js';
import { rsaPrivateKeyPkcs8, serverCertificate, simple1Rtt } from './rfc8448.js';

interface TestKey {
  readonly label: string;
  readonly kind: PrivateKeyHandle['kind'];
  readonly privateKey: nodeCrypto.KeyObject;
  readonly publicKey: nodeCrypto.KeyObject;
  readonly pkcs8: Uint8Array;
  readonly spki: Uint8Array;
  readonly schemes: readonly SignatureSchemeName[];
  /** Extra schemes the key can sign with but that CertificateVerify does not allow. */
  readonly extra: readonly SignatureSchemeName[];
}

function makeKey(
  label: string,
  kind: PrivateKeyHandle['kind'],
  pair: nodeCrypto.KeyPairKeyObjectResult,
  schemes: readonly SignatureSchemeName[],
  extra: readonly SignatureSchemeName[] = [],
): TestKey {
  return {
    label,
    kind,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    pkcs8: new Uint8Array(pair.privateKey.export({ type: 'pkcs8', format: 'der' })),
    spki: new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' })),
    schemes,
    extra,
  };
}

const KEYS: readonly TestKey[] = [
  makeKey(
    'RSA 2048',
    'rsa',
    nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
    ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha512'],
    ['rsa_pkcs1_sha256', 'rsa_pkcs1_sha384', 'rsa_pkcs1_sha512'],
  ),
  makeKey('RSASSA-PSS 2048 (no parameters)', 'rsa-pss', nodeCrypto.generateKeyPairSync('rsa-pss', { modulusLength: 2048 }), [
    'rsa_pss_pss_sha256',
    'rsa_pss_pss_sha384',
    'rsa_pss_pss_sha512',
  ]),
  makeKey(
    'RSASSA-PSS 2048 restricted to SHA-384',
    'rsa-pss',
    nodeCrypto.generateKeyPairSync('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha384', mgf1HashAlgorithm: 'sha384' }),
    ['rsa_pss_pss_sha384'],
  ),
  makeKey('P-256', 'ec-p256', nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }), ['ecdsa_secp256r1_sha256']),
  makeKey('P-384', 'ec-p384', nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }), ['ecdsa_secp384r1_sha384']),
  makeKey('Ed25519', 'ed25519', nodeCrypto.generateKeyPairSync('ed25519'), ['ed25519']),
];

const HASH: Partial<Record<SignatureSchemeName, string>> = {
  ecdsa_secp256r1_sha256: 'sha256',
  ecdsa_secp384r1_sha384: 'sha384',
  rsa_pss_rsae_sha256: 'sha256',
  rsa_pss_rsae_sha384: 'sha384',
  rsa_pss_rsae_sha512: 'sha512',
  rsa_pss_pss_sha256: 'sha256',
  rsa_pss_pss_sha384: 'sha384',
  rsa_pss_pss_sha512: 'sha512',
  rsa_pkcs1_sha256: 'sha256',
  rsa_pkcs1_sha384: 'sha384',
  rsa_pkcs1_sha512: 'sha512',
  rsa_pkcs1_sha1: 'sha1',
  ecdsa_sha1: 'sha1',
};
const SALT: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** node:crypto's verdict, as an independent check of our signatures. */
function nodeVerify(scheme: SignatureSchemeName, key: nodeCrypto.KeyObject, data: Uint8Array, sig: Uint8Array): boolean {
  const hash = HASH[scheme] ?? null;
  if (scheme.startsWith('rsa_pss')) {
    return nodeCrypto.verify(hash, data, { key, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT[hash as string] as number }, sig);
  }
  return nodeCrypto.verify(hash, data, scheme.startsWith('ecdsa') ? { key, dsaEncoding: 'der' } : key, sig);
}

const DATA = utf8('The quick brown fox jumps over the lazy dog');

for (const [name, p] of PROVIDERS) {
  describe(`signatures: ${name}`, () => {
    const handles = new Map<string, Promise<PrivateKeyHandle>>(KEYS.map((k) => [k.label, p.importPrivateKey(k.pkcs8)]));
    const handle = (k: TestKey) => handles.get(k.label) as Promise<PrivateKeyHandle>;

    for (const k of KEYS) {
      it(`${k.label}: imports with the right kind and CertificateVerify schemes`, async () => {
        const hd = await handle(k);
        assert.equal(hd.kind, k.kind);
        assert.deepEqual([...hd.schemes], [...k.schemes]);
      });

      for (const scheme of [...k.schemes, ...k.extra]) {
        it(`${k.label}: ${scheme} sign -> verify (both providers and node:crypto); tampering fails`, async () => {
          const sig = await p.sign(scheme, await handle(k), DATA);
          assert.ok(nodeVerify(scheme, k.publicKey, DATA, sig), 'node:crypto accepts it');
          for (const [qn, q] of PROVIDERS) {
            assert.equal(await q.verify(scheme, k.spki, DATA, sig), true, `${qn} accepts it`);
            assert.equal(await q.verify(scheme, k.spki, flip(DATA, 3), sig), false, `${qn}: other data`);
            for (const i of [0, 1, Math.floor(sig.length / 2), sig.length - 1]) {
              assert.equal(await q.verify(scheme, k.spki, DATA, flip(sig, i)), false, `${qn}: flipped byte ${i}`);
            }
            assert.equal(await q.verify(scheme, k.spki, DATA, sig.subarray(0, sig.length - 1)), false, `${qn}: truncated`);
            assert.equal(await q.verify(scheme, k.spki, DATA, new Uint8Array([...sig, 0])), false, `${qn}: trailing byte`);
            assert.equal(await q.verify(scheme, k.spki, DATA, new Uint8Array(0)), false, `${qn}: empty`);
          }
        });
      }

      it(`${k.label}: verifies node:crypto signatures, rejects another key's`, async () => {
        const other = KEYS.find((o) => o !== k && o.kind === k.kind && o.schemes.some((s) => k.schemes.includes(s)));
        for (const scheme of k.schemes) {
          const hash = HASH[scheme] ?? null;
          const sig = scheme.startsWith('rsa_pss')
            ? nodeCrypto.sign(hash, DATA, { key: k.privateKey, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT[hash as string] as number })
            : nodeCrypto.sign(hash, DATA, k.privateKey);
          assert.equal(await p.verify(scheme, k.spki, DATA, sig), true, scheme);
          if (other) assert.equal(await p.verify(scheme, other.spki, DATA, sig), false, `${scheme} with another key`);
        }
      });
    }

    it('RSA-PSS with a salt other than the digest length is rejected (RFC 8446 4.2.3)', async () => {
      const k = KEYS[0] as TestKey;
      const sig = nodeCrypto.sign('sha256', DATA, { key: k.privateKey, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 });
      assert.equal(await p.verify('rsa_pss_rsae_sha256', k.spki, DATA, sig), false);
    });

    it('legacy SHA-1 schemes verify (certificates only) but are never produced', async () => {
      const rsa = KEYS[0] as TestKey;
      const ec = KEYS.find((k) => k.kind === 'ec-p384') as TestKey;
      assert.equal(await p.verify('rsa_pkcs1_sha1', rsa.spki, DATA, nodeCrypto.sign('sha1', DATA, rsa.privateKey)), true);
      assert.equal(await p.verify('ecdsa_sha1', ec.spki, DATA, nodeCrypto.sign('sha1', DATA, ec.privateKey)), true);
      await assert.rejects(p.sign('rsa_pkcs1_sha1', await handle(rsa), DATA));
      await assert.rejects(p.sign('ecdsa_sha1', await handle(ec), DATA));
    });

    it('verify resolves false for keys that do not fit the scheme', async () => {
      const [rsa, pss, pss384, p256, p384, ed] = KEYS as [TestKey, TestKey, TestKey, TestKey, TestKey, TestKey];
      const ecSig = nodeCrypto.sign('sha256', DATA, p384.privateKey);
      assert.equal(await p.verify('ecdsa_secp256r1_sha256', p384.spki, DATA, ecSig), false, 'P-384 key, P-256 scheme');
      assert.equal(await p.verify('ecdsa_secp384r1_sha384', p256.spki, DATA, nodeCrypto.sign('sha384', DATA, p256.privateKey)), false);
      const pssSig = nodeCrypto.sign('sha256', DATA, { key: rsa.privateKey, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
      assert.equal(await p.verify('rsa_pss_pss_sha256', rsa.spki, DATA, pssSig), false, 'rsaEncryption key, pss scheme');
      const pssKeySig = nodeCrypto.sign('sha256', DATA, { key: pss.privateKey, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
      assert.equal(await p.verify('rsa_pss_rsae_sha256', pss.spki, DATA, pssKeySig), false, 'RSASSA-PSS key, rsae scheme');
      assert.equal(await p.verify('rsa_pss_pss_sha256', pss384.spki, DATA, pssKeySig), false, 'SHA-384-restricted key');
      assert.equal(await p.verify('rsa_pkcs1_sha256', pss.spki, DATA, nodeCrypto.sign('sha256', DATA, rsa.privateKey)), false);
      assert.equal(await p.verify('ed25519', rsa.spki, DATA, new Uint8Array(64)), false);
      assert.equal(await p.verify('rsa_pss_rsae_sha256', ed.spki, DATA, new Uint8Array(256)), false);
      assert.equal(await p.verify('ecdsa_secp256r1_sha256', rsa.spki, DATA, ecSig), false);
    });

    it('verify resolves false (never throws) for junk keys and signatures', async () => {
      const junkKeys = [
        new Uint8Array(0),
        new Uint8Array([0x30]),
        new Uint8Array([0x30, 0x80, 0, 0]),
        new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
        nodeCrypto.randomBytes(91),
        nodeCrypto.randomBytes(300),
        (KEYS[3] as TestKey).spki.subarray(0, 40),
        new Uint8Array([...(KEYS[3] as TestKey).spki, 0]),
        flip((KEYS[3] as TestKey).spki, 30), // curve OID damaged
        (() => {
          const s = (KEYS[3] as TestKey).spki.slice();
          s[s.length - 1] = (s[s.length - 1] as number) ^ 0xff; // point off the curve
          return s;
        })(),
        new Uint8Array((nodeCrypto.generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'der' }) as Buffer)),
        new Uint8Array(nodeCrypto.generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }).publicKey.export({ type: 'spki', format: 'der' })),
      ];
      const schemes: SignatureSchemeName[] = [
        'ecdsa_secp256r1_sha256',
        'ecdsa_secp384r1_sha384',
        'rsa_pss_rsae_sha256',
        'rsa_pss_pss_sha256',
        'rsa_pkcs1_sha256',
        'ed25519',
        'ecdsa_sha1',
        'rsa_pkcs1_sha1',
        'no_such_scheme' as SignatureSchemeName,
      ];
      for (const key of junkKeys) {
        for (const scheme of schemes) {
          for (const sig of [new Uint8Array(0), new Uint8Array(64), nodeCrypto.randomBytes(256), new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])]) {
            assert.equal(await p.verify(scheme, key, DATA, sig), false);
          }
        }
      }
      // Well-formed keys with junk ECDSA DER encodings.
      const p256 = KEYS[3] as TestKey;
      const good = nodeCrypto.sign('sha256', DATA, p256.privateKey);
      const junkSigs = [
        new Uint8Array([0x30, 0x00]),
        new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]),
        new Uint8Array([0x30, 0x08, 0x02, 0x02, 0x00, 0x01, 0x02, 0x02, 0x00, 0x01]), // non-minimal
        new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01]), // negative
        new Uint8Array([0x31, ...good.subarray(1)]),
        new Uint8Array([0x30, 0x25, 0x02, 0x21, 0x01, ...new Uint8Array(32), 0x02, 0x00]), // r too large
      ];
      for (const sig of junkSigs) assert.equal(await p.verify('ecdsa_secp256r1_sha256', p256.spki, DATA, sig), false);
    });

    it('sign refuses unfit schemes, foreign handles and unknown schemes', async () => {
      const [rsa, , , p256] = KEYS as [TestKey, TestKey, TestKey, TestKey];
      await assert.rejects(p.sign('ecdsa_secp256r1_sha256', await handle(rsa), DATA));
      await assert.rejects(p.sign('rsa_pss_pss_sha256', await handle(rsa), DATA));
      await assert.rejects(p.sign('ecdsa_secp384r1_sha384', await handle(p256), DATA));
      await assert.rejects(p.sign('nope' as SignatureSchemeName, await handle(p256), DATA));
      await assert.rejects(p.sign('ed25519', { kind: 'ed25519', schemes: ['ed25519'] }, DATA));
      for (const [qn, q] of PROVIDERS) {
        if (q === p) continue;
        const foreign = await q.importPrivateKey(p256.pkcs8);
        await assert.rejects(p.sign('ecdsa_secp256r1_sha256', foreign, DATA), Error, `handle from ${qn}`);
      }
    });

    it('imports PEM: PKCS#8, PKCS#1 "RSA PRIVATE KEY" and RFC 5915 "EC PRIVATE KEY"', async () => {
      const [rsa, , , p256, p384, ed] = KEYS as [TestKey, TestKey, TestKey, TestKey, TestKey, TestKey];
      const pems: [TestKey, string][] = [
        [rsa, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string],
        [rsa, rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string],
        [p256, p256.privateKey.export({ type: 'sec1', format: 'pem' }) as string],
        [p384, p384.privateKey.export({ type: 'sec1', format: 'pem' }) as string],
        [ed, ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string],
      ];
      for (const [k, pem] of pems) {
        const hd = await p.importPrivateKey(pem);
        assert.equal(hd.kind, k.kind);
        const scheme = k.schemes[0] as SignatureSchemeName;
        assert.ok(nodeVerify(scheme, k.publicKey, DATA, await p.sign(scheme, hd, DATA)), pem.split('\n')[0]);
      }
    });

    it('rejects keys it cannot use', async () => {
      const rsa = KEYS[0] as TestKey;
      await assert.rejects(p.importPrivateKey(new Uint8Array(0)));
      await assert.rejects(p.importPrivateKey(nodeCrypto.randomBytes(100)));
      await assert.rejects(p.importPrivateKey('not a key'));
      await assert.rejects(p.importPrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'x' }) as string));
      await assert.rejects(p.importPrivateKey(new Uint8Array(nodeCrypto.generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'der' }))));
      await assert.rejects(p.importPrivateKey(new Uint8Array(nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({ type: 'pkcs8', format: 'der' }))));
      await assert.rejects(p.importPrivateKey(rsa.pkcs8.subarray(0, 100)));
    });

    it('RFC 8448: the server CertificateVerify verifies with the certificate key; our own signature too', async () => {
      const spki = new Uint8Array(new nodeCrypto.X509Certificate(serverCertificate()).publicKey.export({ type: 'spki', format: 'der' }));
      const transcript = Buffer.concat([simple1Rtt.clientHello, simple1Rtt.serverHello, simple1Rtt.encryptedExtensions, simple1Rtt.certificate]);
      const content = new Uint8Array([
        ...new Uint8Array(64).fill(0x20),
        ...utf8('TLS 1.3, server CertificateVerify'),
        0,
        ...(await p.hash('SHA-256', transcript)),
      ]);
      const cv = simple1Rtt.certificateVerify;
      assert.deepEqual([...cv.subarray(0, 8)], [0x0f, 0x00, 0x00, 0x84, 0x08, 0x04, 0x00, 0x80]); // rsa_pss_rsae_sha256, 128 bytes
      const signature = cv.subarray(8);
      assert.equal(await p.verify('rsa_pss_rsae_sha256', spki, content, signature), true);
      assert.equal(await p.verify('rsa_pss_rsae_sha256', spki, flip(content, 70), signature), false);
      assert.equal(await p.verify('rsa_pss_rsae_sha384', spki, content, signature), false);

      const key = await p.importPrivateKey(rsaPrivateKeyPkcs8());
      assert.equal(key.kind, 'rsa');
      const ours = await p.sign('rsa_pss_rsae_sha256', key, content);
      assert.equal(ours.length, 128);
      assert.equal(await p.verify('rsa_pss_rsae_sha256', spki, content, ours), true);
    });
  });
}
