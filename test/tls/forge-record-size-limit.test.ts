/**
 * record_size_limit (RFC 8449) against real peers, through a TCP proxy that measures every
 * record on the wire (a protected record's TLSInnerPlaintext is its length minus the 16-byte tag).
 *
 * OpenSSL 3.0 does not implement RFC 8449: `openssl s_client -help` / `s_server -help` offer
 * only -maxfraglen (RFC 6066 max_fragment_length), -max_send_frag and -split_send_frag, none of
 * which sends record_size_limit. GnuTLS does (`--recordsize`, both gnutls-serv and gnutls-cli),
 * so the limits are checked against GnuTLS both ways, and node:tls (OpenSSL) serves as the peer
 * that does not negotiate it at all.
 *
 * GnuTLS policy seen here: it refuses to honour a limit below 512 (as a server it ignores such a
 * value and answers none; as a client it aborts), and it advertises its --recordsize plus one
 * (the content type octet TLS 1.3 counts).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { describe, it, type TestContext } from 'node:test';
import { connect, listen, type ForgeConnectOptions } from '../../backends/forge-tls13/index.js';
import type { Transport } from '../../src/transport.js';
import { Proc, interopFiles, needs, startGnutlsServ, which, type GnutlsServ } from './forge-interop-helpers.js';

const TAG = 16;
const HAVE_SERV = which('gnutls-serv');
const HAVE_CLI = which('gnutls-cli');
const TEST = { timeout: 20_000 };

const { f } = interopFiles();

/** TLSInnerPlaintext sizes of the protected records each way through the proxy. */
interface Seen {
  c2s: number[];
  s2c: number[];
}

/** A TCP proxy to 127.0.0.1:`target` that records the protected records passing each way. */
async function recordingProxy(t: TestContext, target: number): Promise<{ port: number; seen: Seen }> {
  const seen: Seen = { c2s: [], s2c: [] };
  const measure = (dir: keyof Seen): ((chunk: Buffer) => void) => {
    let pending = Buffer.alloc(0);
    return (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt16BE(3)) {
        const length = pending.readUInt16BE(3);
        if (pending[0] === 23) seen[dir].push(length - TAG);
        pending = pending.subarray(5 + length);
      }
    };
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((down) => {
    const up = net.connect(target, '127.0.0.1');
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('error', () => {
        down.destroy();
        up.destroy();
      });
    }
    const [c2s, s2c] = [measure('c2s'), measure('s2c')];
    down.on('data', (d: Buffer) => (c2s(d), up.write(d)));
    up.on('data', (d: Buffer) => (s2c(d), down.write(d)));
    down.on('end', () => up.end());
    up.on('end', () => down.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, seen };
}

/** `gnutls-serv --echo`, TLS 1.3 only. */
function gnutlsServ(t: TestContext, args: readonly string[]): Promise<GnutlsServ> {
  return startGnutlsServ(t, f(), ['--priority', 'NORMAL:-VERS-ALL:+VERS-TLS1.3', ...args]);
}

async function ourClient(t: TestContext, port: number, options: Partial<ForgeConnectOptions>): Promise<Transport> {
  const tr = await connect({ host: '127.0.0.1', port, serverName: 'localhost', ca: f().pki.caPem, handshakeTimeoutMs: 5000, closeTimeoutMs: 1000, ...options });
  t.after(() => tr.destroy());
  await tr.handshake();
  return tr;
}

/** Writes `line` (newline added: gnutls-serv echoes lines) and reads it back. */
async function echoLine(tr: Transport, line: string): Promise<void> {
  const text = `${line}\n`;
  await tr.write(new TextEncoder().encode(text));
  let got = '';
  while (got.length < text.length) {
    const chunk = await tr.read();
    if (chunk === null) break;
    got += Buffer.from(chunk).toString('latin1');
  }
  assert.equal(got, text);
}

const line = (n: number): string => 'x'.repeat(n);
const max = (sizes: readonly number[]): number => Math.max(...sizes);

describe('record_size_limit with GnuTLS (RFC 8449)', () => {
  it('our client (limit 512) ↔ gnutls-serv --recordsize=1000: each keeps to the limit the other advertised', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    const serv = await gnutlsServ(t, ['--recordsize=1000', '-d', '4']);
    const proxy = await recordingProxy(t, serv.port);
    const tr = await ourClient(t, proxy.port, { recordSizeLimit: 512 });
    await echoLine(tr, line(3000));
    await serv.proc.waitFor(/record_size_limit 512 negotiated/, 5000, 'stderr');
    assert.equal(max(proxy.seen.s2c), 512, `gnutls-serv → us: ${proxy.seen.s2c.join(' ')}`);
    assert.equal(max(proxy.seen.c2s), 1001, `us → gnutls-serv: ${proxy.seen.c2s.join(' ')}`);
    await tr.close();
  });

  it('gnutls-cli --recordsize=600 → our server (limit 512): each keeps to the limit the other advertised', TEST, async (t) => {
    if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
    // gnutls-cli sends at most one record per line it reads, so its line fits one record (510
    // characters and the newline: 512 with the type octet); our answer is five times longer.
    const ask = line(510);
    const answer = `${ask}\n`.repeat(5);
    const listener = await listen({ cert: f().leaf.certPem, key: f().leaf.keyPem, recordSizeLimit: 512, handshakeTimeoutMs: 5000 });
    t.after(() => listener.close());
    void (async () => {
      const tr = await listener.accept();
      if (!tr) return;
      t.after(() => tr.destroy());
      let got = '';
      while (!got.endsWith('\n')) got += Buffer.from((await tr.read()) ?? Buffer.from('\n')).toString('latin1');
      await tr.write(new TextEncoder().encode(answer));
    })().catch(() => {});
    const proxy = await recordingProxy(t, listener.address.port);
    const cli = new Proc('gnutls-cli', ['-p', String(proxy.port), '127.0.0.1', '--sni-hostname', 'localhost', '--verify-hostname', 'localhost', '--x509cafile', f().ca, '--recordsize=600', '-d', '4']);
    t.after(() => cli.kill());
    await cli.waitFor(/- Handshake was completed/, 5000, 'stdout');
    cli.write(`${ask}\n`);
    await cli.waitFor(new RegExp(`(?:^${ask}\\n){5}`, 'm'), 5000, 'stdout');
    assert.match(cli.stderr, /record_size_limit 512 negotiated/);
    assert.equal(max(proxy.seen.c2s), 512, `gnutls-cli → us: ${proxy.seen.c2s.join(' ')}`);
    assert.equal(max(proxy.seen.s2c), 601, `us → gnutls-cli: ${proxy.seen.s2c.join(' ')}`);
    assert.ok(proxy.seen.s2c.filter((n) => n === 601).length >= 4, 'the answer went in full records');
  });

  it('gnutls-serv ignores our 256 (below its floor of 512) and answers none: not negotiated, so it binds nobody', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    const serv = await gnutlsServ(t, ['-d', '4']);
    const proxy = await recordingProxy(t, serv.port);
    const tr = await ourClient(t, proxy.port, { recordSizeLimit: 256 });
    await echoLine(tr, line(3000));
    await serv.proc.waitFor(/client requested too small record_size_limit 256; ignoring/, 5000, 'stderr');
    assert.equal(max(proxy.seen.s2c), 3002, 'one record of 3001 bytes and the type octet');
    await tr.close();
  });
});

describe('record_size_limit with node:tls (OpenSSL 3.0 does not implement RFC 8449)', () => {
  it('our limit of 512 is not negotiated: full records both ways, and no record_overflow', TEST, async (t) => {
    const server = tls.createServer({ cert: f().leaf.certPem, key: f().leaf.keyPem, minVersion: 'TLSv1.3' }, (socket) => socket.pipe(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const proxy = await recordingProxy(t, (server.address() as AddressInfo).port);
    const tr = await ourClient(t, proxy.port, { recordSizeLimit: 512 });
    await echoLine(tr, line(20_000));
    assert.equal(max(proxy.seen.c2s), 2 ** 14 + 1);
    assert.equal(max(proxy.seen.s2c), 2 ** 14 + 1);
    await tr.close();
  });
});
