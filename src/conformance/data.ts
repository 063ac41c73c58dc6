/**
 * Byte-stream checks: bytes arrive intact and in order whatever the write sizes, a reader that
 * stops reading stops the writer (bounded buffering), and each direction ends on its own.
 */
import assert from 'node:assert/strict';
import type { Transport } from '../transport.js';
import {
  KiB,
  MiB,
  ByteStream,
  Rng,
  Watchdog,
  assertSameBytes,
  echo,
  readExactly,
  rejectionOf,
  stillPendingAfter,
  within,
  withSession,
  type Session,
} from './harness.js';
import type { ConformanceSubject } from './subject.js';

export const ECHO_SIZES = [0, 1, KiB, 64 * KiB, MiB, 16 * MiB] as const;
export const DEFAULT_MAX_PAYLOAD = 16 * MiB;

/** Reads until end of stream, checking each chunk against `expected` as it comes. */
async function receiveAll(session: Session, transport: Transport, expected: Uint8Array, deadline: number, what: string): Promise<void> {
  let received = 0;
  const watchdog = new Watchdog(session.step, `${what}: read at byte 0 of ${expected.length}`);
  try {
    for (;;) {
      const chunk = await watchdog.guard(transport.read());
      if (chunk === null) break;
      assert.ok(received + chunk.length <= expected.length,
        `${what}: received ${received + chunk.length} bytes, only ${expected.length} were sent`);
      assertSameBytes(chunk, expected.subarray(received, received + chunk.length), received, what);
      received += chunk.length;
      // Each read is bounded by the watchdog; the whole transfer by the deadline.
      assert.ok(performance.now() <= deadline, `${what}: only ${received} of ${expected.length} bytes before the deadline`);
      watchdog.kick(`${what}: read at byte ${received} of ${expected.length}`);
    }
  } finally {
    watchdog.stop();
  }
  assert.equal(received, expected.length, `${what}: end of stream after ${received} of ${expected.length} bytes`);
}

/**
 * Sends `size` seeded bytes in writes of `chunkSize(rng)` bytes to an echoing server and checks
 * the echo byte for byte. Time allowed: four steps plus two seconds per MiB plus `extraMs`, loose
 * enough for a loaded machine; a stall fails sooner, after one step without a byte.
 */
export async function checkEchoPayload(
  subject: ConformanceSubject,
  size: number,
  chunkSize: (rng: Rng, left: number) => number = (rng, left) => rng.int(1, Math.min(left, 64 * KiB)),
  extraMs = 0,
): Promise<void> {
  await withSession(subject, async (session) => {
    const { client, server } = await session.pair();
    const deadline = performance.now() + 4 * session.step + (size / MiB) * 2_000 + extraMs;
    const payload = new ByteStream(size + 1).take(size);
    const echoing = session.spawn(() => echo(server));
    const writing = session.spawn(async () => {
      const rng = new Rng(size + 7);
      for (let offset = 0; offset < size;) {
        const n = Math.min(size - offset, Math.max(1, chunkSize(rng, size - offset)));
        await client.write(payload.subarray(offset, offset + n));
        offset += n;
      }
      await client.end();
    });
    await receiveAll(session, client, payload, deadline, `echo of ${size} bytes`);
    await within(session.step, writing, 'client writes and end()');
    await within(session.step, echoing, 'server echo loop and end()');
  });
}

/** 64 Ki round trips through every layer: allowed a quarter millisecond each on top. */
export const checkEchoOneBytePerWrite = (subject: ConformanceSubject): Promise<void> =>
  checkEchoPayload(subject, 64 * KiB, () => 1, 64 * KiB * 0.25);

/** Ping-pong: a few small writes, then read their echo back before the next round. */
export async function checkInterleavedSmallWrites(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const { client, server } = await session.pair();
    const echoing = session.spawn(() => echo(server));
    const rng = new Rng(42);
    const data = new ByteStream(43);
    for (let round = 0; round < 64; round += 1) {
      const parts = Array.from({ length: rng.int(1, 4) }, () => data.take(rng.int(1, 64)));
      const total = parts.reduce((sum, part) => sum + part.length, 0);
      for (const part of parts) await within(session.step, client.write(part), `round ${round} write`);
      const back = await readExactly(session, client, total, `round ${round} echo`);
      let at = 0;
      for (const part of parts) {
        assertSameBytes(back.subarray(at, at + part.length), part, at, `round ${round} echo`);
        at += part.length;
      }
    }
    await within(session.step, client.end(), 'client end()');
    assert.equal(await within(session.step, client.read(), 'end of the echo'), null, 'echo must end after the client ends');
    await within(session.step, echoing, 'server echo loop');
  });
}

/** How long a write must stay pending to count as held back by backpressure. */
const STALL_MS = 250;
/** Buffering beyond this before writes stall is not "bounded" in any useful sense. */
export const MAX_BUFFERED_BEFORE_STALL = 32 * MiB;
const WRITE_CHUNK = 64 * KiB;

/**
 * Writes 64 KiB chunks until one stays pending for STALL_MS; fails if none does within 64 MiB
 * or a bounded time. Returns the bytes accepted before the stall and the pending write.
 */
export async function writeUntilBlocked(session: Session, transport: Transport, source: ByteStream): Promise<{ accepted: number; blocked: Promise<void> }> {
  const giveUp = performance.now() + Math.max(3_000, session.step);
  let accepted = 0;
  while (accepted < 2 * MAX_BUFFERED_BEFORE_STALL && performance.now() < giveUp) {
    const write = transport.write(source.take(WRITE_CHUNK));
    if (await stillPendingAfter(STALL_MS, write)) return { accepted, blocked: write };
    await write; // settled: a rejection here is a failure of the check
    accepted += WRITE_CHUNK;
  }
  assert.fail(`no write stayed pending while the peer did not read: ${accepted} bytes were accepted (buffering must be bounded)`);
}

export async function checkBackpressure(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const { client, server } = await session.pair();
    const { accepted, blocked } = await writeUntilBlocked(session, client, new ByteStream(7));
    assert.ok(accepted <= MAX_BUFFERED_BEFORE_STALL,
      `${accepted} bytes were accepted before a write stalled; at most ${MAX_BUFFERED_BEFORE_STALL} allowed`);

    // Now the server reads: the blocked write must complete and every byte must arrive in order.
    const total = accepted + WRITE_CHUNK;
    const expected = new ByteStream(7);
    const received = await readExactly(session, server, total, 'bytes written under backpressure');
    assertSameBytes(received, expected.take(total), 0, 'bytes written under backpressure');
    await within(session.step, blocked, 'the write blocked by backpressure to resolve once the server read');
    await within(session.step, client.end(), 'client end()');
    assert.equal(await within(session.step, server.read(), 'end of stream'), null, 'nothing may follow the written bytes');
  });
}

export async function checkHalfClose(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const { client, server } = await session.pair();
    const request = new ByteStream(11).take(200 * KiB);
    const reply = new ByteStream(12).take(100 * KiB);
    const sending = session.spawn(async () => {
      await client.write(request);
      await client.end();
    });
    await receiveAll(session, server, request, performance.now() + session.step, 'client-to-server bytes before end()');
    for (let i = 0; i < 2; i += 1) {
      assert.equal(await within(session.step, server.read(), 'read after end of stream'), null, 'a read after end of stream must give null again');
    }
    await within(session.step, sending, 'client write and end()');
    await rejectionOf(session.step, client.write(new Uint8Array([1])), 'write after end()');

    // The other direction is still open.
    const replying = session.spawn(async () => {
      await server.write(reply);
      await server.end();
    });
    await receiveAll(session, client, reply, performance.now() + session.step, 'server-to-client bytes after the client ended');
    await within(session.step, replying, 'server write and end()');
    await within(session.step, client.closed, "client's closed once both directions ended");
    await within(session.step, server.closed, "server's closed once both directions ended");
  });
}
