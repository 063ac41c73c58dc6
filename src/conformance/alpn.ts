/**
 * ALPN and HandshakeInfo checks. The ALPN rule every backend must follow is RFC 7301 as
 * src/alpn.ts states it: the server's preference (or its alpnSelect callback) decides, no offer
 * means no protocol, no overlap is a fatal no_application_protocol.
 */
import assert from 'node:assert/strict';
import { isTransportError, type TransportError } from '../transport.js';
import {
  assertTransportError,
  eventually,
  later,
  readExactly,
  rejectionOf,
  within,
  withSession,
  type Session,
} from './harness.js';
import type { ConformanceSubject } from './subject.js';

async function negotiated(session: Session, serverAlpn: readonly string[], clientAlpn: readonly string[]): Promise<[string | null, string | null]> {
  const { client, server } = await session.pair({ alpn: serverAlpn }, { alpn: clientAlpn });
  const clientInfo = await within(session.step, client.handshake(), 'client handshake()');
  const serverInfo = await within(session.step, server.handshake(), 'server handshake()');
  return [clientInfo.alpnProtocol, serverInfo.alpnProtocol];
}

export async function checkAlpnAgreement(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    assert.deepEqual(await negotiated(session, ['h2', 'http/1.1'], ['h2', 'http/1.1']), ['h2', 'h2'],
      '[client, server] alpnProtocol for offer [h2, http/1.1] and server [h2, http/1.1]');
    // A second case whose answer is not the first offered protocol, so a backend that hard-codes
    // 'h2' or echoes the client's first choice fails.
    assert.deepEqual(await negotiated(session, ['http/1.1'], ['h2', 'http/1.1']), ['http/1.1', 'http/1.1'],
      '[client, server] alpnProtocol for offer [h2, http/1.1] and server [http/1.1]');
  });
}

export async function checkAlpnServerPreference(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    assert.deepEqual(await negotiated(session, ['h2', 'http/1.1'], ['http/1.1', 'h2']), ['h2', 'h2'],
      "the server's preference order must win over the client's");
  });
}

export async function checkAlpnSelectCallback(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const calls: string[][] = [];
    const { client, server } = await session.pair(
      { alpn: undefined, alpnSelect: (offered) => (calls.push([...offered]), 'http/1.1') },
      { alpn: ['h2', 'http/1.1', 'spdy/3.1'] },
    );
    assert.deepEqual(calls, [['h2', 'http/1.1', 'spdy/3.1']], 'alpnSelect must be called once with the offer in client order');
    assert.equal((await client.handshake()).alpnProtocol, 'http/1.1', "client alpnProtocol must be alpnSelect's choice");
    assert.equal((await server.handshake()).alpnProtocol, 'http/1.1', "server alpnProtocol must be alpnSelect's choice");
  });
}

export async function checkAlpnMismatch(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const reported: TransportError[] = [];
    const listener = await session.listen({ alpn: ['http/1.1'], onHandshakeError: (error) => reported.push(error) });

    const failing = (async () => {
      const client = await session.connect(listener.address, { alpn: ['h2'] });
      return client.handshake();
    })();
    const error = await rejectionOf(session.step, failing, 'client handshake with no protocol in common');
    assertTransportError(error, 'ALPN_MISMATCH', 'client handshake with no protocol in common');
    if ((error as TransportError).alert !== undefined) {
      assert.equal((error as TransportError).alert, 'no_application_protocol', 'alert on ALPN mismatch');
    }
    await eventually(session.step, () => reported.some((e) => isTransportError(e, 'ALPN_MISMATCH')),
      `onHandshakeError(ALPN_MISMATCH) on the server (saw ${reported.map((e) => e.code).join(', ') || 'nothing'})`);

    // The failed connection must never come out of accept(): the next accepted transport has to
    // be this good client's, proven by the bytes it sends.
    const good = await session.connectAndHandshake(listener.address, { alpn: ['http/1.1'] });
    const marker = new TextEncoder().encode('good client');
    const sent = later(good.write(marker));
    const accepted = await session.accept(listener);
    const info = await within(session.step, accepted.handshake(), 'handshake of the transport accept() gave after a mismatch')
      .catch((cause: unknown) => assert.fail(`accept() gave the failed connection (its handshake: ${String(cause)})`));
    assert.equal(info.alpnProtocol, 'http/1.1');
    assert.deepEqual(await readExactly(session, accepted, marker.length, 'marker from the good client'), marker);
    await within(session.step, sent, 'marker write');
  });
}

export async function checkAlpnNone(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    assert.deepEqual(await negotiated(session, ['h2', 'http/1.1'], []), [null, null],
      '[client, server] alpnProtocol when the client offers nothing');
  });
}

export async function checkHandshakeInfo(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const name = subject.backend.name;
    const { listener, client, server } = await session.pair();
    assert.equal(listener.backend, name, 'listener.backend');
    for (const [transport, role] of [[client, 'client'], [server, 'server']] as const) {
      assert.equal(transport.role, role, `${role} role`);
      assert.equal(transport.backend, name, `${role} transport.backend`);
      const first = await within(session.step, transport.handshake(), `${role} handshake()`);
      const second = await within(session.step, transport.handshake(), `${role} handshake() again`);
      assert.equal(first.backend, name, `${role} HandshakeInfo.backend`);
      assert.deepEqual(second, first, `${role} handshake() must give the same result when called twice`);
      assert.ok(Array.isArray(first.peerCertificates), `${role} peerCertificates must be an array`);
      assert.equal(typeof first.resumed, 'boolean', `${role} resumed must be a boolean`);
    }
  });
}
