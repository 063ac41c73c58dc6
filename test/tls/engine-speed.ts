// Not a test: `node --import tsx test/tls/engine-speed.ts` measures both providers in memory.
import { getProvider, identity, pair } from './engine-harness.js';
for (const name of ['webcrypto', 'forge'] as const) {
  const p = getProvider(name);
  const id = await identity('ecdsa-p256', p);
  let t0 = performance.now();
  const N = 30;
  for (let i = 0; i < N; i++) {
    const pr = pair({ provider: p, serverName: 'localhost', trustAnchors: [id.ca] }, { provider: p, certificates: [id.handle] });
    await pr.client.engine.start();
    await Promise.all([pr.client.handshake, pr.server.handshake]);
  }
  const hs = (performance.now() - t0) / N;
  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'] as const) {
    const pr = pair({ provider: p, serverName: 'localhost', trustAnchors: [id.ca], cipherSuites: [suite] }, { provider: p, certificates: [id.handle] });
    await pr.client.engine.start();
    await pr.client.handshake;
    const chunk = new Uint8Array(64 * 1024);
    t0 = performance.now();
    for (let i = 0; i < 64; i++) await pr.client.engine.sendApplicationData(chunk);
    await pr.settle();
    const ms = performance.now() - t0;
    console.log(`${name}: handshake ${hs.toFixed(1)} ms; ${suite} 4 MiB seal+open ${ms.toFixed(0)} ms (${(4 / (ms / 1000)).toFixed(1)} MiB/s)`);
  }
}
