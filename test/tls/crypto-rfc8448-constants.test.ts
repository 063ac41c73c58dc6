/**
 * Checks test/tls/rfc8448.ts itself: every constant against the RFC text (when the RFC file is
 * available) and the constants' internal consistency (message lengths, record framing, the RSA
 * key against its certificate).
 */

import { join } from 'node:path';
import assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  HELLO_RETRY_HEX,
  HELLO_RETRY_HEX_LINES,
  RESUMED_0RTT_HEX,
  RESUMED_0RTT_HEX_LINES,
  RSA_KEY_HEX,
  RSA_KEY_HEX_LINES,
  SIMPLE_1RTT_HEX,
  SIMPLE_1RTT_HEX_LINES,
  helloRetry,
  h,
  resumed0Rtt,
  rsaKey,
  rsaPrivateKeyPkcs8,
  serverCertificate,
  simple1Rtt,
  toHex,
} from './rfc8448.js';

// shared/ sits beside the project's checkout (npm test runs from the project root).
const RFC_PATH = process.env.RFC8448_PATH ?? join(process.cwd(), '..', 'shared', 'rfc', 'rfc8448.txt');

/** Reads the hex block that starts on (1-based) `line`: "label (n octets):  xx xx ..." + continuation lines. */
function readBlock(lines: readonly string[], line: number): { count: number | undefined; hex: string } {
  const first = (lines[line - 1] ?? '').replace(/^\f/, '');
  const m = /^\s+.+?(?: \((\d+) octets?\))?:\s+((?:[0-9a-f]{2} ?)+)$/.exec(first.trimEnd());
  if (!m) throw new Error(`no hex block at line ${line}`);
  const bytes = (m[2] as string).trim().split(' ');
  for (let i = line; i < lines.length; i++) {
    const t = (lines[i] as string).replace(/^\f/, '').trimEnd();
    if (t === '' || /^Thomson\s+Informational\s+\[Page \d+\]$/.test(t.trim()) || /^RFC 8448\s+TLS 1\.3 Traces\s+January 2019$/.test(t)) continue;
    const c = /^\s{6,}((?:[0-9a-f]{2})(?: [0-9a-f]{2})*)$/.exec(t);
    if (!c) break;
    bytes.push(...(c[1] as string).split(' '));
  }
  return { count: m[1] === undefined ? undefined : Number(m[1]), hex: bytes.join('') };
}

describe('RFC 8448 constants', () => {
  it('match the RFC text, block by block', { skip: existsSync(RFC_PATH) ? false : `${RFC_PATH} not present` }, () => {
    const lines = readFileSync(RFC_PATH, 'latin1').split('\n').map((l) => l.replace(/\r$/, ''));
    const tables: [Record<string, string>, Record<string, number>][] = [
      [RSA_KEY_HEX, RSA_KEY_HEX_LINES],
      [SIMPLE_1RTT_HEX, SIMPLE_1RTT_HEX_LINES],
      [RESUMED_0RTT_HEX, RESUMED_0RTT_HEX_LINES],
      [HELLO_RETRY_HEX, HELLO_RETRY_HEX_LINES],
    ];
    let checked = 0;
    for (const [table, lineOf] of tables) {
      assert.deepEqual(Object.keys(lineOf).sort(), Object.keys(table).sort());
      for (const [name, hex] of Object.entries(table)) {
        const block = readBlock(lines, lineOf[name] as number);
        if (block.count !== undefined) assert.equal(hex.length / 2, block.count, `${name}: octet count`);
        assert.equal(hex, block.hex, name);
        checked++;
      }
    }
    assert.ok(checked >= 170, `${checked} blocks checked`);
  });

  it('handshake messages carry their own lengths', () => {
    const messages = {
      ...Object.fromEntries(
        ['clientHello', 'serverHello', 'encryptedExtensions', 'certificate', 'certificateVerify', 'serverFinished', 'clientFinished', 'newSessionTicket'].map((k) => [
          `1rtt.${k}`,
          simple1Rtt[k as keyof typeof simple1Rtt],
        ]),
      ),
      '0rtt.clientHello': resumed0Rtt.clientHello,
      '0rtt.serverHello': resumed0Rtt.serverHello,
      '0rtt.encryptedExtensions': resumed0Rtt.encryptedExtensions,
      '0rtt.endOfEarlyData': resumed0Rtt.endOfEarlyData,
      'hrr.clientHello1': helloRetry.clientHello1,
      'hrr.helloRetryRequest': helloRetry.helloRetryRequest,
      'hrr.clientHello2': helloRetry.clientHello2,
      'hrr.serverHello': helloRetry.serverHello,
    };
    for (const [name, m] of Object.entries(messages)) {
      assert.equal(((m[1] as number) << 16) | ((m[2] as number) << 8) | (m[3] as number), m.length - 4, name);
    }
    assert.equal(
      toHex(simple1Rtt.serverHandshakeFlight),
      toHex(new Uint8Array([...simple1Rtt.encryptedExtensions, ...simple1Rtt.certificate, ...simple1Rtt.certificateVerify, ...simple1Rtt.serverFinished])),
    );
    assert.equal(toHex(resumed0Rtt.serverHandshakeFlight), toHex(new Uint8Array([...resumed0Rtt.encryptedExtensions, ...resumed0Rtt.serverFinished])));
  });

  it('plaintext records are header + message; encrypted ones are sized for content + type + tag', () => {
    const plain: [Uint8Array, Uint8Array][] = [
      [simple1Rtt.clientHelloRecord, simple1Rtt.clientHello],
      [simple1Rtt.serverHelloRecord, simple1Rtt.serverHello],
      [resumed0Rtt.clientHelloRecord, resumed0Rtt.clientHello],
      [helloRetry.clientHello1Record, helloRetry.clientHello1],
      [helloRetry.helloRetryRequestRecord, helloRetry.helloRetryRequest],
      [helloRetry.clientHello2Record, helloRetry.clientHello2],
    ];
    for (const [record, message] of plain) {
      assert.equal(record[0], 22);
      assert.equal(toHex(record.subarray(5)), toHex(message));
      assert.equal(((record[3] as number) << 8) | (record[4] as number), message.length);
    }
    const encrypted: [Uint8Array, number][] = [
      [simple1Rtt.serverHandshakeFlightRecord, simple1Rtt.serverHandshakeFlight.length],
      [simple1Rtt.clientFinishedRecord, 36],
      [simple1Rtt.newSessionTicketRecord, simple1Rtt.newSessionTicket.length],
      [simple1Rtt.clientApplicationDataRecord, 50],
      [simple1Rtt.serverAlertRecord, 2],
      [resumed0Rtt.earlyApplicationDataRecord, 6],
      [resumed0Rtt.endOfEarlyDataRecord, 4],
      [helloRetry.serverHandshakeFlightRecord, helloRetry.serverHandshakeFlight.length],
    ];
    for (const [record, contentLength] of encrypted) {
      assert.deepEqual([...record.subarray(0, 3)], [23, 3, 3]);
      assert.equal(record.length, 5 + contentLength + 1 + 16);
    }
  });

  it('the RSA key (components and PKCS#8) is the certificate’s key', () => {
    const key = nodeCrypto.createPrivateKey({ key: Buffer.from(rsaPrivateKeyPkcs8()), format: 'der', type: 'pkcs8' });
    const jwk = key.export({ format: 'jwk' });
    const b64 = (x: Uint8Array) => Buffer.from(x).toString('base64url');
    assert.equal(jwk.n, b64(rsaKey.modulus));
    assert.equal(jwk.e, b64(rsaKey.publicExponent));
    assert.equal(jwk.d, b64(rsaKey.privateExponent));
    assert.equal(jwk.p, b64(rsaKey.prime1));
    assert.equal(jwk.q, b64(rsaKey.prime2));
    assert.equal(jwk.dp, b64(rsaKey.exponent1));
    assert.equal(jwk.dq, b64(rsaKey.exponent2));
    assert.equal(jwk.qi, b64(rsaKey.coefficient));
    const cert = new nodeCrypto.X509Certificate(serverCertificate());
    assert.ok(cert.checkPrivateKey(key));
    assert.equal(cert.subject, 'CN=rsa');
    // The certificate sits in the Certificate message after context, list and entry lengths.
    assert.equal(toHex(simple1Rtt.certificate.subarray(11, 11 + serverCertificate().length)), toHex(serverCertificate()));
    assert.equal(toHex(helloRetry.certificate), toHex(simple1Rtt.certificate));
  });

  it('values are fresh copies', () => {
    const a = simple1Rtt.earlySecret;
    a.fill(0);
    assert.notEqual(toHex(simple1Rtt.earlySecret), toHex(a));
    assert.equal(toHex(h('00ff')), '00ff');
    assert.throws(() => h('0'), /bad hex/);
  });
});
