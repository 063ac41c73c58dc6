/**
 * RFC 8448 section 3 ("Simple 1-RTT Handshake") reproduced through the ENGINE, with the trace's
 * randoms and x25519 keys injected through the configuration:
 * - the client's ClientHello record equals the trace byte for byte (the trace's extra extensions
 *   are added through clientHelloHook; everything else, record_size_limit 2^14 + 1 included, is
 *   the engine's own encoding; so is the server's answer to it in EncryptedExtensions);
 * - the server's ServerHello record and its encrypted flight record equal the trace;
 * - the client's Finished record equals the trace.
 * CertificateVerify is RSA-PSS, which is randomised: the server's provider is wrapped so that
 * signing *exactly the content the trace signed* returns the trace's signature (and the test
 * checks that this signature verifies over the content the engine asked to sign). Any other
 * content falls through to a real signature, and the flight would then differ.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CryptoProvider } from '../../backends/forge-tls13/crypto/provider.js';
import { TlsClient, TlsServer, type EngineEvent } from '../../backends/forge-tls13/engine/index.js';
import { certificateVerifyContent } from '../../backends/forge-tls13/engine/common.js';
import { parseCertificate } from '../../backends/forge-tls13/x509/index.js';
import type { ClientHelloExtension } from '../../backends/forge-tls13/wire/extensions.js';
import { getProvider } from './engine-harness.js';
import { RSA_PRIVATE_KEY_PKCS8_HEX, SERVER_CERTIFICATE_HEX, h, simple1Rtt as T, toHex } from './rfc8448.js';

const FFDHE_AND_MORE = [0x1d, 0x17, 0x18, 0x19, 0x100, 0x101, 0x102, 0x103, 0x104];
const TRACE_SCHEMES = [0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202];

for (const name of ['webcrypto', 'forge'] as const) {
  describe(`RFC 8448 simple 1-RTT through the engine (${name})`, () => {
    it('ClientHello, ServerHello, server flight and client Finished match the trace', async () => {
      const p = getProvider(name);
      const cert = h(SERVER_CERTIFICATE_HEX);
      const cv = T.certificateVerify;
      const traceSignature = cv.subarray(8);
      const contentSigned = certificateVerifyContent(
        'server',
        await p.hash('SHA-256', Buffer.concat([T.clientHello, T.serverHello, T.encryptedExtensions, T.certificate])),
      );
      assert.ok(await p.verify('rsa_pss_rsae_sha256', parseCertificate(cert).subjectPublicKeyInfo, contentSigned, traceSignature));
      let stubUsed = false;
      const serverProvider: CryptoProvider = {
        ...p,
        sign: async (scheme, key, data) => {
          if (scheme === 'rsa_pss_rsae_sha256' && Buffer.from(data).equals(contentSigned)) {
            stubUsed = true;
            return traceSignature.slice();
          }
          return p.sign(scheme, key, data);
        },
      };

      const client = new TlsClient({
        provider: p,
        serverName: 'server',
        rejectUnauthorized: false, // the trace's certificate (CN=rsa) names no "server"
        middleboxCompat: false,
        clientRandom: T.clientHello.subarray(6, 38),
        keyShares: [await p.keyShareFromPrivateKey('x25519', T.clientX25519Private)],
        cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'],
        clientHelloHook: (ch) => ({
          ...ch,
          extensions: ch.extensions.flatMap((e): ClientHelloExtension[] => {
            switch (e.type) {
              case 'server_name':
                return [e, { type: 'raw' as const, code: 0xff01, data: Uint8Array.of(0) }];
              case 'supported_groups':
                return [{ ...e, groups: FFDHE_AND_MORE }, { type: 'raw' as const, code: 0x23, data: new Uint8Array(0) }];
              case 'signature_algorithms':
                return [{ ...e, schemes: TRACE_SCHEMES }];
              default:
                return [e];
            }
          }),
        }),
      });
      const server = new TlsServer({
        provider: serverProvider,
        serverRandom: T.serverHello.subarray(6, 38),
        keyShares: [await p.keyShareFromPrivateKey('x25519', T.serverX25519Private)],
        certificates: [{ chain: [cert], key: await p.importPrivateKey(h(RSA_PRIVATE_KEY_PKCS8_HEX)) }],
        extraEncryptedExtensions: [
          { type: 'supported_groups', groups: FFDHE_AND_MORE },
        ],
        ticketCount: 0,
      });
      const c2s: Uint8Array[] = [];
      const s2c: Uint8Array[] = [];
      const events: EngineEvent[] = [];
      client.on((e) => {
        events.push(e);
        if (e.type === 'send') {
          c2s.push(e.data);
          void server.receive(e.data);
        }
      });
      server.on((e) => {
        if (e.type === 'send') {
          s2c.push(e.data);
          void client.receive(e.data);
        }
      });
      await client.start();
      for (let i = 0; i < 4; i++) {
        await client.idle();
        await server.idle();
      }
      assert.equal(toHex(c2s[0]!), toHex(T.clientHelloRecord));
      assert.equal(toHex(s2c[0]!), toHex(T.serverHelloRecord));
      assert.ok(stubUsed, 'the engine signed exactly the content of the trace');
      assert.equal(toHex(s2c[1]!), toHex(T.serverHandshakeFlightRecord));
      assert.equal(client.error, null, String(client.error));
      assert.equal(toHex(c2s[1]!), toHex(T.clientFinishedRecord));
      assert.ok(client.connected && server.connected);
      // Secrets match the trace too (through the key log).
      const keylog = events.flatMap((e) => (e.type === 'keylog' ? [e.line] : []));
      assert.ok(keylog.includes(`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${toHex(T.clientHello.subarray(6, 38))} ${toHex(T.clientHandshakeTrafficSecret)}`));
      assert.ok(keylog.includes(`SERVER_TRAFFIC_SECRET_0 ${toHex(T.clientHello.subarray(6, 38))} ${toHex(T.serverApplicationTrafficSecret)}`));
      assert.ok(keylog.includes(`EXPORTER_SECRET ${toHex(T.clientHello.subarray(6, 38))} ${toHex(T.exporterMasterSecret)}`));
      // Application data of the trace (client → server) decrypts to the trace's payload.
      const got: Uint8Array[] = [];
      server.on((e) => e.type === 'data' && got.push(e.data));
      await server.receive(T.clientApplicationDataRecord);
      assert.equal(toHex(Buffer.concat(got)), toHex(T.applicationData));
    });
  });
}
