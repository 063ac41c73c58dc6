// Property tests: random frame sequences (valid frames of every type in random orders, valid
// requests mixed in, and random bytes) fed to our server and to our client after a valid preface.
// Whatever arrives, the connection either keeps working (a PING is answered) or ends with a
// GOAWAY carrying an RFC 9113 error code; nothing throws, and every promise settles.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeFrame, type Frame } from '../../src/http2/frame/index.js';
import type { Handler } from '../../src/http2/index.js';
import { arbitraryFrame, concat, frames } from './frame-builders.js';
import { FakePeer, GET, POST, fakeClient, fakeServer, withTimeout } from './peer.js';

const RUNS = Number(process.env['H2_PROPERTY_RUNS'] ?? 40);
const SEED = process.env['H2_PROPERTY_SEED'] === undefined ? undefined : Number(process.env['H2_PROPERTY_SEED']);
const PROBE = new Uint8Array([0xfe, 0xed, 0xfa, 0xce, 0, 0, 0, 1]);
const MAX_REGISTERED_CODE = 0xd; // HTTP_1_1_REQUIRED, RFC 9113 7
/**
 * Sent after the probe: completes any frame the random input left unfinished (a frame is at most
 * 16384 + 9 octets at our SETTINGS_MAX_FRAME_SIZE), so the connection has to decide: without it, a
 * truncated frame would (rightly) make the receiver wait for the rest until the peer closes.
 */
const FLUSH = new Uint8Array(16384 + 9);

/** One step of the peer's script: a frame (legal or not), a valid request, or raw bytes. */
type Step =
  | { kind: 'frame'; frame: Frame }
  | { kind: 'request'; streamIndex: number; post: boolean; endStream: boolean }
  | { kind: 'data'; streamIndex: number; size: number; endStream: boolean }
  | { kind: 'bytes'; bytes: Uint8Array };

const smallStreamFrame = arbitraryFrame.map((f): Frame => {
  // Pull stream ids into a small range so frames hit live streams often.
  if ('streamId' in f && f.streamId !== 0) return { ...f, streamId: (f.streamId % 9) + 1 } as Frame;
  return f;
});

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: smallStreamFrame.map((frame): Step => ({ kind: 'frame', frame })) },
  { weight: 3, arbitrary: fc.record({ streamIndex: fc.integer({ min: 0, max: 5 }), post: fc.boolean(), endStream: fc.boolean() }).map((r): Step => ({ kind: 'request', ...r })) },
  { weight: 2, arbitrary: fc.record({ streamIndex: fc.integer({ min: 0, max: 5 }), size: fc.integer({ min: 0, max: 3000 }), endStream: fc.boolean() }).map((r): Step => ({ kind: 'data', ...r })) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes): Step => ({ kind: 'bytes', bytes })) },
);

function render(peer: FakePeer, steps: Step[], idBase: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const s of steps) {
    switch (s.kind) {
      case 'frame':
        parts.push(encodeFrame(s.frame));
        break;
      case 'request': {
        const id = idBase + 2 * s.streamIndex;
        parts.push(frames.headers(id, peer.block(s.post ? POST('/p') : GET('/g')), { endStream: s.endStream }));
        break;
      }
      case 'data':
        parts.push(frames.data(idBase + 2 * s.streamIndex, new Uint8Array(s.size), { endStream: s.endStream }));
        break;
      case 'bytes':
        parts.push(s.bytes);
        break;
    }
  }
  return concat(...parts);
}

/** Reads until the probe PING is answered (alive) or a GOAWAY with an error closes the connection. */
async function outcome(peer: FakePeer): Promise<'alive' | 'goaway'> {
  const deadline = Date.now() + 4000;
  let goawayCode = -1;
  for (;;) {
    const f = await peer.next(Math.max(1, deadline - Date.now())).catch(() => undefined);
    if (f === undefined) {
      if (goawayCode === 0) return 'goaway'; // draining: GOAWAY(NO_ERROR) sent, streams still open
      throw new Error(`no answer to the probe and no GOAWAY; saw ${peer.describeSeen()}`);
    }
    if (f === null) {
      assert.ok(goawayCode >= 0, `connection closed without GOAWAY; saw ${peer.describeSeen()}`);
      return 'goaway';
    }
    if (f.type === 'GOAWAY') {
      assert.ok(f.errorCode <= MAX_REGISTERED_CODE, `GOAWAY code ${f.errorCode} is not an RFC 9113 code`);
      goawayCode = f.errorCode;
    }
    if (f.type === 'PING' && f.ack && f.data.every((b, i) => b === PROBE[i])) return 'alive';
  }
}

const handler: Handler = async (req, res) => {
  if (req.method === 'POST') await req.bytes().catch(() => {});
  if (!res.closed) await res.end('ok').catch(() => {});
};

describe('property: random frame sequences', () => {
  it('our server keeps working or ends with a GOAWAY carrying an RFC code; every promise settles', async () => {
    const outcomes = { alive: 0, goaway: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const { peer, served } = await fakeClient(handler, { limits: { settingsTimeoutMs: 3000, sendStallTimeoutMs: 2000 } });
        try {
          await peer.handshake();
          peer.sendNoWait(render(peer, steps, 1), frames.ping(PROBE), FLUSH);
          outcomes[await outcome(peer)]++;
        } finally {
          peer.close();
          await withTimeout(served, 3000, 'serveTransport to settle');
        }
      }),
      { numRuns: RUNS, seed: SEED ?? 1234 },
    );
    assert.ok(outcomes.alive > 0 && outcomes.goaway > 0, JSON.stringify(outcomes));
  });

  it('our server survives random bytes right after the preface', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const { peer, served } = await fakeClient(handler);
        try {
          await peer.handshake();
          peer.sendNoWait(bytes, frames.ping(PROBE), FLUSH);
          await outcome(peer);
        } finally {
          peer.close();
          await withTimeout(served, 3000, 'serveTransport to settle');
        }
      }),
      { numRuns: RUNS, seed: SEED ?? 99 },
    );
  });

  it('our client keeps working or ends with a GOAWAY carrying an RFC code; every request settles', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const { peer, client } = await fakeServer({ settings: { enablePush: false }, limits: { pingTimeoutMs: 500 } });
        const requests = [client.request({ path: '/a' }), client.request({ method: 'POST', path: '/b', body: 'x'.repeat(100) })];
        for (const r of requests) r.catch(() => {});
        try {
          // Server-side frames: responses on the client's streams (1, 3) and anything else.
          const scripted = steps.map((s): typeof s => (s.kind === 'request' ? { kind: 'frame', frame: { type: 'HEADERS', streamId: 1 + 2 * (s.streamIndex % 2), headerBlock: peer.block([[':status', '200']]), endStream: s.endStream, endHeaders: true } } : s));
          peer.sendNoWait(render(peer, scripted, 1), frames.ping(PROBE), FLUSH);
          await outcome(peer);
          const ping = client.ping().then(() => 'pong', () => 'rejected');
          await withTimeout(ping, 5000, 'client.ping() to settle');
        } finally {
          peer.close();
          await withTimeout(Promise.allSettled(requests), 3000, 'requests to settle');
          client.destroy();
        }
      }),
      { numRuns: RUNS, seed: SEED ?? 4321 },
    );
  });
});

void GET;
