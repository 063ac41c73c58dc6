/**
 * The Duplex adapters, proven by running node:http2 itself over our transports: its client over
 * `transportToDuplex(clientTransport)` and its server fed `transportToDuplex(serverTransport)`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createLoopbackPair } from '../backends/loopback/index.js';
import { duplexToTransport, transportToDuplex } from '../src/duplex.js';
import type { Transport } from '../src/transport.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function nodeHttp2Over(client: Transport, server: Transport, body: Uint8Array): Promise<{ status: number; echoedHash: string }> {
  const h2server = http2.createServer();
  h2server.on('stream', (stream) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => { stream.respond({ ':status': 200 }); stream.end(Buffer.concat(chunks)); });
  });
  h2server.emit('connection', transportToDuplex(server));
  const session = http2.connect('http://loopback.test', { createConnection: () => transportToDuplex(client) });
  try {
    return await new Promise((resolve, reject) => {
      session.on('error', reject);
      const req = session.request({ ':method': 'POST', ':path': '/echo' });
      const chunks: Buffer[] = [];
      let status = 0;
      req.on('response', (h) => { status = Number(h[':status']); });
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve({ status, echoedHash: sha(Buffer.concat(chunks)) }));
      req.on('error', reject);
      req.end(body);
    });
  } finally {
    session.destroy();
    h2server.close();
  }
}

describe('Duplex adapters', () => {
  it('node:http2 client and server run over a loopback transport pair (1 MiB echo)', async () => {
    const { client, server } = createLoopbackPair({ link: { maxChunkSize: 1000 } });
    const body = randomBytes(1 << 20);
    const result = await nodeHttp2Over(client, server, body);
    assert.equal(result.status, 200);
    assert.equal(result.echoedHash, sha(body));
  });

  it('duplexToTransport over a stream pair: data in order, then end of stream', async () => {
    const toUs = new PassThrough();
    const fromUs = new PassThrough();
    // A Duplex whose readable side is `toUs` and writable side is `fromUs`.
    const { Duplex } = await import('node:stream');
    const duplex = Duplex.from({ readable: toUs, writable: fromUs });
    const transport = duplexToTransport(duplex, { backend: 'stream', role: 'client' });
    assert.equal((await transport.handshake()).tlsVersion, null);
    toUs.write(Buffer.from('hello '));
    toUs.end(Buffer.from('world'));
    const parts: string[] = [];
    for (let chunk = await transport.read(); chunk; chunk = await transport.read()) parts.push(Buffer.from(chunk).toString());
    assert.equal(parts.join(''), 'hello world');
    assert.equal(await transport.read(), null, 'end of stream stays null');
    await transport.write(Buffer.from('reply'));
    assert.equal(fromUs.read()?.toString(), 'reply');
    transport.destroy();
  });

  it('the Duplex of a transport propagates a peer reset as an error', async () => {
    const { client, server } = createLoopbackPair();
    const duplex = transportToDuplex(client);
    const failed = new Promise<Error>((resolve) => duplex.on('error', resolve));
    duplex.resume();
    server.destroy(new Error('gone'));
    const err = await failed;
    assert.equal((err as { code?: string }).code, 'PEER_RESET');
  });
});
