/**
 * RFC 8448 section 4 ("Resumed 0-RTT Handshake") through the ENGINE, as far as an engine that
 * never sends or accepts early data can reproduce it.
 *
 * The ticket is obtained the way the client really gets it: a section-3 client engine (the
 * trace's random and x25519 key) is fed the trace's server records, answers with the trace's
 * Finished, and turns the trace's NewSessionTicket into a ticket whose PSK is the trace's
 * resumption PSK. The section-4 client then resumes with it, with the trace's random and key share.
 *
 * Reproduced exactly:
 * - the resumed ClientHello record, PSK binder included (the engine computes the binder over the
 *   truncated ClientHello). clientHelloHook adds what the trace's client sent and ours does not:
 *   renegotiation_info, ffdhe groups, the early_data indication and padding (record_size_limit
 *   2^14 + 1 is the engine's own, and so is the server's answer to it);
 *   it also sets obfuscated_ticket_age to the trace's value (ticket_age_add + 6 ms of age), a
 *   clock reading the engine cannot reproduce. The binder covers all of it;
 * - server side, given the trace's ClientHello: the binder verifies (decodeTicket maps the trace's
 *   ticket, sealed by the trace's server and not by us, to its PSK), the ServerHello record is the
 *   trace's byte for byte (serverHelloHook puts pre_shared_key first as the trace does; our engine
 *   lists it last), and the handshake traffic secrets derived from PSK + x25519 are the trace's;
 * - client side, given the trace's server records: the application traffic secrets and exporter
 *   secret are the trace's, the trace's server application data decrypts, and our client's first
 *   application data record and its close_notify record are the trace's byte for byte.
 *
 * What differs, and why (all of it follows from early data, which is out of scope):
 * - the trace's server ACCEPTS 0-RTT: its EncryptedExtensions ends with an early_data extension
 *   (002a 0000). Ours rejects 0-RTT, so its EncryptedExtensions lacks those 4 bytes (length 0x24
 *   instead of 0x28); its Finished, computed over that EncryptedExtensions, and hence its whole
 *   encrypted flight and the application secrets derived after it differ from the trace. The test
 *   checks our flight is exactly "the trace's EncryptedExtensions minus early_data" plus the
 *   Finished RFC 8446 gives for that transcript;
 * - our server skips the client's early data records (trial decryption, RFC 8446 4.2.10), and the
 *   trace's client Finished, which covers the trace's EncryptedExtensions and EndOfEarlyData,
 *   decrypts under our client handshake key (the same as the trace's) but does not verify:
 *   decrypt_error, not bad_record_mac;
 * - our client never sends early data nor EndOfEarlyData, so its Finished covers
 *   ClientHello..server Finished without EndOfEarlyData and differs from the trace's; the test
 *   checks it against that transcript with the trace's client finished key. The resumption master
 *   secret (which covers the client Finished) differs for the same reason.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CryptoProvider } from '../../backends/forge-tls13/crypto/provider.js';
import { MemoryTicketStore, TlsClient, TlsServer, type EngineEvent, type SessionTicket } from '../../backends/forge-tls13/engine/index.js';
import { TLS_AES_128_GCM_SHA256, computeFinished } from '../../backends/forge-tls13/key-schedule.js';
import { RecordOpener } from '../../backends/forge-tls13/record-protection.js';
import { AlertDescription } from '../../backends/forge-tls13/wire/constants.js';
import type { TlsError } from '../../backends/forge-tls13/wire/errors.js';
import type { ClientHelloExtension } from '../../backends/forge-tls13/wire/extensions.js';
import { getProvider } from './engine-harness.js';
import { h, resumed0Rtt as R, simple1Rtt as S, toHex } from './rfc8448.js';

const FFDHE_AND_MORE = [0x1d, 0x17, 0x18, 0x19, 0x100, 0x101, 0x102, 0x103, 0x104];
const TRACE_SCHEMES = [0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202];
const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'] as const;
/** The section-3 NewSessionTicket's ticket_age_add and the section-4 obfuscated_ticket_age. */
const TICKET_AGE_ADD = 0xfad6aac5;
const OBFUSCATED_TICKET_AGE = 0xfad6aacb;

/** The trace's EncryptedExtensions without its early_data extension: what our server sends. */
const EE_WITHOUT_EARLY_DATA = h('080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000');

type Wire = { sent: Uint8Array[]; events: EngineEvent[] };

function record(engine: TlsClient | TlsServer): Wire {
  const w: Wire = { sent: [], events: [] };
  engine.on((e) => {
    w.events.push(e);
    if (e.type === 'send') w.sent.push(e.data);
  });
  return w;
}

function keylog(w: Wire): string[] {
  return w.events.flatMap((e) => (e.type === 'keylog' ? [e.line] : []));
}

/** Section 3 from the client's side, fed the trace's server records: yields the trace's ticket. */
async function section3Ticket(p: CryptoProvider): Promise<SessionTicket> {
  const store = new MemoryTicketStore();
  const client = new TlsClient({
    provider: p,
    serverName: 'server',
    rejectUnauthorized: false, // the trace's certificate names no "server"; its signature is still verified
    middleboxCompat: false,
    clientRandom: S.clientHello.subarray(6, 38),
    keyShares: [await p.keyShareFromPrivateKey('x25519', S.clientX25519Private)],
    cipherSuites: SUITES,
    ticketStore: store,
    clientHelloHook: (ch) => ({
      ...ch,
      extensions: ch.extensions.flatMap((e): ClientHelloExtension[] => {
        switch (e.type) {
          case 'server_name':
            return [e, { type: 'raw', code: 0xff01, data: Uint8Array.of(0) }];
          case 'supported_groups':
            return [{ ...e, groups: FFDHE_AND_MORE }, { type: 'raw', code: 0x23, data: new Uint8Array(0) }];
          case 'signature_algorithms':
            return [{ ...e, schemes: TRACE_SCHEMES }];
          default:
            return [e];
        }
      }),
    }),
  });
  const w = record(client);
  await client.start();
  assert.equal(toHex(w.sent[0]!), toHex(S.clientHelloRecord));
  await client.receive(S.serverHelloRecord);
  await client.receive(S.serverHandshakeFlightRecord);
  assert.equal(client.error, null, String(client.error));
  assert.equal(toHex(w.sent[1]!), toHex(S.clientFinishedRecord));
  await client.receive(S.newSessionTicketRecord);
  const ticket = w.events.find((e) => e.type === 'ticket');
  assert.ok(ticket && ticket.type === 'ticket', 'the trace NewSessionTicket became a ticket');
  assert.equal(toHex(ticket.ticket.psk), toHex(R.psk), 'resumption PSK of section 3 = the PSK of section 4');
  assert.equal(ticket.ticket.ticketAgeAdd, TICKET_AGE_ADD);
  assert.equal(ticket.ticket.maxEarlyDataSize, 1024);
  return ticket.ticket;
}

/** The section-4 client: the trace's random and key share, resuming with `ticket`. */
async function resumingClient(p: CryptoProvider, ticket: SessionTicket): Promise<TlsClient> {
  const store = new MemoryTicketStore();
  store.put('server', ticket);
  return new TlsClient({
    provider: p,
    serverName: 'server',
    rejectUnauthorized: false,
    middleboxCompat: false,
    clientRandom: R.clientHello.subarray(6, 38),
    keyShares: [await p.keyShareFromPrivateKey('x25519', R.clientX25519Private)],
    cipherSuites: SUITES,
    ticketStore: store,
    clientHelloHook: (ch) => ({
      ...ch,
      extensions: ch.extensions.flatMap((e): ClientHelloExtension[] => {
        switch (e.type) {
          case 'server_name':
            return [e, { type: 'raw', code: 0xff01, data: Uint8Array.of(0) }];
          case 'supported_groups':
            return [{ ...e, groups: FFDHE_AND_MORE }];
          case 'key_share':
            return [e, { type: 'early_data' }]; // the trace's client offers 0-RTT
          case 'signature_algorithms':
            return [{ ...e, schemes: TRACE_SCHEMES }];
          case 'record_size_limit':
            return [e, { type: 'raw', code: 0x15, data: new Uint8Array(0x57) }];
          case 'pre_shared_key':
            return [{ ...e, identities: e.identities.map((id) => ({ ...id, obfuscatedTicketAge: OBFUSCATED_TICKET_AGE })) }];
          default:
            return [e];
        }
      }),
    }),
  });
}

/** The section-4 server: the trace's random and key share; knows the trace's ticket. */
async function resumingServer(p: CryptoProvider, ticketIdentity: Uint8Array): Promise<TlsServer> {
  return new TlsServer({
    provider: p,
    serverRandom: R.serverHello.subarray(6, 38),
    keyShares: [await p.keyShareFromPrivateKey('x25519', R.serverX25519Private)],
    certificates: [], // a full handshake would fail: resumption is the only way through
    extraEncryptedExtensions: [
      { type: 'supported_groups', groups: FFDHE_AND_MORE },
    ],
    ticketCount: 0,
    decodeTicket: (identity) =>
      toHex(identity) === toHex(ticketIdentity)
        ? {
            cipherSuiteId: 0x1301,
            psk: R.psk,
            ticketAgeAdd: TICKET_AGE_ADD,
            issuedAt: Date.now() - 1000,
            lifetime: 30,
            alpnProtocol: null,
            serverName: 'server',
          }
        : undefined,
    serverHelloHook: (sh) => ({
      ...sh,
      extensions: [...sh.extensions.filter((e) => e.type === 'pre_shared_key'), ...sh.extensions.filter((e) => e.type !== 'pre_shared_key')],
    }),
  });
}

async function open(p: CryptoProvider, secret: Uint8Array, rec: Uint8Array): Promise<{ contentType: number; plaintext: string }> {
  const opener = await RecordOpener.create(p, TLS_AES_128_GCM_SHA256, secret);
  const opened = await opener.openRecord(rec);
  assert.ok(opened, 'record opens under the trace key');
  return { contentType: opened.contentType, plaintext: toHex(opened.plaintext) };
}

/** The engine's error, read through a call (assertions on `engine.error` narrow it to null). */
const errorOf = (engine: TlsClient | TlsServer): TlsError | null => engine.error;

const hashOf = (p: CryptoProvider, ...parts: Uint8Array[]): Promise<Uint8Array> => p.hash('SHA-256', Buffer.concat(parts));

for (const name of ['webcrypto', 'forge'] as const) {
  describe(`RFC 8448 resumed handshake through the engine (${name})`, () => {
    const p = getProvider(name);
    const cr = toHex(R.clientHello.subarray(6, 38));

    it('client: the resumed ClientHello, PSK binder included, equals the trace', async () => {
      const ticket = await section3Ticket(p);
      const client = await resumingClient(p, ticket);
      const w = record(client);
      await client.start();
      assert.equal(client.error, null, String(client.error));
      assert.equal(toHex(w.sent[0]!.subarray(-32)), toHex(R.binder));
      assert.equal(toHex(w.sent[0]!), toHex(R.clientHelloRecord));
    });

    it('server: trace ClientHello → binder verified, ServerHello and handshake secrets as the trace; EncryptedExtensions without early_data', async () => {
      const ticket = await section3Ticket(p);
      const server = await resumingServer(p, ticket.ticket);
      const w = record(server);
      await server.receive(R.clientHelloRecord);
      assert.equal(server.error, null, String(server.error));
      assert.equal(toHex(w.sent[0]!), toHex(R.serverHelloRecord));
      const log = keylog(w);
      assert.ok(log.includes(`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${cr} ${toHex(R.clientHandshakeTrafficSecret)}`));
      assert.ok(log.includes(`SERVER_HANDSHAKE_TRAFFIC_SECRET ${cr} ${toHex(R.serverHandshakeTrafficSecret)}`));

      // The trace's flight under the trace's key, for comparison: its EncryptedExtensions ends in early_data.
      const traceFlight = await open(p, R.serverHandshakeTrafficSecret, R.serverHandshakeFlightRecord);
      assert.equal(traceFlight.plaintext, toHex(R.serverHandshakeFlight));
      assert.equal(toHex(R.encryptedExtensions), `${toHex(EE_WITHOUT_EARLY_DATA).replace('080000240022', '080000280026')}002a0000`);
      // Ours, under the same key: that EncryptedExtensions minus early_data (no Certificate: PSK),
      // and the Finished RFC 8446 gives over ClientHello, ServerHello and it.
      assert.equal(w.sent.length, 2);
      const ours = await open(p, R.serverHandshakeTrafficSecret, w.sent[1]!);
      assert.equal(ours.contentType, 22);
      const verifyData = await computeFinished(p, 'SHA-256', R.serverFinishedKey, await hashOf(p, R.clientHello, R.serverHello, EE_WITHOUT_EARLY_DATA));
      assert.equal(ours.plaintext, `${toHex(EE_WITHOUT_EARLY_DATA)}14000020${toHex(verifyData)}`);

      // The client's early data and EndOfEarlyData (early traffic key) are skipped...
      await server.receive(R.earlyApplicationDataRecord);
      await server.receive(R.endOfEarlyDataRecord);
      assert.equal(server.error, null, String(server.error));
      assert.ok(!w.events.some((e) => e.type === 'data'));
      // ...and the trace's client Finished decrypts under our client handshake key (= the trace's)
      // but covers another transcript: decrypt_error, not bad_record_mac.
      await server.receive(R.clientFinishedRecord);
      const failure = errorOf(server);
      assert.equal(failure?.alert, AlertDescription.decrypt_error, String(failure));
      assert.equal(failure?.origin, 'local');
    });

    it('server: a binder that does not verify is decrypt_error', async () => {
      const ticket = await section3Ticket(p);
      const server = await resumingServer(p, ticket.ticket);
      const tampered = R.clientHelloRecord;
      tampered[tampered.length - 1]! ^= 1;
      await server.receive(tampered);
      assert.equal(errorOf(server)?.alert, AlertDescription.decrypt_error, String(server.error));
    });

    it('client: trace server records → the trace application secrets, data and alert records; Finished without EndOfEarlyData', async () => {
      const ticket = await section3Ticket(p);
      const client = await resumingClient(p, ticket);
      const w = record(client);
      await client.start();
      await client.receive(R.serverHelloRecord);
      // The trace's EncryptedExtensions carries early_data, which this ClientHello offered.
      await client.receive(R.serverHandshakeFlightRecord);
      assert.equal(client.error, null, String(client.error));
      const done = w.events.find((e) => e.type === 'handshake');
      assert.ok(done && done.type === 'handshake' && done.info.resumed);
      const log = keylog(w);
      assert.ok(log.includes(`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${cr} ${toHex(R.clientHandshakeTrafficSecret)}`));
      assert.ok(log.includes(`CLIENT_TRAFFIC_SECRET_0 ${cr} ${toHex(R.clientApplicationTrafficSecret)}`));
      assert.ok(log.includes(`SERVER_TRAFFIC_SECRET_0 ${cr} ${toHex(R.serverApplicationTrafficSecret)}`));
      assert.ok(log.includes(`EXPORTER_SECRET ${cr} ${toHex(R.exporterMasterSecret)}`));

      // Our Finished: no EndOfEarlyData before it, so it covers ClientHello..server Finished only.
      assert.equal(w.sent.length, 2);
      assert.notEqual(toHex(w.sent[1]!), toHex(R.clientFinishedRecord));
      const fin = await open(p, R.clientHandshakeTrafficSecret, w.sent[1]!);
      const verifyData = await computeFinished(
        p,
        'SHA-256',
        R.clientFinishedKey,
        await hashOf(p, R.clientHello, R.serverHello, R.encryptedExtensions, R.serverFinished),
      );
      assert.equal(fin.plaintext, `14000020${toHex(verifyData)}`);

      // Application data both ways is the trace's (the application keys are).
      const got: Uint8Array[] = [];
      client.on((e) => e.type === 'data' && got.push(e.data));
      await client.receive(R.serverApplicationDataRecord);
      assert.equal(toHex(Buffer.concat(got)), toHex(R.applicationData));
      await client.sendApplicationData(R.applicationData);
      assert.equal(toHex(w.sent[2]!), toHex(R.clientApplicationDataRecord));
      await client.close();
      assert.equal(toHex(w.sent[3]!), toHex(R.clientAlertRecord));
    });

    it('our client and our server complete the resumption from the trace inputs', async () => {
      const ticket = await section3Ticket(p);
      const client = await resumingClient(p, ticket);
      const server = await resumingServer(p, ticket.ticket);
      const cw = record(client);
      const sw = record(server);
      client.on((e) => e.type === 'send' && void server.receive(e.data));
      server.on((e) => e.type === 'send' && void client.receive(e.data));
      await client.start();
      for (let i = 0; i < 4; i++) {
        await server.idle();
        await client.idle();
      }
      assert.equal(client.error, null, String(client.error));
      assert.equal(server.error, null, String(server.error));
      assert.equal(toHex(cw.sent[0]!), toHex(R.clientHelloRecord));
      assert.equal(toHex(sw.sent[0]!), toHex(R.serverHelloRecord));
      const info = (w: Wire) => {
        const done = w.events.find((e) => e.type === 'handshake');
        assert.ok(done && done.type === 'handshake');
        return done.info;
      };
      assert.ok(info(cw).resumed && info(sw).resumed);
      // The client reports the certificate of the session it resumed (section 3's), the server none.
      assert.equal(info(cw).peerCertificates.length, 1);
      assert.equal(info(sw).peerCertificates.length, 0);
      const got: Uint8Array[] = [];
      server.on((e) => e.type === 'data' && got.push(e.data));
      await client.sendApplicationData(R.applicationData);
      await server.idle();
      assert.equal(toHex(Buffer.concat(got)), toHex(R.applicationData));
    });
  });
}
