/**
 * src/certs.ts against the reference verifier: OpenSSL, through node:tls (TLS 1.3, 127.0.0.1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tls from 'node:tls';
import { isIP, type AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { createTestPki, selfSigned, KEY_TYPES, type CertifiedKey } from '../src/certs.js';

interface Outcome {
  ok: boolean;
  code?: string;
}

/** Serves `cert` (PEM chain) and connects a client trusting `ca`; reports whether it verified. */
async function handshake(serverKey: CertifiedKey, chainPem: string, ca: string, servername = 'localhost'): Promise<Outcome> {
  const server = tls.createServer({ key: serverKey.keyPem, cert: chainPem, minVersion: 'TLSv1.3' }, (s) => s.end());
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<Outcome>((resolve) => {
      // An IP literal is not sent as SNI (RFC 6066 section 3); node:tls then checks the host.
      const host = isIP(servername) ? servername : '127.0.0.1';
      const sni = isIP(servername) ? {} : { servername };
      const socket = tls.connect({ host, port, ...sni, ca, rejectUnauthorized: true, minVersion: 'TLSv1.3' });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve({ ok: true });
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        socket.destroy();
        resolve({ ok: false, code: err.code ?? err.message });
      });
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

for (const keyType of KEY_TYPES) {
  test(`node:tls accepts a ${keyType} leaf issued by a ${keyType} CA`, async () => {
    const pki = await createTestPki({ keyType });
    const leaf = await pki.issue({});
    assert.equal(leaf.keyType, keyType);
    assert.deepEqual(await handshake(leaf, leaf.certPem, pki.caPem), { ok: true });
    assert.deepEqual(await handshake(leaf, leaf.certPem, pki.caPem, '127.0.0.1'), { ok: true });
  });
}

test('issued leaf carries the profile OpenSSL expects', async () => {
  const pki = await createTestPki();
  const leaf = await pki.issue({});
  const cert = new X509Certificate(leaf.certPem);
  const ca = new X509Certificate(pki.caPem);
  assert.equal(cert.ca, false);
  assert.equal(ca.ca, true);
  assert.ok(cert.checkIssued(ca));
  assert.ok(cert.verify(ca.publicKey));
  assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  assert.ok(cert.checkHost('localhost'));
  assert.ok(cert.checkIP('::1'));
  assert.equal(cert.checkHost('example.com'), undefined);
  assert.match(cert.toLegacyObject().serialNumber, /^[0-9A-F]+$/);
});

test('a chain through an intermediate (mixed key types) is accepted', async () => {
  const pki = await createTestPki({ keyType: 'rsa-pss-2048' });
  const intermediate = await pki.issue({ isCA: true, keyType: 'ed25519', commonName: 'intermediate', pathLen: 0 });
  const leaf = await pki.issue({ issuer: intermediate, keyType: 'ecdsa-p384' });
  assert.deepEqual(await handshake(leaf, leaf.certPem + intermediate.certPem, pki.caPem), { ok: true });
});

test('expired and wrong-name certificates are rejected', async () => {
  const pki = await createTestPki();
  const expired = await pki.issue({ notBefore: new Date(Date.now() - 2 * 86400_000), notAfter: new Date(Date.now() - 86400_000) });
  assert.deepEqual(await handshake(expired, expired.certPem, pki.caPem), { ok: false, code: 'CERT_HAS_EXPIRED' });
  const wrong = await pki.issue({ names: ['example.com'] });
  assert.deepEqual(await handshake(wrong, wrong.certPem, pki.caPem), { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  const other = await createTestPki();
  const leaf = await pki.issue({});
  assert.deepEqual(await handshake(leaf, leaf.certPem, other.caPem), { ok: false, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
});

test('selfSigned leaf is accepted when trusted directly', async () => {
  const leaf = await selfSigned();
  const cert = new X509Certificate(leaf.certPem);
  assert.equal(cert.ca, false);
  assert.equal(cert.subject, cert.issuer);
  assert.deepEqual(await handshake(leaf, leaf.certPem, leaf.certPem), { ok: true });
});
