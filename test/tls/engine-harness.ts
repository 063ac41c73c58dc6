/**
 * In-memory harness for the forge-tls13 engine: a client and a server engine wired together, no
 * sockets. Records can be fragmented (down to 1 byte) or altered in flight.
 */
import { createTestPki, type CertifiedKey, type KeyType, type TestPki } from '../../src/certs.js';
import { getProvider, type ProviderName } from '../../backends/forge-tls13/crypto/index.js';
import type { CryptoProvider } from '../../backends/forge-tls13/crypto/provider.js';
import {
  TlsClient,
  TlsServer,
  type CertifiedKeyHandle,
  type ClientEngineConfig,
  type EngineEvent,
  type EngineHandshakeInfo,
  type ServerEngineConfig,
} from '../../backends/forge-tls13/engine/index.js';
import type { TlsError } from '../../backends/forge-tls13/wire/errors.js';

export function pemToDer(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    out.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

const pkis = new Map<KeyType, Promise<TestPki>>();
export function pkiFor(keyType: KeyType): Promise<TestPki> {
  let p = pkis.get(keyType);
  if (!p) {
    p = createTestPki({ keyType });
    pkis.set(keyType, p);
  }
  return p;
}

export interface TestIdentity {
  pki: TestPki;
  leaf: CertifiedKey;
  handle: CertifiedKeyHandle;
  ca: Uint8Array;
}

export async function identity(keyType: KeyType, provider: CryptoProvider, opts: Parameters<TestPki['issue']>[0] = {}): Promise<TestIdentity> {
  const pki = await pkiFor(keyType);
  const leaf = await pki.issue({ names: ['localhost', '127.0.0.1'], keyType, ...opts });
  const key = await provider.importPrivateKey(leaf.keyPem);
  return { pki, leaf, handle: { chain: [leaf.certDer], key }, ca: pemToDer(pki.caPem)[0]! };
}

export interface Side<E> {
  engine: E;
  events: EngineEvent[];
  data(): Uint8Array;
  handshake: Promise<EngineHandshakeInfo>;
  failure: Promise<TlsError>;
  closed: Promise<void>;
}

function side<E extends TlsClient | TlsServer>(engine: E): Side<E> {
  const events: EngineEvent[] = [];
  let resolveHs!: (i: EngineHandshakeInfo) => void;
  let rejectHs!: (e: unknown) => void;
  let resolveFail!: (e: TlsError) => void;
  let resolveClosed!: () => void;
  const handshake = new Promise<EngineHandshakeInfo>((res, rej) => {
    resolveHs = res;
    rejectHs = rej;
  });
  handshake.catch(() => {});
  const failure = new Promise<TlsError>((res) => (resolveFail = res));
  const closed = new Promise<void>((res) => (resolveClosed = res));
  engine.on((e) => {
    events.push(e);
    if (e.type === 'handshake') resolveHs(e.info);
    if (e.type === 'error') {
      rejectHs(e.error);
      resolveFail(e.error);
    }
    if (e.type === 'close_notify') resolveClosed();
  });
  return {
    engine,
    events,
    data() {
      const parts = events.flatMap((e) => (e.type === 'data' ? [e.data] : []));
      return Buffer.concat(parts);
    },
    handshake,
    failure,
    closed,
  };
}

export interface PairOptions {
  /** Deliver bytes in pieces of at most this size. */
  fragment?: number;
  /** Sees (and may replace) every chunk in flight; return null to drop it. */
  tamper?: (direction: 'c2s' | 's2c', bytes: Uint8Array, index: number) => Uint8Array | null;
}

export interface Pair {
  client: Side<TlsClient>;
  server: Side<TlsServer>;
  /** Resolves once both directions have been fully processed. */
  settle(): Promise<void>;
}

export function pair(clientConfig: ClientEngineConfig, serverConfig: ServerEngineConfig, opts: PairOptions = {}): Pair {
  const c = new TlsClient(clientConfig);
  const s = new TlsServer(serverConfig);
  const counters = { c2s: 0, s2c: 0 };
  const wire = (from: TlsClient | TlsServer, to: TlsClient | TlsServer, dir: 'c2s' | 's2c') => {
    from.on((e) => {
      if (e.type !== 'send') return;
      let bytes: Uint8Array | null = e.data;
      if (opts.tamper) bytes = opts.tamper(dir, bytes, counters[dir]++);
      if (!bytes) return;
      const step = opts.fragment ?? bytes.length;
      for (let i = 0; i < bytes.length; i += step) void to.receive(bytes.subarray(i, i + step));
    });
  };
  wire(c, s, 'c2s');
  wire(s, c, 's2c');
  const client = side(c);
  const server = side(s);
  return {
    client,
    server,
    async settle() {
      for (let i = 0; i < 4; i++) {
        await c.idle();
        await s.idle();
      }
    },
  };
}

export function providers(): ProviderName[] {
  return ['forge', 'webcrypto'];
}

export { getProvider };
