/**
 * The keying material exporter (RFC 8446 section 7.5): the engine's `exportKeyingMaterial`
 * against a reference computed here from node:crypto HMAC and the key log's EXPORTER_SECRET;
 * forge-tls13 and node:tls (OpenSSL) exporting the same bytes across a real connection, both
 * ways; and the Transport contract's errors (before the handshake, after close, bad arguments,
 * absent on cleartext backends).
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { backend as forge, type ForgeConnectOptions, type ForgeListenOptions } from '../../backends/forge-tls13/index.js';
import { backend as loopback } from '../../backends/loopback/index.js';
import { backend as nodeTls } from '../../backends/node-tls/index.js';
import { backend as tcp } from '../../backends/tcp/index.js';
import { createTestPki, type CertifiedKey, type TestPki } from '../../src/certs.js';
import { TransportError, type Backend, type Listener, type Transport } from '../../src/transport.js';
import { getProvider, identity, pair, type Pair } from './engine-harness.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface ExportCase {
  readonly label: string;
  readonly context: Uint8Array | undefined;
  readonly length: number;
}
/** The cases every test runs; the assertions in `checkDistinct` refer to them by index. */
const CASES: readonly ExportCase[] = [
  { label: 'EXPERIMENTAL-tlsport', context: undefined, length: 32 },
  { label: 'EXPERIMENTAL-tlsport', context: new Uint8Array(0), length: 32 },
  { label: 'EXPERIMENTAL-tlsport', context: enc('a context'), length: 32 },
  { label: 'EXPERIMENTAL-other', context: enc('a context'), length: 32 },
  { label: 'EXPERIMENTAL-tlsport', context: enc('another context'), length: 32 },
  { label: 'EXPERIMENTAL-tlsport', context: enc('a context'), length: 100 },
  { label: 'EXTRACTOR-dtls_srtp', context: undefined, length: 60 },
];

type Exporter = (length: number, label: string, context?: Uint8Array) => Promise<Uint8Array>;

async function exportAll(exporter: Exporter): Promise<string[]> {
  const out: string[] = [];
  for (const c of CASES) {
    const bytes = await exporter(c.length, c.label, c.context);
    assert.equal(bytes.length, c.length);
    out.push(hex(bytes));
  }
  return out;
}

/** What RFC 8446 section 7.5 says about the cases, whatever the implementation. */
function checkDistinct(values: readonly string[]): void {
  assert.equal(values[0], values[1], 'no context and an empty context are the same in TLS 1.3');
  assert.notEqual(values[1], values[2], 'the context matters');
  assert.notEqual(values[2], values[3], 'the label matters');
  assert.notEqual(values[2], values[4], 'a different context gives different bytes');
  // The length is part of HkdfLabel: a longer export does not start with the shorter one.
  assert.notEqual(values[5]!.slice(0, 64), values[2]);
  assert.equal(new Set(values).size, values.length - 1);
}

// ---------------------------------------------------------------------------------------------
// A reference TLS-Exporter from node:crypto, independent of backends/forge-tls13/key-schedule.ts

function hkdfExpandLabel(hash: 'sha256' | 'sha384', secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.concat([Buffer.of(length >> 8, length & 0xff, full.length), full, Buffer.of(context.length), context]);
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(blocks).length < length; i++) {
    previous = createHmac(hash, secret).update(Buffer.concat([previous, info, Buffer.of(i)])).digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function referenceExport(hash: 'sha256' | 'sha384', exporterMasterSecret: Buffer, c: ExportCase): string {
  const digest = (data: Uint8Array): Buffer => createHash(hash).update(data).digest();
  const empty = digest(new Uint8Array(0));
  const derived = hkdfExpandLabel(hash, exporterMasterSecret, c.label, empty, empty.length);
  return hkdfExpandLabel(hash, derived, 'exporter', digest(c.context ?? new Uint8Array(0)), c.length).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// Engine

describe('exporter: engine (RFC 8446 section 7.5)', () => {
  const SUITES = [
    ['TLS_AES_128_GCM_SHA256', 'sha256'],
    ['TLS_AES_256_GCM_SHA384', 'sha384'],
  ] as const;

  async function connected(suite: (typeof SUITES)[number][0], provider: 'webcrypto' | 'forge' = 'webcrypto'): Promise<Pair> {
    const p = getProvider(provider);
    const id = await identity('ecdsa-p256', p);
    const pr = pair(
      { provider: p, serverName: 'localhost', trustAnchors: [id.ca], cipherSuites: [suite] },
      { provider: p, certificates: [id.handle], cipherSuites: [suite] },
    );
    await pr.client.engine.start();
    await Promise.all([pr.client.handshake, pr.server.handshake]);
    return pr;
  }

  for (const [suite, hash] of SUITES) {
    for (const provider of ['webcrypto', 'forge'] as const) {
      it(`${suite} (${provider}): both ends agree with a reference computed from the key log's EXPORTER_SECRET`, async () => {
        const pr = await connected(suite, provider);
        const client = await exportAll((...a) => pr.client.engine.exportKeyingMaterial(...a));
        const server = await exportAll((...a) => pr.server.engine.exportKeyingMaterial(...a));
        assert.deepEqual(server, client);
        checkDistinct(client);
        const line = pr.client.events.flatMap((e) => (e.type === 'keylog' && e.line.startsWith('EXPORTER_SECRET ') ? [e.line] : []))[0];
        assert.ok(line, 'EXPORTER_SECRET was logged');
        const secret = Buffer.from(line.split(' ')[2]!, 'hex');
        assert.deepEqual(client, CASES.map((c) => referenceExport(hash, secret, c)));
      });
    }
  }

  it('rejects before the handshake and after a failure; KeyUpdate changes nothing', async () => {
    const p = getProvider('webcrypto');
    const id = await identity('ecdsa-p256', p);
    const pr = pair({ provider: p, serverName: 'localhost', trustAnchors: [id.ca] }, { provider: p, certificates: [id.handle] });
    await assert.rejects(pr.client.engine.exportKeyingMaterial(32, 'EXPERIMENTAL-x'), /before the handshake/);
    await pr.client.engine.start();
    await Promise.all([pr.client.handshake, pr.server.handshake]);
    const before = hex(await pr.client.engine.exportKeyingMaterial(32, 'EXPERIMENTAL-x'));
    await pr.client.engine.keyUpdate(true);
    await pr.settle();
    assert.equal(hex(await pr.client.engine.exportKeyingMaterial(32, 'EXPERIMENTAL-x')), before);
    assert.equal(hex(await pr.server.engine.exportKeyingMaterial(32, 'EXPERIMENTAL-x')), before);
    await pr.server.engine.receive(Uint8Array.of(20, 3, 3, 0, 1, 1)); // a CCS after the handshake: fatal
    await pr.server.failure;
    await assert.rejects(pr.server.engine.exportKeyingMaterial(32, 'EXPERIMENTAL-x'), /connection failed/);
  });

  it('length within 1..255 hash lengths and label within 1..249 bytes, else RangeError', async () => {
    const sha256 = await connected('TLS_AES_128_GCM_SHA256');
    const sha384 = await connected('TLS_AES_256_GCM_SHA384');
    const e256 = sha256.client.engine;
    for (const length of [0, -1, 1.5, Number.NaN, 8161]) await assert.rejects(e256.exportKeyingMaterial(length, 'EXPERIMENTAL-x'), RangeError, String(length));
    assert.equal((await e256.exportKeyingMaterial(8160, 'EXPERIMENTAL-x')).length, 8160);
    assert.equal((await sha384.client.engine.exportKeyingMaterial(12240, 'EXPERIMENTAL-x')).length, 12240);
    await assert.rejects(sha384.client.engine.exportKeyingMaterial(12241, 'EXPERIMENTAL-x'), RangeError);
    await assert.rejects(e256.exportKeyingMaterial(32, ''), RangeError);
    await assert.rejects(e256.exportKeyingMaterial(32, 'x'.repeat(250)), RangeError);
    assert.equal((await e256.exportKeyingMaterial(32, 'x'.repeat(249))).length, 32);
  });
});

// ---------------------------------------------------------------------------------------------
// Over real connections: forge-tls13 and node:tls

let pki: TestPki;
let leaf: CertifiedKey;
const listeners: Listener[] = [];
before(async () => {
  pki = await createTestPki({ keyType: 'ecdsa-p256' });
  leaf = await pki.issue({ names: ['localhost', '127.0.0.1'] });
});
after(async () => {
  await Promise.all(listeners.map((l) => l.close()));
});

/** A listener on `server` and a connected, handshaken client from `client`; closed after the test. */
async function connectPair(server: Backend, client: Backend, extra: Partial<ForgeListenOptions & ForgeConnectOptions> = {}): Promise<{ c: Transport; s: Transport }> {
  const listener = await server.listen({ cert: leaf.certPem, key: leaf.keyPem, handshakeTimeoutMs: 5000, ...extra } as ForgeListenOptions);
  listeners.push(listener);
  const c = await client.connect({ host: '127.0.0.1', port: listener.address.port, serverName: 'localhost', ca: pki.caPem, handshakeTimeoutMs: 5000, ...extra } as ForgeConnectOptions);
  const s = await listener.accept();
  assert.ok(s);
  await Promise.all([c.handshake(), s.handshake()]);
  after(() => {
    c.destroy();
    s.destroy();
  });
  return { c, s };
}

function exporterOf(t: Transport): Exporter {
  const method = t.exportKeyingMaterial;
  assert.ok(method, `${t.backend} has an exporter`);
  return method.bind(t);
}

describe('exporter: forge-tls13 and node:tls export the same bytes', () => {
  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'] as const) {
    it(`forge-tls13 client, node:tls server (${suite})`, async () => {
      const { c, s } = await connectPair(nodeTls, forge, { cipherSuites: [suite] });
      assert.equal((await c.handshake()).cipherSuite, suite);
      const ours = await exportAll(exporterOf(c));
      assert.deepEqual(await exportAll(exporterOf(s)), ours);
      checkDistinct(ours);
    });

    it(`node:tls client, forge-tls13 server (${suite})`, async () => {
      const { c, s } = await connectPair(forge, nodeTls, { cipherSuites: [suite] });
      assert.equal((await s.handshake()).cipherSuite, suite);
      const ours = await exportAll(exporterOf(s));
      assert.deepEqual(await exportAll(exporterOf(c)), ours);
      checkDistinct(ours);
    });
  }

  it('after data and our automatic KeyUpdates the exports still agree', async () => {
    const { c, s } = await connectPair(nodeTls, forge, { keyUpdateAfterRecords: 2 });
    for (let i = 0; i < 4; i++) {
      await c.write(enc(`record ${i}`));
      assert.ok(await s.read());
    }
    assert.deepEqual(await exportAll(exporterOf(s)), await exportAll(exporterOf(c)));
  });
});

// ---------------------------------------------------------------------------------------------
// The contract's errors

async function rejectsWith(promise: Promise<unknown>, code: TransportError['code'], pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof TransportError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('exporter: errors', () => {
  for (const [name, b] of [['forge-tls13', forge], ['node-tls', nodeTls]] as const) {
    it(`${name}: INVALID_ARGUMENT before the handshake completed`, async () => {
      const listener = await b.listen({ cert: leaf.certPem, key: leaf.keyPem });
      listeners.push(listener);
      const t = await b.connect({ host: '127.0.0.1', port: listener.address.port, serverName: 'localhost', ca: pki.caPem });
      after(() => t.destroy());
      await rejectsWith(exporterOf(t)(32, 'EXPERIMENTAL-x'), 'INVALID_ARGUMENT', /before the handshake/);
      await t.handshake();
      assert.equal((await exporterOf(t)(32, 'EXPERIMENTAL-x')).length, 32);
    });

    it(`${name}: CLOSED after close() and after destroy()`, async () => {
      const { c, s } = await connectPair(b, b);
      const [exC, exS] = [exporterOf(c), exporterOf(s)];
      await c.close();
      await rejectsWith(exC(32, 'EXPERIMENTAL-x'), 'CLOSED', /closed/);
      s.destroy();
      await rejectsWith(exS(32, 'EXPERIMENTAL-x'), 'CLOSED', /closed/);
    });
  }

  it('INVALID_ARGUMENT for a bad length, label or context (both backends, both roles)', async () => {
    // forge-tls13 on one end fixes the suite: TLS 1.3 with SHA-256 gives at most 255 * 32 bytes
    // (RFC 5869 section 2.3).
    const one = { cipherSuites: ['TLS_AES_128_GCM_SHA256'] } as const;
    const a = await connectPair(nodeTls, forge, one);
    const b = await connectPair(forge, nodeTls, one);
    for (const t of [a.c, a.s, b.c, b.s]) {
      const ex = exporterOf(t);
      for (const length of [0, -1, 2.5, Number.NaN, 65536]) await rejectsWith(ex(length, 'EXPERIMENTAL-x'), 'INVALID_ARGUMENT', /length/);
      await rejectsWith(ex(8161, 'EXPERIMENTAL-x'), 'INVALID_ARGUMENT', /8160/);
      assert.equal((await ex(8160, 'EXPERIMENTAL-x')).length, 8160);
      for (const label of ['', 'x'.repeat(250), 'caf\u00e9', 'tab\there']) await rejectsWith(ex(32, label), 'INVALID_ARGUMENT', /label/);
      await rejectsWith(ex(32, 'EXPERIMENTAL-x', new Uint8Array(65536)), 'INVALID_ARGUMENT', /context/);
      assert.equal((await ex(32, 'x'.repeat(249), new Uint8Array(65535))).length, 32);
    }
  });

  it('cleartext backends (tcp, loopback) have no exporter', async () => {
    for (const b of [tcp, loopback]) {
      const listener = await b.listen({ host: '127.0.0.1', port: 0 });
      listeners.push(listener);
      const t = await b.connect({ host: '127.0.0.1', port: listener.address.port });
      await t.handshake();
      assert.equal('exportKeyingMaterial' in t, false, b.name);
      assert.equal(t.exportKeyingMaterial, undefined, b.name);
      t.destroy();
    }
  });
});
