/**
 * Interop with node:tls (OpenSSL inside Node): our client against a node:tls server and a
 * node:tls client against our server, for every suite, group, certificate key type, ALPN
 * agreement and mismatch, and HelloRetryRequest in both directions.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { backend, type ForgeConnectOptions, type ForgeListenOptions } from '../../backends/forge-tls13/index.js';
import { KEY_TYPES, createTestPki, type CertifiedKey, type KeyType, type TestPki } from '../../src/certs.js';
import { isTransportError, type Listener } from '../../src/transport.js';
import { serveEcho } from './forge-interop-helpers.js';

const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const;
const GROUPS = [
  ['x25519', 'X25519'],
  ['secp256r1', 'P-256'],
  ['secp384r1', 'P-384'],
] as const;

interface Id {
  pki: TestPki;
  leaf: CertifiedKey;
}
const ids = new Map<KeyType, Id>();
before(async () => {
  for (const keyType of KEY_TYPES) {
    const pki = await createTestPki({ keyType });
    ids.set(keyType, { pki, leaf: await pki.issue({ names: ['localhost', '127.0.0.1'], keyType }) });
  }
});
const id = (k: KeyType): Id => ids.get(k)!;

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null): string => (b ? Buffer.from(b).toString() : '<eof>');

/** A node:tls echo server; resolves with its port and a closer. */
async function nodeServer(options: tls.TlsOptions): Promise<{ port: number; close(): Promise<void>; errors: Error[] }> {
  const errors: Error[] = [];
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ minVersion: 'TLSv1.3', ...options }, (socket) => {
    sockets.add(socket);
    socket.on('error', (e) => errors.push(e));
    socket.on('close', () => sockets.delete(socket));
    socket.pipe(socket);
  });
  server.on('tlsClientError', (e) => errors.push(e));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    errors,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function ourClientRoundTrip(port: number, options: Partial<ForgeConnectOptions>): Promise<{ info: Awaited<ReturnType<import('../../src/transport.js').Transport['handshake']>>; echo: string }> {
  const t = await backend.connect({ host: '127.0.0.1', port, serverName: 'localhost', handshakeTimeoutMs: 5000, ...options } as ForgeConnectOptions);
  try {
    const info = await t.handshake();
    await t.write(enc('ping from forge-tls13'));
    const echo = dec(await t.read());
    return { info, echo };
  } finally {
    await t.close();
  }
}

async function ourServer(options: Partial<ForgeListenOptions>): Promise<{ listener: Listener; errors: Error[]; done: Promise<void> }> {
  const errors: Error[] = [];
  const listener = await backend.listen({ handshakeTimeoutMs: 5000, onHandshakeError: (e) => errors.push(e), ...options } as ForgeListenOptions);
  const done = (async () => {
    for await (const t of listener) {
      void serveEcho(t);
    }
  })();
  return { listener, errors, done };
}

function nodeClient(port: number, options: tls.ConnectionOptions): Promise<{ socket: tls.TLSSocket; echo: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', minVersion: 'TLSv1.3', ...options });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('node client timed out'));
    }, 5000);
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.once('secureConnect', () => {
      socket.write('ping from node');
      socket.once('data', (d: Buffer) => {
        clearTimeout(timer);
        resolve({ socket, echo: d.toString() });
        socket.end();
      });
    });
  });
}

describe('forge-tls13 client ↔ node:tls server', () => {
  for (const suite of SUITES) {
    for (const [ours, nodes] of GROUPS) {
      it(`${suite} / ${ours}`, async () => {
        const { leaf, pki } = id('ecdsa-p256');
        const srv = await nodeServer({ cert: leaf.certPem, key: leaf.keyPem, ciphers: suite, ecdhCurve: nodes });
        after(() => srv.close());
        const { info, echo } = await ourClientRoundTrip(srv.port, { ca: pki.caPem, cipherSuites: [suite], groups: [ours] });
        assert.equal(info.cipherSuite, suite);
        assert.equal(info.tlsVersion, 'TLSv1.3');
        assert.equal(echo, 'ping from forge-tls13');
        await srv.close();
      });
    }
  }
  for (const keyType of KEY_TYPES) {
    it(`certificate ${keyType}`, async () => {
      const { leaf, pki } = id(keyType);
      const srv = await nodeServer({ cert: leaf.certPem, key: leaf.keyPem });
      after(() => srv.close());
      const { info, echo } = await ourClientRoundTrip(srv.port, { ca: pki.caPem });
      assert.equal(echo, 'ping from forge-tls13');
      assert.equal(info.peerCertificates.length, 1);
      await srv.close();
    });
  }
  it('HelloRetryRequest from node (server only takes P-384, we send an x25519 share)', async () => {
    const { leaf, pki } = id('ecdsa-p256');
    const srv = await nodeServer({ cert: leaf.certPem, key: leaf.keyPem, ecdhCurve: 'P-384' });
    after(() => srv.close());
    const { echo } = await ourClientRoundTrip(srv.port, { ca: pki.caPem, groups: ['x25519', 'secp384r1'], keyShareGroups: ['x25519'] });
    assert.equal(echo, 'ping from forge-tls13');
    await srv.close();
  });
  it('ALPN h2 chosen; mismatch is ALPN_MISMATCH', async () => {
    const { leaf, pki } = id('ecdsa-p256');
    const srv = await nodeServer({ cert: leaf.certPem, key: leaf.keyPem, ALPNProtocols: ['h2'] });
    after(() => srv.close());
    const { info } = await ourClientRoundTrip(srv.port, { ca: pki.caPem, alpn: ['http/1.1', 'h2'] });
    assert.equal(info.alpnProtocol, 'h2');
    const t = await backend.connect({ host: '127.0.0.1', port: srv.port, serverName: 'localhost', ca: pki.caPem, alpn: ['spdy/3'] });
    await assert.rejects(t.handshake(), (e) => isTransportError(e, 'ALPN_MISMATCH'));
    await t.closed;
    await srv.close();
  });
  it('unknown CA is CERT_INVALID; rejectUnauthorized: false connects', async () => {
    const { leaf } = id('ecdsa-p256');
    const other = id('rsa-2048');
    const srv = await nodeServer({ cert: leaf.certPem, key: leaf.keyPem });
    after(() => srv.close());
    const t = await backend.connect({ host: '127.0.0.1', port: srv.port, serverName: 'localhost', ca: other.pki.caPem });
    await assert.rejects(t.handshake(), (e) => isTransportError(e, 'CERT_INVALID') && e.alert === 'unknown_ca');
    const { echo } = await ourClientRoundTrip(srv.port, { rejectUnauthorized: false });
    assert.equal(echo, 'ping from forge-tls13');
    await srv.close();
  });
});

describe('node:tls client ↔ forge-tls13 server', () => {
  for (const suite of SUITES) {
    for (const [ours, nodes] of GROUPS) {
      it(`${suite} / ${ours}`, async () => {
        const { leaf, pki } = id('ecdsa-p256');
        const srv = await ourServer({ cert: leaf.certPem, key: leaf.keyPem, cipherSuites: [suite], groups: [ours] });
        after(() => srv.listener.close());
        const { socket, echo } = await nodeClient(srv.listener.address.port, { ca: pki.caPem, ciphers: suite, ecdhCurve: nodes });
        assert.equal(echo, 'ping from node');
        assert.equal(socket.getCipher().standardName, suite);
        assert.equal(socket.getProtocol(), 'TLSv1.3');
        await srv.listener.close();
      });
    }
  }
  for (const keyType of KEY_TYPES) {
    it(`certificate ${keyType}`, async () => {
      const { leaf, pki } = id(keyType);
      const srv = await ourServer({ cert: leaf.certPem, key: leaf.keyPem });
      after(() => srv.listener.close());
      const { echo } = await nodeClient(srv.listener.address.port, { ca: pki.caPem });
      assert.equal(echo, 'ping from node');
      await srv.listener.close();
    });
  }
  it('HelloRetryRequest from us (we only take P-384, node sends X25519 first)', async () => {
    const { leaf, pki } = id('ecdsa-p256');
    const srv = await ourServer({ cert: leaf.certPem, key: leaf.keyPem, groups: ['secp384r1'] });
    after(() => srv.listener.close());
    const { echo } = await nodeClient(srv.listener.address.port, { ca: pki.caPem, ecdhCurve: 'X25519:P-384' });
    assert.equal(echo, 'ping from node');
    await srv.listener.close();
  });
  it('forced HelloRetryRequest with cookie', async () => {
    const { leaf, pki } = id('ecdsa-p256');
    const srv = await ourServer({ cert: leaf.certPem, key: leaf.keyPem, forceHelloRetry: true });
    after(() => srv.listener.close());
    const { echo } = await nodeClient(srv.listener.address.port, { ca: pki.caPem });
    assert.equal(echo, 'ping from node');
    await srv.listener.close();
  });
  it('ALPN h2 chosen; mismatch sends no_application_protocol', async () => {
    const { leaf, pki } = id('ecdsa-p256');
    const srv = await ourServer({ cert: leaf.certPem, key: leaf.keyPem, alpn: ['h2'] });
    after(() => srv.listener.close());
    const { socket } = await nodeClient(srv.listener.address.port, { ca: pki.caPem, ALPNProtocols: ['http/1.1', 'h2'] });
    assert.equal(socket.alpnProtocol, 'h2');
    await assert.rejects(nodeClient(srv.listener.address.port, { ca: pki.caPem, ALPNProtocols: ['spdy/3'] }), /no.application.protocol/i);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(srv.errors.some((e) => isTransportError(e, 'ALPN_MISMATCH')));
    await srv.listener.close();
  });
  // node:tls checks the chain after OpenSSL's handshake and just closes (no alert), so all the
  // server can know is that the handshake failed; the alert path is covered with openssl s_client.
  it('node rejects our certificate (unknown CA): the connection never reaches accept()', async () => {
    const { leaf } = id('ecdsa-p256');
    const srv = await ourServer({ cert: leaf.certPem, key: leaf.keyPem });
    after(() => srv.listener.close());
    await assert.rejects(nodeClient(srv.listener.address.port, { ca: id('rsa-2048').pki.caPem }));
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(srv.errors.some((e) => isTransportError(e, 'HANDSHAKE_FAILED') || isTransportError(e, 'PEER_RESET') || isTransportError(e, 'CERT_INVALID')), String(srv.errors));
    await srv.listener.close();
  });
});
