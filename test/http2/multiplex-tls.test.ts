/**
 * The multiplexing HTTP/2 exists for, over real TLS: 10,000 requests on one connection with 100+
 * in flight, answered out of order, over each TLS backend.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPki, type CertifiedKey, type TestPki } from '../../src/certs.js';
import { connect, createServer, type Http2Server } from '../../src/http2/index.js';
import { withTimeout } from './peer.js';

let pki: TestPki;
let leaf: CertifiedKey;
before(async () => {
  pki = await createTestPki({ keyType: 'ecdsa-p256' });
  leaf = await pki.issue({ names: ['localhost', '127.0.0.1'] });
});

for (const backend of ['node-tls', 'forge-tls13']) {
  describe(`10,000 multiplexed requests over ${backend}`, () => {
    let server: Http2Server;
    after(() => server?.close());

    it('all correct, 100+ in flight, answered out of order', async () => {
      let inFlight = 0;
      let maxInFlight = 0;
      let seed = 7;
      // A tiny deterministic PRNG: which requests wait a little before being answered.
      const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
      server = createServer({ backend, cert: leaf.certPem, key: leaf.keyPem, settings: { maxConcurrentStreams: 250 } }, async (req, res) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Most answers wait a few ms, so many handlers overlap whatever the backend's record speed.
        if (random() < 0.8) await new Promise((r) => setTimeout(r, 1 + Math.floor(random() * 8)));
        inFlight--;
        res.respond(200, { 'x-id': req.path.slice(1) });
        await res.end(`body-${req.path.slice(1)}`);
      });
      const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
      const client = await connect(`https://localhost:${port}`, { backend, ca: pki.caPem });
      try {
        assert.equal(client.info.alpnProtocol, 'h2');
        assert.equal(client.info.backend, backend);
        const order: number[] = [];
        const ok = await withTimeout(Promise.all(Array.from({ length: 10_000 }, (_, i) =>
          client.request({ path: `/${i}` }).then(async (r) => {
            const text = await r.text();
            order.push(i);
            return r.status === 200 && r.headers['x-id'] === String(i) && text === `body-${i}`;
          }))), 90_000, `10k requests over ${backend}`);
        assert.equal(ok.filter(Boolean).length, 10_000, 'every response matches its request');
        assert.ok(maxInFlight >= 100, `at most ${maxInFlight} requests were in flight at once`);
        let inversions = 0;
        for (let i = 1; i < order.length; i++) if (order[i]! < order[i - 1]!) inversions++;
        assert.ok(inversions > 100, `answers came back in order (${inversions} inversions)`);
      } finally {
        await client.close();
      }
    });
  });
}
