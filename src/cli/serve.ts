/** `tlsport serve`: the test app (src/cli/test-app.ts) over any backend, until SIGINT/SIGTERM. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getBackend } from '../registry.js';
import { createServer } from '../http2/index.js';
import { testApp } from './test-app.js';

const HELP = `usage: tlsport serve [--backend B] [--host H] [--port P] [--cert F --key F]

  --backend B   transport backend (default node-tls; tcp serves cleartext h2c)
  --host H      address to listen on (default 127.0.0.1)
  --port P      port (default 8443; 0 picks a free one)
  --cert F, --key F   PEM certificate chain and key; without them a self-signed
                certificate for localhost, 127.0.0.1 and ::1 is made
`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: 'string', default: 'node-tls' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8443' },
      cert: { type: 'string' },
      key: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { process.stdout.write(HELP); return 0; }
  if ((values.cert === undefined) !== (values.key === undefined)) {
    process.stderr.write('tlsport serve: --cert and --key go together\n');
    return 2;
  }
  const backend = await getBackend(values.backend);
  let tls: { cert: string; key: string } | Record<string, never> = {};
  if (backend.secure) {
    if (values.cert !== undefined && values.key !== undefined) {
      tls = { cert: readFileSync(values.cert, 'utf8'), key: readFileSync(values.key, 'utf8') };
    } else {
      const { selfSigned } = await import('../certs.js');
      const made = await selfSigned({ names: ['localhost', '127.0.0.1', '::1'] });
      tls = { cert: made.certPem, key: made.keyPem };
      process.stderr.write('using a self-signed certificate for localhost, 127.0.0.1 and ::1 (clients need --insecure / -k)\n');
    }
  }
  const server = createServer({
    backend,
    ...tls,
    onError: (err, context) => process.stderr.write(`${context} error: ${err instanceof Error ? err.message : String(err)}\n`),
  }, testApp);
  const address = await server.listen({ host: values.host, port: Number(values.port) });
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  process.stdout.write(`${backend.secure ? 'https' : 'http'}://${host}:${address.port}/\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
