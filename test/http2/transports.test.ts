// The HTTP/2 layer over real backends: ALPN over TLS (node-tls), h2c over TCP, the HTTP/1.1
// fallback, and a sanity check against node:http2 both ways. Port 0 on 127.0.0.1 only.
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { createLoopbackPair } from '../../backends/loopback/index.js';
import { selfSigned, type CertifiedKey } from '../../src/certs.js';
import { transportToDuplex } from '../../src/duplex.js';
import { AlpnError, Http2Client, connect, createServer, type Handler, type Http2Server } from '../../src/http2/index.js';
import { withTimeout } from './peer.js';

const servers: Http2Server[] = [];
const clients: Http2Client[] = [];
after(async () => {
  for (const c of clients) c.destroy();
  await Promise.all(servers.map((s) => s.close({ timeoutMs: 200 })));
});

const handler: Handler = async (req, res) => {
  const body = req.method === 'POST' ? await req.text() : '';
  res.respond(200, { 'content-type': 'text/plain', 'x-version': req.httpVersion });
  await res.end(`${req.httpVersion} ${req.method} ${req.path} ${req.scheme} ${body}`);
};

let tlsKey: CertifiedKey;
before(async () => {
  tlsKey = await selfSigned({ names: ['localhost', '127.0.0.1'] });
});

async function tlsServer(): Promise<{ server: Http2Server; port: number }> {
  const server = createServer({ backend: 'node-tls', cert: tlsKey.certPem, key: tlsKey.keyPem }, handler);
  servers.push(server);
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  return { server, port };
}

describe('over node-tls (ALPN, RFC 9113 3.2)', () => {
  it('negotiates h2 and serves requests', async () => {
    const { port, server } = await tlsServer();
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const client = await connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
    clients.push(client);
    assert.equal(client.info.alpnProtocol, 'h2');
    assert.ok(client.info.tlsVersion !== null);
    const r = await client.request({ method: 'POST', path: '/tls', body: 'hi' });
    assert.equal(await r.text(), '2 POST /tls https hi');
    await client.close();
  });

  it('an HTTP/1.1 client (ALPN http/1.1) is served by the same handler', async () => {
    const { port } = await tlsServer();
    const text = await new Promise<string>((resolve, reject) => {
      const options = { host: '127.0.0.1', port, path: '/h1', method: 'POST', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], agent: false } as https.RequestOptions;
      const req = https.request(options, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(`${res.headers['x-version']}|${body}`));
      });
      req.on('error', reject);
      req.end('payload');
    });
    assert.equal(text, '1.1|1.1 POST /h1 https payload');
  });

  it('our client refuses a TLS connection that did not negotiate h2', async () => {
    const { port } = await tlsServer();
    await assert.rejects(connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false, alpn: ['http/1.1'] }), AlpnError);
  });
});

describe('over tcp (h2c with prior knowledge, RFC 9113 3.3)', () => {
  it('our client and server', async () => {
    const server = createServer({}, handler);
    servers.push(server);
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    const client = await connect(`http://127.0.0.1:${port}`);
    clients.push(client);
    assert.equal(client.info.alpnProtocol, null);
    assert.equal(await (await client.request({ path: '/c' })).text(), '2 GET /c http ');
    await client.close();
  });

  it('node:http2 client against our server', async () => {
    const server = createServer({}, handler);
    servers.push(server);
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      const text = await withTimeout(
        new Promise<string>((resolve, reject) => {
          const req = session.request({ ':method': 'POST', ':path': '/node' });
          let body = '';
          req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body)).on('error', reject);
          req.end('from node');
        }),
        5000,
        'node:http2 response',
      );
      assert.equal(text, '2 POST /node http from node');
    } finally {
      session.close();
    }
  });

  it('our client against a node:http2 server', async () => {
    const nodeServer = http2.createServer();
    nodeServer.on('stream', (stream, headers) => {
      stream.respond({ ':status': 200, 'x-node': '1' });
      stream.end(`node saw ${headers[':path']}`);
    });
    await new Promise<void>((r) => nodeServer.listen(0, '127.0.0.1', r));
    try {
      const { port } = nodeServer.address() as { port: number };
      const client = await connect(`http://127.0.0.1:${port}`);
      clients.push(client);
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => client.request({ path: `/n${i}` }).then((r) => r.text())));
      assert.deepEqual(results, Array.from({ length: 50 }, (_, i) => `node saw /n${i}`));
      await client.close();
    } finally {
      nodeServer.close();
    }
  });
});

describe('ALPN over loopback (tlsVersion null, ALPN negotiated)', () => {
  it('a client refuses a transport that negotiated http/1.1', async () => {
    const { client: ct, server: st } = createLoopbackPair({ alpn: ['http/1.1'], server: { alpn: ['http/1.1'] } });
    await assert.rejects(Http2Client.fromTransport(ct), AlpnError);
    st.destroy();
  });

  it('h2 or no ALPN at all both run HTTP/2', async () => {
    for (const alpn of [['h2'], []]) {
      const { client: ct, server: st } = createLoopbackPair({ alpn, server: { alpn: ['h2'] } });
      const server = createServer({}, handler);
      servers.push(server);
      void server.serveTransport(st);
      const client = await Http2Client.fromTransport(ct);
      clients.push(client);
      assert.equal(await (await client.request({ path: '/p' })).text(), '2 GET /p http ');
    }
  });
});

describe('HTTP/1.1 fallback over loopback', () => {
  it('node:http over a transport whose ALPN is http/1.1', async () => {
    const { client: ct, server: st } = createLoopbackPair({ alpn: ['http/1.1'], server: { alpn: ['h2', 'http/1.1'] } });
    const server = createServer({}, handler);
    servers.push(server);
    const served = server.serveTransport(st);
    await ct.handshake();
    const duplex = transportToDuplex(ct);
    const text = await new Promise<string>((resolve, reject) => {
      const req = http.request({ createConnection: () => duplex as never, path: '/fallback', method: 'GET', headers: { host: 'x' } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(text, '1.1 GET /fallback http ');
    duplex.destroy();
    await withTimeout(served, 3000, 'serveTransport to settle');
  });
});
