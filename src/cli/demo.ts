/**
 * `tlsport demo` (and `npm start`): a listener on every registered backend, a client connecting
 * to it, and a table of what each handshake negotiated. Secure backends get a fresh test CA and
 * verify the server's certificate for real.
 */
import { getBackend, listBackends } from '../registry.js';
import type { ConnectOptions, HandshakeInfo, ListenOptions } from '../transport.js';

interface Row { backend: string; alpn: string; version: string; cipher: string; ms: string; note: string }

async function handshakeOver(name: string, tls: { caPem: string; certPem: string; keyPem: string }): Promise<Row> {
  const backend = await getBackend(name);
  const secret = backend.secure ? { cert: tls.certPem, key: tls.keyPem } : {};
  const listenOptions: ListenOptions = { host: '127.0.0.1', port: 0, alpn: ['h2', 'http/1.1'], ...secret };
  const listener = await backend.listen(listenOptions);
  try {
    const started = performance.now();
    const connectOptions: ConnectOptions = {
      host: listener.address.host, port: listener.address.port, alpn: ['h2', 'http/1.1'],
      handshakeTimeoutMs: 10_000,
      ...(backend.secure ? { ca: tls.caPem, serverName: 'localhost' } : {}),
    };
    const client = await backend.connect(connectOptions);
    const server = await listener.accept();
    const [info]: [HandshakeInfo, HandshakeInfo | undefined] = await Promise.all([client.handshake(), server?.handshake()]);
    const ms = performance.now() - started;
    // One round of bytes both ways, so the row says the connection carries data too.
    await client.write(new TextEncoder().encode('ping'));
    const got = await server!.read();
    await Promise.all([client.close(), server!.close()]);
    return {
      backend: name,
      alpn: info.alpnProtocol ?? '-',
      version: info.tlsVersion ?? '-',
      cipher: info.cipherSuite ?? '-',
      ms: ms.toFixed(1),
      note: got && got.length > 0 ? (backend.secure ? 'certificate verified, data flows' : 'no TLS, data flows') : 'no data',
    };
  } finally {
    await listener.close();
  }
}

export async function run(): Promise<number> {
  const { createTestPki } = await import('../certs.js');
  const pki = await createTestPki({ keyType: 'ecdsa-p256' });
  const leaf = await pki.issue({ names: ['localhost', '127.0.0.1'] });
  const rows: Row[] = [];
  let failures = 0;
  for (const { name } of listBackends()) {
    try {
      rows.push(await handshakeOver(name, { caPem: pki.caPem, certPem: leaf.certPem, keyPem: leaf.keyPem }));
    } catch (err) {
      failures++;
      rows.push({ backend: name, alpn: '', version: '', cipher: '', ms: '', note: `FAILED: ${(err as Error).message}` });
    }
  }
  const header: Row = { backend: 'backend', alpn: 'ALPN', version: 'TLS version', cipher: 'cipher suite', ms: 'handshake ms', note: 'check' };
  const keys = Object.keys(header) as Array<keyof Row>;
  const widths = keys.map((k) => Math.max(...[header, ...rows].map((r) => r[k].length)));
  const line = (r: Row) => keys.map((k, i) => r[k].padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
  return failures === 0 ? 0 : 1;
}
