/**
 * AES-128-GCM sealing throughput for 16 KiB records: our two providers, node-forge's cipher on
 * its own (no Uint8Array <-> binary-string conversion), and node:crypto as the reference, plus
 * the full record layer (RecordSealer) with the webcrypto provider and a node:tls loopback
 * transfer for context. Each figure is the median of 5 runs.
 *
 *   node --import tsx bench/aead.ts
 */

import * as nodeCrypto from 'node:crypto';
import * as tls from 'node:tls';
import { getProvider } from '../backends/forge-tls13/crypto/index.js';
import { TLS_AES_128_GCM_SHA256 } from '../backends/forge-tls13/key-schedule.js';
import { RecordSealer } from '../backends/forge-tls13/record-protection.js';
import { rsaPrivateKeyPkcs8, serverCertificate } from '../test/tls/rfc8448.js';
import { RECORD, RECORD_AAD as aad, benchNonce, forgeGcmAloneBatch, measureRecords } from './aead-common.js';

const RUNS = 5;
const MIN_RUN_MS = 400;

const key = new Uint8Array(nodeCrypto.randomBytes(16));
const iv = new Uint8Array(nodeCrypto.randomBytes(12));
const plaintext = new Uint8Array(nodeCrypto.randomBytes(RECORD));
const nonce = (i: number): Uint8Array => benchNonce(iv, i);

/** Runs `batch(count)` (which seals `count` records) until MIN_RUN_MS passed; returns MB/s. */
function measure(batch: (count: number) => Promise<void> | void): Promise<number> {
  return measureRecords(batch, { runs: RUNS, minRunMs: MIN_RUN_MS });
}

async function main(): Promise<void> {
  const rows: [string, number][] = [];
  const row = async (label: string, batch: (count: number) => Promise<void> | void) => {
    const mbs = await measure(batch);
    rows.push([label, mbs]);
    console.log(`${label.padEnd(58)} ${mbs.toFixed(1).padStart(8)} MB/s`);
  };

  console.log(`AES-128-GCM seal, ${RECORD}-byte records, median of ${RUNS} runs (Node ${process.version})\n`);

  await row('node:crypto createCipheriv (reference)', (count) => {
    for (let i = 0; i < count; i++) {
      const c = nodeCrypto.createCipheriv('aes-128-gcm', key, nonce(i));
      c.setAAD(aad);
      c.update(plaintext);
      c.final();
      c.getAuthTag();
    }
  });

  await row('node-forge cipher alone (binary strings, no conversion)', forgeGcmAloneBatch(key, iv, plaintext));

  const forgeAead = await getProvider('forge').aead('AES-128-GCM', key);
  await row('forge provider Aead.seal', async (count) => {
    for (let i = 0; i < count; i++) await forgeAead.seal(nonce(i), aad, plaintext);
  });

  const webAead = await getProvider('webcrypto').aead('AES-128-GCM', key);
  await row('webcrypto provider Aead.seal (one at a time)', async (count) => {
    for (let i = 0; i < count; i++) await webAead.seal(nonce(i), aad, plaintext);
  });
  await row('webcrypto provider Aead.seal (8 in flight)', async (count) => {
    const inflight: Promise<Uint8Array>[] = [];
    for (let i = 0; i < count; i++) {
      inflight.push(webAead.seal(nonce(i), aad, plaintext));
      if (inflight.length === 8) await inflight.shift();
    }
    await Promise.all(inflight);
  });

  const payload = plaintext.subarray(0, RECORD - 1); // content + type byte = 16 KiB inner plaintext
  const webSealer = await RecordSealer.fromKeys(getProvider('webcrypto'), TLS_AES_128_GCM_SHA256, key, iv);
  await row('RecordSealer (webcrypto), awaited one at a time', async (count) => {
    for (let i = 0; i < count; i++) await webSealer.seal(23, payload);
  });
  await row('RecordSealer (webcrypto), 8 in flight', async (count) => {
    const inflight: Promise<Uint8Array>[] = [];
    for (let i = 0; i < count; i++) {
      inflight.push(webSealer.seal(23, payload));
      if (inflight.length === 8) await inflight.shift();
    }
    await Promise.all(inflight);
  });
  const forgeSealer = await RecordSealer.fromKeys(getProvider('forge'), TLS_AES_128_GCM_SHA256, key, iv);
  await row('RecordSealer (forge), awaited one at a time', async (count) => {
    for (let i = 0; i < count; i++) await forgeSealer.seal(23, payload);
  });

  try {
    const mbs = await nodeTlsLoopback(64 * 1024 * 1024);
    rows.push(['node:tls loopback', mbs]);
    console.log(`${'node:tls loopback transfer (TLS 1.3, AES-128-GCM, 64 MB)'.padEnd(58)} ${mbs.toFixed(1).padStart(8)} MB/s`);
  } catch (e) {
    console.log(`node:tls loopback skipped: ${(e as Error).message}`);
  }

  const get = (prefix: string) => rows.find(([l]) => l.startsWith(prefix))?.[1] ?? NaN;
  console.log(`\nwebcrypto Aead / node:crypto: ${(get('webcrypto provider Aead.seal (one') / get('node:crypto')).toFixed(2)}`);
  console.log(`RecordSealer (webcrypto, 8 in flight) / node:tls loopback: ${(get('RecordSealer (webcrypto), 8') / get('node:tls')).toFixed(2)}`);
  console.log(`forge provider / node-forge alone: ${(get('forge provider') / get('node-forge cipher alone')).toFixed(2)}`);
}

/** Bytes per second through a node:tls connection over loopback (encrypt + decrypt + socket). */
async function nodeTlsLoopback(total: number): Promise<number> {
  const keyPem = nodeCrypto.createPrivateKey({ key: Buffer.from(rsaPrivateKeyPkcs8()), format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' });
  const certPem = new nodeCrypto.X509Certificate(serverCertificate()).toString();
  const server = tls.createServer({ key: keyPem, cert: certPem, minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const done = new Promise<number>((resolve, reject) => {
      server.once('secureConnection', (socket) => {
        let received = 0;
        let start = 0;
        socket.on('data', (chunk: Buffer) => {
          if (start === 0) start = performance.now();
          received += chunk.length;
          if (received >= total) {
            resolve((received / 1e6) / ((performance.now() - start) / 1000));
            socket.destroy();
          }
        });
        socket.on('error', reject);
      });
    });
    const client = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, minVersion: 'TLSv1.3', ciphersuites: 'TLS_AES_128_GCM_SHA256' } as tls.ConnectionOptions);
    await new Promise<void>((resolve, reject) => {
      client.once('secureConnect', resolve);
      client.once('error', reject);
    });
    const chunk = Buffer.alloc(256 * 1024, 7);
    let sent = 0;
    while (sent < total) {
      if (!client.write(chunk)) await new Promise((r) => client.once('drain', r));
      sent += chunk.length;
    }
    const mbs = await done;
    client.destroy();
    return mbs;
  } finally {
    server.close();
  }
}

await main();
