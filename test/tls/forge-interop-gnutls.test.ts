/**
 * Interop with the GnuTLS command-line tools: our client against `gnutls-serv --echo`, and
 * `gnutls-cli` against our echo server. The matrix: every cipher suite with every group, a
 * HelloRetryRequest to every group, every test certificate type, ALPN agreed and refused,
 * resumption, KeyUpdate both ways, client certificates and a failed verification.
 *
 * What GnuTLS negotiated is read from what it prints: "- Description:
 * (TLS1.3-X.509)-(ECDHE-<group>)-(<signature>)-(<cipher>)" for each connection, and at debug level
 * 4 (`-d 4`, on stderr) the handshake messages it sends and receives (HelloRetryRequest, KeyUpdate).
 * Our side reports version, suite, ALPN, resumption and the peer's certificates through
 * HandshakeInfo; it does not report the group, so the group is checked on the GnuTLS side only.
 *
 * gnutls-serv has no option to bind one address: it listens on 0.0.0.0 and :: at a free port we
 * pick; we only ever connect to 127.0.0.1. Every process is killed after its test (and in after()),
 * every wait has a deadline.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it, type TestContext } from 'node:test';
import { MemoryTicketStore, backend, type ForgeConnectOptions, type ForgeListenOptions } from '../../backends/forge-tls13/index.js';
import { KEY_TYPES, type KeyType } from '../../src/certs.js';
import { isTransportError, type HandshakeInfo, type Transport, type TransportError } from '../../src/transport.js';
import { Proc, interopFiles, needs, serveEcho, startGnutlsServ, which, type GnutlsServ } from './forge-interop-helpers.js';

/** Our suite name and GnuTLS's cipher name in priority strings and descriptions. */
const SUITES = [
  ['TLS_AES_128_GCM_SHA256', 'AES-128-GCM'],
  ['TLS_AES_256_GCM_SHA384', 'AES-256-GCM'],
  ['TLS_CHACHA20_POLY1305_SHA256', 'CHACHA20-POLY1305'],
] as const;
/** Our group name, GnuTLS's, and a group whose key share a client sends first to provoke a HelloRetryRequest to it. */
const GROUPS = [
  ['x25519', 'X25519', 'secp256r1'],
  ['secp256r1', 'SECP256R1', 'x25519'],
  ['secp384r1', 'SECP384R1', 'x25519'],
] as const;
type OurGroup = (typeof GROUPS)[number][0];
const GNUTLS_GROUP: Record<OurGroup, string> = { x25519: 'X25519', secp256r1: 'SECP256R1', secp384r1: 'SECP384R1' };

/** The CertificateVerify scheme GnuTLS names for each certificate type (TLS 1.3 defaults). */
const SIGNATURE: Partial<Record<KeyType, string>> = {
  'ecdsa-p256': 'ECDSA-SECP256R1-SHA256',
  'ecdsa-p384': 'ECDSA-SECP384R1-SHA384',
  'rsa-2048': 'RSA-PSS-RSAE-SHA256',
  'rsa-pss-2048': 'RSA-PSS-SHA256',
  ed25519: 'EdDSA-Ed25519',
};

const HAVE_SERV = which('gnutls-serv');
const HAVE_CLI = which('gnutls-cli');
/** gnutls-cli's ^rekey^ / ^rekey1^ commands (GnuTLS 3.6.x and later). */
const CLI_INLINE_COMMANDS = HAVE_CLI && spawnSync('gnutls-cli', ['--help'], { encoding: 'utf8' }).stdout.includes('--inline-commands');

const { f, client, otherCa } = interopFiles();

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const count = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;

/** Polls until `done()` holds, for at most `ms`; then the caller's assertion says what is wrong. */
async function until(done: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Waits until `pattern` occurred at least `n` times in a stream of `proc` (debug output arrives on
 * stderr, independently of stdout), then returns how often it occurred.
 */
async function occurrences(proc: Proc, pattern: RegExp, n: number, source: 'stdout' | 'stderr' = 'stderr'): Promise<number> {
  if (n > 0) await proc.waitFor(new RegExp(`(?:${pattern.source}[\\s\\S]*?){${n}}`), 5000, source);
  return count(proc[source], pattern);
}

/** GnuTLS priority string: TLS 1.3 only, optionally one cipher and a group list (in preference order). */
function priority(o: { cipher?: string; groups?: readonly string[] } = {}): string {
  let p = 'NORMAL:-VERS-ALL:+VERS-TLS1.3';
  if (o.cipher) p += `:-CIPHER-ALL:+${o.cipher}`;
  if (o.groups) p += `:-GROUP-ALL${o.groups.map((g) => `:+GROUP-${g}`).join('')}`;
  return p;
}

/** The "- Description:" GnuTLS prints for a full TLS 1.3 handshake with a certificate. */
const description = (group: string, signature: string, cipher: string): string => `(TLS1.3-X.509)-(ECDHE-${group})-(${signature})-(${cipher})`;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Reads until `length` bytes came (or the stream ended), within `ms`. */
async function readBytes(tr: Transport, length: number, ms = 5000): Promise<string> {
  const deadline = Date.now() + ms;
  let got = '';
  while (got.length < length) {
    const chunk = await withTimeout(tr.read(), Math.max(1, deadline - Date.now()), `reading ${length} bytes (have ${got.length})`);
    if (chunk === null) break;
    got += Buffer.from(chunk).toString('latin1');
  }
  return got;
}

/** Writes `text` and expects it back from the echo server. */
async function echo(tr: Transport, text: string): Promise<void> {
  await tr.write(enc(text));
  assert.equal(await readBytes(tr, text.length), text);
}

// ---------------------------------------------------------------------------------------------
// gnutls-serv and our client

type Serv = GnutlsServ;

/** `gnutls-serv --echo` with the certificate of `keyType` and extra arguments. */
function startServ(t: TestContext, args: readonly string[], keyType: KeyType = 'ecdsa-p256'): Promise<Serv> {
  return startGnutlsServ(t, f(keyType), args);
}

/** Connects our client and completes the handshake; the transport is destroyed after the test. */
async function connect(t: TestContext, port: number, options: Partial<ForgeConnectOptions> = {}): Promise<{ tr: Transport; info: HandshakeInfo }> {
  const tr = await backend.connect({
    host: '127.0.0.1',
    port,
    serverName: 'localhost',
    ca: f().pki.caPem,
    handshakeTimeoutMs: 5000,
    closeTimeoutMs: 1000,
    ...options,
  } as ForgeConnectOptions);
  t.after(() => tr.destroy());
  return { tr, info: await tr.handshake() };
}

/**
 * What gnutls-serv printed about the n-th (1-based) connection it accepted, once the block is
 * complete: it ends with the channel bindings ('tls-exporter' in GnuTLS 3.7) or, in older
 * versions, is followed by the first echoed record ("received cmd:").
 */
async function servSession(serv: Serv, n = 1): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const block = serv.proc.stdout.split('\n* Accepted connection').slice(1)[n - 1];
    if (block !== undefined && /'tls-exporter'[^\n]*\n|received cmd:/.test(block)) return block;
    if (Date.now() > deadline) throw new Error(`gnutls-serv printed no complete block for connection ${n}:\n${serv.proc.output}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The "- Description:" of a block from servSession. */
function descriptionIn(block: string): string {
  const m = block.match(/- Description: ([^\n]*)\n/);
  assert.ok(m, `no Description in:\n${block}`);
  return m[1]!;
}

const TEST = { timeout: 20_000 };

describe('gnutls-serv ← forge-tls13 client', () => {
  for (const [suite, cipher] of SUITES) {
    for (const [ours, theirs] of GROUPS) {
      it(`${suite} / ${ours}`, TEST, async (t) => {
        if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
        const serv = await startServ(t, ['-d', '4', '--priority', priority({ cipher, groups: [theirs] })]);
        const { tr, info } = await connect(t, serv.port, { cipherSuites: [suite], groups: [ours] });
        assert.equal(info.tlsVersion, 'TLSv1.3');
        assert.equal(info.cipherSuite, suite);
        assert.equal(info.resumed, false);
        await echo(tr, `${suite} over ${ours}\n`);
        assert.equal(descriptionIn(await servSession(serv)), description(theirs, 'ECDSA-SECP256R1-SHA256', cipher));
        // Logged in order on stderr: a HelloRetryRequest would come before the ServerHello.
        const beforeServerHello = (await serv.proc.waitFor(/([\s\S]*)SERVER HELLO was queued/, 5000, 'stderr'))[1]!;
        assert.doesNotMatch(beforeServerHello, /HELLO RETRY REQUEST/, 'our first key share fits: no HelloRetryRequest');
        await tr.close();
      });
    }
  }

  for (const [ours, theirs, first] of GROUPS) {
    it(`HelloRetryRequest to ${ours} (our only key share is ${first}; gnutls-serv takes only ${theirs})`, TEST, async (t) => {
      if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
      const serv = await startServ(t, ['-d', '4', '--priority', priority({ groups: [theirs] })]);
      const { tr, info } = await connect(t, serv.port, { groups: [first, ours], keyShareGroups: [first] });
      assert.equal(info.cipherSuite, 'TLS_AES_128_GCM_SHA256');
      await echo(tr, `after a retry to ${ours}\n`);
      await serv.proc.waitFor(new RegExp(`requesting retry with group ${theirs}\\b[\\s\\S]*SERVER HELLO was queued`), 5000, 'stderr');
      assert.equal(count(serv.proc.stderr, /HELLO RETRY REQUEST was queued/), 1);
      assert.equal(descriptionIn(await servSession(serv)), description(theirs, 'ECDSA-SECP256R1-SHA256', 'AES-128-GCM'));
      await tr.close();
    });
  }

  for (const keyType of KEY_TYPES) {
    it(`server certificate ${keyType}`, TEST, async (t) => {
      if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
      const serv = await startServ(t, ['--priority', priority()], keyType);
      const { tr, info } = await connect(t, serv.port, { ca: f(keyType).pki.caPem });
      assert.equal(info.peerCertificates.length, 1);
      assert.deepEqual(Buffer.from(info.peerCertificates[0]!), Buffer.from(f(keyType).leaf.certDer));
      await echo(tr, `${keyType} certificate\n`);
      const signature = SIGNATURE[keyType];
      const seen = descriptionIn(await servSession(serv));
      if (signature) assert.equal(seen, description('X25519', signature, 'AES-128-GCM'));
      else assert.match(seen, /^\(TLS1\.3-X\.509\)-\(ECDHE-X25519\)-/);
      await tr.close();
    });
  }

  it('ALPN: gnutls-serv --alpn h2 chooses h2', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    const serv = await startServ(t, ['--priority', priority(), '--alpn', 'h2']);
    const { tr, info } = await connect(t, serv.port, { alpn: ['http/1.1', 'h2'] });
    assert.equal(info.alpnProtocol, 'h2');
    await echo(tr, 'h2 agreed\n');
    await serv.proc.waitFor(/- Application protocol: h2\n/, 5000, 'stdout');
    await tr.close();
  });

  it('ALPN mismatch without --alpn-fatal: gnutls-serv goes on without ALPN (alpnProtocol null)', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    // GnuTLS only refuses a mismatch when told to (--alpn-fatal); otherwise it omits ALPN from
    // its EncryptedExtensions, which RFC 7301 allows, and our client proceeds with null.
    const serv = await startServ(t, ['--priority', priority(), '--alpn', 'h2']);
    const { tr, info } = await connect(t, serv.port, { alpn: ['spdy/3'] });
    assert.equal(info.alpnProtocol, null);
    await echo(tr, 'no protocol agreed\n');
    assert.doesNotMatch(await servSession(serv), /Application protocol/);
    await tr.close();
  });

  it('ALPN mismatch with --alpn-fatal: ALPN_MISMATCH (no_application_protocol received)', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    const serv = await startServ(t, ['--priority', priority(), '--alpn', 'h2', '--alpn-fatal']);
    await assert.rejects(connect(t, serv.port, { alpn: ['spdy/3'] }), (e) => isTransportError(e, 'ALPN_MISMATCH') && e.alert === 'no_application_protocol');
    await serv.proc.waitFor(/Error in handshake: No common application protocol could be negotiated/);
  });

  it('resumption with a ticket from gnutls-serv (psk_dhe_ke)', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    const serv = await startServ(t, ['--priority', priority()]);
    const ticketStore = new MemoryTicketStore();
    const first = await connect(t, serv.port, { ticketStore });
    assert.equal(first.info.resumed, false);
    await echo(first.tr, 'full handshake\n'); // the tickets came before the echo
    await first.tr.close();
    assert.ok(ticketStore.size > 0, 'gnutls-serv issued tickets');

    const second = await connect(t, serv.port, { ticketStore });
    assert.equal(second.info.resumed, true);
    assert.equal(second.info.cipherSuite, 'TLS_AES_128_GCM_SHA256');
    await echo(second.tr, 'resumed handshake\n');
    // Only the second connection was resumed, and it still ran (EC)DHE (psk_dhe_ke).
    assert.doesNotMatch(await servSession(serv, 1), /resumed session/);
    const resumed = await servSession(serv, 2);
    assert.match(resumed, /\*\*\* This is a resumed session/);
    assert.match(resumed, /- Description: \(TLS1\.3-X\.509\)--\(AES-128-GCM\)\n/);
    assert.match(resumed, /Using curve: X25519/);
    await second.tr.close();
  });

  it('gnutls-serv --noticket: no ticket, so the next handshake is a full one', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    const serv = await startServ(t, ['--priority', priority(), '--noticket']);
    const ticketStore = new MemoryTicketStore();
    const first = await connect(t, serv.port, { ticketStore });
    await echo(first.tr, 'full handshake\n');
    await first.tr.close();
    assert.equal(ticketStore.size, 0);
    const second = await connect(t, serv.port, { ticketStore });
    assert.equal(second.info.resumed, false);
    assert.equal(second.info.peerCertificates.length, 1);
    await echo(second.tr, 'full again\n');
    assert.doesNotMatch(await servSession(serv, 1), /resumed session/);
    const block = await servSession(serv, 2);
    assert.doesNotMatch(block, /resumed session/);
    assert.equal(descriptionIn(block), description('X25519', 'ECDSA-SECP256R1-SHA256', 'AES-128-GCM'));
    await second.tr.close();
  });

  it('KeyUpdate requested by gnutls-serv (**REHANDSHAKE** in echo mode) is answered; data flows on', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    // Under TLS 1.3 gnutls_rehandshake(), which gnutls-serv --echo runs on "**REHANDSHAKE**",
    // sends KeyUpdate(update_requested); we must update our read key and answer with our own
    // KeyUpdate(update_not_requested), which gnutls-serv logs as "received TLS 1.3 key update (0)".
    const serv = await startServ(t, ['-d', '4', '--priority', priority()]);
    const { tr } = await connect(t, serv.port);
    await echo(tr, 'before the update\n');
    for (let round = 1; round <= 2; round++) {
      await tr.write(enc('**REHANDSHAKE**\n'));
      const reply = 'Successfully executed command\n'; // sent under gnutls-serv's new key
      assert.equal(await readBytes(tr, reply.length), reply);
      assert.equal(await occurrences(serv.proc, /sending key update \(1\)/, round), round);
      await echo(tr, `after update ${round}\n`); // sent under our new key, echoed under theirs
      assert.equal(await occurrences(serv.proc, /received TLS 1\.3 key update \(0\)/, round), round, 'our KeyUpdate answered each request');
    }
    await tr.close();
  });

  it('KeyUpdate from our client (keyUpdateAfterRecords: 2) is accepted by gnutls-serv', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    const serv = await startServ(t, ['-d', '4', '--priority', priority()]);
    const { tr } = await connect(t, serv.port, { keyUpdateAfterRecords: 2 });
    // Six records: a KeyUpdate before the third and before the fifth.
    for (let i = 1; i <= 6; i++) await echo(tr, `record ${i}\n`);
    assert.equal(await occurrences(serv.proc, /received TLS 1\.3 key update \(0\)/, 2), 2);
    assert.equal(count(serv.proc.stderr, /sending key update/), 0, 'not requested, so not answered');
    await tr.close();
  });

  it("exporter: gnutls-serv's 'tls-exporter' channel binding is our TLS-Exporter(\"EXPORTER-Channel-Binding\", no context, 32)", TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    // RFC 9266 defines the binding as exactly that export (RFC 8446 section 7.5).
    const serv = await startServ(t, ['--priority', priority({ cipher: 'AES-256-GCM' })]);
    const { tr } = await connect(t, serv.port, { cipherSuites: ['TLS_AES_256_GCM_SHA384'] });
    await echo(tr, 'exporter\n');
    const binding = (await servSession(serv)).match(/'tls-exporter': ([0-9a-f]{64})/);
    assert.ok(binding, 'gnutls-serv printed its tls-exporter binding');
    assert.equal(Buffer.from(await tr.exportKeyingMaterial!(32, 'EXPORTER-Channel-Binding')).toString('hex'), binding[1]);
    await tr.close();
  });

  it('bulk: 256 KiB each way over many records', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    const serv = await startServ(t, ['--priority', priority()]);
    const { tr } = await connect(t, serv.port);
    let text = '';
    for (let i = 0; text.length < 256 * 1024; i++) text += `line ${i} ${'abcdefghijklmnopqrstuvwxyz'.repeat(3)}\n`;
    await tr.write(enc(text));
    const back = await readBytes(tr, text.length, 10_000);
    assert.equal(back.length, text.length);
    assert.ok(back === text, 'the echo is byte for byte what we sent');
    await tr.close();
  });

  it('client certificate demanded by gnutls-serv (--require-client-cert)', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    const serv = await startServ(t, ['--priority', priority(), '--require-client-cert', '--verify-client-cert', '--x509cafile', client().ca]);
    const { tr } = await connect(t, serv.port, { cert: client().leaf.certPem, key: client().leaf.keyPem });
    await echo(tr, 'with a client certificate\n');
    const block = await servSession(serv);
    assert.match(block, /\tSubject: CN=client\.test\n/);
    assert.match(block, /- Status: The certificate is trusted\./, 'gnutls-serv verified our client certificate');
    await tr.close();
  });

  it('no client certificate when gnutls-serv requires one: certificate_required', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    const serv = await startServ(t, ['--priority', priority(), '--require-client-cert', '--x509cafile', client().ca]);
    // The handshake completes on our side (the client's Finished is its last flight); the alert
    // follows and fails the first read.
    const outcome = (async () => {
      const { tr } = await connect(t, serv.port);
      await tr.write(enc('x\n'));
      return readBytes(tr, 2);
    })();
    await assert.rejects(outcome, (e) => isTransportError(e, 'CERT_INVALID') && e.alert === 'certificate_required', 'the alert reaches us');
    await serv.proc.waitFor(/Error in handshake: Certificate is required\./);
  });

  it('gnutls-serv certificate from an unknown CA: CERT_INVALID', TEST, async (t) => {
    if (!needs(t, HAVE_SERV, 'gnutls-serv')) return;
    const serv = await startServ(t, ['-d', '5', '--priority', priority()]);
    await assert.rejects(connect(t, serv.port, { ca: f('rsa-2048').pki.caPem }), (e) => isTransportError(e, 'CERT_INVALID') && e.alert === 'unknown_ca');
    await serv.proc.waitFor(/Alert\[2\|48\] - CA is unknown - was received/, 5000, 'stderr');
    await serv.proc.waitFor(/Error in handshake: A TLS fatal alert has been received\./);
  });
});

// ---------------------------------------------------------------------------------------------
// gnutls-cli and our server

interface EchoServer {
  port: number;
  errors: TransportError[];
  infos: HandshakeInfo[];
  /** Every connection that completed its handshake, in order. */
  transports: Transport[];
}

async function echoServer(t: TestContext, options: Partial<ForgeListenOptions> = {}): Promise<EchoServer> {
  const errors: TransportError[] = [];
  const infos: HandshakeInfo[] = [];
  const transports: Transport[] = [];
  const listener = await backend.listen({
    cert: f().leaf.certPem,
    key: f().leaf.keyPem,
    handshakeTimeoutMs: 5000,
    closeTimeoutMs: 1000,
    onHandshakeError: (e) => errors.push(e),
    ...options,
  } as ForgeListenOptions);
  const open = new Set<Transport>();
  t.after(async () => {
    await listener.close();
    for (const tr of open) tr.destroy();
  });
  void (async () => {
    for await (const tr of listener) {
      open.add(tr);
      void serveEcho(tr, (info) => {
        infos.push(info);
        transports.push(tr);
      }).finally(() => open.delete(tr));
    }
  })();
  return { port: listener.address.port, errors, infos, transports };
}

/** gnutls-cli to our server at 127.0.0.1 with SNI and name check "localhost"; killed after the test. */
function gnutlsCli(t: TestContext, port: number, args: readonly string[]): Proc {
  const p = new Proc('gnutls-cli', ['-p', String(port), '127.0.0.1', '--sni-hostname', 'localhost', '--verify-hostname', 'localhost', ...args]);
  t.after(() => p.kill());
  return p;
}

/** Types a line into gnutls-cli and waits for our server's echo of it on its stdout. */
async function cliEcho(p: Proc, line: string): Promise<void> {
  p.write(`${line}\n`);
  await p.waitFor(new RegExp(`^${escape(line)}$`, 'm'), 5000, 'stdout');
}

async function cliDescription(p: Proc): Promise<string> {
  return (await p.waitFor(/- Description: ([^\n]*)\n/, 5000, 'stdout'))[1]!;
}

describe('gnutls-cli → forge-tls13 server', () => {
  for (const [suite, cipher] of SUITES) {
    for (const [ours, theirs] of GROUPS) {
      it(`${suite} / ${ours}`, TEST, async (t) => {
        if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
        const srv = await echoServer(t, { cipherSuites: [suite], groups: [ours] });
        const p = gnutlsCli(t, srv.port, ['-d', '4', '--x509cafile', f().ca, '--priority', priority({ cipher, groups: [theirs] })]);
        await p.waitFor(/- Handshake was completed/, 5000, 'stdout');
        assert.equal(await cliDescription(p), description(theirs, 'ECDSA-SECP256R1-SHA256', cipher));
        const beforeServerHello = (await p.waitFor(/([\s\S]*)SERVER HELLO \(2\) was received/, 5000, 'stderr'))[1]!;
        assert.doesNotMatch(beforeServerHello, /HELLO RETRY REQUEST/, 'its key share fits: no HelloRetryRequest');
        await cliEcho(p, `hello ${suite} ${ours}`);
        assert.equal(srv.infos.length, 1);
        assert.equal(srv.infos[0]!.cipherSuite, suite);
        assert.equal(srv.infos[0]!.tlsVersion, 'TLSv1.3');
        assert.equal(srv.infos[0]!.serverName, 'localhost');
      });
    }
  }

  for (const [ours, theirs, first] of GROUPS) {
    it(`HelloRetryRequest to ${ours} (gnutls-cli's only key share is ${first}; we take only ${ours})`, TEST, async (t) => {
      if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
      const srv = await echoServer(t, { groups: [ours] });
      const p = gnutlsCli(t, srv.port, ['-d', '4', '--x509cafile', f().ca, '--single-key-share', '--priority', priority({ groups: [GNUTLS_GROUP[first], theirs] })]);
      await p.waitFor(/- Handshake was completed/, 5000, 'stdout');
      await p.waitFor(
        new RegExp(`sending key share for ${GNUTLS_GROUP[first]}\\b[\\s\\S]*HELLO RETRY REQUEST \\(\\d+\\) was received[\\s\\S]*HRR key share with ${theirs}\\b[\\s\\S]*SERVER HELLO \\(2\\) was received`),
        5000,
        'stderr',
      );
      assert.equal(count(p.stderr, /HELLO RETRY REQUEST \(\d+\) was received/), 1);
      assert.equal(count(p.stderr, /sending key share for/), 2, 'one share in each ClientHello');
      assert.equal(await cliDescription(p), description(theirs, 'ECDSA-SECP256R1-SHA256', 'AES-128-GCM'));
      await cliEcho(p, `after a retry to ${ours}`);
    });
  }

  it('forceHelloRetry: a retry although a key share fits (to the first mutual group without one)', TEST, async (t) => {
    if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
    // gnutls-cli offers x25519 and secp384r1 with a share for x25519 only; our preference
    // (x25519, secp256r1, secp384r1) would take that share, forceHelloRetry asks for secp384r1.
    const srv = await echoServer(t, { forceHelloRetry: true });
    const p = gnutlsCli(t, srv.port, ['-d', '4', '--x509cafile', f().ca, '--single-key-share', '--priority', priority({ groups: ['X25519', 'SECP384R1'] })]);
    await p.waitFor(/- Handshake was completed/, 5000, 'stdout');
    await p.waitFor(/sending key share for X25519\b[\s\S]*HRR key share with SECP384R1\b[\s\S]*SERVER HELLO \(2\) was received/, 5000, 'stderr');
    assert.equal(count(p.stderr, /sending key share for/), 2);
    assert.equal(await cliDescription(p), description('SECP384R1', 'ECDSA-SECP256R1-SHA256', 'AES-128-GCM'));
    await cliEcho(p, 'after a forced retry');
  });

  for (const keyType of KEY_TYPES) {
    it(`server certificate ${keyType}`, TEST, async (t) => {
      if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
      const srv = await echoServer(t, { cert: f(keyType).leaf.certPem, key: f(keyType).leaf.keyPem });
      const p = gnutlsCli(t, srv.port, ['--x509cafile', f(keyType).ca, '--priority', priority()]);
      await p.waitFor(/- Handshake was completed/, 5000, 'stdout');
      assert.match(p.stdout, /- Status: The certificate is trusted\./);
      const signature = SIGNATURE[keyType];
      const seen = await cliDescription(p);
      if (signature) assert.equal(seen, description('X25519', signature, 'AES-128-GCM'));
      else assert.match(seen, /^\(TLS1\.3-X\.509\)-\(ECDHE-X25519\)-/);
      await cliEcho(p, `${keyType} certificate`);
    });
  }

  it('ALPN: gnutls-cli --alpn h2 gets h2', TEST, async (t) => {
    if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
    const srv = await echoServer(t, { alpn: ['h2'] });
    const p = gnutlsCli(t, srv.port, ['--x509cafile', f().ca, '--priority', priority(), '--alpn', 'http/1.1', '--alpn', 'h2']);
    await p.waitFor(/- Handshake was completed/, 5000, 'stdout');
    assert.match(p.stdout, /- Application protocol: h2\n/);
    await cliEcho(p, 'h2 agreed');
    assert.equal(srv.infos[0]?.alpnProtocol, 'h2');
  });

  it('ALPN mismatch: we send no_application_protocol, gnutls-cli gives up', TEST, async (t) => {
    if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
    const srv = await echoServer(t, { alpn: ['h2'] });
    const p = gnutlsCli(t, srv.port, ['--x509cafile', f().ca, '--priority', priority(), '--alpn', 'spdy/3']);
    await p.waitFor(/\*\*\* Received alert \[120\]: No supported application protocol could be negotiated/);
    assert.equal(await withTimeout(p.exited, 5000, 'gnutls-cli to exit'), 1);
    await until(() => srv.errors.length > 0);
    assert.equal(srv.infos.length, 0);
    assert.ok(
      srv.errors.some((e) => isTransportError(e, 'ALPN_MISMATCH') && e.alert === 'no_application_protocol'),
      String(srv.errors.map((e) => `${e.code}/${e.alert}`)),
    );
  });

  it('resumption: gnutls-cli --resume with our ticket', TEST, async (t) => {
    if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
    const srv = await echoServer(t);
    const p = gnutlsCli(t, srv.port, ['--x509cafile', f().ca, '--priority', priority(), '--resume', '--waitresumption']);
    await p.waitFor(/- Resume Handshake was completed/, 5000, 'stdout');
    await p.waitFor(/\*\*\* This is a resumed session/, 5000, 'stdout');
    await cliEcho(p, 'on the resumed connection');
    assert.deepEqual(
      srv.infos.map((i) => i.resumed),
      [false, true],
    );
    assert.equal(srv.infos[1]!.peerCertificates.length, 0);
  });

  it('resumption refused: with ticketCount 0 gnutls-cli --resume gets a full handshake', TEST, async (t) => {
    if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
    const srv = await echoServer(t, { ticketCount: 0 });
    const p = gnutlsCli(t, srv.port, ['--x509cafile', f().ca, '--priority', priority(), '--resume']);
    await p.waitFor(/- Resume Handshake was completed/, 5000, 'stdout');
    await cliEcho(p, 'on the second connection');
    assert.doesNotMatch(p.stdout, /This is a resumed session/);
    assert.deepEqual(
      srv.infos.map((i) => i.resumed),
      [false, false],
    );
  });

  it('KeyUpdate from gnutls-cli: ^rekey1^ (not requested) is not answered, ^rekey^ (requested) is', TEST, async (t) => {
    if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
    if (!CLI_INLINE_COMMANDS) return t.skip('skipped: gnutls-cli has no --inline-commands (no way to send a KeyUpdate)');
    const srv = await echoServer(t);
    const p = gnutlsCli(t, srv.port, ['-d', '4', '--inline-commands', '--x509cafile', f().ca, '--priority', priority()]);
    await p.waitFor(/- Handshake was completed/, 5000, 'stdout');
    await cliEcho(p, 'before any update');

    p.write('^rekey1^\n');
    await p.waitFor(/- Rekey was completed/, 5000, 'stdout');
    assert.equal(await occurrences(p, /sending key update \(0\)/, 1), 1);
    await cliEcho(p, 'after rekey1'); // under gnutls-cli's new key

    p.write('^rekey^\n');
    await p.waitFor(/- Rekey was completed[\s\S]*- Rekey was completed/, 5000, 'stdout');
    // An (unwanted) answer to ^rekey1^ would have come before our echo, so gnutls-cli would have
    // logged it before it sent the second KeyUpdate.
    const beforeSecond = (await p.waitFor(/([\s\S]*)sending key update \(1\)/, 5000, 'stderr'))[1]!;
    assert.doesNotMatch(beforeSecond, /received TLS 1\.3 key update/, 'update_not_requested: no KeyUpdate back');
    await cliEcho(p, 'after rekey');
    assert.equal(await occurrences(p, /received TLS 1\.3 key update \(0\)/, 1), 1, 'update_requested: our KeyUpdate came back');
    assert.equal(count(p.stderr, /sending key update/), 2);
    assert.equal(srv.errors.length, 0);
  });

  it('KeyUpdate from our server (keyUpdateAfterRecords: 2) is accepted by gnutls-cli', TEST, async (t) => {
    if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
    // No tickets, so the echoes are the only records: a KeyUpdate before the third and the fifth.
    const srv = await echoServer(t, { keyUpdateAfterRecords: 2, ticketCount: 0 });
    const p = gnutlsCli(t, srv.port, ['-d', '4', '--x509cafile', f().ca, '--priority', priority()]);
    await p.waitFor(/- Handshake was completed/, 5000, 'stdout');
    for (let i = 1; i <= 6; i++) await cliEcho(p, `line ${i}`);
    assert.equal(await occurrences(p, /received TLS 1\.3 key update \(0\)/, 2), 2);
    assert.equal(count(p.stderr, /sending key update/), 0);
  });

  it('exporter: gnutls-cli --keymatexport gives the bytes our server exports (no context)', TEST, async (t) => {
    if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
    const srv = await echoServer(t);
    const p = gnutlsCli(t, srv.port, ['--x509cafile', f().ca, '--priority', priority(), '--keymatexport', 'EXPERIMENTAL-tlsport', '--keymatexportsize', '48']);
    const theirs = (await p.waitFor(/- Key material: ([0-9a-f]+)\n/, 5000, 'stdout'))[1];
    await cliEcho(p, 'exporter');
    const ours = await srv.transports[0]!.exportKeyingMaterial!(48, 'EXPERIMENTAL-tlsport');
    assert.equal(Buffer.from(ours).toString('hex'), theirs);
  });

  it('client certificate requested and verified (requestCert)', TEST, async (t) => {
    if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
    const srv = await echoServer(t, { requestCert: true, ca: client().pki.caPem });
    const p = gnutlsCli(t, srv.port, ['--x509cafile', f().ca, '--priority', priority(), '--x509certfile', client().cert, '--x509keyfile', client().key]);
    await p.waitFor(/- Handshake was completed/, 5000, 'stdout');
    await cliEcho(p, 'with a client certificate');
    assert.equal(srv.infos[0]?.peerCertificates.length, 1);
    assert.deepEqual(Buffer.from(srv.infos[0]!.peerCertificates[0]!), Buffer.from(client().leaf.certDer));
  });

  it('gnutls-cli without a certificate when one is required: certificate_required', TEST, async (t) => {
    if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
    const srv = await echoServer(t, { requestCert: true, ca: client().pki.caPem });
    const p = gnutlsCli(t, srv.port, ['--x509cafile', f().ca, '--priority', priority()]);
    p.write('x\n');
    await p.waitFor(/\*\*\* Received alert \[116\]/);
    await until(() => srv.errors.length > 0);
    assert.equal(srv.infos.length, 0);
    assert.ok(srv.errors.some((e) => isTransportError(e, 'CERT_INVALID') && e.alert === 'certificate_required'), String(srv.errors.map((e) => `${e.code}/${e.alert}`)));
  });

  it('gnutls-cli rejects our certificate (unknown CA): its alert reaches onHandshakeError as CERT_INVALID', TEST, async (t) => {
    if (!needs(t, HAVE_CLI, 'gnutls-cli')) return;
    const srv = await echoServer(t);
    const p = gnutlsCli(t, srv.port, ['--x509cafile', otherCa(), '--priority', priority()]);
    await p.waitFor(/The certificate issuer is unknown[\s\S]*\*\*\* PKI verification of server certificate failed/);
    assert.equal(await withTimeout(p.exited, 5000, 'gnutls-cli to exit'), 1);
    await until(() => srv.errors.length > 0);
    assert.equal(srv.infos.length, 0);
    assert.ok(srv.errors.some((e) => isTransportError(e, 'CERT_INVALID') && e.alert === 'bad_certificate'), String(srv.errors.map((e) => `${e.code}/${e.alert}`)));
  });
});
