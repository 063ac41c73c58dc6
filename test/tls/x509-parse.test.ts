/**
 * Certificate parsing (backends/forge-tls13/x509/parse.ts): fields against node:crypto's view of
 * the same certificates, Node's root store, strict DER, and fuzzing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { KEY_TYPES, type KeyType } from '../../src/certs.js';
import {
  CertificateError,
  defaultTrustAnchors,
  parseCertificate,
  verifyCertificateChain,
} from '../../backends/forge-tls13/x509/index.js';
import { chainOf, leafWith, testProvider } from './x509-fixtures.js';

const EXPECTED: Record<KeyType, { key: string; scheme: string }> = {
  'ecdsa-p256': { key: 'ec-p256', scheme: 'ecdsa_secp256r1_sha256' },
  'ecdsa-p384': { key: 'ec-p384', scheme: 'ecdsa_secp384r1_sha384' },
  'rsa-2048': { key: 'rsa', scheme: 'rsa_pkcs1_sha256' },
  'rsa-pss-2048': { key: 'rsa-pss', scheme: 'rsa_pss_pss_sha256' },
  ed25519: { key: 'ed25519', scheme: 'ed25519' },
};

function isMalformed(err: unknown): boolean {
  return err instanceof CertificateError && err.reason === 'malformed';
}

for (const keyType of KEY_TYPES) {
  test(`${keyType}: fields agree with node:crypto`, async () => {
    const c = await chainOf(keyType);
    const cert = parseCertificate(c.leaf.certDer);
    const node = new X509Certificate(c.leaf.certDer);
    assert.equal(cert.version, 3);
    assert.equal(cert.publicKeyType, EXPECTED[keyType].key);
    assert.equal(cert.signatureAlgorithm.scheme, EXPECTED[keyType].scheme);
    assert.equal(cert.serialNumber, node.serialNumber);
    assert.equal(cert.subject.text, 'CN=localhost');
    assert.equal(cert.issuer.text, `CN=test intermediate ${keyType}`);
    assert.equal(cert.notBefore.getTime(), new Date(node.validFrom).getTime());
    assert.equal(cert.notAfter.getTime(), new Date(node.validTo).getTime());
    assert.deepEqual(Buffer.from(cert.subjectPublicKeyInfo), node.publicKey.export({ format: 'der', type: 'spki' }));
    assert.deepEqual(cert.subjectAltNames.dns, ['localhost']);
    assert.deepEqual(cert.subjectAltNames.ip.map((b) => [...b]), [[127, 0, 0, 1], [...new Uint8Array(15), 1]]);
    assert.deepEqual(cert.basicConstraints, { ca: false });
    assert.deepEqual(cert.extendedKeyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    assert.ok(cert.keyUsage?.includes('digitalSignature'));
    assert.deepEqual(cert.unknownCriticalExtensions, []);
    const mid = parseCertificate(c.intermediate.certDer);
    assert.deepEqual(mid.basicConstraints, { ca: true });
    assert.deepEqual(cert.authorityKeyId, mid.subjectKeyId);
    assert.deepEqual(cert.issuer.der, mid.subject.der);
    assert.deepEqual([...(mid.keyUsage ?? [])].sort(), ['cRLSign', 'digitalSignature', 'keyCertSign']);
    // The TBS slice is what the issuer signed.
    assert.ok(node.verify(new X509Certificate(c.intermediate.certDer).publicKey));
  });
}

test('pathLen is parsed', async () => {
  const c = await chainOf('ecdsa-p256');
  const mid = await c.pki.issue({ isCA: true, pathLen: 2 });
  assert.deepEqual(parseCertificate(mid.certDer).basicConstraints, { ca: true, pathLen: 2 });
});

test("every certificate in Node's root store parses", async () => {
  const roots = await defaultTrustAnchors();
  assert.ok(roots.length > 100);
  assert.equal(await defaultTrustAnchors(), roots, 'cached');
  const types = new Set<string>();
  for (const der of roots) {
    const cert = parseCertificate(der);
    types.add(cert.publicKeyType);
    assert.deepEqual(cert.subject.der, cert.issuer.der, cert.subject.text);
  }
  assert.ok(types.has('rsa') && types.has('ec-p384'));
});

test('strict DER: garbage, truncation, trailing bytes, non-minimal lengths', async () => {
  const der = (await chainOf('ecdsa-p256')).leaf.certDer;
  for (const bad of [
    new Uint8Array(0),
    Uint8Array.of(0x30),
    Uint8Array.of(0x30, 0x80, 0x00, 0x00),
    Uint8Array.of(0x04, 0x00),
    new TextEncoder().encode('-----BEGIN CERTIFICATE-----'),
    der.subarray(0, der.length - 1),
    Uint8Array.of(...der, 0x00),
    // Outer length re-encoded with one more (leading zero) octet: valid BER, not DER.
    Uint8Array.of(0x30, 0x83, 0x00, der[2]!, der[3]!, ...der.subarray(4)),
  ]) {
    assert.throws(() => parseCertificate(bad), isMalformed);
  }
  assert.throws(() => parseCertificate('nope' as unknown as Uint8Array), isMalformed);
});

test('fuzz: mutated certificates throw only CertificateError and never verify', async () => {
  const { chain, trustAnchors } = await leafWith({});
  const provider = await testProvider();
  const der = chain[0]!;
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(der.length - 1), xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(der.length - 1), xor: fc.constant(0) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(der.length), xor: fc.integer({ min: 0, max: 255 }) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
      let bytes = Uint8Array.from(der);
      for (const m of mutations) {
        const at = Math.min(m.at, bytes.length);
        if (m.kind === 'flip' && at < bytes.length) bytes[at]! ^= m.xor;
        if (m.kind === 'truncate') bytes = bytes.slice(0, at);
        if (m.kind === 'insert') bytes = Uint8Array.of(...bytes.subarray(0, at), m.xor, ...bytes.subarray(at));
      }
      try {
        parseCertificate(bytes);
      } catch (err) {
        assert.ok(err instanceof CertificateError, `parse threw ${String(err)}`);
      }
      const changed = bytes.length !== der.length || bytes.some((b, i) => b !== der[i]);
      try {
        await verifyCertificateChain({ chain: [bytes, chain[1]!], trustAnchors, provider, purpose: 'serverAuth' });
        assert.ok(!changed, 'a modified certificate verified');
      } catch (err) {
        assert.ok(err instanceof CertificateError, `verify threw ${String(err)}`);
      }
    }),
    { numRuns: 400 },
  );
});

test('fuzz: random bytes throw only CertificateError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        parseCertificate(Uint8Array.of(0x30, 0x82, bytes.length >> 8, bytes.length & 0xff, ...bytes));
      } catch (err) {
        assert.ok(err instanceof CertificateError, `threw ${String(err)}`);
      }
    }),
    { numRuns: 500 },
  );
});
