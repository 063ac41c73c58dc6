/**
 * The pipelined record paths: concurrent opens (RecordOpener.openConcurrent and the record
 * layer's window of them, including a KeyUpdate inside the window) and overlapping sends (records
 * leave in call order whatever each seal takes).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { TLS_AES_128_GCM_SHA256 } from '../../backends/forge-tls13/key-schedule.js';
import { RecordOpener, RecordSealer } from '../../backends/forge-tls13/record-protection.js';
import { TlsClient, TlsServer, type EngineEvent } from '../../backends/forge-tls13/engine/index.js';
import { getProvider, identity, pair, providers } from './engine-harness.js';

const key = new Uint8Array(randomBytes(16));
const iv = new Uint8Array(randomBytes(12));

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

for (const name of providers()) {
  const p = getProvider(name);

  describe(`pipelined records (${name})`, () => {
    it('openConcurrent: sequence numbers by call order, results in call order; a bad record is null', async () => {
      const sealer = await RecordSealer.fromKeys(p, TLS_AES_128_GCM_SHA256, key, iv);
      const plain = Array.from({ length: 12 }, (_, i) => new Uint8Array(100 + i * 997).fill(i + 1));
      const records = await Promise.all(plain.map((d) => sealer.seal(23, d)));
      const opener = await RecordOpener.fromKeys(p, TLS_AES_128_GCM_SHA256, key, iv);
      const opened = await Promise.all(records.map((r) => opener.openConcurrent(r.subarray(0, 5), r.subarray(5))));
      assert.deepEqual(opened.map((o) => o && Buffer.from(o.plaintext).toString('hex')), plain.map((d) => Buffer.from(d).toString('hex')));
      assert.equal(opener.sequenceNumber, 12);

      const opener2 = await RecordOpener.fromKeys(p, TLS_AES_128_GCM_SHA256, key, iv);
      const bad = records.map((r) => r.slice());
      bad[5]![40]! ^= 1;
      const results = await Promise.all(bad.map((r) => opener2.openConcurrent(r.subarray(0, 5), r.subarray(5))));
      assert.equal(results[5], null);
      assert.ok(results.slice(0, 5).every((r) => r !== null));
    });

    it('many overlapping sends leave in order; the peer gets every byte in order', async () => {
      const id = await identity('ecdsa-p256', p);
      const pr = pair({ provider: p, serverName: 'localhost', trustAnchors: [id.ca] }, { provider: p, certificates: [id.handle] });
      await pr.client.engine.start();
      await Promise.all([pr.client.handshake, pr.server.handshake]);
      const chunks = Array.from({ length: 40 }, (_, i) => new Uint8Array(1 + ((i * 7919) % 40000)).fill(i));
      await Promise.all(chunks.map((c) => pr.client.engine.sendApplicationData(c))); // not awaited one by one
      await pr.settle();
      assert.ok(Buffer.from(pr.server.data()).equals(concat(chunks)));
    });

    it('a KeyUpdate inside a window of concurrent opens: the records after it are reopened under the new key', async () => {
      const id = await identity('ecdsa-p256', p);
      const client = new TlsClient({ provider: p, serverName: 'localhost', trustAnchors: [id.ca], keyUpdateAfterRecords: 2 });
      const server = new TlsServer({ provider: p, certificates: [id.handle] });
      const serverEvents: EngineEvent[] = [];
      server.on((e) => {
        serverEvents.push(e);
        if (e.type === 'send') void client.receive(e.data);
      });
      // Until the handshake is done, bytes go straight across; afterwards they are held back and
      // delivered in one piece, so the server sees many records (and KeyUpdates) at once.
      let hold: Uint8Array[] | null = null;
      client.on((e) => {
        if (e.type !== 'send') return;
        if (hold) hold.push(e.data);
        else void server.receive(e.data);
      });
      const done = new Promise<void>((resolve) => client.on((e) => e.type === 'handshake' && resolve()));
      await client.start();
      await done;
      for (let i = 0; i < 4; i++) {
        await server.idle();
        await client.idle();
      }
      hold = [];
      const data = new Uint8Array(randomBytes(9 * 16384 + 123));
      await client.sendApplicationData(data);
      await client.idle();
      assert.ok(hold.length > 1, 'the client emitted several pieces');
      await server.receive(concat(hold));
      await server.idle();
      assert.equal(server.error, null, String(server.error));
      const received = concat(serverEvents.flatMap((e) => (e.type === 'data' ? [e.data] : [])));
      assert.ok(Buffer.from(received).equals(data));
      assert.ok(serverEvents.filter((e) => e.type === 'key_update' && e.direction === 'received').length >= 4);
    });
  });
}
