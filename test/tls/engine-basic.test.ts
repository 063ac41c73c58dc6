import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getProvider, identity, pair } from './engine-harness.js';

describe('engine: 1-RTT in memory', () => {
  it('handshakes and exchanges data (ecdsa-p256, x25519, AES-128-GCM)', async () => {
    const p = getProvider('webcrypto');
    const id = await identity('ecdsa-p256', p);
    const { client, server, settle } = pair(
      { provider: p, serverName: 'localhost', trustAnchors: [id.ca], alpn: ['h2'] },
      { provider: p, certificates: [id.handle], alpn: ['h2', 'http/1.1'] },
    );
    await client.engine.start();
    const [ci, si] = await Promise.all([client.handshake, server.handshake]);
    assert.equal(ci.cipherSuite, 'TLS_AES_128_GCM_SHA256');
    assert.equal(ci.alpnProtocol, 'h2');
    assert.equal(si.alpnProtocol, 'h2');
    assert.equal(si.serverName, 'localhost');
    await client.engine.sendApplicationData(new TextEncoder().encode('hello'));
    await server.engine.sendApplicationData(new TextEncoder().encode('world'));
    await settle();
    assert.equal(Buffer.from(server.data()).toString(), 'hello');
    assert.equal(Buffer.from(client.data()).toString(), 'world');
  });
});
