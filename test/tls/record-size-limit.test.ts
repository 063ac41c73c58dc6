/**
 * record_size_limit (RFC 8449) in memory: both roles advertise it and honour the peer's when they
 * fragment; the limit counts the whole TLSInnerPlaintext (content, content type octet, padding);
 * a protected record over the limit we advertised is record_overflow; a value below 64 is
 * illegal_parameter; without negotiation nobody is bound.
 *
 * Every record is observed on the wire: a protected record's TLSInnerPlaintext is its length
 * minus the 16-byte AEAD tag (all three TLS 1.3 suites have 16-byte tags).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientEngineConfig, ServerEngineConfig } from '../../backends/forge-tls13/engine/index.js';
import { connect, listen } from '../../backends/forge-tls13/index.js';
import { cipherSuiteByName } from '../../backends/forge-tls13/key-schedule.js';
import type { RecordSealer } from '../../backends/forge-tls13/record-protection.js';
import type { ClientHelloExtension } from '../../backends/forge-tls13/wire/extensions.js';
import { TransportError } from '../../src/transport.js';
import { getProvider, identity, pair, type Pair } from './engine-harness.js';
import { keylogSecret, sealerFor, splitRecords } from './wiretap.js';

const p = getProvider('webcrypto');
const TAG = 16;
const SUITE = 'TLS_AES_128_GCM_SHA256';
const MAX = 2 ** 14 + 1;

/** TLSInnerPlaintext sizes of the protected records seen in each direction. */
interface Observed {
  c2s: number[];
  s2c: number[];
}

async function limited(client: Partial<ClientEngineConfig>, server: Partial<ServerEngineConfig>): Promise<{ pr: Pair; seen: Observed }> {
  const id = await identity('ecdsa-p256', p);
  const seen: Observed = { c2s: [], s2c: [] };
  const pr = pair(
    { provider: p, serverName: 'localhost', trustAnchors: [id.ca], cipherSuites: [SUITE], ...client },
    { provider: p, certificates: [id.handle], cipherSuites: [SUITE], ...server },
    {
      tamper: (dir, bytes) => {
        for (const r of splitRecords(bytes)) if (r.type === 23) seen[dir].push(r.body.length - TAG);
        return bytes;
      },
    },
  );
  await pr.client.engine.start();
  await Promise.all([pr.client.handshake, pr.server.handshake]);
  return { pr, seen };
}

const bytes = (n: number, seed: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 7 + seed) & 0xff);

/** Sends `n` bytes each way and checks they arrive intact. */
async function flow(pr: Pair, n: number): Promise<void> {
  const up = bytes(n, 1);
  const down = bytes(n, 2);
  await Promise.all([pr.client.engine.sendApplicationData(up), pr.server.engine.sendApplicationData(down)]);
  await pr.settle();
  assert.ok(Buffer.from(pr.server.data()).equals(up), 'client → server data intact');
  assert.ok(Buffer.from(pr.client.data()).equals(down), 'server → client data intact');
}

describe('record_size_limit: honoured when we send (RFC 8449 section 4)', () => {
  it('each side limits the other (client 512, server 256): every protected record fits, data flows', async () => {
    const { pr, seen } = await limited({ recordSizeLimit: 512 }, { recordSizeLimit: 256 });
    await flow(pr, 5000);
    // The server's whole encrypted flight (EncryptedExtensions onward) and its tickets respect 512,
    // the client's Finished flight and data respect 256; records are filled up to the limit.
    assert.ok(seen.s2c.length > 10 && seen.c2s.length > 10);
    assert.equal(Math.max(...seen.s2c), 512, `server → client: ${seen.s2c.join(' ')}`);
    assert.equal(Math.max(...seen.c2s), 256, `client → server: ${seen.c2s.join(' ')}`);
    assert.equal((await pr.client.handshake).peerRecordSizeLimit, 256);
    assert.equal((await pr.server.handshake).peerRecordSizeLimit, 512);
  });

  it('by default both advertise 2^14 + 1: full records of 2^14 content bytes', async () => {
    const { pr, seen } = await limited({}, {});
    await flow(pr, 40_000);
    assert.equal(Math.max(...seen.s2c), MAX);
    assert.equal(Math.max(...seen.c2s), MAX);
    assert.equal((await pr.client.handshake).peerRecordSizeLimit, MAX);
  });

  it('only the client limits (64, the smallest value): the server sends 63 content bytes per record, the client full records', async () => {
    const { pr, seen } = await limited({ recordSizeLimit: 64 }, {});
    await flow(pr, 20_000);
    assert.equal(Math.max(...seen.s2c), 64);
    assert.equal(Math.max(...seen.c2s), MAX);
  });

  it('a peer value above 2^14 + 1 is read as 2^14 + 1 (a server must not refuse it)', async () => {
    const { pr, seen } = await limited(
      { clientHelloHook: (ch) => ({ ...ch, extensions: ch.extensions.map((e) => (e.type === 'record_size_limit' ? { ...e, limit: 0xffff } : e)) }) },
      {},
    );
    await flow(pr, 40_000);
    assert.equal(Math.max(...seen.s2c), MAX);
  });

  it('small records and the KeyUpdate budget: records are counted, not bytes', async () => {
    const { pr } = await limited({ recordSizeLimit: 64 }, { keyUpdateAfterRecords: 8 });
    const sent = (): number => pr.server.events.filter((e) => e.type === 'key_update' && e.direction === 'sent').length;
    const before = sent();
    await pr.server.engine.sendApplicationData(bytes(63 * 48, 3)); // 48 records of 63 bytes
    await pr.settle();
    assert.ok(sent() - before >= 5, `${sent() - before} KeyUpdates for 48 records at 8 per key`);
    assert.equal(pr.client.data().length, 63 * 48);
  });
});

// ---------------------------------------------------------------------------------------------
// Enforced when we receive: records forged under the peer's logged application secret

/** A sealer that continues `from`'s application records (nothing sent yet under that key). */
async function forger(pr: Pair, from: 'client' | 'server'): Promise<RecordSealer> {
  const side = from === 'client' ? pr.client : pr.server;
  const label = from === 'client' ? 'CLIENT_TRAFFIC_SECRET_0' : 'SERVER_TRAFFIC_SECRET_0';
  return sealerFor(p, cipherSuiteByName(SUITE), keylogSecret(side.events, label));
}

const stripLimit = (ch: Parameters<NonNullable<ClientEngineConfig['clientHelloHook']>>[0]) => ({
  ...ch,
  extensions: ch.extensions.filter((e: ClientHelloExtension) => e.type !== 'record_size_limit'),
});

describe('record_size_limit: enforced when we receive', () => {
  it('client (limit 512): a record of 512 is accepted, one of 513 is record_overflow', async () => {
    const { pr } = await limited({ recordSizeLimit: 512 }, { ticketCount: 0 });
    const seal = await forger(pr, 'server');
    await pr.client.engine.receive(await seal.seal(23, bytes(511, 4))); // 511 + type octet = 512
    assert.equal(pr.client.data().length, 511);
    await pr.client.engine.receive(await seal.seal(23, bytes(512, 5)));
    const err = await pr.client.failure;
    assert.equal(err.alertName, 'record_overflow');
    assert.equal(err.origin, 'local');
    assert.match(err.message, /513 bytes exceeds our record_size_limit 512/);
    assert.equal(pr.client.data().length, 511, 'nothing of the oversized record was delivered');
    await pr.settle();
    assert.equal((await pr.server.failure).alertName, 'record_overflow', 'the server was told');
  });

  it('padding counts: 100 content bytes + 412 of padding is over 512', async () => {
    const { pr } = await limited({ recordSizeLimit: 512 }, { ticketCount: 0 });
    const seal = await forger(pr, 'server');
    await pr.client.engine.receive(await seal.seal(23, bytes(100, 6), 411)); // 100 + 1 + 411 = 512
    assert.equal(pr.client.data().length, 100);
    await pr.client.engine.receive(await seal.seal(23, bytes(100, 7), 412));
    assert.equal((await pr.client.failure).alertName, 'record_overflow');
  });

  it('server (limit 256): a client record of 300 is record_overflow', async () => {
    const { pr } = await limited({}, { recordSizeLimit: 256 });
    const seal = await forger(pr, 'client');
    await pr.server.engine.receive(await seal.seal(23, bytes(300, 8)));
    const err = await pr.server.failure;
    assert.equal(err.alertName, 'record_overflow');
    assert.equal(err.origin, 'local');
  });

  it('not negotiated (the ClientHello carried none): our configured limit binds nobody', async () => {
    const { pr, seen } = await limited({ recordSizeLimit: 512, clientHelloHook: stripLimit }, { ticketCount: 0 });
    assert.equal((await pr.client.handshake).peerRecordSizeLimit, null);
    assert.equal((await pr.server.handshake).peerRecordSizeLimit, null);
    await pr.server.engine.sendApplicationData(bytes(2000, 10));
    await pr.settle();
    assert.equal(Math.max(...seen.s2c), 2001, 'the server is not bound');
    assert.equal(pr.client.engine.error, null, 'and the client does not hold it to 512');
    assert.equal(pr.client.data().length, 2000);
  });
});

describe('record_size_limit: invalid values', () => {
  async function failing(client: Partial<ClientEngineConfig>, server: Partial<ServerEngineConfig>) {
    const id = await identity('ecdsa-p256', p);
    const pr = pair(
      { provider: p, serverName: 'localhost', trustAnchors: [id.ca], ...client },
      { provider: p, certificates: [id.handle], ...server },
    );
    await pr.client.engine.start();
    await pr.settle();
    return { client: pr.client.engine.error, server: pr.server.engine.error };
  }

  it('a ClientHello value below 64 is illegal_parameter (the server says so)', async () => {
    const o = await failing({ clientHelloHook: (ch) => ({ ...ch, extensions: ch.extensions.map((e) => (e.type === 'record_size_limit' ? { ...e, limit: 63 } : e)) }) }, {});
    assert.equal(o.server?.alertName, 'illegal_parameter');
    assert.equal(o.server?.origin, 'local');
    assert.match(o.server?.message ?? '', /record_size_limit 63 is below 64/);
  });

  it('an EncryptedExtensions value below 64 is illegal_parameter (the client says so)', async () => {
    const o = await failing({ clientHelloHook: stripLimit }, { extraEncryptedExtensions: [{ type: 'record_size_limit', limit: 63 }] });
    assert.equal(o.client?.alertName, 'illegal_parameter');
    assert.equal(o.client?.origin, 'local');
  });

  it('an EncryptedExtensions record_size_limit the client did not send is unsupported_extension', async () => {
    const o = await failing({ clientHelloHook: stripLimit }, { extraEncryptedExtensions: [{ type: 'record_size_limit', limit: 512 }] });
    assert.equal(o.client?.alertName, 'unsupported_extension');
  });

  it('our own recordSizeLimit outside 64..2^14 + 1: internal_error in the engine, INVALID_ARGUMENT in the transport', async () => {
    for (const recordSizeLimit of [63, MAX + 1, 100.5]) {
      const o = await failing({ recordSizeLimit }, {});
      assert.equal(o.client?.alertName, 'internal_error', String(recordSizeLimit));
      const srv = await failing({}, { recordSizeLimit });
      assert.equal(srv.server?.alertName, 'internal_error', String(recordSizeLimit));
      const invalid = (e: unknown): boolean => e instanceof TransportError && e.code === 'INVALID_ARGUMENT' && /recordSizeLimit/.test(e.message);
      await assert.rejects(connect({ host: '127.0.0.1', port: 1, recordSizeLimit }), invalid);
      await assert.rejects(listen({ port: 0, cert: 'unused', key: 'unused', recordSizeLimit }), invalid);
    }
  });
});
