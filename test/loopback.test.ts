/**
 * Loopback specifics the conformance suite cannot know about: the link simulation (latency,
 * bandwidth, fragmentation, exact backpressure), the fake address table, and the fields a
 * TLS-less handshake reports. Timing checks only assert lower bounds, which the link guarantees
 * ("never delivered early"), plus loose upper bounds, so they do not flake on a busy machine.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { backend, createLoopbackPair, type LoopbackPairOptions } from '../backends/loopback/index.js';
import { getBackend } from '../src/registry.js';
import { isTransportError, type Listener, type Transport } from '../src/transport.js';
import { later, stillPendingAfter, within } from '../src/conformance/harness.js';

const STEP = 5_000;
const opened: Transport[] = [];
const listeners: Listener[] = [];

after(async () => {
  for (const transport of opened) transport.destroy();
  for (const listener of listeners) await listener.close();
});

function pair(options: LoopbackPairOptions = {}): { client: Transport; server: Transport } {
  const result = createLoopbackPair(options);
  opened.push(result.client, result.server);
  return result;
}

async function listen(options: Parameters<typeof backend.listen>[0] = {}): Promise<Listener> {
  const listener = await backend.listen(options);
  listeners.push(listener);
  return listener;
}

async function connect(options: Parameters<typeof backend.connect>[0]): Promise<Transport> {
  const transport = await backend.connect(options);
  opened.push(transport);
  return transport;
}

async function readAll(transport: Transport, chunks: Uint8Array[] = []): Promise<Uint8Array> {
  for (;;) {
    const chunk = await within(STEP, transport.read(), 'read');
    if (chunk === null) return new Uint8Array(Buffer.concat(chunks));
    chunks.push(chunk);
  }
}

const bytes = (length: number, seed = 1): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

async function ready(p: { client: Transport; server: Transport }): Promise<void> {
  await within(STEP, Promise.all([p.client.handshake(), p.server.handshake()]), 'handshakes');
}

describe('loopback link simulation', () => {
  it('an ideal link delivers within microtasks, before any macrotask runs', async () => {
    const p = pair();
    await ready(p);
    let macrotaskRan = false;
    setImmediate(() => (macrotaskRan = true));
    await p.client.write(bytes(10));
    const chunk = await p.server.read();
    assert.deepEqual(chunk, bytes(10));
    assert.equal(macrotaskRan, false, 'delivery on an ideal link must not wait for a timer or setImmediate');
  });

  it('a 50 ms link delivers no earlier than 50 ms, and the handshake takes one round trip', async () => {
    const started = performance.now();
    const p = pair({ link: { latencyMs: 50 } });
    await within(STEP, p.server.handshake(), 'server handshake');
    assert.ok(performance.now() - started >= 50, 'the server needs the client hello: one latency');
    await within(STEP, p.client.handshake(), 'client handshake');
    assert.ok(performance.now() - started >= 100, 'the client needs the answer: one round trip');

    const sent = performance.now();
    await p.client.write(bytes(100));
    const chunk = await within(STEP, p.server.read(), 'read');
    const elapsed = performance.now() - sent;
    assert.deepEqual(chunk, bytes(100));
    assert.ok(elapsed >= 50, `delivered after ${elapsed} ms`);
    assert.ok(elapsed < 1_000, `delivered after ${elapsed} ms`);
  });

  it('directions can have different latencies', async () => {
    const started = performance.now();
    const p = pair({ clientToServer: { latencyMs: 10 }, serverToClient: { latencyMs: 60 } });
    await ready(p);
    assert.ok(performance.now() - started >= 70, 'handshake takes 10 + 60 ms');
    const sent = performance.now();
    await p.server.write(bytes(1));
    await within(STEP, p.client.read(), 'read');
    assert.ok(performance.now() - sent >= 60, 'server-to-client bytes take 60 ms');
  });

  it('1 MiB at 10 MiB/s takes at least 100 ms, in one write or in 64 KiB writes', async () => {
    for (const writeSize of [1024 * 1024, 64 * 1024]) {
      const p = pair({ link: { bandwidthBytesPerSec: 10 * 1024 * 1024 } });
      await ready(p);
      const payload = bytes(1024 * 1024, writeSize);
      const started = performance.now();
      const writing = later((async () => {
        for (let offset = 0; offset < payload.length; offset += writeSize) {
          await p.client.write(payload.subarray(offset, offset + writeSize));
        }
        await p.client.end();
      })());
      const received = await readAll(p.server);
      const elapsed = performance.now() - started;
      await writing;
      assert.deepEqual(received, payload);
      assert.ok(elapsed >= 99.9, `${writeSize}-byte writes: 1 MiB arrived after ${elapsed.toFixed(1)} ms`);
      assert.ok(elapsed < 5_000, `${writeSize}-byte writes: 1 MiB arrived after ${elapsed.toFixed(1)} ms`);
    }
  });

  it('maxChunkSize: no read is longer, and the bytes are unchanged', async () => {
    for (const maxChunkSize of [1, 100]) {
      const p = pair({ link: { maxChunkSize } });
      await ready(p);
      const payload = bytes(10_000);
      const writing = later(p.client.write(payload).then(() => p.client.end()));
      const chunks: Uint8Array[] = [];
      const received = await readAll(p.server, chunks);
      await writing;
      assert.deepEqual(received, payload);
      assert.ok(chunks.every((chunk) => chunk.length <= maxChunkSize), `a read exceeded ${maxChunkSize} bytes`);
      assert.equal(chunks.length, Math.ceil(10_000 / maxChunkSize));
    }
  });

  it('order is preserved across latency, bandwidth and fragmentation together', async () => {
    const p = pair({ link: { latencyMs: 3, bandwidthBytesPerSec: 5 * 1024 * 1024, maxChunkSize: 333 } });
    await ready(p);
    const parts = Array.from({ length: 50 }, (_, i) => bytes(1 + ((i * 977) % 4000), i));
    const writing = later((async () => {
      for (const part of parts) await p.client.write(part);
      await p.client.end();
    })());
    assert.deepEqual(await readAll(p.server), new Uint8Array(Buffer.concat(parts)));
    await writing;
  });

  it('backpressure is exact: writes resolve up to the receiver highWaterMark, then wait for a read', async () => {
    const p = pair({ highWaterMark: 1_000 });
    await ready(p);
    await within(STEP, p.client.write(bytes(600)), 'first write');
    await within(STEP, p.client.write(bytes(400)), 'write up to the mark');
    const blocked = p.client.write(bytes(1, 9));
    assert.equal(await stillPendingAfter(50, blocked), true, 'a write past the mark must wait');
    assert.deepEqual(await p.server.read(), bytes(600));
    // 401 bytes still unread: within the mark again.
    await within(STEP, blocked, 'blocked write after the reader made room');
    assert.deepEqual(await p.server.read(), bytes(400));
    assert.deepEqual(await p.server.read(), bytes(1, 9));
  });

  it('written data is copied: reusing the buffer after write() does not change what arrives', async () => {
    const p = pair({ link: { latencyMs: 5 } });
    await ready(p);
    const buffer = Buffer.from('original');
    const writing = later(p.client.write(buffer));
    buffer.write('CHANGED!');
    await writing;
    assert.equal(Buffer.from((await within(STEP, p.server.read(), 'read'))!).toString(), 'original');
  });

  it('concurrent reads are served first come, first served', async () => {
    const p = pair();
    await ready(p);
    const reads = [p.server.read(), p.server.read(), p.server.read()].map(later);
    await p.client.write(Buffer.from('a'));
    await p.client.write(Buffer.from('b'));
    await p.client.end();
    const results = await within(STEP, Promise.all(reads), 'reads');
    assert.deepEqual(results.map((r) => (r === null ? null : Buffer.from(r).toString())), ['a', 'b', null]);
  });

  it('reads, writes and end() issued before the handshake run after it, in order', async () => {
    const p = pair({ link: { latencyMs: 20 } });
    const writes = [p.client.write(Buffer.from('one ')), p.client.write(Buffer.from('two'))].map(later);
    const ended = later(p.client.end());
    const received = later(readAll(p.server));
    await within(STEP, Promise.all([...writes, ended]), 'writes and end');
    assert.equal(Buffer.from(await received).toString(), 'one two');
  });

  it('end of stream follows the data after the latency, and null repeats forever', async () => {
    const p = pair({ link: { latencyMs: 20 } });
    await ready(p);
    void p.client.write(bytes(5)).catch(() => {});
    await p.client.end();
    assert.deepEqual(await within(STEP, p.server.read(), 'data'), bytes(5));
    for (let i = 0; i < 3; i += 1) assert.equal(await within(STEP, p.server.read(), 'end'), null);
  });
});

describe('loopback close and destroy', () => {
  it('close() waits for the peer to end, then both sides are closed without a reset', async () => {
    const p = pair();
    await ready(p);
    const closing = later(p.client.close());
    assert.equal(await p.server.read(), null);
    await p.server.write(Buffer.from('late reply')); // the closing client discards it, so this resolves
    await p.server.end();
    await within(STEP, closing, 'client close');
    await within(STEP, p.server.closed, 'server closed');
  });

  it('close() destroys after closeTimeoutMs when the peer never ends; the peer sees PEER_RESET', async () => {
    const p = pair({ closeTimeoutMs: 100 });
    await ready(p);
    const pending = later(p.server.write(bytes(200_000)));
    const started = performance.now();
    await within(STEP, p.client.close(), 'client close');
    assert.ok(performance.now() - started >= 90, 'close must wait for closeTimeoutMs');
    // The closing client discarded the server's bytes, so that write resolved; then came the reset.
    await within(STEP, pending, 'server write');
    await assert.rejects(p.server.read(), (e: unknown) => isTransportError(e, 'PEER_RESET'));
    await within(STEP, p.server.closed, 'server closed');
  });

  it('destroy(): the peer reads and writes reject PEER_RESET, our own reject with the error', async () => {
    const p = pair();
    await ready(p);
    const peerRead = later(p.server.read());
    const ownRead = later(p.client.read());
    const boom = new Error('boom');
    p.client.destroy(boom);
    await assert.rejects(peerRead, (e: unknown) => isTransportError(e, 'PEER_RESET'));
    await assert.rejects(ownRead, (e: unknown) => e === boom);
    await assert.rejects(p.server.write(bytes(1)), (e: unknown) => isTransportError(e, 'PEER_RESET'));
    await assert.rejects(p.client.write(bytes(1)), (e: unknown) => isTransportError(e, 'CLOSED'));
    await assert.rejects(p.client.read(), (e: unknown) => isTransportError(e, 'CLOSED'));
    await within(STEP, Promise.all([p.client.closed, p.server.closed]), 'closed');
  });
});

describe('loopback listeners and handshake', () => {
  it('is registered as "loopback", cleartext', async () => {
    assert.equal(await getBackend('loopback'), backend);
    assert.equal(backend.secure, false);
  });

  it('reports a TLS-less handshake: no version, no cipher, no certificates; SNI from serverName or host name', async () => {
    const listener = await listen({ host: 'example.test', port: 4433, alpn: ['h2'] });
    assert.deepEqual(listener.address, { host: 'example.test', port: 4433 });
    const client = await connect({ host: 'example.test', port: 4433, alpn: ['h2'] });
    const server = await within(STEP, listener.accept(), 'accept');
    assert.ok(server);
    opened.push(server);
    const info = await within(STEP, client.handshake(), 'handshake');
    assert.deepEqual(info, {
      backend: 'loopback', alpnProtocol: 'h2', tlsVersion: null, cipherSuite: null,
      serverName: 'example.test', peerCertificates: [], resumed: false,
    });
    assert.deepEqual(await server.handshake(), info);

    const named = await connect({ host: 'example.test', port: 4433, serverName: 'other.test' });
    assert.equal((await within(STEP, named.handshake(), 'handshake')).serverName, 'other.test');
    const numeric = await listen({ host: '127.0.0.1', port: 0 });
    const byIp = await connect({ ...numeric.address });
    assert.equal((await within(STEP, byIp.handshake(), 'handshake')).serverName, null, 'no SNI for an IP literal');
  });

  it('an address in use is refused, a missing one fails with CONNECT_FAILED, a wildcard listener takes any host', async () => {
    await listen({ host: 'busy.test', port: 80 });
    await assert.rejects(backend.listen({ host: 'busy.test', port: 80 }), (e: unknown) => isTransportError(e, 'INVALID_ARGUMENT'));
    await assert.rejects(backend.connect({ host: 'busy.test', port: 81 }), (e: unknown) => isTransportError(e, 'CONNECT_FAILED'));
    const wildcard = await listen({ host: '0.0.0.0', port: 0 });
    const client = await connect({ host: 'localhost', port: wildcard.address.port });
    await within(STEP, client.handshake(), 'handshake through a wildcard listener');
  });

  it('rejects unusable options with INVALID_ARGUMENT', async () => {
    for (const link of [{ latencyMs: -1 }, { bandwidthBytesPerSec: 0 }, { maxChunkSize: 0.5 }]) {
      await assert.rejects(backend.listen({ link }), (e: unknown) => isTransportError(e, 'INVALID_ARGUMENT'), JSON.stringify(link));
    }
    await assert.rejects(backend.listen({ alpn: [''] }), (e: unknown) => isTransportError(e, 'INVALID_ARGUMENT'));
    assert.throws(() => createLoopbackPair({ highWaterMark: 0 }), (e: unknown) => isTransportError(e, 'INVALID_ARGUMENT'));
  });

  it('ALPN mismatch: the client gets the no_application_protocol alert, the server fails too', async () => {
    const p = pair({ alpn: ['h2'], server: { alpn: ['http/1.1'] } });
    await assert.rejects(p.client.handshake(), (e: unknown) =>
      isTransportError(e, 'ALPN_MISMATCH') && e.alert === 'no_application_protocol');
    await assert.rejects(p.server.handshake(), (e: unknown) => isTransportError(e, 'ALPN_MISMATCH'));
    await assert.rejects(p.client.read(), (e: unknown) => isTransportError(e, 'ALPN_MISMATCH'));
    await within(STEP, Promise.all([p.client.closed, p.server.closed]), 'closed');
  });

  it('a stalled listener times out on its own handshakeTimeoutMs and reports it', async () => {
    const errors: string[] = [];
    const listener = await listen({ stallHandshake: true, handshakeTimeoutMs: 50, onHandshakeError: (e) => errors.push(e.code) });
    const client = await connect({ ...listener.address });
    await assert.rejects(within(STEP, client.handshake(), 'handshake'), (e: unknown) => isTransportError(e, 'PEER_RESET'));
    assert.deepEqual(errors, ['TIMEOUT']);
  });

  it('an AbortSignal aborts the attempt: before connect() and during the handshake', async () => {
    const listener = await listen({ link: { latencyMs: 30 } });
    await assert.rejects(backend.connect({ ...listener.address, signal: AbortSignal.abort() }),
      (e: unknown) => isTransportError(e, 'CONNECT_FAILED'));
    const controller = new AbortController();
    const client = await connect({ ...listener.address, signal: controller.signal });
    controller.abort();
    await assert.rejects(within(STEP, client.handshake(), 'handshake'), (e: unknown) => isTransportError(e, 'HANDSHAKE_FAILED'));
  });

  it('idleTimeoutMs is reset by traffic', async () => {
    const listener = await listen();
    const client = await connect({ ...listener.address, idleTimeoutMs: 120 });
    const server = await within(STEP, listener.accept(), 'accept');
    assert.ok(server);
    opened.push(server);
    const p = { client, server };
    await ready(p);
    for (let i = 0; i < 4; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      await p.server.write(bytes(1));
      assert.deepEqual(await within(STEP, p.client.read(), 'read'), bytes(1));
    }
    await assert.rejects(within(STEP, p.client.read(), 'idle read'), (e: unknown) => isTransportError(e, 'TIMEOUT'));
  });
});
