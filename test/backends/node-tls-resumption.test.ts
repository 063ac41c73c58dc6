/**
 * node-tls session resumption: the client's `ticketStore`, the server's `ticketCount` and
 * `ticketKeys`, and resumption across backends (node-tls <-> forge-tls13). Real sockets on
 * 127.0.0.1; every wait is bounded by a transport timeout, `within()` or the test timeout.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import {
  connect as nodeTlsConnect,
  listen as nodeTlsListen,
  MemoryTicketStore,
  type NodeTlsConnectOptions,
  type NodeTlsListenOptions,
  type TicketStore,
} from '../../backends/node-tls/index.js';
import {
  backend as forgeBackend,
  MemoryTicketStore as ForgeMemoryTicketStore,
  type ForgeConnectOptions,
} from '../../backends/forge-tls13/index.js';
import { createTestPki, type CertifiedKey, type TestPki } from '../../src/certs.js';
import { TransportError, type HandshakeInfo, type Listener, type Transport } from '../../src/transport.js';

const TEST_TIMEOUT = { timeout: 20_000 };
const WAIT_MS = 5_000;

let pki: TestPki;
let leaf: CertifiedKey;
const listeners: Listener[] = [];
const serverTransports = new Set<Transport>();
const rawServers: tls.Server[] = [];

/** Rejects when `promise` has not settled after `ms`. */
async function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(condition: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What a server saw: the handshake of each accepted transport, and connections that failed before. */
interface EchoServer {
  readonly port: number;
  readonly accepted: HandshakeInfo[];
  readonly failed: TransportError[];
}

/** Echoes every byte back, then ends when the client does. */
async function serveEcho(listener: Listener, accepted: HandshakeInfo[]): Promise<void> {
  for await (const transport of listener) {
    serverTransports.add(transport);
    void (async () => {
      accepted.push(await transport.handshake());
      for (let chunk = await transport.read(); chunk !== null; chunk = await transport.read()) await transport.write(chunk);
      await transport.end();
    })().catch(() => { /* a client that fails or resets is what some tests do */ }).finally(() => serverTransports.delete(transport));
  }
}

async function echoServer(listen: (failed: TransportError[]) => Promise<Listener>): Promise<EchoServer> {
  const accepted: HandshakeInfo[] = [];
  const failed: TransportError[] = [];
  const listener = await listen(failed);
  listeners.push(listener);
  void serveEcho(listener, accepted);
  return { port: listener.address.port, accepted, failed };
}

function nodeTlsServer(options: Partial<NodeTlsListenOptions> = {}): Promise<EchoServer> {
  return echoServer((failed) => nodeTlsListen({ cert: leaf.certPem, key: leaf.keyPem, alpn: ['h2'], onHandshakeError: (e) => failed.push(e), ...options }));
}

function forgeServer(): Promise<EchoServer> {
  return echoServer((failed) => forgeBackend.listen({ cert: leaf.certPem, key: leaf.keyPem, alpn: ['h2'], onHandshakeError: (e) => failed.push(e) }));
}

async function readExactly(transport: Transport, length: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let got = 0;
  while (got < length) {
    const chunk = await within(transport.read(), 'reading the echo');
    if (chunk === null) throw new Error(`stream ended after ${got} of ${length} bytes`);
    parts.push(chunk);
    got += chunk.length;
  }
  return Buffer.concat(parts);
}

/** Handshakes, sends bytes and reads them back (which also lets TLS 1.3 tickets arrive), closes. */
async function exchange(transport: Transport): Promise<HandshakeInfo> {
  let info: HandshakeInfo;
  try {
    info = await within(transport.handshake(), 'handshake');
    const message = randomBytes(3000);
    await within(transport.write(message), 'write');
    assert.deepEqual(Buffer.from(await readExactly(transport, message.length)), message);
  } catch (err) {
    // close() on a failed transport still waits closeTimeoutMs for the peer; no need here.
    transport.destroy();
    throw err;
  }
  await transport.close();
  return info;
}

function nodeTlsClient(port: number, options: Partial<NodeTlsConnectOptions> = {}): Promise<HandshakeInfo> {
  return nodeTlsConnect({ host: '127.0.0.1', port, serverName: 'localhost', ca: pki.caPem, alpn: ['h2'], handshakeTimeoutMs: WAIT_MS, ...options }).then(exchange);
}

/** A MemoryTicketStore that also records what it was asked for and gave. */
class RecordingStore implements TicketStore {
  readonly inner = new MemoryTicketStore();
  readonly taken: Array<Uint8Array | undefined> = [];
  put(serverName: string, session: Uint8Array): void { this.inner.put(serverName, session); }
  take(serverName: string): Uint8Array | undefined {
    const session = this.inner.take(serverName);
    this.taken.push(session);
    return session;
  }
}

describe('node-tls session resumption', () => {
  before(async () => {
    pki = await createTestPki({ keyType: 'ecdsa-p256' });
    leaf = await pki.issue({ names: ['localhost', '127.0.0.1'] });
  });
  after(async () => {
    for (const transport of serverTransports) transport.destroy();
    await Promise.all(listeners.map((l) => l.close()));
    for (const server of rawServers) server.close();
  });

  it('a first connection is a full handshake; the next resumes with its session and data flows both ways', TEST_TIMEOUT, async () => {
    const server = await nodeTlsServer();
    const store = new MemoryTicketStore();
    const first = await nodeTlsClient(server.port, { ticketStore: store });
    assert.equal(first.tlsVersion, 'TLSv1.3');
    assert.equal(first.resumed, false);
    // TLS 1.3 tickets come after the handshake; reading the echo let them in.
    await until(() => store.size > 0, 'a session in the store');
    const second = await nodeTlsClient(server.port, { ticketStore: store });
    assert.equal(second.resumed, true);
    assert.equal(second.tlsVersion, 'TLSv1.3');
    assert.equal(second.alpnProtocol, 'h2');
    // node:tls gives a resumed client no peer certificate (the server sent none): documented.
    assert.equal(second.peerCertificates.length, 0);
    await until(() => server.accepted.length === 2, 'both connections accepted');
    assert.deepEqual(server.accepted.map((info) => info.resumed), [false, true], 'the server reports the resumption too');
  });

  it('offers each session once: take() removes it (a node:tls server sends two per full handshake, none after a resumed one)', TEST_TIMEOUT, async () => {
    const server = await nodeTlsServer();
    const store = new RecordingStore();
    const resumed: boolean[] = [];
    const sizes: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      resumed.push((await nodeTlsClient(server.port, { ticketStore: store })).resumed);
      if (i === 0 || i === 3) await until(() => store.inner.size === 2, 'two sessions from a full handshake');
      sizes.push(store.inner.size);
    }
    assert.deepEqual(resumed, [false, true, true, false]);
    assert.deepEqual(sizes, [2, 1, 0, 2]);
    const offered = store.taken.filter((s): s is Uint8Array => s !== undefined).map((s) => Buffer.from(s).toString('hex'));
    assert.equal(offered.length, 2);
    assert.equal(new Set(offered).size, 2, 'no session offered twice');
  });

  it('resumes TLS 1.2 sessions too', TEST_TIMEOUT, async () => {
    const server = await nodeTlsServer({ maxVersion: 'TLSv1.2' });
    const store = new MemoryTicketStore();
    const first = await nodeTlsClient(server.port, { ticketStore: store });
    assert.deepEqual([first.tlsVersion, first.resumed], ['TLSv1.2', false]);
    assert.equal(store.size, 1, 'one session, during the handshake');
    const second = await nodeTlsClient(server.port, { ticketStore: store });
    assert.deepEqual([second.tlsVersion, second.resumed], ['TLSv1.2', true]);
  });

  it('never resumes without a store', TEST_TIMEOUT, async () => {
    const server = await nodeTlsServer();
    for (let i = 0; i < 3; i += 1) assert.equal((await nodeTlsClient(server.port)).resumed, false);
  });

  it('files sessions under the name the certificate was checked against', TEST_TIMEOUT, async () => {
    const server = await nodeTlsServer();
    const store = new MemoryTicketStore();
    await nodeTlsClient(server.port, { ticketStore: store });
    await until(() => store.size === 2, 'two sessions');
    // No serverName and an IP host: checked against (and filed under) 127.0.0.1, not localhost.
    const byAddress = await nodeTlsClient(server.port, { ticketStore: store, serverName: undefined });
    assert.equal(byAddress.resumed, false);
    assert.ok(store.take('localhost') !== undefined, 'the localhost sessions were not offered');
  });

  it('a MemoryTicketStore gives the newest session first, keeps perServer per name and drops those older than maxAgeMs', TEST_TIMEOUT, async () => {
    const store = new MemoryTicketStore({ perServer: 2, maxAgeMs: 50 });
    for (const n of [1, 2, 3]) store.put('a.test', Uint8Array.of(n));
    store.put('b.test', Uint8Array.of(9));
    assert.equal(store.size, 3);
    assert.deepEqual(store.take('a.test'), Uint8Array.of(3));
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(store.take('a.test'), undefined, 'too old');
    assert.equal(store.take('b.test'), undefined, 'too old');
    assert.equal(store.size, 0);
  });

  it('an asynchronous store works', TEST_TIMEOUT, async () => {
    const server = await nodeTlsServer();
    const inner = new MemoryTicketStore();
    const store: TicketStore = {
      put: async (name, session) => { await new Promise((resolve) => setTimeout(resolve, 5)); inner.put(name, session); },
      take: async (name) => { await new Promise((resolve) => setTimeout(resolve, 5)); return inner.take(name); },
    };
    assert.equal((await nodeTlsClient(server.port, { ticketStore: store })).resumed, false);
    await until(() => inner.size > 0, 'a session in the store');
    assert.equal((await nodeTlsClient(server.port, { ticketStore: store })).resumed, true);
  });

  it('a store that fails or gives garbage costs resumption, not the connection: full handshake', TEST_TIMEOUT, async () => {
    const server = await nodeTlsServer();
    const garbage: Array<[string, unknown]> = [
      ['random bytes', randomBytes(200)],
      ['empty bytes', new Uint8Array(0)],
      ['a string', 'not a session'],
      ['an object', { session: 'no' }],
      ['null', null],
    ];
    const stores: Array<[string, TicketStore]> = [
      ['take() throws', { put: () => {}, take: () => { throw new Error('store down'); } }],
      ['take() rejects', { put: () => {}, take: () => Promise.reject(new Error('store down')) }],
      ['put() throws', { put: () => { throw new Error('store full'); }, take: () => undefined }],
      ['put() rejects', { put: () => Promise.reject(new Error('store full')), take: () => undefined }],
      // What a JavaScript caller (or a store of another backend's tickets) could hand back.
      ...garbage.map(([what, value]): [string, TicketStore] => [`take() gives ${what}`, { put: () => {}, take: () => value as Uint8Array }]),
    ];
    for (const [what, store] of stores) {
      const info = await nodeTlsClient(server.port, { ticketStore: store }).catch((err: unknown) => assert.fail(`${what}: ${String(err)}`));
      assert.equal(info.resumed, false, what);
    }
  });

  it('a store that never answers fails the connection with TIMEOUT within the handshake budget, or when the signal aborts', TEST_TIMEOUT, async () => {
    const server = await nodeTlsServer();
    const store: TicketStore = { put: () => {}, take: () => new Promise<undefined>(() => {}) };
    const started = Date.now();
    const err = await within(nodeTlsClient(server.port, { ticketStore: store, handshakeTimeoutMs: 300 }), 'connect').then(
      () => assert.fail('connected'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof TransportError && err.code === 'TIMEOUT', String(err));
    assert.ok(Date.now() - started < 2_000);
    // The caller's signal ends the wait too.
    const aborted = await within(nodeTlsClient(server.port, { ticketStore: store, signal: AbortSignal.timeout(50) }), 'connect').then(
      () => assert.fail('connected'),
      (e: unknown) => e,
    );
    assert.ok(aborted instanceof TransportError && aborted.code === 'HANDSHAKE_FAILED', String(aborted));
  });

  it('a ticketStore without put/take is INVALID_ARGUMENT', TEST_TIMEOUT, async () => {
    const err = await nodeTlsConnect({ host: '127.0.0.1', port: 1, ticketStore: {} as TicketStore }).then(() => assert.fail('connected'), (e: unknown) => e);
    assert.ok(err instanceof TransportError && err.code === 'INVALID_ARGUMENT', String(err));
  });

  it('a session past its lifetime resumes nothing: full handshake', TEST_TIMEOUT, async () => {
    // node-tls does not expose the lifetime; a plain node:tls server with a 1 s one does.
    const server = tls.createServer({ cert: leaf.certPem, key: leaf.keyPem, sessionTimeout: 1 }, (socket) => {
      socket.on('error', () => {});
      socket.pipe(socket);
    });
    rawServers.push(server);
    await within(new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)), 'listen');
    const port = (server.address() as { port: number }).port;
    const store = new MemoryTicketStore();
    await nodeTlsClient(port, { ticketStore: store });
    await until(() => store.size === 2, 'two sessions');
    assert.equal((await nodeTlsClient(port, { ticketStore: store })).resumed, true, 'resumes while fresh');
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    assert.equal((await nodeTlsClient(port, { ticketStore: store })).resumed, false);
  });

  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`a server with ticketCount 0 never lets the client resume (${version})`, TEST_TIMEOUT, async () => {
      const server = await nodeTlsServer({ ticketCount: 0, maxVersion: version });
      const store = new RecordingStore();
      for (let i = 0; i < 3; i += 1) {
        const info = await nodeTlsClient(server.port, { ticketStore: store });
        assert.deepEqual([info.tlsVersion, info.resumed], [version, false]);
      }
      assert.ok(store.taken.some((s) => s !== undefined), 'the client did offer what it was given');
    });
  }

  it('refuses ticket options node:tls cannot honour', TEST_TIMEOUT, async () => {
    const base = { cert: leaf.certPem, key: leaf.keyPem };
    for (const options of [
      { ...base, ticketCount: 2 },
      { ...base, ticketKeys: new Uint8Array(32) },
      { ...base, ticketCount: 0, ticketKeys: new Uint8Array(48) },
    ]) {
      const err = await nodeTlsListen(options).then((l) => { listeners.push(l); assert.fail(`accepted ${Object.keys(options).join(', ')}`); }, (e: unknown) => e);
      assert.ok(err instanceof TransportError && err.code === 'INVALID_ARGUMENT', String(err));
    }
  });

  it('listeners sharing ticketKeys resume each other\'s sessions; a listener with its own keys does not', TEST_TIMEOUT, async () => {
    const ticketKeys = randomBytes(48);
    const a = await nodeTlsServer({ ticketKeys });
    const b = await nodeTlsServer({ ticketKeys });
    const own = await nodeTlsServer();
    const store = new MemoryTicketStore();
    await nodeTlsClient(a.port, { ticketStore: store });
    await until(() => store.size === 2, 'two sessions');
    assert.equal((await nodeTlsClient(b.port, { ticketStore: store })).resumed, true);
    assert.equal((await nodeTlsClient(own.port, { ticketStore: store })).resumed, false);
  });

  it('shared ticketKeys do not carry a session to a listener that requires client certificates', TEST_TIMEOUT, async () => {
    const ticketKeys = randomBytes(48);
    const open = await nodeTlsServer({ ticketKeys });
    const strict = await nodeTlsServer({ ticketKeys, requestCert: true, ca: pki.caPem });
    const store = new RecordingStore();
    await nodeTlsClient(open.port, { ticketStore: store });
    await until(() => store.inner.size === 2, 'two sessions');
    // Without a client certificate the strict listener must refuse, resumption or not.
    const outcome = await nodeTlsClient(strict.port, { ticketStore: store }).then(
      (info) => `connected, resumed ${info.resumed}`,
      (err: unknown) => (err instanceof TransportError ? err.code : String(err)),
    );
    assert.ok(store.taken.at(-1) !== undefined, 'a session was offered');
    assert.equal(outcome, 'CERT_INVALID');
    assert.equal(strict.accepted.length, 0);
  });

  it('node-tls client, forge-tls13 server: resumes', TEST_TIMEOUT, async () => {
    const server = await forgeServer();
    const store = new MemoryTicketStore();
    assert.equal((await nodeTlsClient(server.port, { ticketStore: store })).resumed, false);
    await until(() => store.size > 0, 'a session in the store');
    const second = await nodeTlsClient(server.port, { ticketStore: store });
    assert.deepEqual([second.tlsVersion, second.resumed, second.alpnProtocol], ['TLSv1.3', true, 'h2']);
    await until(() => server.accepted.length === 2, 'both connections accepted');
    assert.deepEqual(server.accepted.map((info) => info.resumed), [false, true]);
  });

  it('forge-tls13 client (its own ticket store), node-tls server: resumes', TEST_TIMEOUT, async () => {
    const server = await nodeTlsServer();
    const ticketStore = new ForgeMemoryTicketStore();
    const options: ForgeConnectOptions = { host: '127.0.0.1', port: server.port, serverName: 'localhost', ca: pki.caPem, alpn: ['h2'], handshakeTimeoutMs: WAIT_MS, ticketStore };
    assert.equal((await exchange(await forgeBackend.connect(options))).resumed, false);
    await until(() => ticketStore.size > 0, 'a ticket in the store');
    const second = await exchange(await forgeBackend.connect(options));
    assert.deepEqual([second.tlsVersion, second.resumed, second.alpnProtocol], ['TLSv1.3', true, 'h2']);
    await until(() => server.accepted.length === 2, 'both connections accepted');
    assert.deepEqual(server.accepted.map((info) => info.resumed), [false, true]);
  });
});
