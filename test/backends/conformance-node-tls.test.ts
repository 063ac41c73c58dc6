/** The transport conformance suite over node-tls, with a CA-issued certificate verified for real. */

import { runConformanceSuite } from '../../src/conformance/index.js';
import { backend } from '../../backends/node-tls/index.js';
import { createTestPki } from '../../src/certs.js';
import { stallingTcpServer } from './stalling-server.js';

const pki = await createTestPki({ keyType: 'ecdsa-p256' });
const leaf = await pki.issue({ names: ['localhost', '127.0.0.1'] });

runConformanceSuite({
  backend,
  listenOptions: { cert: leaf.certPem, key: leaf.keyPem },
  connectOptions: { ca: pki.caPem, serverName: 'localhost' },
  stallingServer: stallingTcpServer,
});
