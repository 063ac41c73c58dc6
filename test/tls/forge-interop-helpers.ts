/**
 * Helpers for interop tests against command-line TLS tools (openssl, gnutls): temp files for
 * PEM material, a free port, and a bounded child process that is always killed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, type TestContext } from 'node:test';
import { KEY_TYPES, createTestPki, type CertifiedKey, type KeyType, type TestPki } from '../../src/certs.js';
import type { HandshakeInfo, Transport } from '../../src/transport.js';

export function which(cmd: string): boolean {
  return spawnSync('which', [cmd], { stdio: 'ignore' }).status === 0;
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'forge-tls13-'));
  file(name: string, content: string): string {
    const p = join(this.path, name);
    writeFileSync(p, content);
    return p;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** A free port: bind port 0, note it, release it. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class Proc {
  readonly child: ChildProcess;
  /** Both streams, in arrival order. */
  output = '';
  /** Each stream on its own (lines of one cannot be cut by the other's). */
  stdout = '';
  stderr = '';
  exited: Promise<number | null>;
  constructor(cmd: string, args: readonly string[]) {
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      this.output += text;
      this.stdout += text;
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      this.output += text;
      this.stderr += text;
    });
    this.child.stdin!.on('error', () => {});
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    procs.add(this);
  }
  write(text: string): void {
    if (this.child.stdin!.writable) this.child.stdin!.write(text);
  }
  endInput(): void {
    this.child.stdin!.end();
  }
  /**
   * Resolves when the output matches, rejects after `timeoutMs` (or if the process exits first).
   * `source` picks one stream (default: both, merged).
   */
  async waitFor(pattern: RegExp, timeoutMs = 5000, source: 'output' | 'stdout' | 'stderr' = 'output'): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const m = this[source].match(pattern);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in:\n${this.output}`);
      if (exited) {
        await new Promise((r) => setTimeout(r, 20));
        const again = this[source].match(pattern);
        if (again) return again;
        throw new Error(`process exited before ${pattern} appeared:\n${this.output}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  kill(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    procs.delete(this);
    return this.exited;
  }
}

const procs = new Set<Proc>();
/** Kills every process still running (call from after()). */
export async function killAll(): Promise<void> {
  await Promise.all([...procs].map((p) => p.kill()));
}

/** A test PKI of one key type, with its CA, leaf certificate and key written as PEM files. */
export interface PkiFiles {
  pki: TestPki;
  leaf: CertifiedKey;
  ca: string;
  cert: string;
  key: string;
}

/**
 * The certificates the command-line interop tests use, written into a temporary folder by a
 * before() hook (the folder is removed, and every child process killed, in after()):
 * one PKI per key type (leaf for localhost and 127.0.0.1), a client certificate from the
 * ecdsa-p256 PKI, and a CA (rsa-2048's) that issued none of the ecdsa-p256 certificates.
 */
export function interopFiles(): { dir: TempDir; f: (k?: KeyType) => PkiFiles; client: () => PkiFiles; otherCa: () => string } {
  const dir = new TempDir();
  // Children first: they may still read the files.
  after(async () => {
    await killAll();
    dir.remove();
  });
  const files = new Map<KeyType, PkiFiles>();
  let client: PkiFiles | undefined;
  before(async () => {
    for (const keyType of KEY_TYPES) {
      const pki = await createTestPki({ keyType });
      const leaf = await pki.issue({ names: ['localhost', '127.0.0.1'], keyType });
      files.set(keyType, {
        pki,
        leaf,
        ca: dir.file(`${keyType}-ca.pem`, pki.caPem),
        cert: dir.file(`${keyType}-cert.pem`, leaf.certPem),
        key: dir.file(`${keyType}-key.pem`, leaf.keyPem),
      });
    }
    const p = files.get('ecdsa-p256')!;
    const cl = await p.pki.issue({ names: ['client.test'], commonName: 'client.test', extendedKeyUsage: ['clientAuth'] });
    client = { ...p, leaf: cl, cert: dir.file('client-cert.pem', cl.certPem), key: dir.file('client-key.pem', cl.keyPem) };
  });
  return {
    dir,
    f: (k: KeyType = 'ecdsa-p256') => files.get(k)!,
    client: () => client!,
    otherCa: () => files.get('rsa-2048')!.ca,
  };
}

/** Whether the peer program is there; when not, the test is skipped saying so. */
export function needs(t: TestContext, ok: boolean, tool: string): boolean {
  if (ok) return true;
  t.skip(`skipped: ${tool} not installed`);
  return false;
}

export interface GnutlsServ {
  port: number;
  proc: Proc;
}

/**
 * Starts `gnutls-serv --echo` with a certificate (PEM files) and extra arguments; killed after
 * the test. The port is picked free beforehand; if gnutls-serv still cannot bind it on IPv4 (it
 * then goes on with IPv6 only) it is killed and started again on another port.
 */
export async function startGnutlsServ(t: TestContext, files: { cert: string; key: string }, args: readonly string[]): Promise<GnutlsServ> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const proc = new Proc('gnutls-serv', ['--echo', '-p', String(port), '--x509certfile', files.cert, '--x509keyfile', files.key, ...args]);
    t.after(() => proc.kill());
    const m = await proc.waitFor(/listening on IPv4 [^\n]*port \d+\.\.\.\s*(done|[^\n]*failed)/, 5000, 'stderr');
    if (m[1] === 'done') return { port, proc };
    await proc.kill();
    if (attempt >= 3) throw new Error(`gnutls-serv could not listen:\n${proc.output}`);
  }
}

/**
 * Serves one accepted transport as an echo: after its handshake (`onHandshake` sees it), every
 * chunk read is written back until the peer ends or goes away; then it is closed.
 */
export async function serveEcho(t: Transport, onHandshake?: (info: HandshakeInfo) => void): Promise<void> {
  try {
    const info = await t.handshake();
    onHandshake?.(info);
    for (;;) {
      const chunk = await t.read();
      if (chunk === null) break;
      await t.write(chunk);
    }
  } catch {
    /* the peer went away */
  } finally {
    await t.close();
  }
}
