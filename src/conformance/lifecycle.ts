/**
 * Lifecycle checks: close and destroy reach pending operations on both sides, nothing hangs when
 * the peer vanishes, the timeouts fire, and listeners stop cleanly.
 */
import assert from 'node:assert/strict';
import { isTransportError } from '../transport.js';
import {
  ByteStream,
  assertTransportError,
  describe,
  later,
  rejectionOf,
  within,
  withSession,
} from './harness.js';
import { writeUntilBlocked } from './data.js';
import type { ConformanceSubject } from './subject.js';

/** The backends this project ships; their error codes are held to the letter of the contract. */
const BUILT_IN = new Set(['loopback', 'node-tls', 'tcp', 'forge-tls13']);

export async function checkPeerCloseEndsPendingRead(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const { client, server } = await session.pair();
    const pending = later(server.read());
    const closing = later(client.close());
    assert.equal(await within(session.step, pending, "server's pending read after the client's close()"), null,
      "the peer's close() must end our pending read with null");
    await within(session.step, server.close(), 'server close()');
    await within(session.step, closing, 'client close() once the server closed too');
    await within(session.step, client.closed, "client's closed");
    await within(session.step, server.closed, "server's closed");
  });
}

export async function checkLocalCloseEndsPendingRead(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const { client, server } = await session.pair();
    const pending = later(client.read());
    const closing = later(client.close());
    assert.equal(await within(session.step, pending, 'our own pending read after our close()'), null,
      'close() must end our own pending read with null');
    assert.equal(await within(session.step, server.read(), "server read after the client's close()"), null);
    await within(session.step, server.close(), 'server close()');
    await within(session.step, closing, 'client close()');
    await within(session.step, client.closed, "client's closed");
    await within(session.step, server.closed, "server's closed");
  });
}

export async function checkDestroyPropagates(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const { client, server } = await session.pair();
    const serverRead = later(server.read());
    const clientRead = later(client.read());
    const boom = new Error('boom');
    client.destroy(boom);

    const peerError = await rejectionOf(session.step, serverRead, "server's pending read after client.destroy()");
    if (BUILT_IN.has(subject.backend.name)) assertTransportError(peerError, 'PEER_RESET', "server's pending read after client.destroy()");
    else assert.ok(isTransportError(peerError), `server's pending read must reject with a TransportError, got ${describe(peerError)}`);

    const ownError = await rejectionOf(session.step, clientRead, "client's own pending read after client.destroy(boom)");
    assert.ok(ownError === boom || isTransportError(ownError), `our pending read must reject with the destroy error or a TransportError, got ${describe(ownError)}`);
    await within(session.step, client.closed, "client's closed after destroy()");
    await within(session.step, server.closed, "server's closed after the peer destroyed");

    const writeError = await rejectionOf(session.step, client.write(new Uint8Array([1])), 'write after destroy()');
    assert.ok(writeError === boom || isTransportError(writeError, 'CLOSED'), `write after destroy() must reject with CLOSED or the destroy error, got ${describe(writeError)}`);
    await rejectionOf(session.step, server.write(new Uint8Array([1])), 'server write after the peer destroyed');
    await rejectionOf(session.step, server.read(), 'server read after the peer destroyed');
  });
}

export async function checkPeerVanishes(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const { client, server } = await session.pair();
    const pendingRead = later(client.read());
    const { blocked } = await writeUntilBlocked(session, client, new ByteStream(3));
    server.destroy();
    await rejectionOf(session.step, pendingRead, 'pending read when the peer is destroyed');
    await rejectionOf(session.step, blocked, 'write blocked by backpressure when the peer is destroyed');
    await within(session.step, client.closed, "client's closed when the peer is destroyed");
    await within(session.step, server.closed, "server's closed after destroy()");
  });
}

export async function checkHandshakePeerVanishes(subject: ConformanceSubject): Promise<void> {
  assert.ok(subject.stallingServer, 'this check needs subject.stallingServer');
  const stalling = subject.stallingServer;
  await withSession(subject, async (session) => {
    const staller = await within(session.step, stalling(), 'stallingServer()');
    let stallerOpen = true;
    session.onCleanup(async () => {
      if (stallerOpen) await staller.close();
    });
    const attempt = (async () => {
      const client = await session.connect(staller, { handshakeTimeoutMs: 60_000 });
      // Close the server only once the connection exists, so the handshake is what is pending.
      const handshake = client.handshake();
      handshake.catch(() => {});
      stallerOpen = false;
      await within(session.step, staller.close(), 'stalling server close()');
      try {
        await handshake;
      } finally {
        await within(session.step, client.closed, "client's closed after its handshake failed");
      }
    })();
    await rejectionOf(session.step * 2, attempt, 'handshake when the server goes away mid-handshake');
  });
}

export async function checkIdleTimeout(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const { client } = await session.pair({}, { idleTimeoutMs: 200 });
    const started = performance.now();
    const error = await rejectionOf(1_000, client.read(), 'pending read with idleTimeoutMs 200 and no traffic');
    const elapsed = performance.now() - started;
    assertTransportError(error, 'TIMEOUT', 'idle read');
    assert.ok(elapsed >= 100, `the idle timeout fired after ${elapsed.toFixed(0)} ms, before the 200 ms asked for`);
    await within(session.step, client.closed, "client's closed after the idle timeout");
  });
}

export async function checkHandshakeTimeout(subject: ConformanceSubject): Promise<void> {
  assert.ok(subject.stallingServer, 'this check needs subject.stallingServer');
  const stalling = subject.stallingServer;
  await withSession(subject, async (session) => {
    const staller = await within(session.step, stalling(), 'stallingServer()');
    session.onCleanup(() => staller.close());
    const started = performance.now();
    const attempt = (async () => {
      const client = await session.connect(staller, { handshakeTimeoutMs: 300 });
      try {
        return await client.handshake();
      } finally {
        await within(session.step, client.closed, "client's closed after the handshake timeout");
      }
    })();
    const error = await rejectionOf(1_500, attempt, 'handshake with handshakeTimeoutMs 300 against a silent server');
    const elapsed = performance.now() - started;
    assertTransportError(error, 'TIMEOUT', 'handshake against a silent server');
    assert.ok(elapsed >= 200, `the handshake timeout fired after ${elapsed.toFixed(0)} ms, before the 300 ms asked for`);
  });
}

export async function checkListenerClose(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const listener = await session.listen();
    const other = await session.listen();
    const { port } = listener.address;
    assert.ok(Number.isInteger(port) && port > 0 && port <= 65535, `address.port for port 0 must be a real port, got ${port}`);
    assert.notEqual(other.address.port, port, 'two listeners on port 0 must get different ports');

    const pendingAccept = later(listener.accept());
    const iterated = later((async () => {
      let count = 0;
      for await (const transport of other) {
        session.track(transport);
        count += 1;
      }
      return count;
    })());
    await within(session.step, listener.close(), 'listener.close()');
    await within(session.step, other.close(), 'second listener.close()');
    assert.equal(await within(session.step, pendingAccept, 'pending accept() after close()'), null, 'a pending accept() must give null after close()');
    assert.equal(await within(session.step, listener.accept(), 'accept() after close()'), null, 'accept() after close() must give null');
    assert.equal(await within(session.step, iterated, 'for-await over a listener to end after close()'), 0);

    const attempt = (async () => {
      const client = await session.connect(listener.address);
      await client.handshake();
    })();
    const error = await rejectionOf(session.step, attempt, 'connect() to a closed listener');
    assertTransportError(error, 'CONNECT_FAILED', 'connect() to a closed listener');
  });
}
