/**
 * The floor under forge-tls13's bulk figure: how fast AES-128-GCM *records alone* move between
 * two processes over 127.0.0.1, with no TLS stack at all, next to node:tls in the same run.
 *
 * Each record is what TLS 1.3 would send: 16 KiB of plaintext plus the inner content type, sealed
 * with a 5-byte header as additional data and a per-record nonce. The client seals records (16 in
 * flight) and writes them in 64 KiB batches; the server splits the stream at record headers and
 * opens every record in order (16 in flight). No handshake, no key schedule, no Transport layer:
 * whatever a TLS implementation over the same AEAD does, it cannot beat this.
 *
 * Sealers compared: WebCrypto as forge-tls13's `webcrypto` provider uses it on Node
 * (@peculiar/webcrypto, its default) and Node's built-in `crypto.subtle`; and node:crypto's
 * createCipheriv directly, which no provider uses, as the cost of the AEAD with no WebCrypto layer.
 *
 *   npm run build && node dist/bench/record-floor.js [--mib 128] [--rounds 3]
 */
import { fork } from 'node:child_process';
import { createCipheriv, createDecipheriv, type webcrypto } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Crypto } from '@peculiar/webcrypto';
import { createTestPki } from '../src/certs.js';
import { median } from './aead-common.js';

type Sealer = 'webcrypto-peculiar' | 'webcrypto-builtin' | 'node-crypto';
type Stack = 'node-tls' | Sealer;

const STACKS: readonly Stack[] = ['node-tls', 'webcrypto-peculiar', 'webcrypto-builtin', 'node-crypto'];
const LABEL: Record<Stack, string> = {
  'node-tls': 'node:tls (OpenSSL, whole TLS)',
  'webcrypto-peculiar': 'records only, @peculiar/webcrypto',
  'webcrypto-builtin': 'records only, built-in crypto.subtle',
  'node-crypto': 'records only, node:crypto',
};

const HOST = '127.0.0.1';
const RECORD = 16 * 1024;
const INNER = RECORD + 1; // plaintext + inner content type
const SEALED = INNER + 16; // + GCM tag
const IN_FLIGHT = 16;
const KEY = new Uint8Array(16).fill(0x42);

/** The one operation compared: seal or open one record. */
interface RecordAead {
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Promise<Uint8Array>;
}

async function aeadFor(sealer: Sealer): Promise<RecordAead> {
  if (sealer === 'node-crypto') {
    return {
      seal: async (iv, aad, pt) => {
        const c = createCipheriv('aes-128-gcm', KEY, iv).setAAD(aad);
        const out = c.update(pt);
        c.final();
        return Buffer.concat([out, c.getAuthTag()]);
      },
      open: async (iv, aad, sealed) => {
        const d = createDecipheriv('aes-128-gcm', KEY, iv).setAAD(aad);
        d.setAuthTag(sealed.subarray(sealed.length - 16));
        const out = d.update(sealed.subarray(0, sealed.length - 16));
        d.final();
        return out;
      },
    };
  }
  const subtle = sealer === 'webcrypto-builtin' ? globalThis.crypto.subtle : (new Crypto().subtle as unknown as webcrypto.SubtleCrypto);
  const key = await subtle.importKey('raw', KEY, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return {
    seal: async (iv, aad, pt) => new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, pt)),
    open: async (iv, aad, sealed) => new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, sealed)),
  };
}

function nonce(sequence: number): Uint8Array {
  const n = new Uint8Array(12);
  new DataView(n.buffer).setUint32(8, sequence);
  return n;
}

const HEADER = Uint8Array.of(23, 3, 3, SEALED >> 8, SEALED & 0xff);

// ---------------------------------------------------------------------------------------------
// Server (child process): receive `bytes` of plaintext, answer one byte.

async function runServer(stack: Stack, bytes: number, pem: { cert: string; key: string }): Promise<void> {
  const onConnection = (socket: net.Socket): void => {
    socket.on('error', () => {});
    if (stack === 'node-tls') {
      let got = 0;
      socket.on('data', (d: Buffer) => {
        got += d.length;
        if (got >= bytes) socket.end('k');
      });
      return;
    }
    void receiveRecords(socket, stack, bytes);
  };
  const server =
    stack === 'node-tls'
      ? tls.createServer({ cert: pem.cert, key: pem.key, minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' }, onConnection)
      : net.createServer(onConnection);
  server.listen(0, HOST, () => process.send!((server.address() as net.AddressInfo).port));
}

async function receiveRecords(socket: net.Socket, sealer: Sealer, bytes: number): Promise<void> {
  const aead = await aeadFor(sealer);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let sequence = 0;
  let got = 0;
  let inFlight: Promise<Uint8Array>[] = [];
  const take = (n: number): Buffer => {
    const whole = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    const out = whole.subarray(0, n);
    pending = whole.length > n ? [whole.subarray(n)] : [];
    pendingBytes -= n;
    return out;
  };
  const drain = async (keep: number): Promise<void> => {
    while (inFlight.length > keep) got += (await inFlight.shift()!).length - 1;
    if (got >= bytes) socket.end('k');
  };
  socket.on('data', (chunk: Buffer) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    while (pendingBytes >= 5 + SEALED) {
      const record = take(5 + SEALED);
      inFlight.push(aead.open(nonce(sequence++), record.subarray(0, 5), record.subarray(5)));
    }
    socket.pause();
    // Keep up to IN_FLIGHT records opening, except at the end, when all must be counted.
    void drain(sequence * RECORD >= bytes ? 0 : IN_FLIGHT).then(() => socket.resume());
  });
}

// ---------------------------------------------------------------------------------------------
// Client (parent): send `bytes`, wait for the answer; MB/s.

async function sendRecords(socket: net.Socket, sealer: Sealer, bytes: number): Promise<void> {
  const aead = await aeadFor(sealer);
  const inner = new Uint8Array(INNER);
  inner[RECORD] = 23;
  let sequence = 0;
  const batches: Promise<Uint8Array[]>[] = [];
  const flush = async (): Promise<void> => {
    const parts = (await batches.shift()!).flatMap((sealed) => [HEADER, sealed]);
    if (!socket.write(Buffer.concat(parts))) await new Promise((resolve) => socket.once('drain', resolve));
  };
  for (let sent = 0; sent < bytes; sent += 4 * RECORD) {
    batches.push(Promise.all([0, 1, 2, 3].map(() => aead.seal(nonce(sequence++), HEADER, inner))));
    if (batches.length >= IN_FLIGHT / 4) await flush();
  }
  while (batches.length > 0) await flush();
}

async function measure(stack: Stack, port: number, bytes: number, ca: string): Promise<number> {
  const socket =
    stack === 'node-tls'
      ? tls.connect({ host: HOST, port, ca, servername: 'localhost', ciphers: 'TLS_AES_128_GCM_SHA256' })
      : net.connect(port, HOST);
  await new Promise<void>((resolve, reject) => {
    socket.once(stack === 'node-tls' ? 'secureConnect' : 'connect', () => resolve());
    socket.once('error', reject);
  });
  const answered = new Promise<void>((resolve, reject) => {
    socket.once('data', () => resolve());
    socket.once('error', reject);
  });
  const started = performance.now();
  if (stack === 'node-tls') {
    const chunk = new Uint8Array(64 * 1024);
    for (let sent = 0; sent < bytes; sent += chunk.length) {
      if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
    }
  } else {
    await sendRecords(socket, stack, bytes);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${stack}: no answer within 120 s`)), 120_000);
  });
  await Promise.race([answered, timeout]).finally(() => clearTimeout(timer));
  const seconds = (performance.now() - started) / 1000;
  socket.destroy();
  return bytes / seconds / 1e6;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mib: { type: 'string', default: '128' }, rounds: { type: 'string', default: process.env['BENCH_ROUNDS'] ?? '3' } } });
  const bytes = Number(values.mib) * 1024 * 1024;
  const rounds = Number(values.rounds);
  const pki = await createTestPki({ keyType: 'ecdsa-p256' });
  const leaf = await pki.issue({ names: ['localhost'] });
  console.log(`Record floor: Node ${process.version}, ${os.cpus().length} CPUs; ${values.mib} MiB client -> server per run, server in a child process, median of ${rounds}`);
  const results = new Map<Stack, number[]>(STACKS.map((s) => [s, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const stack of STACKS) {
      const child = fork(fileURLToPath(import.meta.url), ['--server', stack, String(bytes)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      try {
        child.send({ cert: leaf.certPem, key: leaf.keyPem });
        const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(m as number)));
        const mbps = await measure(stack, port, bytes, pki.caPem);
        results.get(stack)!.push(mbps);
        console.log(`  round ${round}: ${LABEL[stack].padEnd(40)} ${mbps.toFixed(0)} MB/s`);
      } finally {
        child.kill();
      }
    }
  }
  const reference = median(results.get('node-tls')!);
  console.log('\nMedians (ratio to node:tls)');
  for (const stack of STACKS) {
    const m = median(results.get(stack)!);
    console.log(`  ${LABEL[stack].padEnd(40)} ${m.toFixed(0).padStart(5)} MB/s  ${(m / reference).toFixed(2)}x`);
  }
}

const serverAt = process.argv.indexOf('--server');
if (serverAt >= 0) {
  const stack = process.argv[serverAt + 1] as Stack;
  const bytes = Number(process.argv[serverAt + 2]);
  process.once('message', (pem) => void runServer(stack, bytes, pem as { cert: string; key: string }));
} else {
  await main();
}
