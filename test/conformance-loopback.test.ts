/**
 * The conformance suite over the loopback backend: once on an ideal link, once with 5 ms of
 * latency each way, and once fragmenting every write into chunks of at most 7 bytes (payloads
 * scaled down: a 16 MiB echo in 7-byte reads would take minutes).
 */
import { backend, type LinkOptions, type LoopbackConnectOptions, type LoopbackListenOptions } from '../backends/loopback/index.js';
import { runConformanceSuite, type ConformanceSubject } from '../src/conformance/index.js';

/** The loopback's test-only stalling listener stands in for a server that never answers. */
const stallingServer: ConformanceSubject['stallingServer'] = async () => {
  const listener = await backend.listen({ host: '127.0.0.1', port: 0, stallHandshake: true });
  return { ...listener.address, close: () => listener.close() };
};

function subject(label: string, link: LinkOptions | undefined, extra: Partial<ConformanceSubject> = {}): ConformanceSubject {
  // The link goes through the listener, so every connection in a check gets it.
  const listenOptions: Partial<LoopbackListenOptions> = link ? { link } : {};
  const connectOptions: Partial<LoopbackConnectOptions> = {};
  return { backend, label, alpn: true, listenOptions, connectOptions, stallingServer, ...extra };
}

runConformanceSuite(subject('loopback (ideal link)', undefined));
runConformanceSuite(subject('loopback (5 ms latency)', { latencyMs: 5 }, { maxPayload: 4 * 1024 * 1024 }));
runConformanceSuite(subject('loopback (7-byte chunks)', { maxChunkSize: 7 }, { maxPayload: 128 * 1024 }));
