/**
 * Signature algorithms in certificates vs in CertificateVerify (RFC 8446 sections 4.2.3,
 * 4.4.2.2, 4.4.2.3, 4.4.3), in memory:
 * - the signatures inside a peer's chain must use a scheme we advertised in
 *   signature_algorithms_cert, or in signature_algorithms when we sent no _cert; otherwise
 *   unsupported_certificate (the default of 4.4.2.2); trust anchors' own signatures are exempt;
 * - a server (and a client) picks the chain the peer's lists allow when it has one, and sends
 *   its only chain anyway when it has no choice;
 * - PKCS#1 v1.5 is fine in certificates and never in CertificateVerify, even with a valid
 *   signature and even when the receiver listed it in signature_algorithms.
 *
 * Test PKI: an rsa-2048 CA signs with rsa_pkcs1_sha256, an ecdsa-p256 CA with
 * ecdsa_secp256r1_sha256, whatever the key of the certificate it issues.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CryptoProvider, SignatureSchemeName } from '../../backends/forge-tls13/crypto/provider.js';
import { certificateVerifyContent, chooseCertificate, DEFAULT_VERIFY_SCHEMES } from '../../backends/forge-tls13/engine/common.js';
import type { CertifiedKeyHandle, ClientEngineConfig, ServerEngineConfig } from '../../backends/forge-tls13/engine/index.js';
import { mapForgeError } from '../../backends/forge-tls13/index.js';
import { TLS_AES_128_GCM_SHA256, Transcript } from '../../backends/forge-tls13/key-schedule.js';
import { HandshakeType, SignatureScheme } from '../../backends/forge-tls13/wire/constants.js';
import { TlsError } from '../../backends/forge-tls13/wire/errors.js';
import { findExtension } from '../../backends/forge-tls13/wire/extensions.js';
import { decodeHandshake, encodeHandshake, type Role } from '../../backends/forge-tls13/wire/messages.js';
import { parseCertificate } from '../../backends/forge-tls13/x509/index.js';
import { selfSigned, type CertifiedKey, type KeyType } from '../../src/certs.js';
import { getProvider, pair, pemToDer, pkiFor, type Pair } from './engine-harness.js';
import { keylogSecret, openHandshake, sealerFor, splitMessages, splitRecords } from './wiretap.js';

const p = getProvider('webcrypto');

/** Everything but PKCS#1 v1.5: what a peer that refuses PKCS#1-signed chains advertises. */
const NO_PKCS1: readonly SignatureSchemeName[] = DEFAULT_VERIFY_SCHEMES.filter((s) => !s.startsWith('rsa_pkcs1_'));

async function handle(leaf: CertifiedKey, provider: CryptoProvider = p, chain: readonly Uint8Array[] = [leaf.certDer]): Promise<CertifiedKeyHandle> {
  return { chain, key: await provider.importPrivateKey(leaf.keyPem) };
}
const caOf = async (keyType: KeyType): Promise<Uint8Array> => pemToDer((await pkiFor(keyType)).caPem)[0]!;

/** An ECDSA P-256 leaf for localhost issued by the CA of `caType` (so signed with its scheme). */
async function leafFrom(caType: KeyType): Promise<CertifiedKey> {
  return (await pkiFor(caType)).issue({ names: ['localhost'], keyType: 'ecdsa-p256' });
}

async function run(client: Partial<ClientEngineConfig>, server: Partial<ServerEngineConfig>): Promise<Pair> {
  const pr = pair({ provider: p, serverName: 'localhost', ...client }, { provider: p, ...server });
  await pr.client.engine.start();
  await Promise.race([
    Promise.allSettled([pr.client.handshake, pr.server.handshake]).then(() => pr.settle()),
    pr.client.failure,
    pr.server.failure,
  ]);
  await pr.settle();
  return pr;
}

function assertRefused(err: TlsError | null, alert: string, pattern: RegExp): void {
  assert.ok(err instanceof TlsError, 'the handshake failed');
  assert.equal(err.alertName, alert, err.message);
  assert.equal(err.origin, 'local');
  assert.match(err.message, pattern);
}

describe('signature_algorithms_cert: the chain we verify', () => {
  it('the ClientHello carries signature_algorithms_cert only when configured', async () => {
    const ca = await caOf('ecdsa-p256');
    const server = { certificates: [await handle(await leafFrom('ecdsa-p256'))] };
    for (const certificateSignatureSchemes of [undefined, NO_PKCS1]) {
      let hello: Uint8Array | undefined;
      const pr = pair(
        { provider: p, serverName: 'localhost', trustAnchors: [ca], ...(certificateSignatureSchemes ? { certificateSignatureSchemes } : {}) },
        { provider: p, ...server },
        { tamper: (dir, b) => ((hello ??= dir === 'c2s' ? b : undefined), b) },
      );
      await pr.client.engine.start();
      await Promise.all([pr.client.handshake, pr.server.handshake]);
      const ch = decodeHandshake(hello![5]!, splitRecords(hello!)[0]!.body.subarray(4), { role: 'server', expected: [HandshakeType.client_hello] });
      const sa = findExtension(ch.extensions, 'signature_algorithms');
      assert.ok(sa?.schemes.includes(SignatureScheme.rsa_pkcs1_sha256), 'PKCS#1 offered for certificates (4.2.3 allows it)');
      const sac = findExtension(ch.extensions, 'signature_algorithms_cert');
      if (certificateSignatureSchemes) assert.deepEqual(sac?.schemes, NO_PKCS1.map((s) => SignatureScheme[s]));
      else assert.equal(sac, undefined);
    }
  });

  it('a chain signed with PKCS#1 is accepted by default (in signature_algorithms)', async () => {
    const pr = await run({ trustAnchors: [await caOf('rsa-2048')] }, { certificates: [await handle(await leafFrom('rsa-2048'))] });
    assert.equal(pr.client.engine.error, null);
    assert.ok(pr.client.engine.connected);
  });

  it('refused with unsupported_certificate when not in signature_algorithms_cert', async () => {
    const pr = await run(
      { trustAnchors: [await caOf('rsa-2048')], certificateSignatureSchemes: NO_PKCS1 },
      { certificates: [await handle(await leafFrom('rsa-2048'))] },
    );
    assertRefused(pr.client.engine.error, 'unsupported_certificate', /rsa_pkcs1_sha256.*did not advertise/);
    assert.equal(mapForgeError(pr.client.engine.error, 'handshake').code, 'CERT_INVALID');
    // The server did not refuse anything itself: it had no other chain, so it sent this one.
    assert.equal(pr.server.engine.error?.origin, 'remote');
  });

  it('without signature_algorithms_cert, signature_algorithms applies to the chain', async () => {
    const pr = await run(
      { trustAnchors: [await caOf('rsa-2048')], signatureSchemes: NO_PKCS1 },
      { certificates: [await handle(await leafFrom('rsa-2048'))] },
    );
    assertRefused(pr.client.engine.error, 'unsupported_certificate', /rsa_pkcs1_sha256/);
  });

  it('signature_algorithms_cert wins over signature_algorithms for the chain', async () => {
    // PKCS#1 is not in signature_algorithms, but the _cert list allows it: accepted.
    const pr = await run(
      { trustAnchors: [await caOf('rsa-2048')], signatureSchemes: NO_PKCS1, certificateSignatureSchemes: ['rsa_pkcs1_sha256'] },
      { certificates: [await handle(await leafFrom('rsa-2048'))] },
    );
    assert.equal(pr.client.engine.error, null);
    assert.ok(pr.client.engine.connected);
  });

  it("a trust anchor's own signature is exempt, an intermediate's is not", async () => {
    // root (rsa-2048, signs PKCS#1) → intermediate (P-256) → leaf (signed ECDSA by the intermediate).
    const root = await pkiFor('rsa-2048');
    const intermediate = await root.issue({ isCA: true, keyType: 'ecdsa-p256', commonName: 'tlsport test intermediate' });
    const leaf = await root.issue({ issuer: intermediate, names: ['localhost'] });
    const server = { certificates: [await handle(leaf, p, [leaf.certDer, intermediate.certDer])] };
    // Anchored at the intermediate, the only signature checked is the leaf's (ECDSA): accepted.
    const anchoredLow = await run({ trustAnchors: [intermediate.certDer], certificateSignatureSchemes: NO_PKCS1 }, server);
    assert.equal(anchoredLow.client.engine.error, null);
    // Anchored at the root, the intermediate's PKCS#1 signature is part of the path: refused.
    const anchoredHigh = await run({ trustAnchors: [await caOf('rsa-2048')], certificateSignatureSchemes: NO_PKCS1 }, server);
    assertRefused(anchoredHigh.client.engine.error, 'unsupported_certificate', /tlsport test intermediate.*rsa_pkcs1_sha256/);
    // A pinned self-signed certificate begins its own path: its signature is never checked.
    const pinned = await selfSigned({ names: ['localhost'], keyType: 'rsa-2048' });
    const self = await run({ trustAnchors: [pinned.certDer], certificateSignatureSchemes: NO_PKCS1 }, { certificates: [await handle(pinned)] });
    assert.equal(self.client.engine.error, null);
  });
});

describe('signature_algorithms_cert: the chain we send', () => {
  it('the server prefers a chain the client allows; it sends its first one otherwise', async () => {
    const viaRsa = await handle(await leafFrom('rsa-2048'));
    const viaEc = await handle(await leafFrom('ecdsa-p256'));
    const trustAnchors = [await caOf('rsa-2048'), await caOf('ecdsa-p256')];
    const sent = async (client: Partial<ClientEngineConfig>): Promise<Uint8Array> => {
      const pr = await run({ trustAnchors, ...client }, { certificates: [viaRsa, viaEc] });
      const info = await pr.client.handshake;
      return info.peerCertificates[0]!;
    };
    assert.deepEqual(await sent({}), viaRsa.chain[0], 'no preference: the first certificate');
    assert.deepEqual(await sent({ certificateSignatureSchemes: NO_PKCS1 }), viaEc.chain[0], 'by signature_algorithms_cert');
    assert.deepEqual(await sent({ signatureSchemes: NO_PKCS1 }), viaEc.chain[0], 'by signature_algorithms when no _cert');
  });

  it('a self-signed certificate on top of our chain is exempt from the match (4.4.2.2)', async () => {
    // Signed with PKCS#1 by itself, so only its exemption makes it match a list without PKCS#1.
    const pinned = await selfSigned({ names: ['localhost'], keyType: 'rsa-2048' });
    const viaRsa = await handle(await leafFrom('rsa-2048'));
    const pr = await run(
      { trustAnchors: [pinned.certDer, await caOf('rsa-2048')], certificateSignatureSchemes: NO_PKCS1 },
      { certificates: [viaRsa, await handle(pinned)] },
    );
    assert.deepEqual((await pr.client.handshake).peerCertificates[0], pinned.certDer);
  });

  it('the client picks its certificate by the CertificateRequest signature_algorithms_cert', async () => {
    const viaRsa = await handle(await leafFrom('rsa-2048'));
    const viaEc = await handle(await leafFrom('ecdsa-p256'));
    const server = {
      certificates: [await handle(await leafFrom('ecdsa-p256'))],
      requestCert: true,
      trustAnchors: [await caOf('rsa-2048'), await caOf('ecdsa-p256')],
    };
    const clientCa = [await caOf('ecdsa-p256')];
    // Default CertificateRequest: PKCS#1 allowed in chains, so the first certificate goes and verifies.
    const byDefault = await run({ trustAnchors: clientCa, certificates: [viaRsa, viaEc] }, server);
    assert.deepEqual((await byDefault.server.handshake).peerCertificates[0], viaRsa.chain[0]);
    // A server that refuses PKCS#1-signed chains: the client sends the other one.
    const strict = await run({ trustAnchors: clientCa, certificates: [viaRsa, viaEc] }, { ...server, certificateSignatureSchemes: NO_PKCS1 });
    assert.deepEqual((await strict.server.handshake).peerCertificates[0], viaEc.chain[0]);
    // ... and with only the PKCS#1-signed one, the client sends it anyway and the server refuses it.
    const onlyRsa = await run({ trustAnchors: clientCa, certificates: [viaRsa] }, { ...server, certificateSignatureSchemes: NO_PKCS1 });
    assertRefused(onlyRsa.server.engine.error, 'unsupported_certificate', /rsa_pkcs1_sha256/);
    assert.equal(onlyRsa.client.engine.error?.origin, 'remote');
  });

  it('chooseCertificate: never a PKCS#1 scheme for CertificateVerify; one usable key is used whatever its chain', () => {
    const rsaKey = { kind: 'rsa', schemes: ['rsa_pkcs1_sha256', 'rsa_pss_rsae_sha256'] } as const;
    const cert = { chain: [new Uint8Array([0x30, 0x00])], key: rsaKey };
    const ids = (names: readonly SignatureSchemeName[]): number[] => names.map((n) => SignatureScheme[n]);
    assert.equal(chooseCertificate([cert], ids(['rsa_pkcs1_sha256', 'rsa_pss_rsae_sha256']), [])?.scheme, 'rsa_pss_rsae_sha256');
    assert.equal(chooseCertificate([cert], ids(['rsa_pkcs1_sha256']), ids(['rsa_pkcs1_sha256'])), null);
    // An unparsable chain matches no list, but as the only usable certificate it is still chosen.
    assert.equal(chooseCertificate([cert], ids(['rsa_pss_rsae_sha256']), ids(['ed25519']))?.cert, cert);
  });
});

// ---------------------------------------------------------------------------------------------
// PKCS#1 v1.5 in CertificateVerify: a peer forged from the key log

/**
 * Holds the first protected flight `signer` sends, replaces its CertificateVerify by one made
 * with rsa_pkcs1_sha256 (a valid signature over the right transcript, or the original one when
 * `forge` is false), seals it again under the logged handshake secret and delivers it.
 */
async function pkcs1CertificateVerify(signer: Role, forge: boolean): Promise<{ pr: Pair; certificateRequest: Uint8Array | undefined }> {
  const rsa = await (await pkiFor('rsa-2048')).issue({ names: ['localhost'], commonName: 'localhost' });
  const ec = await leafFrom('ecdsa-p256');
  const rsaHandle = await handle(rsa);
  const seen: Record<'c2s' | 's2c', Uint8Array[]> = { c2s: [], s2c: [] };
  const held = signer === 'server' ? 's2c' : 'c2s';
  let flight: Uint8Array | undefined;
  const pr = pair(
    {
      provider: p,
      serverName: 'localhost',
      trustAnchors: [await caOf('rsa-2048'), await caOf('ecdsa-p256')],
      cipherSuites: ['TLS_AES_128_GCM_SHA256'],
      ...(signer === 'client' ? { certificates: [rsaHandle] } : {}),
    },
    {
      provider: p,
      certificates: [signer === 'server' ? rsaHandle : await handle(ec)],
      trustAnchors: [await caOf('rsa-2048')],
      ...(signer === 'client' ? { requestCert: true } : {}),
    },
    {
      tamper: (dir, b) => {
        if (dir === held && flight === undefined && splitRecords(b).some((r) => r.type === 23)) {
          flight = b;
          return null;
        }
        seen[dir].push(b);
        return b;
      },
    },
  );
  await pr.client.engine.start();
  await pr.settle();
  assert.ok(flight, `the ${signer}'s flight was held`);
  const suite = TLS_AES_128_GCM_SHA256;
  const plain = (chunks: readonly Uint8Array[]): Uint8Array[] =>
    splitMessages(Buffer.concat(chunks.flatMap((c) => splitRecords(c).filter((r) => r.type === 22).map((r) => r.body))));
  const protectedRecords = (chunks: readonly Uint8Array[]) => chunks.flatMap((c) => splitRecords(c).filter((r) => r.type === 23));
  const serverSecret = keylogSecret(pr.server.events, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
  // The transcript up to the CertificateVerify: ClientHello, ServerHello, then for a client
  // signer the server's whole flight.
  const transcript = new Transcript(p, 'SHA-256');
  transcript.add(...plain(seen.c2s), ...plain(seen.s2c));
  let certificateRequest: Uint8Array | undefined;
  if (signer === 'client') {
    const serverFlight = splitMessages(await openHandshake(p, suite, serverSecret, protectedRecords(seen.s2c)));
    certificateRequest = serverFlight.find((m) => m[0] === HandshakeType.certificate_request);
    transcript.add(...serverFlight);
  }
  const secret = signer === 'server' ? serverSecret : keylogSecret(pr.client.events, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
  const messages = splitMessages(await openHandshake(p, suite, secret, splitRecords(flight)));
  const at = messages.findIndex((m) => m[0] === HandshakeType.certificate_verify);
  assert.ok(at > 0, 'the flight has a CertificateVerify');
  if (forge) {
    transcript.add(...messages.slice(0, at));
    const content = certificateVerifyContent(signer, await transcript.hash());
    const signature = await p.sign('rsa_pkcs1_sha256', rsaHandle.key, content);
    assert.ok(await p.verify('rsa_pkcs1_sha256', parseCertificate(rsa.certDer).subjectPublicKeyInfo, content, signature), 'a valid PKCS#1 signature');
    messages[at] = encodeHandshake({ type: HandshakeType.certificate_verify, algorithm: SignatureScheme.rsa_pkcs1_sha256, signature });
  }
  const sealer = await sealerFor(p, suite, secret);
  const receiver = signer === 'server' ? pr.client.engine : pr.server.engine;
  await receiver.receive(await sealer.seal(22, Buffer.concat(messages)));
  await pr.settle();
  return { pr, certificateRequest };
}

describe('PKCS#1 v1.5 is never accepted in CertificateVerify (RFC 8446 section 4.2.3, 4.4.3)', () => {
  it('the forged flight, sealed again unchanged, completes the handshake (the method works)', async () => {
    const { pr } = await pkcs1CertificateVerify('server', false);
    assert.equal(pr.client.engine.error, null);
    assert.ok(pr.client.engine.connected);
  });

  it('client: a server CertificateVerify with rsa_pkcs1_sha256 is illegal_parameter, though offered in signature_algorithms', async () => {
    const { pr } = await pkcs1CertificateVerify('server', true);
    assertRefused(pr.client.engine.error, 'illegal_parameter', /CertificateVerify with a scheme we did not offer \(0x401\)/);
  });

  it('server: a client CertificateVerify with rsa_pkcs1_sha256 is illegal_parameter; the CertificateRequest allows PKCS#1 only in chains', async () => {
    const { pr, certificateRequest } = await pkcs1CertificateVerify('client', true);
    assertRefused(pr.server.engine.error, 'illegal_parameter', /client CertificateVerify with a scheme we did not offer \(0x401\)/);
    assert.ok(certificateRequest);
    const cr = decodeHandshake(certificateRequest[0]!, certificateRequest.subarray(4), { role: 'client', expected: [HandshakeType.certificate_request] });
    assert.equal(findExtension(cr.extensions, 'signature_algorithms')?.schemes.includes(SignatureScheme.rsa_pkcs1_sha256), false);
    assert.equal(findExtension(cr.extensions, 'signature_algorithms_cert')?.schemes.includes(SignatureScheme.rsa_pkcs1_sha256), true);
  });
});
