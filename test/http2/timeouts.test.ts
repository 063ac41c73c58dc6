// Every `...TimeoutMs` limit (limits.ts) means "no timeout" at 0, the same way for all of them;
// each row also checks, with a small value, that the timeout is real, so "nothing happened" is
// not just a timeout too long to see.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/http2/errors.js';
import { SettingId } from '../../src/http2/frame/index.js';
import { ConnectionError, StreamError, type ClientOptions, type Handler, type Http2Client, type Http2Server, type ServerOptions } from '../../src/http2/index.js';
import { DEFAULT_LIMITS, startTimer } from '../../src/http2/limits.js';
import { frames } from './frame-builders.js';
import { FakePeer, closedAfterwards, GET, POST, fakeClient, fakeServer, withTimeout } from './peer.js';

const { peers, clients, servers } = closedAfterwards();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function ourClient(options: ClientOptions, serverSettings: Record<number, number> = {}): Promise<{ peer: FakePeer; client: Http2Client }> {
  const r = await fakeServer(options, serverSettings);
  peers.push(r.peer);
  clients.push(r.client);
  return r;
}

async function ourServer(handler: Handler, options: ServerOptions): Promise<{ peer: FakePeer; server: Http2Server }> {
  const r = await fakeClient(handler, options);
  peers.push(r.peer);
  servers.push(r.server);
  return r;
}

const hello: Handler = (_req, res) => void res.end('hello');

describe('timeouts: 0 = no timeout, for every one of them', () => {
  it('the rule in one place: startTimer(0) starts nothing, startTimer(n) fires once', async () => {
    let fired = 0;
    assert.equal(startTimer(0, () => fired++), undefined);
    const t = startTimer(10, () => fired++);
    assert.ok(t !== undefined);
    await sleep(40);
    assert.equal(fired, 1);
  });

  it('every limit named ...TimeoutMs is covered below', () => {
    const names = Object.keys(DEFAULT_LIMITS).filter((k) => k.endsWith('TimeoutMs')).sort();
    assert.deepEqual(names, ['closeTimeoutMs', 'idleTimeoutMs', 'pingTimeoutMs', 'sendStallTimeoutMs', 'settingsTimeoutMs']);
  });

  describe('pingTimeoutMs', () => {
    it('0: ping() waits for its ACK (it used to fail at once, "no PING ACK within 0 ms")', async () => {
      const { peer, client } = await ourClient({ limits: { pingTimeoutMs: 0 } });
      let settled = false;
      const rtt = client.ping().finally(() => (settled = true));
      rtt.catch(() => {});
      const ping = await peer.expect((f): f is Extract<typeof f, { type: 'PING' }> => f.type === 'PING' && !f.ack, 'PING');
      await sleep(100);
      assert.equal(settled, false, 'still waiting for the ACK');
      await peer.send(frames.ping(ping.data, true));
      const ms = await withTimeout(rtt, 2000, 'the round trip');
      assert.ok(ms >= 90, `round trip ${ms} ms`);
    });

    it('0: a ping without ACK still ends with the connection', async () => {
      const { peer, client } = await ourClient({ limits: { pingTimeoutMs: 0 } });
      const rtt = client.ping();
      rtt.catch(() => {});
      await peer.expect((f) => f.type === 'PING' && !f.ack, 'PING');
      client.destroy();
      await assert.rejects(withTimeout(rtt, 2000, 'the ping to fail'), ConnectionError);
    });

    it('50: no ACK rejects after 50 ms', async () => {
      const { client } = await ourClient({ limits: { pingTimeoutMs: 50 } });
      await assert.rejects(withTimeout(client.ping(), 2000, 'the ping timeout'), /no PING ACK within 50 ms/);
    });
  });

  describe('settingsTimeoutMs', () => {
    it('0: SETTINGS never acknowledged is no error', async () => {
      const { peer } = await ourServer(hello, { limits: { settingsTimeoutMs: 0 } });
      await peer.send(new TextEncoder().encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), frames.settings());
      await peer.expectSettings();
      await peer.expectQuiet(300, ['SETTINGS', 'WINDOW_UPDATE']);
      await peer.send(frames.headers(1, peer.block(GET('/')), { endStream: true }));
      assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200');
    });
    // 100 ms: hostile-server.test.ts 'sends GOAWAY SETTINGS_TIMEOUT when our SETTINGS is never acknowledged'.
  });

  describe('idleTimeoutMs', () => {
    it('0: a connection without streams stays open', async () => {
      const { peer } = await ourServer(hello, { limits: { idleTimeoutMs: 0 } });
      await peer.handshake();
      await peer.expectQuiet(300);
    });
    // 100 ms: hostile-server.test.ts 'idle timeout: GOAWAY NO_ERROR then close'.
  });

  describe('sendStallTimeoutMs', () => {
    /** A POST whose body waits for window the server never gives (initial window 0). */
    async function stalled(ms: number): Promise<{ peer: FakePeer; response: Promise<unknown>; id: number }> {
      const { peer, client } = await ourClient({ limits: { sendStallTimeoutMs: ms } }, { [SettingId.INITIAL_WINDOW_SIZE]: 0 });
      const response = client.request({ method: 'POST', body: 'stuck' });
      response.catch(() => {});
      const h = await peer.expect((f): f is Extract<typeof f, { type: 'HEADERS' }> => f.type === 'HEADERS', 'the request');
      return { peer, response, id: h.streamId };
    }

    it('0: a stream without window waits (no RST_STREAM), and goes on once the window opens', async () => {
      const { peer, response, id } = await stalled(0);
      await peer.expectQuiet(700, ['WINDOW_UPDATE', 'SETTINGS']);
      await peer.send(frames.windowUpdate(id, 100));
      assert.equal(new TextDecoder().decode(await peer.readBody(id)), 'stuck');
      await peer.send(frames.headers(id, peer.block([[':status', '204']]), { endStream: true }));
      assert.equal(((await withTimeout(response, 2000, 'the response')) as { status: number }).status, 204);
    });

    it('100: a stream without window is reset with CANCEL', async () => {
      const { peer, response, id } = await stalled(100);
      await peer.expectRst(id, ErrorCode.CANCEL, 2000);
      await assert.rejects(response, StreamError);
    });
  });

  describe('closeTimeoutMs', () => {
    it('0, client: close() waits for the open request however long it takes (it used to destroy at once)', async () => {
      const { peer, client } = await ourClient({ limits: { closeTimeoutMs: 0 } });
      const response = client.request({ path: '/slow' });
      response.catch(() => {});
      const h = await peer.expect((f): f is Extract<typeof f, { type: 'HEADERS' }> => f.type === 'HEADERS', 'the request');
      const closed = client.close();
      await sleep(150);
      await peer.send(frames.headers(h.streamId, peer.block([[':status', '200']])), frames.data(h.streamId, 'late', { endStream: true }));
      const r = await withTimeout(response, 2000, 'the response');
      assert.equal(await r.text(), 'late');
      await peer.expectGoaway(ErrorCode.NO_ERROR);
      peer.close();
      await withTimeout(closed, 2000, 'close()');
    });

    it('50, client: close() destroys the connection with the request still open', async () => {
      const { peer, client } = await ourClient({ limits: { closeTimeoutMs: 50 } });
      const response = client.request({ path: '/slow' });
      response.catch(() => {});
      await peer.expect((f) => f.type === 'HEADERS', 'the request');
      await withTimeout(client.close(), 2000, 'close()');
      await assert.rejects(response, /close\(\) timed out/);
    });

    it('0, server: close() lets a slow handler finish (it used to destroy at once)', async () => {
      const slow: Handler = async (_req, res) => {
        await sleep(150);
        await res.end('finished');
      };
      const { peer, server } = await ourServer(slow, { limits: { closeTimeoutMs: 0 } });
      await peer.handshake();
      await peer.send(frames.headers(1, peer.block(POST('/')), { endStream: true }));
      await sleep(20); // the request is in before the GOAWAY goes out
      const closed = server.close();
      await peer.expectGoaway(ErrorCode.NO_ERROR);
      assert.equal((await peer.expectHeaders(1)).map.get(':status'), '200');
      assert.equal(new TextDecoder().decode(await peer.readBody(1)), 'finished');
      await withTimeout(closed, 2000, 'server.close()');
    });

    it('50, server: close() destroys what is still open', async () => {
      const never: Handler = () => new Promise(() => {});
      const { peer, server } = await ourServer(never, { limits: { closeTimeoutMs: 50 } });
      await peer.handshake();
      await peer.send(frames.headers(1, peer.block(GET('/')), { endStream: true }));
      await sleep(20);
      await withTimeout(server.close(), 2000, 'server.close()');
      await peer.expectClosed();
    });
  });
});
