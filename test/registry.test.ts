import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getBackend, listBackends, registerBackend, unregisterBackend } from '../src/registry.js';
import { TransportError, type Backend } from '../src/transport.js';

const fakeBackend = (name: string): Backend => ({
  name,
  description: 'test double',
  secure: false,
  connect: () => Promise.reject(new TransportError('CONNECT_FAILED', 'not a real backend')),
  listen: () => Promise.reject(new TransportError('INVALID_ARGUMENT', 'not a real backend')),
});

describe('registry', () => {
  it('lists the built-ins without loading them', () => {
    const names = listBackends().map((e) => e.name);
    for (const name of ['node-tls', 'loopback', 'tcp']) assert.ok(names.includes(name), `${name} missing from ${names}`);
  });

  it('an unknown name is an error that lists the known ones', async () => {
    await assert.rejects(getBackend('nope'), (err: unknown) => {
      assert.ok(err instanceof TransportError);
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.match(err.message, /unknown backend "nope"/);
      assert.match(err.message, /node-tls/);
      assert.match(err.message, /loopback/);
      return true;
    });
  });

  it('loads a built-in on first use and returns the same object after', async () => {
    const first = await getBackend('tcp');
    assert.equal(first.name, 'tcp');
    assert.equal(await getBackend('tcp'), first);
    assert.equal(listBackends().find((e) => e.name === 'tcp')?.loaded, true);
  });

  it('registers plugins, refuses a taken name unless replacing, and unregisters them', async () => {
    const plugin = fakeBackend('test-plugin');
    registerBackend(plugin);
    try {
      assert.equal(await getBackend('test-plugin'), plugin);
      assert.throws(() => registerBackend(fakeBackend('test-plugin')), /already registered/);
      assert.throws(() => registerBackend(fakeBackend('node-tls')), /already registered/);
      const replacement = fakeBackend('test-plugin');
      registerBackend(replacement, { replace: true });
      assert.equal(await getBackend('test-plugin'), replacement);
    } finally {
      assert.equal(unregisterBackend('test-plugin'), true);
    }
    assert.equal(unregisterBackend('node-tls'), false, 'built-ins cannot be unregistered');
    await assert.rejects(getBackend('test-plugin'), /unknown backend/);
  });

  it('accepts a lazy loader, and rejects a loader whose backend has another name', async () => {
    let loads = 0;
    registerBackend({ name: 'lazy-plugin', description: 'lazy', load: async () => { loads++; return fakeBackend('lazy-plugin'); } });
    registerBackend({ name: 'liar-plugin', description: 'lazy', load: async () => fakeBackend('other') });
    try {
      assert.equal(loads, 0);
      await getBackend('lazy-plugin');
      await getBackend('lazy-plugin');
      assert.equal(loads, 1);
      await assert.rejects(getBackend('liar-plugin'), /calls itself "other"/);
    } finally {
      unregisterBackend('lazy-plugin');
      unregisterBackend('liar-plugin');
    }
  });

  it('rejects malformed names', () => {
    assert.throws(() => registerBackend(fakeBackend('Bad Name')), /must match/);
  });

  it('a user of node-tls never loads node-forge', () => {
    // A fresh process: import the package entry, load node-tls, make a connection attempt, then
    // list every loaded module path.
    let entry = fileURLToPath(new URL('../src/index.js', import.meta.url));
    const execArgs: string[] = [];
    if (!existsSync(entry)) { entry = entry.replace(/\.js$/, '.ts'); execArgs.push('--import', 'tsx'); }
    const script = `
      const { getBackend } = await import(${JSON.stringify(entry)});
      const b = await getBackend('node-tls');
      await b.connect({ host: '127.0.0.1', port: 1, handshakeTimeoutMs: 500 }).catch(() => {});
      const { createRequire } = await import('node:module');
      const forgeLoaded = () => Object.keys(createRequire(import.meta.url).cache).filter((p) => p.includes('node-forge'));
      const before = forgeLoaded();
      await import('node-forge');  // control: the probe must see node-forge once it is loaded
      console.log(JSON.stringify({ name: b.name, forge: before, control: forgeLoaded().length }));
    `;
    const out = spawnSync(process.execPath, [...execArgs, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000, cwd: fileURLToPath(new URL('..', import.meta.url)) });
    assert.equal(out.status, 0, out.stderr);
    const result = JSON.parse(out.stdout.trim().split('\n').pop()!) as { name: string; forge: string[]; control: number };
    assert.equal(result.name, 'node-tls');
    assert.deepEqual(result.forge, [], 'node-forge was loaded by importing tlsport and using node-tls');
    assert.ok(result.control > 0, 'the probe could not see node-forge even after importing it, so it proves nothing');
  });
});
