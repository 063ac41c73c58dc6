/** HEAD: headers and no content (RFC 9110 9.3.2), whatever the handler writes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackPair } from '../../backends/loopback/index.js';
import { createServer, Http2Client } from '../../src/http2/index.js';
import { FrameReader } from '../../src/http2/frame/index.js';
import { CONNECTION_PREFACE, encodeFrame, SettingId } from '../../src/http2/frame/index.js';
import { HpackEncoder } from '../../src/http2/hpack/index.js';
import type { Frame } from '../../src/http2/frame/index.js';

const body = new TextEncoder().encode('what a GET would get\n');
const handler = async (_req: unknown, res: { respond(s: number, h?: Record<string, string>): void; write(c: Uint8Array): Promise<void>; end(c?: Uint8Array): Promise<void> }) => {
  res.respond(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
  await res.write(body);
  await res.end(body);
};

describe('HEAD responses', () => {
  it('our client gets status and headers and an empty body', async () => {
    const server = createServer({ backend: 'loopback' }, handler);
    const { client: ct, server: st } = createLoopbackPair({ alpn: ['h2'], server: { alpn: ['h2'] } });
    void server.serveTransport(st);
    const client = await Http2Client.fromTransport(ct);
    const res = await client.request({ method: 'HEAD', path: '/' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-length'], String(body.length));
    assert.equal((await res.bytes()).length, 0);
    await client.close();
  });

  it('no DATA frame carries content on the wire', async () => {
    const server = createServer({ backend: 'loopback' }, handler);
    const { client: ct, server: st } = createLoopbackPair({ alpn: ['h2'], server: { alpn: ['h2'] } });
    void server.serveTransport(st);
    const hpack = new HpackEncoder();
    await ct.write(CONNECTION_PREFACE);
    await ct.write(encodeFrame({ type: 'SETTINGS', ack: false, settings: [{ id: SettingId.ENABLE_PUSH, value: 0 }] }));
    await ct.write(encodeFrame({ type: 'SETTINGS', ack: true, settings: [] }));
    const block = hpack.encode([
      { name: ':method', value: 'HEAD' }, { name: ':scheme', value: 'https' },
      { name: ':authority', value: 'x' }, { name: ':path', value: '/' },
    ]);
    await ct.write(encodeFrame({ type: 'HEADERS', streamId: 1, headerBlock: block, endStream: true, endHeaders: true }));
    const reader = new FrameReader();
    const onStream1: Frame[] = [];
    const deadline = Date.now() + 5_000;
    while (!onStream1.some((f) => 'endStream' in f && f.endStream) && Date.now() < deadline) {
      const chunk = await ct.read();
      if (chunk === null) break;
      reader.push(chunk);
      for (let f = reader.next(); f; f = reader.next()) if ('streamId' in f && f.streamId === 1) onStream1.push(f);
    }
    assert.ok(onStream1.some((f) => 'endStream' in f && f.endStream), 'the response ended');
    const content = onStream1.filter((f) => f.type === 'DATA').reduce((n, f) => n + (f.type === 'DATA' ? f.data.length : 0), 0);
    assert.equal(content, 0, 'DATA frames on a HEAD response carry no content');
    ct.destroy();
  });
});
