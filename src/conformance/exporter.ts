/**
 * The keying-material exporter (Transport.exportKeyingMaterial, RFC 8446 section 7.5 / RFC 5705):
 * optional in the type, expected of TLS backends (ConformanceSubject.exporter). Both ends of one
 * session must derive the same bytes, the inputs must matter, and a closed transport refuses.
 */
import assert from 'node:assert/strict';
import type { Transport } from '../transport.js';
import { assertTransportError, rejectionOf, within, withSession } from './harness.js';
import type { ConformanceSubject } from './subject.js';

const LABEL = 'EXPERIMENTAL-tlsport-conformance';

function exporterOf(transport: Transport, role: string): NonNullable<Transport['exportKeyingMaterial']> {
  const method = transport.exportKeyingMaterial;
  assert.equal(typeof method, 'function', `${role} transport has no exportKeyingMaterial (set exporter: false in the subject if the backend has none)`);
  return method!.bind(transport);
}

export async function checkExporterAgreement(subject: ConformanceSubject): Promise<void> {
  await withSession(subject, async (session) => {
    const { client, server } = await session.pair();
    const exportClient = exporterOf(client, 'client');
    const exportServer = exporterOf(server, 'server');
    const context = new TextEncoder().encode('context');
    const fromClient = await within(session.step, exportClient(32, LABEL, context), 'client exportKeyingMaterial()');
    const fromServer = await within(session.step, exportServer(32, LABEL, context), 'server exportKeyingMaterial()');
    assert.equal(fromClient.length, 32, 'exported length');
    assert.deepEqual(fromServer, fromClient, 'both ends of one session must export the same bytes');
    const otherLabel = await within(session.step, exportClient(32, `${LABEL}-2`, context), 'export with another label');
    assert.notDeepEqual(otherLabel, fromClient, 'another label must give other bytes');
    const otherContext = await within(session.step, exportClient(32, LABEL, Uint8Array.of(1)), 'export with another context');
    assert.notDeepEqual(otherContext, fromClient, 'another context must give other bytes');

    // Another session exports other bytes: the material is bound to the session's secrets.
    const second = await session.pair();
    const fromSecond = await within(session.step, exporterOf(second.client, 'client')(32, LABEL, context), 'second session export');
    assert.notDeepEqual(fromSecond, fromClient, 'two sessions must not export the same bytes');

    await within(session.step, client.close(), 'client close()');
    assertTransportError(await rejectionOf(session.step, exportClient(32, LABEL), 'export after close()'), 'CLOSED', 'export after close()');
  });
}
