/**
 * The guide's own test (docs/writing-a-backend.md): the plain-TCP backend the guide walks
 * through, registered under a plugin's name, found again through the registry, and run through
 * the transport conformance suite exactly as a plugin author would run it on their own backend.
 */
import { runConformanceSuite } from '../../src/conformance/index.js';
import { getBackend, registerBackend } from '../../src/registry.js';
import { createTcpBackend } from '../../backends/tcp/index.js';

registerBackend(createTcpBackend('my-plain-tcp', 'the guide example, registered as a plugin'));
runConformanceSuite({ backend: await getBackend('my-plain-tcp') });
