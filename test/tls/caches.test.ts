/**
 * The bounded caches behind handshake speed (backends/forge-tls13/lru.ts): parsed certificates by
 * content, imported verification keys by scheme and key. They must be bounded, exact (equal bytes
 * hit, different bytes miss), immune to callers mutating results, and must not remember failures.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { LruMap, bytesKey } from '../../backends/forge-tls13/lru.js';
import { parseCertificate } from '../../backends/forge-tls13/x509/index.js';
import { subtleVerify, type Subtle } from '../../backends/forge-tls13/crypto/webcrypto.js';
import { createTestPki } from '../../src/certs.js';
import { chainOf } from './x509-fixtures.js';

describe('LruMap', () => {
  it('evicts the least recently used entry beyond its limit; get refreshes an entry', () => {
    const m = new LruMap<number>(2);
    m.set('a', 1);
    m.set('b', 2);
    assert.equal(m.get('a'), 1); // a is now the most recent
    m.set('c', 3);
    assert.equal(m.size, 2);
    assert.equal(m.get('b'), undefined, 'b was least recently used');
    assert.equal(m.get('a'), 1);
    assert.equal(m.get('c'), 3);
    m.set('a', 10); // overwrite keeps one entry
    assert.equal(m.size, 2);
    assert.equal(m.get('a'), 10);
    m.delete('a');
    assert.equal(m.get('a'), undefined);
  });

  it('bytesKey is exact: equal bytes give equal keys, any difference a different key, at any length', () => {
    const big = new Uint8Array(10_000).map((_, i) => i * 7);
    assert.equal(bytesKey(big), bytesKey(big.slice()));
    const changed = big.slice();
    changed[9_999]! ^= 1; // past the first 4096-byte chunk
    assert.notEqual(bytesKey(big), bytesKey(changed));
    assert.notEqual(bytesKey(Uint8Array.of(0)), bytesKey(Uint8Array.of(0, 0)));
    assert.equal(bytesKey(big).length, big.length);
  });
});

describe('parsed certificate cache', () => {
  it('equal DER in another buffer gives the same parsed object; different DER a different one', async () => {
    const c = await chainOf('ecdsa-p256');
    const a = parseCertificate(c.leaf.certDer);
    const b = parseCertificate(new Uint8Array(c.leaf.certDer)); // a copy
    assert.equal(a, b);
    assert.notEqual(parseCertificate(c.intermediate.certDer), a);
  });

  it('results are frozen, so one caller cannot change what the next connection sees', async () => {
    const c = await chainOf('rsa-2048');
    const cert = parseCertificate(c.leaf.certDer);
    assert.throws(() => (cert.subjectAltNames.dns as string[]).push('evil.example'), TypeError);
    assert.throws(() => ((cert as { notAfter: Date }).notAfter = new Date(8.64e15)), TypeError);
    assert.throws(() => ((cert.keyUsage ?? []) as string[]).sort(), TypeError);
    assert.deepEqual(parseCertificate(c.leaf.certDer).subjectAltNames.dns, ['localhost']);
  });

  it('the parser copies its input: reusing the caller buffer does not alter a cached certificate', async () => {
    const c = await chainOf('ed25519');
    const buffer = new Uint8Array(c.leaf.certDer);
    const cert = parseCertificate(buffer);
    buffer.fill(0);
    assert.deepEqual(cert.der, c.leaf.certDer);
    assert.equal(parseCertificate(c.leaf.certDer), cert);
  });
});

describe('verification key cache', () => {
  /** A WebCrypto stand-in that counts imports and can be told to fail the next one. */
  function countingSubtle(): { subtle: Subtle; imports: () => number; failNext: () => void } {
    const real = globalThis.crypto.subtle;
    let imports = 0;
    let fail = false;
    const subtle = {
      importKey: (...args: Parameters<Subtle['importKey']>) => {
        imports++;
        if (fail) {
          fail = false;
          return Promise.reject(new Error('simulated import failure'));
        }
        return (real.importKey as (...a: unknown[]) => Promise<unknown>)(...args);
      },
      verify: real.verify.bind(real),
    } as unknown as Subtle;
    return { subtle, imports: () => imports, failNext: () => (fail = true) };
  }

  it('imports a key once per scheme and key, forgets a failed import, and keeps keys apart', async () => {
    const pki = await createTestPki({ keyType: 'ecdsa-p256' });
    const data = new TextEncoder().encode('signed content');
    const der = new Uint8Array(sign('sha256', data, { key: pki.ca.keyPem, dsaEncoding: 'der' }));
    const spki = parseCertificate(pki.ca.certDer).subjectPublicKeyInfo;
    const other = parseCertificate((await createTestPki({ keyType: 'ecdsa-p256' })).ca.certDer).subjectPublicKeyInfo;

    const s = countingSubtle();
    s.failNext();
    assert.equal(await subtleVerify(s.subtle, 'ecdsa_secp256r1_sha256', spki, data, der), false, 'a failed import reads as "does not verify"');
    assert.equal(await subtleVerify(s.subtle, 'ecdsa_secp256r1_sha256', spki, data, der), true, 'the failure was not remembered');
    assert.equal(await subtleVerify(s.subtle, 'ecdsa_secp256r1_sha256', spki, data, der), true);
    assert.equal(s.imports(), 2, 'the successful import was reused');
    assert.equal(await subtleVerify(s.subtle, 'ecdsa_secp256r1_sha256', other, data, der), false, 'another key is not served from the cache');
    assert.equal(s.imports(), 3);
  });
});
