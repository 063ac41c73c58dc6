/** The transport conformance suite over plain TCP (no TLS, so the ALPN checks are skipped). */
import { runConformanceSuite } from '../../src/conformance/index.js';
import { backend } from '../../backends/tcp/index.js';

// No stalling server: cleartext TCP has no handshake that could stall.
runConformanceSuite({ backend });
