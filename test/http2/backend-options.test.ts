/**
 * Options a backend adds to the common ones reach it through `connect` and `createServer`, typed
 * when the caller names them (`connect<ForgeTlsOptions>(...)`) and a compile error otherwise.
 */
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { MemoryTicketStore, type ForgeTlsOptions } from '../../backends/forge-tls13/index.js';
import { createTestPki } from '../../src/certs.js';
import { connect, createServer, type Http2Client, type Http2Server } from '../../src/http2/index.js';

const closers: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const close of closers) await close();
});

it('forge-tls13 options pass through connect and createServer: tickets kept, then resumed; ticketCount 0 refuses', async () => {
  const pki = await createTestPki({ keyType: 'ecdsa-p256' });
  const leaf = await pki.issue({ names: ['localhost', '127.0.0.1'] });
  const handler = (req: { transportInfo: { resumed?: boolean } }, res: { end(body: string): Promise<void> }): void =>
    void res.end(String(req.transportInfo.resumed === true));

  const serve = async (ticketCount: number): Promise<number> => {
    const server: Http2Server = createServer<ForgeTlsOptions>({ backend: 'forge-tls13', cert: leaf.certPem, key: leaf.keyPem, ticketCount }, handler);
    closers.push(() => server.close({ timeoutMs: 200 }));
    return (await server.listen({ host: '127.0.0.1', port: 0 })).port;
  };
  const resumedFlags = async (port: number): Promise<string[]> => {
    const ticketStore = new MemoryTicketStore();
    const flags: string[] = [];
    for (let i = 0; i < 2; i++) {
      const client: Http2Client = await connect<ForgeTlsOptions>(`https://localhost:${port}/`, { backend: 'forge-tls13', ca: pki.caPem, ticketStore });
      flags.push(await (await client.request({ path: '/' })).text());
      await client.close();
    }
    return flags;
  };

  assert.deepEqual(await resumedFlags(await serve(2)), ['false', 'true'], 'the client store and the server tickets were used');
  assert.deepEqual(await resumedFlags(await serve(0)), ['false', 'false'], 'ticketCount: 0 reached the server');
});

// Compile-time only: an option no type declares is an error unless the backend's type is named.
export function typeChecks(): void {
  // @ts-expect-error: `ticketCount` is not a common option
  void createServer({ backend: 'forge-tls13', ticketCount: 0 }, () => {});
  // @ts-expect-error: a typo of a common option
  void connect('https://localhost/', { backnd: 'forge-tls13' });
  void connect<ForgeTlsOptions>('https://localhost/', { backend: 'forge-tls13', crypto: 'forge' });
}
