/**
 * Proof that the conformance checks can fail: each check runs against loopback wrapped in a
 * backend with one deliberate defect, and must reject, with a message about that defect. The
 * same check also runs against a wrapper that changes nothing, so a rejection is caused by the
 * defect and not by the wrapping.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { backend as loopback } from '../backends/loopback/index.js';
import { backend as nodeTls } from '../backends/node-tls/index.js';
import { createTestPki } from '../src/certs.js';
import {
  checkAlpnMismatch,
  checkAlpnNone,
  checkAlpnServerPreference,
  checkBackpressure,
  checkDestroyPropagates,
  checkEchoPayload,
  checkExporterAgreement,
  checkHalfClose,
  checkHandshakeTimeout,
  checkIdleTimeout,
  checkListenerClose,
  checkLocalCloseEndsPendingRead,
  checkPeerVanishes,
  type ConformanceSubject,
} from '../src/conformance/index.js';
import type { Backend, ConnectOptions, ListenOptions, Listener, Transport } from '../src/transport.js';

type TransportPatch = (inner: Transport) => Partial<Transport>;

interface Defect {
  connect?: (options: ConnectOptions) => ConnectOptions;
  listen?: (options: ListenOptions) => ListenOptions;
  transport?: TransportPatch;
  accept?: (inner: Listener) => Promise<Transport | null>;
}

function wrapTransport(inner: Transport, patch: TransportPatch | undefined): Transport {
  return {
    backend: inner.backend,
    role: inner.role,
    remoteAddress: inner.remoteAddress,
    closed: inner.closed,
    handshake: () => inner.handshake(),
    read: () => inner.read(),
    write: (data) => inner.write(data),
    end: () => inner.end(),
    close: () => inner.close(),
    destroy: (error) => inner.destroy(error),
    ...(inner.exportKeyingMaterial ? { exportKeyingMaterial: (length: number, label: string, context?: Uint8Array) => inner.exportKeyingMaterial!(length, label, context) } : {}),
    ...patch?.(inner),
  };
}

/** Loopback with `defect` applied, under loopback's name so name-based rules still apply. */
function defective(defect: Defect): Backend {
  return {
    name: loopback.name,
    description: 'loopback with a deliberate defect',
    secure: false,
    async connect(options) {
      return wrapTransport(await loopback.connect(defect.connect ? defect.connect(options) : options), defect.transport);
    },
    async listen(options) {
      const inner = await loopback.listen(defect.listen ? defect.listen(options) : options);
      const accept = async (): Promise<Transport | null> => {
        const transport = await (defect.accept ? defect.accept(inner) : inner.accept());
        return transport && wrapTransport(transport, defect.transport);
      };
      return {
        backend: inner.backend,
        address: inner.address,
        accept,
        close: () => inner.close(),
        async *[Symbol.asyncIterator]() {
          for (let transport = await accept(); transport; transport = await accept()) yield transport;
        },
      };
    },
  };
}

function subjectFor(backend: Backend): ConformanceSubject {
  return {
    backend,
    alpn: true,
    // Short bounds: a defect that makes a check wait should cost half a second, not five.
    stepTimeoutMs: 500,
    connectOptions: { closeTimeoutMs: 200 },
    listenOptions: { closeTimeoutMs: 200 },
    stallingServer: async () => {
      const listener = await loopback.listen({ host: '127.0.0.1', port: 0, stallHandshake: true } as ListenOptions);
      return { ...listener.address, close: () => listener.close() };
    },
  };
}

/** The server's preference list, as the defects below need it. */
const serverList = (options: ListenOptions): readonly string[] => options.alpn ?? [];

const cases: { defect: string; check: (subject: ConformanceSubject) => Promise<void>; broken: Defect; expect: RegExp }[] = [
  {
    defect: 'write() resolves at once and buffers without limit',
    check: checkBackpressure,
    broken: { transport: (inner) => ({ write: (data) => (inner.write(data).catch(() => {}), Promise.resolve()) }) },
    expect: /no write stayed pending/,
  },
  {
    defect: 'a blocked write never settles when the peer vanishes',
    check: checkPeerVanishes,
    broken: {
      transport: (inner) => ({
        write: (data) => new Promise<void>((resolve) => inner.write(data).then(resolve, () => {})),
      }),
    },
    expect: /write blocked by backpressure when the peer is destroyed/,
  },
  {
    defect: 'the server accepts despite an ALPN mismatch',
    check: checkAlpnMismatch,
    broken: {
      listen: (options) => ({
        ...options,
        alpn: undefined,
        alpnSelect: (offered) => serverList(options).find((p) => offered.includes(p)) ?? offered[0],
      }),
    },
    expect: /expected a rejection/,
  },
  {
    defect: "the client's order wins over the server's",
    check: checkAlpnServerPreference,
    broken: {
      listen: (options) => ({ ...options, alpn: undefined, alpnSelect: (offered) => offered.find((p) => serverList(options).includes(p)) }),
    },
    expect: /preference order/,
  },
  {
    defect: "handshake reports 'h2' when nothing was offered",
    check: checkAlpnNone,
    broken: {
      transport: (inner) => ({ handshake: () => inner.handshake().then((info) => ({ ...info, alpnProtocol: info.alpnProtocol ?? 'h2' })) }),
    },
    expect: /offers nothing/,
  },
  {
    defect: 'every 3rd write has its first byte flipped',
    check: (subject) => checkEchoPayload(subject, 256 * 1024),
    broken: {
      transport: (inner) => {
        let writes = 0;
        return {
          write: (data) => {
            writes += 1;
            if (writes % 3 === 0 && data.length > 0 && inner.role === 'client') {
              const copy = new Uint8Array(data);
              copy[0] = copy[0]! ^ 1;
              return inner.write(copy);
            }
            return inner.write(data);
          },
        };
      },
    },
    expect: /differs/,
  },
  {
    defect: 'read() never settles once the peer has ended',
    check: checkHalfClose,
    broken: { transport: (inner) => ({ read: () => inner.read().then((chunk) => chunk ?? new Promise<never>(() => {})) }) },
    expect: /timed out/,
  },
  {
    defect: "close() does not end our own pending read",
    check: checkLocalCloseEndsPendingRead,
    broken: { transport: (inner) => ({ close: () => (inner.end().catch(() => {}), inner.closed) }) },
    expect: /our own pending read/,
  },
  {
    defect: 'destroy() closes gracefully instead of resetting',
    check: checkDestroyPropagates,
    broken: { transport: (inner) => ({ destroy: () => void inner.close() }) },
    expect: /expected a rejection/,
  },
  {
    defect: 'idleTimeoutMs is ignored',
    check: checkIdleTimeout,
    broken: { connect: (options) => ({ ...options, idleTimeoutMs: 0 }) },
    expect: /idleTimeoutMs 200/,
  },
  {
    defect: 'handshakeTimeoutMs is ignored',
    check: checkHandshakeTimeout,
    broken: { connect: (options) => ({ ...options, handshakeTimeoutMs: 30_000 }) },
    expect: /handshakeTimeoutMs 300/,
  },
  {
    defect: 'accept() never gives null after close()',
    check: checkListenerClose,
    broken: {
      accept: (inner) => new Promise((resolve) => inner.accept().then((t) => t && resolve(t))),
    },
    expect: /accept\(\) after close\(\)/,
  },
];

describe('conformance checks catch broken backends', () => {
  for (const { defect, check, broken, expect } of cases) {
    it(`${defect} → ${check.name || 'check'} fails, and passes without the defect`, async () => {
      await check(subjectFor(defective({})));
      await assert.rejects(check(subjectFor(defective(broken))), (error: unknown) => {
        assert.ok(error instanceof Error, `not an Error: ${String(error)}`);
        assert.match(error.message, expect);
        return true;
      });
    });
  }
});

/** The exporter check needs real TLS: node-tls, wrapped with one defect (or none, as control). */
describe('conformance: the exporter check catches broken exporters', () => {
  const tlsWith = (patch: TransportPatch | undefined): Backend => ({
    ...nodeTls,
    connect: async (options) => wrapTransport(await nodeTls.connect(options), patch),
    listen: async (options) => {
      const inner = await nodeTls.listen(options);
      const accept = async (): Promise<Transport | null> => {
        const t = await inner.accept();
        return t && wrapTransport(t, patch);
      };
      return { ...inner, backend: inner.backend, address: inner.address, accept, close: () => inner.close(), [Symbol.asyncIterator]: inner[Symbol.asyncIterator].bind(inner) };
    },
  });
  const broken: { defect: string; patch: TransportPatch; expect: RegExp }[] = [
    { defect: 'no exporter on a TLS backend', patch: () => ({ exportKeyingMaterial: undefined }), expect: /has no exportKeyingMaterial/ },
    { defect: 'random bytes', patch: () => ({ exportKeyingMaterial: async (length) => new Uint8Array(randomBytes(length)) }), expect: /same bytes/ },
    {
      defect: 'the label is ignored',
      patch: (inner) => ({ exportKeyingMaterial: (length, _label, context) => inner.exportKeyingMaterial!(length, 'EXPERIMENTAL-fixed', context) }),
      expect: /another label/,
    },
    {
      defect: 'still exports after close()',
      patch: (inner) => {
        let last: Uint8Array | undefined;
        return {
          exportKeyingMaterial: async (length, label, context) => {
            try {
              last = await inner.exportKeyingMaterial!(length, label, context);
            } catch {
              // a closed transport: answer from the last export instead of refusing
            }
            return last!;
          },
        };
      },
      expect: /expected a rejection|export after close/,
    },
  ];
  for (const { defect, patch, expect } of broken) {
    it(`${defect} → checkExporterAgreement fails, and passes without the defect`, async () => {
      const pki = await createTestPki({ keyType: 'ecdsa-p256' });
      const leaf = await pki.issue({ names: ['localhost'] });
      const subject = (backend: Backend): ConformanceSubject => ({
        backend,
        stepTimeoutMs: 2000,
        listenOptions: { cert: leaf.certPem, key: leaf.keyPem, closeTimeoutMs: 200 },
        connectOptions: { ca: pki.caPem, serverName: 'localhost', closeTimeoutMs: 200 },
      });
      await checkExporterAgreement(subject(tlsWith(undefined)));
      await assert.rejects(checkExporterAgreement(subject(tlsWith(patch))), (error: unknown) => {
        assert.ok(error instanceof Error, `not an Error: ${String(error)}`);
        assert.match(error.message, expect);
        return true;
      });
    });
  }
});
