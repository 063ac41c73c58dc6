/**
 * Helpers for the interop matrix (interop/*.test.ts): certificates in temp files, bodies and
 * hashes, free ports, bounded waits, and child processes that are always killed.
 *
 * Every wait here has a deadline; every process started here is tracked and `killAll()` (called
 * from each file's after()) kills whatever is still running.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestPki } from '../src/certs.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** The TLS backends every TLS row of the matrix runs on. */
export const TLS_BACKENDS = ['node-tls', 'forge-tls13'] as const;
export type TlsBackendName = (typeof TLS_BACKENDS)[number];

// ---- programs ----

const found = new Map<string, boolean>();
export function which(program: string): boolean {
  let ok = found.get(program);
  if (ok === undefined) {
    ok = spawnSync('which', [program], { stdio: 'ignore' }).status === 0;
    found.set(program, ok);
  }
  return ok;
}

/** For node:test's `skip` option: false when `program` is on PATH, else the skip message. */
export function skipUnless(...programs: string[]): string | false {
  for (const p of programs) if (!which(p)) return `skipped: ${p} not installed`;
  return false;
}

/**
 * The compiled CLI entry point. Tests normally run compiled (dist/interop/*.test.js, next to
 * dist/src/cli/main.js); under tsx (interop/*.test.ts) the sibling is a .ts file, so fall back
 * to the build at the repo root.
 */
export function cliPath(): string {
  const compiled = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  if (existsSync(compiled)) return compiled;
  const built = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new Error(`CLI not built: neither ${compiled} nor ${built} exists (run npx tsc -p .)`);
}

// ---- bytes ----

export function sha256(data: Uint8Array | readonly Uint8Array[]): string {
  const h = createHash('sha256');
  if (data instanceof Uint8Array) h.update(data);
  else for (const d of data) h.update(d);
  return h.digest('hex');
}

/** `n` random bytes (a body whose hash means something). */
export function randomBody(n: number): Uint8Array {
  return new Uint8Array(randomBytes(n));
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}

// ---- waits ----

/** `p`, or a rejection naming `what` after `ms`. The timer never keeps the process alive. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once `cond()` is true; rejects after `ms`. */
export async function waitUntil(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * Settles every promise within `ms` or throws listing how many are still pending: "no request
 * hangs" as an assertion.
 */
export async function settleAll<T>(promises: readonly Promise<T>[], ms: number, what: string): Promise<PromiseSettledResult<T>[]> {
  let pending = promises.length;
  const tracked = promises.map((p) => p.finally(() => pending--));
  try {
    return await withTimeout(Promise.allSettled(tracked), ms, what);
  } catch (err) {
    throw new Error(`${(err as Error).message} (${pending} of ${promises.length} still pending)`);
  }
}

// ---- ports ----

/** A free loopback port: bind port 0, read it, release it. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port; rejects after `ms`. */
export async function waitForPort(port: number, ms: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!alive()) throw new Error(`process exited before listening on port ${port}`);
    if (Date.now() > deadline) throw new Error(`nothing listening on 127.0.0.1:${port} after ${ms} ms`);
    await sleep(20);
  }
}

// ---- files ----

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'tlsport-interop-'));
  file(name: string, content: string | Uint8Array): string {
    const p = join(this.path, name);
    writeFileSync(p, content);
    return p;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

export interface TestCerts {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** A throw-away CA and a leaf for localhost and 127.0.0.1. */
export async function makeCerts(): Promise<TestCerts> {
  const pki = await createTestPki();
  const leaf = await pki.issue({ names: ['localhost', '127.0.0.1'] });
  return { caPem: pki.caPem, certPem: leaf.certPem, keyPem: leaf.keyPem };
}

// ---- child processes ----

const children = new Set<ChildProcess>();

function killChild(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Kills every child process still running (call from after()). */
export async function killAll(): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      waits.push(new Promise((resolve) => child.once('exit', () => resolve())));
      killChild(child);
    }
  }
  children.clear();
  await withTimeout(Promise.all(waits), 5000, 'children to exit').catch(() => undefined);
}

export interface RunResult {
  /** Exit status, or null when killed by a signal (the timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a program to completion, killing it after `timeoutMs`; never rejects for a bad status. */
export function run(cmd: string, args: readonly string[], options: { timeoutMs?: number; input?: Uint8Array } = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input);
    const timer = setTimeout(() => {
      timedOut = true;
      killChild(child);
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      children.delete(child);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const stderr = timedOut ? `${err}\n[killed after ${timeoutMs} ms: ${cmd} ${args.join(' ')}]` : err;
      resolve({ code, signal, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** A long-running child (a server): output captured, killed by `stop()` or killAll(). */
export class Daemon {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<number | null>;

  constructor(cmd: string, args: readonly string[]) {
    this.child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(this.child);
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    this.exited = new Promise((resolve) => {
      this.child.once('error', (e) => {
        this.output += `\nspawn error: ${e.message}`;
        resolve(null);
      });
      this.child.once('exit', (code) => resolve(code));
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    killChild(this.child);
    await withTimeout(this.exited, 5000, 'daemon to exit').catch(() => undefined);
    children.delete(this.child);
  }
}

/**
 * Starts a server program on a free port and waits until it accepts connections. The port is
 * found by binding port 0 and releasing it, so another process may take it in between: when the
 * program exits early complaining the address is in use, it is tried once more on a new port.
 */
export async function startDaemon(cmd: string, argsFor: (port: number) => string[], readyMs = 10_000): Promise<{ daemon: Daemon; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const daemon = new Daemon(cmd, argsFor(port));
    try {
      await waitForPort(port, readyMs, () => daemon.running);
      return { daemon, port };
    } catch (err) {
      await daemon.stop();
      const inUse = /in use|EADDRINUSE|bind/i.test(daemon.output);
      if (attempt < 2 && inUse) continue;
      throw new Error(`${cmd} did not start: ${(err as Error).message}\n${daemon.output}`);
    }
  }
}
