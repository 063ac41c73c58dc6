/**
 * `tlsport/conformance`: the checks every backend must pass, as node:test suites. A plugin
 * author writes one test file:
 *
 *   import { runConformanceSuite } from 'tlsport/conformance';
 *   runConformanceSuite({ backend: myBackend, listenOptions: { cert, key }, connectOptions: { ca } });
 *
 * and runs it with plain `node --test`. Each check is also exported as an async function of the
 * subject, so a test can run one directly (the suite's own negative tests do).
 *
 * Every check opens its own listener on 127.0.0.1 port 0, closes all it opened even when it
 * fails, and bounds every wait (ConformanceSubject.stepTimeoutMs), so a broken transport fails
 * a check instead of hanging the run.
 */
import { describe, it } from 'node:test';
import {
  checkAlpnAgreement,
  checkAlpnMismatch,
  checkAlpnNone,
  checkAlpnSelectCallback,
  checkAlpnServerPreference,
  checkHandshakeInfo,
} from './alpn.js';
import {
  DEFAULT_MAX_PAYLOAD,
  ECHO_SIZES,
  checkBackpressure,
  checkEchoOneBytePerWrite,
  checkEchoPayload,
  checkHalfClose,
  checkInterleavedSmallWrites,
} from './data.js';
import {
  checkDestroyPropagates,
  checkHandshakePeerVanishes,
  checkHandshakeTimeout,
  checkIdleTimeout,
  checkListenerClose,
  checkLocalCloseEndsPendingRead,
  checkPeerCloseEndsPendingRead,
  checkPeerVanishes,
} from './lifecycle.js';
import { checkExporterAgreement } from './exporter.js';
import type { ConformanceSubject } from './subject.js';

export type { ConformanceSubject, StallingServer } from './subject.js';
export * from './alpn.js';
export {
  DEFAULT_MAX_PAYLOAD,
  ECHO_SIZES,
  MAX_BUFFERED_BEFORE_STALL,
  checkBackpressure,
  checkEchoOneBytePerWrite,
  checkEchoPayload,
  checkHalfClose,
  checkInterleavedSmallWrites,
} from './data.js';
export * from './lifecycle.js';
export { checkExporterAgreement } from './exporter.js';
export { within, WaitTimeout } from './harness.js';

export interface ConformanceCheck {
  readonly topic: string;
  readonly title: string;
  readonly run: (subject: ConformanceSubject) => Promise<void>;
  /** A reason to skip this check for the subject, or undefined to run it. */
  readonly skip?: (subject: ConformanceSubject) => string | undefined;
}

const needsAlpn = (subject: ConformanceSubject): string | undefined =>
  (subject.alpn ?? subject.backend.secure) ? undefined : 'skipped: backend negotiates no ALPN';
const needsExporter = (subject: ConformanceSubject): string | undefined =>
  (subject.exporter ?? subject.backend.secure) ? undefined : 'skipped: backend has no keying-material exporter';
const needsStaller = (subject: ConformanceSubject): string | undefined =>
  subject.stallingServer ? undefined : 'skipped: subject provides no stallingServer';

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/** Echo sizes for the subject: the standard ones, the largest cut down to `maxPayload`. */
export function echoSizes(subject: ConformanceSubject): number[] {
  const cap = subject.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  return [...new Set(ECHO_SIZES.map((size) => Math.min(size, cap)))];
}

/** Every check, in the order the suite runs them. */
export function conformanceChecks(subject: ConformanceSubject): ConformanceCheck[] {
  return [
    { topic: 'ALPN', title: 'agreement on a common protocol, same on both sides', run: checkAlpnAgreement, skip: needsAlpn },
    { topic: 'ALPN', title: "the server's preference order wins", run: checkAlpnServerPreference, skip: needsAlpn },
    { topic: 'ALPN', title: 'alpnSelect sees the offer in order and decides', run: checkAlpnSelectCallback, skip: needsAlpn },
    { topic: 'ALPN', title: 'mismatch fails both sides and never reaches accept()', run: checkAlpnMismatch, skip: needsAlpn },
    { topic: 'ALPN', title: 'no offer gives no protocol', run: checkAlpnNone, skip: needsAlpn },
    { topic: 'handshake', title: 'HandshakeInfo names the backend and is stable', run: checkHandshakeInfo },
    { topic: 'handshake', title: 'exportKeyingMaterial: both ends agree, inputs matter, closed refuses', run: checkExporterAgreement, skip: needsExporter },
    ...echoSizes(subject).map((size): ConformanceCheck => ({
      topic: 'echo',
      title: `${formatSize(size)} in random write sizes comes back intact`,
      run: (s) => checkEchoPayload(s, size),
    })),
    { topic: 'echo', title: '64 KiB written one byte per write', run: checkEchoOneBytePerWrite },
    { topic: 'echo', title: 'many small writes interleaved with reads', run: checkInterleavedSmallWrites },
    { topic: 'flow control', title: 'a reader that does not read stops the writer; bytes survive', run: checkBackpressure },
    { topic: 'flow control', title: 'half-close: each direction ends on its own', run: checkHalfClose },
    { topic: 'close', title: "the peer's close() ends our pending read with null", run: checkPeerCloseEndsPendingRead },
    { topic: 'close', title: 'our close() ends our own pending read with null', run: checkLocalCloseEndsPendingRead },
    { topic: 'close', title: 'destroy() rejects pending operations on both sides', run: checkDestroyPropagates },
    { topic: 'close', title: 'a vanished peer settles a pending read and a blocked write', run: checkPeerVanishes },
    { topic: 'close', title: 'a vanished peer settles a pending handshake', run: checkHandshakePeerVanishes, skip: needsStaller },
    { topic: 'timeouts', title: 'idleTimeoutMs fails a silent connection with TIMEOUT', run: checkIdleTimeout },
    { topic: 'timeouts', title: 'handshakeTimeoutMs fails a silent server with TIMEOUT', run: checkHandshakeTimeout, skip: needsStaller },
    { topic: 'listener', title: 'port 0, close() ends accept(), then connect fails', run: checkListenerClose },
  ];
}

/** A safety net above the checks' own bounds, in case a check itself is wrong. */
const PER_CHECK_TIMEOUT_MS = 120_000;

/** Registers the whole suite as node:test describe()/it() blocks. */
export function runConformanceSuite(subject: ConformanceSubject): void {
  const checks = conformanceChecks(subject);
  describe(`transport conformance: ${subject.label ?? subject.backend.name}`, () => {
    for (const topic of new Set(checks.map((check) => check.topic))) {
      describe(topic, () => {
        for (const check of checks.filter((c) => c.topic === topic)) {
          const skip = check.skip?.(subject);
          it(check.title, { skip: skip ?? false, timeout: PER_CHECK_TIMEOUT_MS }, () => check.run(subject));
        }
      });
    }
  });
}
