/**
 * TLS benchmark: forge-tls13 (both crypto providers) against node:tls, over 127.0.0.1, in one run.
 *
 *   node --import tsx bench/tls.ts            (or, after `npm run build`: node dist/bench/tls.js)
 *   options: --seconds 3 --rounds 3 (or $BENCH_ROUNDS) --mib 64 --chunk 65536 --only handshake,resumed,bulk,forge-alone
 *            --stacks node-tls,node-raw,forge-webcrypto,forge-forge,forge-builtin
 *            --json results.json
 *
 * What is measured (docs/benchmarks.md, "TLS (forge-tls13 vs node:tls)", has the method and figures):
 * - full handshakes per second, ECDSA P-256 and RSA-2048 server certificates from createTestPki:
 *   sequential connections for `--seconds`, each one connect → handshake() → read the server's
 *   one-byte response → close(), through the `Backend` objects (node-tls, forge-tls13 with crypto
 *   'webcrypto' or 'forge'); the client verifies the chain against the test CA, SNI 'localhost'.
 *   The response is there because node:tls only sends its session tickets along with data, as a
 *   real server would; both servers issue their default two tickets per connection;
 * - resumed handshakes per second (session tickets, psk_dhe_ke): forge-tls13 through its
 *   `ticketStore` option. node:tls is measured with raw `tls.connect({ session })` reusing the
 *   newest ticket: the node-tls backend's own `ticketStore` uses each ticket once (as RFC 8446 C.4
 *   recommends) and node:tls issues none on a resumed connection, so through it every third
 *   connection would be a full handshake (node:tls full handshakes are measured raw too, for scale);
 * - bulk MB/s (10^6 bytes/s): `--mib` MiB client → server through the Transport API (`write` loop of
 *   `--chunk` bytes, `read` loop on the server, then a one-byte acknowledgement back), timed on
 *   the client from the first write to the acknowledgement; each round also prints the CPU time
 *   both processes used meanwhile (threads included), in % of one core;
 * - node-forge's AES-128-GCM on its own (16 KiB records, bench/aead-common.ts), the ceiling of the
 *   'forge' provider.
 * Each figure is the median of `--rounds` rounds; rounds interleave the stacks so drift of a noisy
 * machine spreads over all of them. The server runs in a child process (this file with --server)
 * so client and server do not share one event loop or, on a 2-core machine, one core. Every stack
 * negotiates TLS_AES_128_GCM_SHA256 with x25519 (node:tls is told to prefer that suite).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MemoryTicketStore, createWebCryptoProvider, backend as forgeBackend } from '../backends/forge-tls13/index.js';
import { backend as nodeTlsBackend } from '../backends/node-tls/index.js';
import { createTestPki, type KeyType } from '../src/certs.js';
import type { Backend, ConnectOptions, Listener, Transport } from '../src/transport.js';
import { forgeGcmAloneMBps, median } from './aead-common.js';

/**
 * The stacks compared. 'node-raw' is node:tls without our Transport layer (for resumption).
 * 'forge-builtin' is the webcrypto provider over Node's built-in crypto.subtle instead of its
 * default on Node (@peculiar/webcrypto): the measurement behind that default.
 */
type Stack = 'node-tls' | 'forge-webcrypto' | 'forge-forge' | 'forge-builtin' | 'node-raw';

const HOST = '127.0.0.1';
const SERVER_NAME = 'localhost';
const ACK = Uint8Array.of(0x2a);

// node:tls offers TLS_AES_256_GCM_SHA384 first by default; forge-tls13 prefers AES-128-GCM. Make
// node:tls (client and server process alike) prefer the same suite so bulk figures compare.
tls.DEFAULT_CIPHERS = `TLS_AES_128_GCM_SHA256:${tls.DEFAULT_CIPHERS.split(':').filter((c) => c !== 'TLS_AES_128_GCM_SHA256').join(':')}`;

function backendOf(stack: Exclude<Stack, 'node-raw'>): { backend: Backend; extra: Record<string, unknown> } {
  switch (stack) {
    case 'node-tls':
      return { backend: nodeTlsBackend, extra: {} };
    case 'forge-webcrypto':
      return { backend: forgeBackend, extra: { crypto: 'webcrypto' } };
    case 'forge-forge':
      return { backend: forgeBackend, extra: { crypto: 'forge' } };
    case 'forge-builtin':
      return { backend: forgeBackend, extra: { crypto: builtinSubtleProvider() } };
  }
}

let builtinProvider: ReturnType<typeof createWebCryptoProvider> | undefined;
function builtinSubtleProvider(): ReturnType<typeof createWebCryptoProvider> {
  return (builtinProvider ??= createWebCryptoProvider({ subtle: globalThis.crypto.subtle, name: 'webcrypto-builtin' }));
}

// ---------------------------------------------------------------------------------------------
// Server side (child process)

interface ServerSpec {
  stack: Stack;
  mode: 'handshake' | 'sink';
  certPem: string;
  keyPem: string;
  /** sink: bytes to read before acknowledging. */
  bytes?: number;
}

type ServerRequest = { op: 'listen'; spec: ServerSpec } | { op: 'close'; port: number };
type ToServer = ServerRequest & { id: number };
type FromServer = { id: number; port?: number; error?: string; failures?: number; sinkCpuMs?: number };

async function runServer(): Promise<void> {
  const servers = new Map<number, RunningServer>();
  process.on('message', (msg: ToServer) => {
    void (async () => {
      try {
        if (msg.op === 'listen') {
          const s = await startServer(msg.spec);
          servers.set(s.port, s);
          process.send!({ id: msg.id, port: s.port } satisfies FromServer);
        } else {
          const s = servers.get(msg.port);
          servers.delete(msg.port);
          const failures = s?.failures() ?? 0;
          await s?.close();
          process.send!({ id: msg.id, failures, sinkCpuMs: s?.sinkCpuMs() ?? 0 } satisfies FromServer);
        }
      } catch (e) {
        process.send!({ id: msg.id, error: String((e as Error).stack ?? e) } satisfies FromServer);
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
}

interface RunningServer {
  port: number;
  close(): Promise<void>;
  failures(): number;
  /** sink mode: CPU time (user + system) of this process from the first byte read to the acknowledgement. */
  sinkCpuMs(): number;
}

async function startServer(spec: ServerSpec): Promise<RunningServer> {
  let failures = 0;
  let sinkCpuMs = 0;
  if (spec.stack === 'node-raw') {
    const server = tls.createServer({ cert: spec.certPem, key: spec.keyPem }, (socket) => {
      socket.on('error', () => {});
      socket.end(ACK);
    });
    server.on('tlsClientError', () => failures++);
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    return {
      port: (server.address() as { port: number }).port,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      failures: () => failures,
      sinkCpuMs: () => 0,
    };
  }
  const { backend, extra } = backendOf(spec.stack);
  const listener: Listener = await backend.listen({
    host: HOST,
    port: 0,
    cert: spec.certPem,
    key: spec.keyPem,
    onHandshakeError: () => failures++,
    ...extra,
  });
  void (async () => {
    for (;;) {
      const t = await listener.accept();
      if (!t) return;
      const work = spec.mode === 'sink' ? sink(t, spec.bytes ?? 0, (ms) => (sinkCpuMs = ms)) : respond(t);
      void work.catch(() => failures++);
    }
  })();
  return { port: listener.address.port, close: () => listener.close(), failures: () => failures, sinkCpuMs: () => sinkCpuMs };
}

/** Handshake mode: one one-byte record, then close (a real response also makes node:tls send its tickets). */
async function respond(t: Transport): Promise<void> {
  await t.write(ACK);
  await t.close();
}

/** Reads `bytes`, acknowledges; reports the CPU time spent from the first byte to the acknowledgement (ms). */
async function sink(t: Transport, bytes: number, cpuMs: (ms: number) => void): Promise<void> {
  let received = 0;
  let cpu: NodeJS.CpuUsage | undefined;
  while (received < bytes) {
    const chunk = await t.read();
    if (chunk === null) throw new Error(`stream ended after ${received} of ${bytes} bytes`);
    cpu ??= process.cpuUsage();
    received += chunk.length;
  }
  await t.write(ACK);
  const used = process.cpuUsage(cpu);
  cpuMs((used.user + used.system) / 1000);
  await t.close();
}

// ---------------------------------------------------------------------------------------------
// Client side (parent process)

class ServerProcess {
  readonly #child: ChildProcess;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(m: FromServer): void; reject(e: Error): void }>();

  constructor() {
    this.#child = fork(fileURLToPath(import.meta.url), ['--server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (m: FromServer) => {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.error) p?.reject(new Error(`server: ${m.error}`));
      else p?.resolve(m);
    });
    this.#child.on('exit', (code) => {
      for (const p of this.#pending.values()) p.reject(new Error(`server process exited (${code})`));
      this.#pending.clear();
    });
  }

  #call(msg: ServerRequest): Promise<FromServer> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...msg, id });
    });
  }

  async listen(spec: ServerSpec): Promise<number> {
    return (await this.#call({ op: 'listen', spec })).port!;
  }

  /** Closes the listener; resolves with how many server-side connections failed (and sink CPU time). */
  async close(port: number): Promise<{ failures: number; sinkCpuMs: number }> {
    const r = await this.#call({ op: 'close', port });
    return { failures: r.failures ?? 0, sinkCpuMs: r.sinkCpuMs ?? 0 };
  }

  stop(): void {
    this.#child.disconnect();
  }
}

interface Pem {
  certPem: string;
  keyPem: string;
  caPem: string;
}

async function pemFor(keyType: KeyType): Promise<Pem> {
  const pki = await createTestPki({ keyType });
  const leaf = await pki.issue({ names: [SERVER_NAME, HOST] });
  return { certPem: leaf.certPem, keyPem: leaf.keyPem, caPem: pki.caPem };
}

/** One sequential client connection; resolves with whether it was resumed. */
type ConnectOnce = () => Promise<boolean>;

function transportClient(stack: Exclude<Stack, 'node-raw'>, port: number, pem: Pem, ticketStore?: MemoryTicketStore): ConnectOnce {
  const { backend, extra } = backendOf(stack);
  const options: ConnectOptions = {
    host: HOST,
    port,
    serverName: SERVER_NAME,
    ca: pem.caPem,
    ...extra,
    ...(ticketStore ? { ticketStore } : {}),
  } as ConnectOptions;
  return async () => {
    const t = await backend.connect(options);
    const info = await t.handshake();
    const ack = await t.read();
    if (ack === null || ack[0] !== ACK[0]) throw new Error(`${stack}: no response from the server`);
    await t.close();
    return info.resumed;
  };
}

/** Raw node:tls: full handshakes, or resumption with the newest session ticket received. */
function rawNodeClient(port: number, pem: Pem, resume: boolean): ConnectOnce {
  let session: Buffer | undefined;
  return () =>
    new Promise<boolean>((resolve, reject) => {
      const socket = tls.connect({ host: HOST, port, servername: SERVER_NAME, ca: pem.caPem, ...(resume && session ? { session } : {}) });
      let resumed = false;
      socket.on('session', (s: Buffer) => {
        session = s;
      });
      socket.once('secureConnect', () => {
        resumed = socket.isSessionReused();
      });
      let response = false;
      socket.on('data', (d: Buffer) => {
        response ||= d[0] === ACK[0];
      });
      socket.once('error', reject);
      // The server ends at once (after its tickets); the client's automatic end closes it.
      socket.once('close', (hadError) => (hadError || !response ? reject(new Error('connection failed')) : resolve(resumed)));
    });
}

interface RateResult {
  perSecond: number;
  resumedFraction: number;
}

/** Sequential connections for `seconds`; a few unmeasured ones first. */
async function handshakeRate(once: ConnectOnce, seconds: number): Promise<RateResult> {
  for (let i = 0; i < 5; i++) await once();
  let n = 0;
  let resumed = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    if (await once()) resumed++;
    n++;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { perSecond: n / elapsed, resumedFraction: resumed / n };
}

async function bulkOnce(
  stack: Exclude<Stack, 'node-raw'>,
  port: number,
  pem: Pem,
  bytes: number,
  chunkSize: number,
): Promise<{ mbps: number; cipher: string; seconds: number; clientCpuMs: number }> {
  const { backend, extra } = backendOf(stack);
  const t = await backend.connect({ host: HOST, port, serverName: SERVER_NAME, ca: pem.caPem, ...extra } as ConnectOptions);
  const info = await t.handshake();
  const chunk = new Uint8Array(chunkSize);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 131 + 7) & 0xff;
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    await t.write(sent + chunk.length <= bytes ? chunk : chunk.subarray(0, bytes - sent));
  }
  const ack = await t.read();
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  if (ack === null || ack[0] !== ACK[0]) throw new Error(`${stack}: no acknowledgement from the server`);
  await t.close();
  return { mbps: bytes / 1e6 / seconds, cipher: info.cipherSuite ?? '?', seconds, clientCpuMs: (used.user + used.system) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// Main

const STACK_LABEL: Record<Stack, string> = {
  'node-tls': 'node:tls (backend)',
  'node-raw': 'node:tls (raw)',
  'forge-webcrypto': 'forge-tls13 webcrypto',
  'forge-forge': 'forge-tls13 forge',
  'forge-builtin': 'forge webcrypto (built-in)',
};

interface Row {
  test: string;
  unit: 'handshakes/s' | 'MB/s' | 'CPU ms/MB';
  values: Partial<Record<Stack, number>>;
  /** node:tls figure the forge stacks are compared with. */
  reference: Stack;
  rounds: Partial<Record<Stack, number[]>>;
  notes: string[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '3' },
      rounds: { type: 'string', default: process.env['BENCH_ROUNDS'] ?? '3' },
      mib: { type: 'string', default: '64' },
      chunk: { type: 'string', default: '65536' },
      only: { type: 'string', default: 'handshake,resumed,bulk,forge-alone' },
      stacks: { type: 'string', default: 'node-tls,node-raw,forge-webcrypto,forge-forge,forge-builtin' },
      json: { type: 'string' },
      server: { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const bulkBytes = Number(values.mib) * 1024 * 1024;
  const chunkSize = Number(values.chunk);
  const only = new Set(values.only.split(','));
  const stacks = new Set(values.stacks.split(',') as Stack[]);

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`TLS benchmark: Node ${process.version}, ${os.platform()} ${os.arch()}, ${os.cpus().length} CPUs (${cpu})`);
  console.log(`server in a child process, 127.0.0.1; ${rounds} rounds, median; handshakes sequential for ${seconds} s per round\n`);

  const server = new ServerProcess();
  const rows: Row[] = [];
  const forgeAloneRounds: number[] = [];
  const forgeStacks: Stack[] = ['forge-webcrypto', 'forge-forge', 'forge-builtin'];
  try {
    const pems = new Map<KeyType, Pem>();
    for (const k of ['ecdsa-p256', 'rsa-2048'] as const) pems.set(k, await pemFor(k));
    const ecdsa = pems.get('ecdsa-p256')!;

    interface Job {
      row: Row;
      stack: Stack;
      run(): Promise<number>;
    }
    const jobs: Job[] = [];
    const addRow = (row: Row, runs: Partial<Record<Stack, () => Promise<number>>>): void => {
      rows.push(row);
      for (const [stack, run] of Object.entries(runs) as [Stack, () => Promise<number>][]) {
        if (stacks.has(stack)) jobs.push({ row, stack, run });
      }
    };

    /** A round against a fresh listener of `stack`: returns the figure; checks server failures. */
    let lastSinkCpuMs = 0;
    /** Set by a bulk job: CPU use of both sides, printed with its figure. */
    let cpuNote = '';
    const withServer = async (spec: ServerSpec, body: (port: number) => Promise<number>): Promise<number> => {
      const port = await server.listen(spec);
      try {
        return await body(port);
      } finally {
        const { failures, sinkCpuMs } = await server.close(port);
        lastSinkCpuMs = sinkCpuMs;
        if (failures > 0) console.warn(`  warning: ${failures} server-side failures (${spec.stack}, ${spec.mode})`);
      }
    };

    if (only.has('handshake')) {
      for (const keyType of ['ecdsa-p256', 'rsa-2048'] as const) {
        const pem = pems.get(keyType)!;
        const row: Row = {
          test: `full handshake, ${keyType === 'ecdsa-p256' ? 'ECDSA P-256' : 'RSA-2048'} cert`,
          unit: 'handshakes/s',
          values: {},
          reference: 'node-tls',
          rounds: {},
          notes: [],
        };
        const runs: Partial<Record<Stack, () => Promise<number>>> = {};
        for (const stack of ['node-tls', 'node-raw', ...forgeStacks] as Stack[]) {
          runs[stack] = () =>
            withServer({ stack, mode: 'handshake', ...pem }, async (port) => {
              const once = stack === 'node-raw' ? rawNodeClient(port, pem, false) : transportClient(stack, port, pem);
              return (await handshakeRate(once, seconds)).perSecond;
            });
        }
        addRow(row, runs);
      }
    }

    if (only.has('resumed')) {
      const row: Row = {
        test: 'resumed handshake (ticket), ECDSA P-256 cert',
        unit: 'handshakes/s',
        values: {},
        reference: 'node-raw',
        rounds: {},
        notes: [],
      };
      const runs: Partial<Record<Stack, () => Promise<number>>> = {};
      for (const stack of ['node-raw', ...forgeStacks] as Stack[]) {
        runs[stack] = () =>
          withServer({ stack, mode: 'handshake', ...ecdsa }, async (port) => {
            const once = stack === 'node-raw' ? rawNodeClient(port, ecdsa, true) : transportClient(stack, port, ecdsa, new MemoryTicketStore());
            const r = await handshakeRate(once, seconds);
            if (r.resumedFraction < 0.99) throw new Error(`${stack}: only ${(r.resumedFraction * 100).toFixed(1)}% of handshakes resumed`);
            return r.perSecond;
          });
      }
      addRow(row, runs);
    }

    if (only.has('bulk')) {
      const row: Row = {
        test: `bulk ${values.mib} MiB client→server, ${chunkSize}-byte writes`,
        unit: 'MB/s',
        values: {},
        reference: 'node-tls',
        rounds: {},
        notes: [],
      };
      // CPU time both processes spent per MB moved: less sensitive to a busy machine than MB/s.
      const cpuRow: Row = {
        test: 'bulk: CPU time per MB, client + server',
        unit: 'CPU ms/MB',
        values: {},
        reference: 'node-tls',
        rounds: {},
        notes: [],
      };
      const runs: Partial<Record<Stack, () => Promise<number>>> = {};
      for (const stack of ['node-tls', ...forgeStacks] as Exclude<Stack, 'node-raw'>[]) {
        runs[stack] = async () => {
          let r: Awaited<ReturnType<typeof bulkOnce>> | undefined;
          const mbps = await withServer({ stack, mode: 'sink', bytes: bulkBytes, ...ecdsa }, async (port) => {
            r = await bulkOnce(stack, port, ecdsa, bulkBytes, chunkSize);
            if (r.cipher !== 'TLS_AES_128_GCM_SHA256') row.notes.push(`${stack} negotiated ${r.cipher}`);
            return r.mbps;
          });
          // CPU time over the transfer, in % of one core (threads included): how busy each side was.
          const pct = (ms: number): string => `${((ms / 1000 / r!.seconds) * 100).toFixed(0)}%`;
          cpuNote = `client CPU ${pct(r!.clientCpuMs)}, server CPU ${pct(lastSinkCpuMs)}`;
          (cpuRow.rounds[stack] ??= []).push((r!.clientCpuMs + lastSinkCpuMs) / (bulkBytes / 1e6));
          return mbps;
        };
      }
      addRow(row, runs);
      rows.push(cpuRow);
    }

    for (let round = 1; round <= rounds; round++) {
      console.log(`round ${round}/${rounds}`);
      if (only.has('forge-alone')) {
        // In every round, like the rest, so that it sees the same machine conditions.
        const v = await forgeGcmAloneMBps({ runs: 1, minRunMs: 1500 });
        forgeAloneRounds.push(v);
        console.log(`  ${'node-forge AES-128-GCM alone, 16 KiB records'.padEnd(48)} ${'(one core)'.padEnd(22)} ${v.toFixed(1).padStart(8)} MB/s`);
      }
      for (const job of jobs) {
        cpuNote = '';
        const v = await job.run();
        (job.row.rounds[job.stack] ??= []).push(v);
        const extra = cpuNote ? `  (${cpuNote})` : '';
        console.log(`  ${job.row.test.padEnd(48)} ${STACK_LABEL[job.stack].padEnd(22)} ${v.toFixed(1).padStart(8)} ${job.row.unit}${extra}`);
      }
    }
    for (const row of rows) {
      for (const [stack, list] of Object.entries(row.rounds) as [Stack, number[]][]) row.values[stack] = median(list);
    }
  } finally {
    server.stop();
  }

  const forgeAlone = forgeAloneRounds.length > 0 ? median(forgeAloneRounds) : undefined;

  printReport(rows, forgeAlone, { seconds, rounds, chunkSize, mib: Number(values.mib) });
  if (values.json) {
    writeFileSync(values.json, JSON.stringify({ node: process.version, cpus: os.cpus().length, rows, forgeAlone }, null, 2));
  }
}

function printReport(rows: Row[], forgeAlone: number | undefined, o: { seconds: number; rounds: number; chunkSize: number; mib: number }): void {
  const fmt = (v: number | undefined): string => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const ratio = (v: number | undefined, ref: number | undefined): string => (v === undefined || !ref ? '' : ` (${(v / ref).toFixed(2)}×)`);
  const cols = (['node-tls', 'node-raw', 'forge-webcrypto', 'forge-forge', 'forge-builtin'] as Stack[]).filter((c) => rows.some((r) => r.values[c] !== undefined));
  const header = ['test'.padEnd(48), ...cols.map((c) => STACK_LABEL[c].padStart(28))].join('');
  console.log(`\nResults (median of ${o.rounds}; ratios are to the row's node:tls reference, marked *)`);
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const row of rows) {
    const ref = row.values[row.reference];
    const cells = cols.map((c) => {
      const v = row.values[c];
      const mark = c === row.reference ? '*' : '';
      const text = v === undefined ? '—' : `${row.unit === 'CPU ms/MB' ? v.toFixed(2) : fmt(v)}${mark}${c.startsWith('forge') ? ratio(v, ref) : ''}`;
      return text.padStart(28);
    });
    console.log(`${`${row.test} [${row.unit}]`.padEnd(48)}${cells.join('')}`);
    for (const n of row.notes) console.log(`    note: ${n}`);
  }

  const bulk = rows.find((r) => r.unit === 'MB/s');
  const targets: string[] = [];
  const verdict = (ok: boolean): string => (ok ? 'MET' : 'NOT MET');
  if (bulk?.values['forge-webcrypto'] !== undefined && bulk.values['node-tls']) {
    const r = bulk.values['forge-webcrypto'] / bulk.values['node-tls'];
    targets.push(`webcrypto bulk >= 0.5x node:tls: ${r.toFixed(2)}x  ${verdict(r >= 0.5)}`);
  }
  for (const row of rows.filter((r) => r.unit === 'handshakes/s')) {
    const ref = row.values[row.reference];
    const v = row.values['forge-webcrypto'];
    if (v !== undefined && ref) targets.push(`webcrypto ${row.test} >= 0.3x node:tls: ${(v / ref).toFixed(2)}x  ${verdict(v / ref >= 0.3)}`);
  }
  if (forgeAlone !== undefined) {
    console.log(`\nnode-forge AES-128-GCM alone (seal, 16 KiB records, one core): ${fmt(forgeAlone)} MB/s`);
    const fb = bulk?.values['forge-forge'];
    if (fb !== undefined) targets.push(`forge-provider bulk >= 0.8x node-forge AES-GCM alone: ${(fb / forgeAlone).toFixed(2)}x  ${verdict(fb / forgeAlone >= 0.8)}`);
  }
  if (targets.length > 0) {
    console.log('\nTargets');
    for (const t of targets) console.log(`  ${t}`);
  }
}

if (process.argv.includes('--server')) await runServer();
else await main();
