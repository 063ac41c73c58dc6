/**
 * Helpers for interop tests against command-line TLS tools (openssl, gnutls): temp files for
 * PEM material, a free port, and a bounded child process that is always killed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
