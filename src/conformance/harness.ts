/**
 * What every conformance check leans on: bounded waits (a broken transport must fail a test,
 * never hang the run), a session that closes every listener and transport it opened even when
 * the check fails, and deterministic test data.
 */
import assert from 'node:assert/strict';
import {
  isTransportError,
  type ConnectOptions,
  type ListenOptions,
  type Listener,
  type Transport,
  type TransportErrorCode,
} from '../transport.js';
import type { ConformanceSubject } from './subject.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** The bound on one wait unless the subject sets its own. */
export const DEFAULT_STEP_MS = 5_000;

export function stepMs(subject: ConformanceSubject): number {
  return subject.stepTimeoutMs ?? DEFAULT_STEP_MS;
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Marks `promise` as handled at once: it is awaited later, or never if the check fails first,
 * and its rejection must not surface as an unhandled rejection meanwhile.
 */
export function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** The failure of a bounded wait, told apart from the transport's own rejections. */
export class WaitTimeout extends Error {
  override readonly name = 'WaitTimeout';
}

/** `promise`, or a failure naming `what` if it has not settled after `ms`. */
export async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  // A late rejection of the abandoned promise must not surface as an unhandled rejection.
  promise.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeout(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One timer bounding each of many consecutive waits, for loops of thousands of reads where a
 * timer per wait would dominate the run time. `guard()` fails if no `kick()` came for `ms`.
 */
export class Watchdog {
  private readonly tripped: Promise<never>;
  private readonly timer: NodeJS.Timeout;
  private what: string;

  constructor(ms: number, what: string) {
    this.what = what;
    let timer: NodeJS.Timeout | undefined;
    this.tripped = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new WaitTimeout(`timed out after ${ms} ms waiting for ${this.what}`)), ms);
    });
    this.timer = timer!;
    this.tripped.catch(() => {});
  }

  /** Restarts the clock; `what` names the next wait in the failure message. */
  kick(what: string): void {
    this.what = what;
    this.timer.refresh();
  }

  guard<T>(promise: Promise<T>): Promise<T> {
    promise.catch(() => {});
    return Promise.race([promise, this.tripped]);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** The rejection of `promise`; fails if it resolves or is still pending after `ms`. */
export async function rejectionOf(ms: number, promise: Promise<unknown>, what: string): Promise<unknown> {
  let value: unknown;
  try {
    value = await within(ms, promise, what);
  } catch (error) {
    if (error instanceof WaitTimeout) throw error;
    return error;
  }
  assert.fail(`${what}: expected a rejection, got a value (${describe(value)})`);
}

/** True if `promise` is still pending after `ms` (it keeps running either way). */
export async function stillPendingAfter(ms: number, promise: Promise<unknown>): Promise<boolean> {
  promise.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const pending = Symbol('pending');
  const timeout = new Promise<typeof pending>((resolve) => (timer = setTimeout(() => resolve(pending), ms)));
  try {
    const outcome = await Promise.race([promise.then(() => 'settled', () => 'settled'), timeout]);
    return outcome === pending;
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `predicate` holds, polling; fails naming `what` after `ms`. */
export async function eventually(ms: number, predicate: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await delay(10);
  }
}

export function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return JSON.stringify(value) ?? String(value);
}

export function assertTransportError(error: unknown, code: TransportErrorCode, what: string): void {
  assert.ok(
    isTransportError(error, code),
    `${what}: expected TransportError ${code}, got ${describe(error)}${isTransportError(error) ? ` (code ${error.code})` : ''}`,
  );
}

/** xorshift32: a tiny deterministic generator, so a failing run can be replayed exactly. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  /** An integer in [low, high]. */
  int(low: number, high: number): number {
    return low + (this.next() % (high - low + 1));
  }
}

/** An endless deterministic byte stream: two streams with one seed yield the same bytes. */
export class ByteStream {
  private readonly rng: Rng;
  constructor(seed: number) {
    this.rng = new Rng(seed);
  }
  take(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i += 1) bytes[i] = this.rng.next() & 0xff;
    return bytes;
  }
}

/** Fails with the first differing offset, so a corrupted stream says where. */
export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, at: number, what: string): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.length);
  const e = Buffer.from(expected.buffer, expected.byteOffset, expected.length);
  if (a.equals(e)) return;
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i += 1;
  assert.fail(`${what}: byte ${at + i} differs (got ${a[i]}, expected ${e[i]}; chunk of ${a.length} at ${at})`);
}

/**
 * Everything one check opened, closed again in `withSession`'s finally. Every wait is bounded by
 * the subject's step timeout.
 */
export class Session {
  readonly step: number;
  private readonly listeners: Listener[] = [];
  private readonly transports: Transport[] = [];
  private readonly cleanups: (() => Promise<void>)[] = [];

  constructor(readonly subject: ConformanceSubject) {
    this.step = stepMs(subject);
  }

  get name(): string {
    return this.subject.backend.name;
  }

  track(transport: Transport): Transport {
    this.transports.push(transport);
    return transport;
  }

  onCleanup(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  async listen(extra: Partial<ListenOptions> = {}): Promise<Listener> {
    const options: ListenOptions = { ...this.subject.listenOptions, host: '127.0.0.1', port: 0, ...extra };
    const listener = await within(this.step, this.subject.backend.listen(options), 'listen()');
    this.listeners.push(listener);
    return listener;
  }

  async connect(to: { host: string; port: number }, extra: Partial<ConnectOptions> = {}): Promise<Transport> {
    const options: ConnectOptions = { ...this.subject.connectOptions, host: to.host, port: to.port, ...extra };
    const attempt = this.subject.backend.connect(options);
    // Tracked as soon as it exists, even if this wait times out, so cleanup still destroys it.
    attempt.then((transport) => this.track(transport), () => {});
    return within(this.step, attempt, `connect() to ${to.host}:${to.port}`);
  }

  /** connect() and then handshake(): one promise for designs that settle either way. */
  async connectAndHandshake(to: { host: string; port: number }, extra: Partial<ConnectOptions> = {}): Promise<Transport> {
    const transport = await this.connect(to, extra);
    await within(this.step, transport.handshake(), 'client handshake()');
    return transport;
  }

  async accept(listener: Listener): Promise<Transport> {
    const accepted = listener.accept();
    accepted.then((transport) => transport && this.track(transport), () => {});
    const transport = await within(this.step, accepted, 'accept()');
    assert.ok(transport, 'accept() gave null on an open listener');
    return transport;
  }

  /** A listener and a connected, handshaken client/server pair on it. */
  async pair(
    listenExtra: Partial<ListenOptions> = {},
    connectExtra: Partial<ConnectOptions> = {},
  ): Promise<{ listener: Listener; client: Transport; server: Transport }> {
    const listener = await this.listen(listenExtra);
    // Both sides run at once: some backends only resolve connect() after the server answers.
    const [client, server] = await Promise.allSettled([
      this.connectAndHandshake(listener.address, connectExtra),
      this.accept(listener).then(async (transport) => {
        await within(this.step, transport.handshake(), 'server handshake()');
        return transport;
      }),
    ]);
    if (client.status === 'rejected') throw client.reason;
    if (server.status === 'rejected') throw server.reason;
    return { listener, client: client.value, server: server.value };
  }

  /** Runs `task` in the background; its failure is reported when `join`ed, never unhandled. */
  spawn<T>(task: () => Promise<T>): Promise<T> {
    return later(task());
  }

  /**
   * Destroys every transport and closes every listener. When the check itself passed, a
   * transport whose `closed` does not resolve after destroy() fails it; after a failure,
   * cleanup problems are dropped so the original error is the one reported.
   */
  async cleanup(reportProblems: boolean): Promise<void> {
    const problems: string[] = [];
    for (const transport of this.transports) {
      try {
        transport.destroy();
        await within(this.step, transport.closed, `${transport.role} transport's closed after destroy()`);
      } catch (error) {
        problems.push(describe(error));
      }
    }
    for (const listener of this.listeners) {
      try {
        await within(this.step, listener.close(), 'listener.close()');
      } catch (error) {
        problems.push(describe(error));
      }
    }
    for (const cleanup of this.cleanups) {
      try {
        await within(this.step, cleanup(), 'cleanup');
      } catch (error) {
        problems.push(describe(error));
      }
    }
    if (reportProblems && problems.length > 0) assert.fail(`cleanup failed: ${problems.join('; ')}`);
  }
}

export async function withSession(subject: ConformanceSubject, body: (session: Session) => Promise<void>): Promise<void> {
  const session = new Session(subject);
  let passed = false;
  try {
    await body(session);
    passed = true;
  } finally {
    await session.cleanup(passed);
  }
}

/** Reads exactly `length` bytes (across as many reads as it takes); end of stream fails. */
export async function readExactly(session: Session, transport: Transport, length: number, what: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  const watchdog = new Watchdog(session.step, `${what}: read at byte 0 of ${length}`);
  try {
    while (filled < length) {
      const chunk = await watchdog.guard(transport.read());
      assert.ok(chunk !== null, `${what}: end of stream after ${filled} of ${length} bytes`);
      assert.ok(filled + chunk.length <= length, `${what}: got ${filled + chunk.length} bytes, expected ${length}`);
      out.set(chunk, filled);
      filled += chunk.length;
      watchdog.kick(`${what}: read at byte ${filled} of ${length}`);
    }
  } finally {
    watchdog.stop();
  }
  return out;
}

/** The server side of the echo checks: everything read is written back, then end(). */
export async function echo(transport: Transport): Promise<void> {
  for (;;) {
    const chunk = await transport.read();
    if (chunk === null) break;
    await transport.write(chunk);
  }
  await transport.end();
}
