/**
 * The transport conformance suite over the forge-tls13 driver (real sockets on 127.0.0.1), with
 * each crypto provider.
 */
import net from 'node:net';
import { backend, createWebCryptoProvider, type CryptoProvider } from '../../backends/forge-tls13/index.js';
import { createTestPki } from '../../src/certs.js';
import { runConformanceSuite, type ConformanceSubject } from '../../src/conformance/index.js';

const pki = await createTestPki({ keyType: 'ecdsa-p256' });
const leaf = await pki.issue({ names: ['localhost', '127.0.0.1'] });

/** Accepts TCP connections and never answers. */
const stallingServer: ConformanceSubject['stallingServer'] = async () => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
};

// The webcrypto provider over the built-in crypto.subtle too: its default elsewhere than Node.
const builtin = createWebCryptoProvider({ subtle: globalThis.crypto.subtle, name: 'webcrypto-builtin' });
const providers: [string, 'webcrypto' | 'forge' | CryptoProvider][] = [
  ['webcrypto', 'webcrypto'],
  ['forge', 'forge'],
  ['webcrypto over built-in crypto.subtle', builtin],
];

for (const [label, crypto] of providers) {
  runConformanceSuite({
    backend,
    label: `forge-tls13 (${label})`,
    listenOptions: { cert: leaf.certPem, key: leaf.keyPem, crypto } as never,
    connectOptions: { ca: pki.caPem, serverName: 'localhost', crypto } as never,
    stallingServer,
    // forge's pure-JS AES-GCM is slow: keep the big echo smaller there.
    maxPayload: crypto === 'forge' ? 4 * 1024 * 1024 : 16 * 1024 * 1024,
    stepTimeoutMs: 10_000,
  });
}
