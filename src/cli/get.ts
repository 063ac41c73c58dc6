/**
 * `tlsport get URL`: one HTTP/2 request over any backend, the body to stdout.
 * Exit status: 0 for a 2xx answer, 1 for any other status, 2 for a usage error, 3 when the
 * connection or the protocol failed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connect } from '../http2/index.js';

const HELP = `usage: tlsport get URL [--backend B] [--insecure | --ca F] [-X M] [-H 'k: v']... [-d DATA | -d @FILE] [-v]

  --backend B    transport backend (default node-tls for https:, tcp for http:)
  -k, --insecure do not verify the server's certificate
  --ca F         trust the PEM certificates in F instead of the default roots
  -X M           request method (default GET, or POST with -d)
  -H 'k: v'      add a request header (repeatable)
  -d DATA        request body; -d @FILE reads it from FILE
  -v             negotiated ALPN / TLS details and headers to stderr
`;

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        backend: { type: 'string' },
        insecure: { type: 'boolean', short: 'k' },
        ca: { type: 'string' },
        request: { type: 'string', short: 'X' },
        header: { type: 'string', short: 'H', multiple: true },
        data: { type: 'string', short: 'd' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`tlsport get: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(HELP); return 0; }
  if (positionals.length !== 1) { process.stderr.write(HELP); return 2; }
  let url: URL;
  try { url = new URL(positionals[0]!); } catch { process.stderr.write(`tlsport get: not a URL: ${positionals[0]}\n`); return 2; }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') { process.stderr.write('tlsport get: only http: and https: URLs\n'); return 2; }

  const headers: Array<[string, string]> = [];
  for (const line of values.header ?? []) {
    const colon = line.indexOf(':');
    if (colon <= 0) { process.stderr.write(`tlsport get: header must be 'name: value', got ${JSON.stringify(line)}\n`); return 2; }
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const body = values.data === undefined ? undefined
    : values.data.startsWith('@') ? new Uint8Array(readFileSync(values.data.slice(1))) : values.data;
  const verbose = (text: string) => { if (values.verbose) process.stderr.write(text); };

  let client;
  try {
    client = await connect(url, {
      ...(values.backend !== undefined ? { backend: values.backend } : {}),
      ...(values.insecure ? { rejectUnauthorized: false } : {}),
      ...(values.ca !== undefined ? { ca: readFileSync(values.ca, 'utf8') } : {}),
    });
  } catch (err) {
    process.stderr.write(`tlsport get: cannot connect to ${url.host}: ${(err as Error).message}\n`);
    return 3;
  }
  try {
    const info = client.info;
    verbose(`* backend ${info.backend}, ALPN ${info.alpnProtocol ?? 'none'}, ${info.tlsVersion ?? 'no TLS'}, ${info.cipherSuite ?? 'no cipher'}\n`);
    const method = values.request ?? (body === undefined ? 'GET' : 'POST');
    verbose(`> ${method} ${url.pathname}${url.search}\n${headers.map(([k, v]) => `> ${k}: ${v}\n`).join('')}`);
    const response = await client.request({ method, path: `${url.pathname}${url.search}`, headers, ...(body !== undefined ? { body } : {}) });
    verbose(`< ${response.status}\n${Object.entries(response.headers).map(([k, v]) => `< ${k}: ${Array.isArray(v) ? v.join(', ') : v}\n`).join('')}`);
    for await (const chunk of response.body) {
      if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
    const trailers = await response.trailers;
    verbose(Object.entries(trailers).map(([k, v]) => `< (trailer) ${k}: ${v}\n`).join(''));
    return response.status >= 200 && response.status < 300 ? 0 : 1;
  } catch (err) {
    process.stderr.write(`tlsport get: ${(err as Error).message}\n`);
    return 3;
  } finally {
    await client.close();
  }
}
