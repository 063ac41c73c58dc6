/**
 * A frame-level fake peer for testing our HTTP/2 connection over a loopback pair: it writes raw
 * frames (built with frame-builders.ts, legal or not) and reads what our side sends, with
 * expectations that are all bounded by a timeout (a broken connection fails a test, never hangs it).
 *
 *   const { peer, server } = await fakeClient(handler);      // our server vs a fake client
 *   await peer.handshake();                                   // preface, SETTINGS both ways, ACKs
 *   await peer.send(frames.headers(1, peer.block(GET('/')), { endStream: true }));
 *   const h = await peer.expectHeaders(1);                    // decoded fields
 *   await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR);
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { createLoopbackPair } from '../../backends/loopback/index.js';
import { errorCodeName } from '../../src/http2/errors.js';
import { CONNECTION_PREFACE, FrameReader, type Frame } from '../../src/http2/frame/index.js';
import { HpackDecoder, HpackEncoder, type HeaderField } from '../../src/http2/hpack/index.js';
import { Http2Client, createServer, type ClientOptions, type Handler, type Http2Server, type ServerOptions } from '../../src/http2/index.js';
import type { Transport } from '../../src/transport.js';
import { concat, frames } from './frame-builders.js';

export const STEP_MS = 3_000;

export type Headers = Array<[string, string]>;

/** A request head for `peer.block()`. */
export function GET(path = '/', extra: Headers = []): Headers {
  return [[':method', 'GET'], [':scheme', 'http'], [':authority', 'test'], [':path', path], ...extra];
}

export function POST(path = '/', extra: Headers = []): Headers {
  return [[':method', 'POST'], [':scheme', 'http'], [':authority', 'test'], [':path', path], ...extra];
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export class FakePeer {
  readonly reader = new FrameReader({ maxFrameSize: 16777215 });
  readonly encoder = new HpackEncoder();
  readonly decoder = new HpackDecoder();
  /** Every frame read so far, in order (including skipped ones). */
  readonly seen: Frame[] = [];
  private ended = false;
  private readError: unknown = undefined;
  private inflight: Promise<Uint8Array | null> | null = null;

  constructor(readonly transport: Transport) {}

  /** Writes frames (or any bytes) in one write. */
  async send(...parts: Uint8Array[]): Promise<void> {
    await withTimeout(this.transport.write(concat(...parts)), STEP_MS, 'a write to be accepted');
  }

  /** Writes without waiting for the write to be accepted (for floods against a peer that stops reading). */
  sendNoWait(...parts: Uint8Array[]): void {
    this.transport.write(concat(...parts)).catch(() => {});
  }

  /** An HPACK block for `headers`, from this peer's encoder (the connection's decoder follows it). */
  block(headers: Headers): Uint8Array {
    return this.encoder.encode(headers.map(([name, value]) => ({ name, value })));
  }

  /** The next frame, or null at end of stream / after a transport error. */
  async next(timeoutMs = STEP_MS): Promise<Frame | null> {
    for (;;) {
      const f = this.reader.next();
      if (f !== null) {
        this.seen.push(f);
        return f;
      }
      if (this.ended) return null;
      this.inflight ??= this.transport.read();
      let chunk: Uint8Array | null;
      try {
        chunk = await withTimeout(this.inflight, timeoutMs, 'a frame');
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('timed out')) throw err;
        this.inflight = null;
        this.readError = err;
        this.ended = true;
        return null;
      }
      this.inflight = null;
      if (chunk === null) {
        this.ended = true;
        return null;
      }
      this.reader.push(chunk);
    }
  }

  /** Reads until a frame matches; frames before it are skipped (kept in `seen`). */
  async expect<T extends Frame>(pred: (f: Frame) => f is T, what: string, timeoutMs?: number): Promise<T>;
  async expect(pred: (f: Frame) => boolean, what: string, timeoutMs?: number): Promise<Frame>;
  async expect(pred: (f: Frame) => boolean, what: string, timeoutMs = STEP_MS): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; saw ${this.describeSeen()}`);
      const f = await this.next(left).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}: expected ${what}; saw ${this.describeSeen()}`);
      });
      if (f === null) throw new Error(`connection ended while waiting for ${what}; saw ${this.describeSeen()}`);
      if (pred(f)) return f;
    }
  }

  expectFrame<K extends Frame['type']>(type: K, timeoutMs = STEP_MS): Promise<Extract<Frame, { type: K }>> {
    return this.expect((f): f is Extract<Frame, { type: K }> => f.type === type, type, timeoutMs);
  }

  async expectSettings(timeoutMs = STEP_MS): Promise<Extract<Frame, { type: 'SETTINGS' }>> {
    return this.expect((f): f is Extract<Frame, { type: 'SETTINGS' }> => f.type === 'SETTINGS' && !f.ack, 'SETTINGS', timeoutMs);
  }

  async expectSettingsAck(timeoutMs = STEP_MS): Promise<void> {
    await this.expect((f) => f.type === 'SETTINGS' && f.ack, 'SETTINGS ACK', timeoutMs);
  }

  async expectGoaway(code: number, timeoutMs = STEP_MS): Promise<Extract<Frame, { type: 'GOAWAY' }>> {
    const f = await this.expectFrame('GOAWAY', timeoutMs);
    assert.equal(errorCodeName(f.errorCode), errorCodeName(code), `GOAWAY code (debug: ${new TextDecoder().decode(f.debugData)})`);
    return f;
  }

  async expectRst(streamId: number, code: number, timeoutMs = STEP_MS): Promise<void> {
    const f = await this.expect((x): x is Extract<Frame, { type: 'RST_STREAM' }> => x.type === 'RST_STREAM' && x.streamId === streamId, `RST_STREAM on ${streamId}`, timeoutMs);
    assert.equal(errorCodeName(f.errorCode), errorCodeName(code), `RST_STREAM code on stream ${streamId}`);
  }

  /** The next complete header block on `streamId` (HEADERS + CONTINUATIONs), decoded. */
  async expectHeaders(streamId: number, timeoutMs = STEP_MS): Promise<{ fields: HeaderField[]; endStream: boolean; map: Map<string, string> }> {
    const h = await this.expect((f): f is Extract<Frame, { type: 'HEADERS' }> => f.type === 'HEADERS' && f.streamId === streamId, `HEADERS on ${streamId}`, timeoutMs);
    const parts = [h.headerBlock.slice()];
    let end = h.endHeaders;
    while (!end) {
      const c = await this.expectFrame('CONTINUATION', timeoutMs);
      parts.push(c.headerBlock.slice());
      end = c.endHeaders;
    }
    const fields = this.decoder.decode(concat(...parts));
    return { fields, endStream: h.endStream, map: new Map(fields.map((f) => [f.name, f.value])) };
  }

  /** Reads DATA on `streamId` until END_STREAM; returns the bytes. */
  async readBody(streamId: number, timeoutMs = STEP_MS): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (;;) {
      const f = await this.expect((x): x is Extract<Frame, { type: 'DATA' | 'HEADERS' }> => (x.type === 'DATA' || x.type === 'HEADERS') && x.streamId === streamId, `DATA on ${streamId}`, timeoutMs);
      if (f.type === 'DATA') parts.push(f.data.slice());
      if (f.endStream) return concat(...parts);
    }
  }

  /** The connection ends (clean end or reset) within the timeout. Frames before the end are skipped. */
  async expectClosed(timeoutMs = STEP_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`connection still open; saw ${this.describeSeen()}`);
      const f = await this.next(left).catch(() => undefined);
      if (f === undefined) throw new Error(`connection still open after ${timeoutMs} ms; saw ${this.describeSeen()}`);
      if (f === null) return;
    }
  }

  /** Nothing but the listed frame types arrives for `ms` (and the connection stays open). */
  async expectQuiet(ms: number, allowed: Frame['type'][] = ['WINDOW_UPDATE']): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      let f: Frame | null;
      try {
        f = await this.next(left);
      } catch {
        return; // timed out: quiet
      }
      if (f === null) throw new Error(`connection ended; saw ${this.describeSeen()}`);
      if (!allowed.includes(f.type)) throw new Error(`unexpected ${f.type}; saw ${this.describeSeen()}`);
    }
  }

  get transportError(): unknown {
    return this.readError;
  }

  describeSeen(): string {
    return this.seen
      .slice(-12)
      .map((f) => {
        switch (f.type) {
          case 'GOAWAY':
            return `GOAWAY(${f.lastStreamId},${errorCodeName(f.errorCode)},"${new TextDecoder().decode(f.debugData)}")`;
          case 'RST_STREAM':
            return `RST_STREAM(${f.streamId},${errorCodeName(f.errorCode)})`;
          case 'SETTINGS':
            return f.ack ? 'SETTINGS(ACK)' : 'SETTINGS';
          case 'PING':
            return f.ack ? 'PING(ACK)' : 'PING';
          case 'UNKNOWN':
            return `UNKNOWN(${f.frameType})`;
          case 'PRIORITY':
            return `PRIORITY(${f.streamId})`;
          case 'WINDOW_UPDATE':
            return `WINDOW_UPDATE(${f.streamId},${f.increment})`;
          default:
            return `${f.type}(${f.streamId}${'endStream' in f && f.endStream ? ',ES' : ''})`;
        }
      })
      .join(' ');
  }

  /** As a client: magic + SETTINGS, then the server's SETTINGS is ACKed and ours awaited. */
  async handshake(settings: Record<number, number> = {}): Promise<Extract<Frame, { type: 'SETTINGS' }>> {
    await this.send(CONNECTION_PREFACE, frames.settings(settings));
    const theirs = await this.expectSettings();
    await this.send(frames.settingsAck());
    await this.expectSettingsAck();
    return theirs;
  }

  /** As a server: SETTINGS first, then the client's preface is checked and ACKed. */
  async handshakeAsServer(settings: Record<number, number> = {}): Promise<Extract<Frame, { type: 'SETTINGS' }>> {
    await this.send(frames.settings(settings));
    const magic = await this.readExact(CONNECTION_PREFACE.length);
    assert.deepEqual(magic, CONNECTION_PREFACE, 'client connection preface');
    const theirs = await this.expectSettings();
    await this.send(frames.settingsAck());
    await this.expectSettingsAck();
    return theirs;
  }

  /** Raw bytes before framing starts (the client magic). */
  private async readExact(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let have = 0;
    while (have < n) {
      const chunk = await withTimeout(this.transport.read(), STEP_MS, 'preface bytes');
      if (chunk === null) throw new Error('closed during preface');
      parts.push(chunk);
      have += chunk.length;
    }
    const all = concat(...parts);
    if (all.length > n) this.reader.push(all.slice(n));
    return all.slice(0, n);
  }

  close(): void {
    this.transport.destroy();
  }
}

/** Our server (serving one loopback transport) against a fake client. */
export async function fakeClient(handler: Handler, options: ServerOptions = {}): Promise<{ peer: FakePeer; server: Http2Server; served: Promise<void> }> {
  const { client, server: st } = createLoopbackPair({ alpn: ['h2'], server: { alpn: ['h2'] }, closeTimeoutMs: 200 });
  const server = createServer(options, handler);
  const served = server.serveTransport(st);
  await client.handshake();
  return { peer: new FakePeer(client), server, served };
}

/** Our client (over one loopback transport) against a fake server; the handshake is done. */
export async function fakeServer(options: ClientOptions = {}, serverSettings: Record<number, number> = {}): Promise<{ peer: FakePeer; client: Http2Client }> {
  const { client: ct, server: st } = createLoopbackPair({ alpn: ['h2'], server: { alpn: ['h2'] }, closeTimeoutMs: 200 });
  await st.handshake();
  const peer = new FakePeer(st);
  const clientPromise = Http2Client.fromTransport(ct, options);
  await peer.handshakeAsServer(serverSettings);
  return { peer, client: await clientPromise };
}

/**
 * Lists for what a test file opens; everything in them is closed in the file's after() (peers
 * dropped, clients destroyed, servers closed within 100 ms).
 */
export function closedAfterwards(): { peers: FakePeer[]; clients: Http2Client[]; servers: Http2Server[] } {
  const open = { peers: [] as FakePeer[], clients: [] as Http2Client[], servers: [] as Http2Server[] };
  after(async () => {
    for (const p of open.peers) p.close();
    for (const c of open.clients) c.destroy();
    await Promise.all(open.servers.map((s) => s.close({ timeoutMs: 100 })));
  });
  return open;
}
