/**
 * Path building and validation (backends/forge-tls13/x509/verify.ts) over chains made by
 * src/certs.ts, for every key type.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_TYPES, createTestPki, selfSigned } from '../../src/certs.js';
import {
  alertFor,
  CertificateError,
  verifyCertificateChain,
  type CertificateErrorReason,
  type VerifyOptions,
} from '../../backends/forge-tls13/x509/index.js';
import { parseCertificate } from '../../backends/forge-tls13/x509/parse.js';
import { chainOf, leafWith, testProvider, testProviders } from './x509-fixtures.js';

const DAY = 86400_000;

async function verify(opts: Omit<VerifyOptions, 'provider' | 'purpose'> & Partial<Pick<VerifyOptions, 'provider' | 'purpose'>>) {
  return verifyCertificateChain({ purpose: 'serverAuth', provider: await testProvider(), ...opts });
}

async function rejects(opts: Parameters<typeof verify>[0], reason: CertificateErrorReason) {
  await assert.rejects(verify(opts), (err: unknown) => {
    assert.ok(err instanceof CertificateError, `expected CertificateError, got ${String(err)}`);
    assert.equal(err.reason, reason, err.message);
    return true;
  });
}

for (const keyType of KEY_TYPES) {
  test(`${keyType}: CA → intermediate → leaf verifies, for DNS and IP names, with every provider`, async () => {
    const c = await chainOf(keyType);
    for (const provider of await testProviders()) {
      for (const hostname of ['localhost', 'LOCALHOST.', '127.0.0.1', '::1', '[::1]', '0:0:0:0:0:0:0:1']) {
        const v = await verify({ chain: c.chain, trustAnchors: c.anchors, hostname, provider });
        assert.equal(v.path.length, 3, provider.name);
        assert.deepEqual(v.anchor.der, c.pki.ca.certDer);
        assert.deepEqual(v.leaf.der, c.leaf.certDer);
      }
    }
  });

  test(`${keyType}: out of order, with extras and with the anchor in the list`, async () => {
    const c = await chainOf(keyType);
    const other = await chainOf(keyType === 'ed25519' ? 'ecdsa-p256' : 'ed25519');
    const chain = [c.leaf.certDer, other.intermediate.certDer, c.pki.ca.certDer, c.intermediate.certDer];
    const v = await verify({ chain, trustAnchors: [...other.anchors, ...c.anchors], hostname: 'localhost' });
    assert.deepEqual(v.path.map((p) => p.der), [c.leaf.certDer, c.intermediate.certDer, c.pki.ca.certDer]);
  });

  test(`${keyType}: tampered TBS byte → bad_signature, with every provider`, async () => {
    const c = await chainOf(keyType);
    const leaf = new Uint8Array(c.leaf.certDer);
    const cert = parseCertificate(leaf);
    // Flip a byte of the serial number: still well-formed, no longer what the issuer signed.
    const serial = Buffer.from(cert.serialNumber, 'hex');
    const at = Buffer.from(leaf).indexOf(serial);
    assert.ok(at > 0);
    leaf[at + serial.length - 1]! ^= 0x01;
    for (const provider of await testProviders()) {
      await rejects({ chain: [leaf, c.intermediate.certDer], trustAnchors: c.anchors, hostname: 'localhost', provider }, 'bad_signature');
    }
  });
}

test('mixed key types along one path (RSA-PSS root, Ed25519 intermediate, P-384 leaf)', async () => {
  const pki = await createTestPki({ keyType: 'rsa-pss-2048' });
  const mid = await pki.issue({ isCA: true, keyType: 'ed25519', commonName: 'mid' });
  const leaf = await pki.issue({ issuer: mid, keyType: 'ecdsa-p384' });
  const v = await verify({ chain: [leaf.certDer, mid.certDer], trustAnchors: [pki.ca.certDer], hostname: 'localhost' });
  assert.equal(v.path.length, 3);
});

test('validity: expired and not-yet-valid leaf, expired intermediate, `now` option', async () => {
  const expired = await leafWith({ notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) });
  await rejects({ ...expired, hostname: 'localhost' }, 'expired');
  const future = await leafWith({ notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 10 * DAY) });
  await rejects({ ...future, hostname: 'localhost' }, 'not_yet_valid');
  const c = await chainOf('ecdsa-p256');
  await rejects({ chain: c.chain, trustAnchors: c.anchors, now: new Date(Date.now() + 400 * DAY) }, 'expired');
  await rejects({ chain: c.chain, trustAnchors: c.anchors, now: new Date(Date.now() - 2 * DAY) }, 'not_yet_valid');

  const pki = await createTestPki();
  const oldMid = await pki.issue({ isCA: true, notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) });
  const leaf = await pki.issue({ issuer: oldMid });
  await rejects({ chain: [leaf.certDer, oldMid.certDer], trustAnchors: [pki.ca.certDer] }, 'expired');
});

test('unknown CA: other root, missing intermediate, untrusted self-signed leaf', async () => {
  const c = await chainOf('ecdsa-p256');
  const other = await chainOf('ecdsa-p384');
  await rejects({ chain: c.chain, trustAnchors: other.anchors }, 'unknown_ca');
  await rejects({ chain: [c.leaf.certDer], trustAnchors: c.anchors }, 'unknown_ca');
  await rejects({ chain: c.chain, trustAnchors: [] }, 'unknown_ca');
  const self = await selfSigned();
  await rejects({ chain: [self.certDer], trustAnchors: c.anchors }, 'unknown_ca');
  // Same CA name, different key: the authority key identifier tells them apart.
  const [a, b] = await Promise.all([createTestPki(), createTestPki()]);
  const leaf = await a.issue({});
  await rejects({ chain: [leaf.certDer], trustAnchors: [b.ca.certDer] }, 'unknown_ca');
});

test('a pinned self-signed leaf verifies as its own anchor', async () => {
  const self = await selfSigned({ keyType: 'ed25519' });
  const v = await verify({ chain: [self.certDer], trustAnchors: [self.certDer], hostname: 'localhost' });
  assert.equal(v.path.length, 1);
});

test('host names: wrong name, wildcard rules, IP SANs, no CN fallback', async () => {
  const c = await chainOf('ecdsa-p256');
  for (const hostname of ['example.com', 'localhost.example', '127.0.0.2', '::2', 'xlocalhost']) {
    await rejects({ chain: c.chain, trustAnchors: c.anchors, hostname }, 'hostname_mismatch');
  }
  const wild = await leafWith({ names: ['*.example.com', 'f*.other.test', '*.com', 'exact.test'] });
  for (const ok of ['a.example.com', 'A.Example.COM', 'a.example.com.', 'exact.test', 'EXACT.TEST']) {
    await verify({ ...wild, hostname: ok });
  }
  for (const bad of ['a.b.example.com', 'example.com', '.example.com', 'foo.other.test', 'example.com.', 'x.com', 'sub.exact.test']) {
    await rejects({ ...wild, hostname: bad }, 'hostname_mismatch');
  }
  const ips = await leafWith({ names: ['10.1.2.3', '2001:db8::7', 'dns.test'] });
  for (const ok of ['10.1.2.3', '2001:db8::7', '2001:DB8:0:0:0:0:0:7', '[2001:db8::7]']) {
    await verify({ ...ips, hostname: ok });
  }
  for (const bad of ['10.1.2.4', '2001:db8::8', '::ffff:10.1.2.3', '10.1.2.3.']) {
    await rejects({ ...ips, hostname: bad }, 'hostname_mismatch');
  }
  // An IP literal never matches a dNSName, and a DNS name never matches an IP entry.
  const dnsOnly = await leafWith({ names: ['localhost'] });
  await rejects({ ...dnsOnly, hostname: '127.0.0.1' }, 'hostname_mismatch');
  // No SAN at all: the CN is not consulted.
  const cnOnly = await leafWith({ names: [], commonName: 'localhost' });
  await rejects({ ...cnOnly, hostname: 'localhost' }, 'hostname_mismatch');
  await verify({ ...cnOnly }); // no host name given: nothing to check
});

test('usage: leaf as CA, pathLen, keyCertSign, leaf keyUsage, EKU', async () => {
  const pki = await createTestPki();
  const leaf1 = await pki.issue({});
  const leaf2 = await pki.issue({ issuer: leaf1 });
  await rejects({ chain: [leaf2.certDer, leaf1.certDer], trustAnchors: [pki.ca.certDer] }, 'bad_usage');

  const mid0 = await pki.issue({ isCA: true, pathLen: 0, commonName: 'mid0' });
  const sub = await pki.issue({ isCA: true, issuer: mid0, commonName: 'sub' });
  const deep = await pki.issue({ issuer: sub });
  await rejects({ chain: [deep.certDer, sub.certDer, mid0.certDer], trustAnchors: [pki.ca.certDer] }, 'bad_usage');
  const shallow = await pki.issue({ issuer: mid0 });
  await verify({ chain: [shallow.certDer, mid0.certDer], trustAnchors: [pki.ca.certDer] });

  const noCertSign = await pki.issue({ isCA: true, keyUsage: ['digitalSignature'], commonName: 'nocertsign' });
  const under = await pki.issue({ issuer: noCertSign });
  await rejects({ chain: [under.certDer, noCertSign.certDer], trustAnchors: [pki.ca.certDer] }, 'bad_usage');

  const encOnly = await pki.issue({ keyUsage: ['keyEncipherment'] });
  await rejects({ chain: [encOnly.certDer], trustAnchors: [pki.ca.certDer] }, 'bad_usage');

  const clientOnly = await pki.issue({ extendedKeyUsage: ['clientAuth'] });
  await rejects({ chain: [clientOnly.certDer], trustAnchors: [pki.ca.certDer] }, 'bad_usage');
  await verify({ chain: [clientOnly.certDer], trustAnchors: [pki.ca.certDer], purpose: 'clientAuth' });
  const serverOnly = await pki.issue({ extendedKeyUsage: ['serverAuth'] });
  await rejects({ chain: [serverOnly.certDer], trustAnchors: [pki.ca.certDer], purpose: 'clientAuth' }, 'bad_usage');
  const noEku = await pki.issue({ extendedKeyUsage: [] });
  await verify({ chain: [noEku.certDer], trustAnchors: [pki.ca.certDer], purpose: 'clientAuth' });

  const serverMid = await pki.issue({ isCA: true, extendedKeyUsage: ['serverAuth'], commonName: 'server-only mid' });
  const client = await pki.issue({ issuer: serverMid });
  await rejects({ chain: [client.certDer, serverMid.certDer], trustAnchors: [pki.ca.certDer], purpose: 'clientAuth' }, 'bad_usage');
});

test('malformed input', async () => {
  const c = await chainOf('ecdsa-p256');
  await rejects({ chain: [], trustAnchors: c.anchors }, 'malformed');
  await rejects({ chain: [Uint8Array.of(1, 2, 3)], trustAnchors: c.anchors }, 'malformed');
  await rejects({ chain: [c.leaf.certDer, new Uint8Array(0)], trustAnchors: c.anchors }, 'malformed');
  // Garbage among the anchors is ignored rather than fatal.
  await verify({ chain: c.chain, trustAnchors: [Uint8Array.of(0x30, 0x00), ...c.anchors] });
});

test('alertFor follows RFC 8446 section 6.2', () => {
  assert.equal(alertFor('expired'), 'certificate_expired');
  assert.equal(alertFor('not_yet_valid'), 'certificate_expired');
  assert.equal(alertFor('unknown_ca'), 'unknown_ca');
  assert.equal(alertFor('bad_signature'), 'bad_certificate');
  assert.equal(alertFor('malformed'), 'bad_certificate');
  assert.equal(alertFor('hostname_mismatch'), 'bad_certificate');
  assert.equal(alertFor('bad_usage'), 'unsupported_certificate');
  assert.equal(alertFor('unsupported'), 'unsupported_certificate');
});
