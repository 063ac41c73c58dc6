/**
 * Every subpath in package.json "exports" resolves (through the package's self-reference, as a
 * user's `import 'tlsport/...'` would) to a built module with the names the docs promise, and
 * its declared types file exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  name: string;
  exports: Record<string, string | { types: string; default: string }>;
};

/** Names each entry point must export (a sample the README and docs rely on). */
const EXPECTED: Record<string, string[]> = {
  '.': ['getBackend', 'listBackends', 'registerBackend', 'TransportError'],
  './conformance': ['runConformanceSuite'],
  './http2': ['connect', 'createServer', 'Http2Client'],
  './certs': ['createTestPki'],
  './backends/node-tls': ['backend', 'MemoryTicketStore'],
  './backends/forge-tls13': ['backend', 'MemoryTicketStore', 'createWebCryptoProvider'],
  './backends/loopback': ['backend', 'createLoopbackPair'],
  './backends/tcp': ['backend', 'createTcpBackend'],
};

test('every package export resolves, with its types file and expected names', async () => {
  const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json');
  assert.deepEqual([...subpaths].sort(), Object.keys(EXPECTED).sort(), 'the test lists every export');
  for (const subpath of subpaths) {
    const target = pkg.exports[subpath]!;
    assert.ok(typeof target === 'object', `${subpath}: conditions object`);
    assert.ok(existsSync(`${root}${target.types}`), `${subpath}: ${target.types} exists`);
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    const mod = (await import(specifier)) as Record<string, unknown>;
    for (const name of EXPECTED[subpath]!) assert.ok(name in mod, `${specifier} exports ${name}`);
    if (subpath.startsWith('./backends/')) {
      const backend = mod['backend'] as { name: string };
      assert.equal(backend.name, subpath.slice('./backends/'.length), `${specifier}: backend name`);
    }
  }
});
