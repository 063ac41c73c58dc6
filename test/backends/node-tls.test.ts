/** node-tls specifics the conformance suite does not cover: certificates, versions, key logging. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backend } from '../../backends/node-tls/index.js';
import { createTestPki, type CertifiedKey, type TestPki } from '../../src/certs.js';
import { TransportError, type Listener, type ListenOptions } from '../../src/transport.js';

let pki: TestPki;
let leaf: CertifiedKey;
const listeners: Listener[] = [];

async function serve(options: Partial<ListenOptions> = {}): Promise<Listener> {
  const listener = await backend.listen({ cert: leaf.certPem, key: leaf.keyPem, alpn: ['h2'], ...options });
  listeners.push(listener);
  // Accept and keep serving whatever comes, so client handshakes can finish.
  void (async () => { for await (const t of listener) { void t.read().catch(() => {}); } })();
  return listener;
}

async function handshakeError(options: Parameters<typeof backend.connect>[0]): Promise<TransportError> {
  const transport = await backend.connect(options);
  try {
    await transport.handshake();
  } catch (err) {
    assert.ok(err instanceof TransportError, `expected a TransportError, got ${err}`);
    return err;
  } finally {
    transport.destroy();
  }
  assert.fail('the handshake succeeded');
}

describe('node-tls', () => {
  before(async () => {
    pki = await createTestPki({ keyType: 'ecdsa-p256' });
    leaf = await pki.issue({ names: ['localhost', '127.0.0.1'] });
  });
  after(async () => { await Promise.all(listeners.map((l) => l.close())); });

  it('verifies the server certificate by default: unknown CA is CERT_INVALID', async () => {
    const { port } = (await serve()).address;
    const err = await handshakeError({ host: '127.0.0.1', port, serverName: 'localhost', alpn: ['h2'] });
    assert.equal(err.code, 'CERT_INVALID', err.message);
  });

  it('a certificate for another name is CERT_INVALID', async () => {
    const { port } = (await serve()).address;
    const err = await handshakeError({ host: '127.0.0.1', port, serverName: 'elsewhere.test', ca: pki.caPem, alpn: ['h2'] });
    assert.equal(err.code, 'CERT_INVALID', err.message);
  });

  it('an expired certificate is CERT_INVALID', async () => {
    const expired = await pki.issue({ names: ['localhost'], notBefore: new Date(Date.now() - 3 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const { port } = (await serve({ cert: expired.certPem, key: expired.keyPem })).address;
    const err = await handshakeError({ host: '127.0.0.1', port, serverName: 'localhost', ca: pki.caPem, alpn: ['h2'] });
    assert.equal(err.code, 'CERT_INVALID', err.message);
  });

  it('rejectUnauthorized: false accepts an unverified peer and still reports its chain', async () => {
    const { port } = (await serve()).address;
    const t = await backend.connect({ host: '127.0.0.1', port, serverName: 'localhost', rejectUnauthorized: false, alpn: ['h2'] });
    const info = await t.handshake();
    assert.equal(info.alpnProtocol, 'h2');
    assert.equal(info.serverName, 'localhost');
    assert.deepEqual(Buffer.from(info.peerCertificates[0]!), Buffer.from(leaf.certDer));
    t.destroy();
  });

  it('honours maxVersion TLSv1.2 and names version and IANA cipher suite', async () => {
    const { port } = (await serve()).address;
    const t = await backend.connect({ host: '127.0.0.1', port, serverName: 'localhost', ca: pki.caPem, maxVersion: 'TLSv1.2', alpn: ['h2'] });
    const info = await t.handshake();
    assert.equal(info.tlsVersion, 'TLSv1.2');
    assert.match(info.cipherSuite ?? '', /^TLS_ECDHE_ECDSA_WITH_/);
    t.destroy();
  });

  it('writes NSS key log lines for TLS 1.3 on both sides', async () => {
    const serverLines: string[] = [];
    const { port } = (await serve({ keylog: (line) => serverLines.push(line) })).address;
    const clientLines: string[] = [];
    const t = await backend.connect({ host: '127.0.0.1', port, serverName: 'localhost', ca: pki.caPem, alpn: ['h2'], keylog: (line) => clientLines.push(line) });
    await t.handshake();
    await t.close();
    for (const lines of [clientLines, serverLines]) {
      const labels = new Set(lines.map((l) => l.split(' ')[0]));
      for (const label of ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0']) {
        assert.ok(labels.has(label), `missing ${label} in ${[...labels]}`);
      }
      // NSS format: label, 32-byte client random in hex, secret in hex.
      for (const line of lines) assert.match(line, /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/);
    }
    const randoms = (lines: string[]) => new Set(lines.map((l) => l.split(' ')[1]));
    assert.deepEqual(randoms(clientLines), randoms(serverLines), 'both sides log the same client random');
  });

  it('demands and verifies a client certificate when requestCert is set', async () => {
    const { port } = (await serve({ requestCert: true, ca: pki.caPem })).address;
    const clientCert = await pki.issue({ names: ['client.test'], extendedKeyUsage: ['clientAuth'] });
    const ok = await backend.connect({ host: '127.0.0.1', port, serverName: 'localhost', ca: pki.caPem, cert: clientCert.certPem, key: clientCert.keyPem, alpn: ['h2'] });
    assert.equal((await ok.handshake()).alpnProtocol, 'h2');
    // The round trip proves the server kept the connection after checking the certificate.
    await ok.write(new Uint8Array([1]));
    ok.destroy();
  });
});
