/**
 * The plugin point: backends by name. Built-ins are listed here with a loader, and loaded only
 * when first asked for, so a user of `node-tls` never loads node-forge. This table is the only
 * place in src/ that names a backend module (see docs/architecture.md).
 */
import { TransportError, type Backend } from './transport.js';

export interface BackendEntry {
  readonly name: string;
  readonly description: string;
  readonly builtin: boolean;
  /** Whether its module has been loaded in this process. */
  readonly loaded: boolean;
}

interface Slot {
  description: string;
  builtin: boolean;
  backend?: Backend;
  load?: () => Promise<Backend>;
}

const slots = new Map<string, Slot>();

function builtin(name: string, description: string, load: () => Promise<Backend>): void {
  slots.set(name, { description, builtin: true, load });
}

builtin('node-tls', "TLS 1.2/1.3 from Node's node:tls (OpenSSL)", async () =>
  (await import('../backends/node-tls/index.js')).backend);
builtin('loopback', 'In-memory pair with simulated latency, bandwidth and fragmentation', async () =>
  (await import('../backends/loopback/index.js')).backend);
builtin('forge-tls13', 'TLS 1.3 in TypeScript (node-forge / WebCrypto primitives), client and server', async () =>
  (await import('../backends/forge-tls13/index.js')).backend);
builtin('tcp', 'Plain TCP, no TLS (cleartext h2c with prior knowledge)', async () =>
  (await import('../backends/tcp/index.js')).backend);

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Registers a backend object, or a lazy loader for one. A name already taken is an error unless
 * `replace` is set, so two plugins cannot silently shadow each other or a built-in.
 */
export function registerBackend(
  backend: Backend | { name: string; description: string; load: () => Promise<Backend> },
  options: { replace?: boolean } = {},
): void {
  if (!NAME_PATTERN.test(backend.name)) {
    throw new TransportError('INVALID_ARGUMENT', `backend name ${JSON.stringify(backend.name)} must match ${NAME_PATTERN}`);
  }
  if (slots.has(backend.name) && !options.replace) {
    throw new TransportError('INVALID_ARGUMENT', `a backend named "${backend.name}" is already registered (pass { replace: true } to replace it)`);
  }
  const slot: Slot = { description: backend.description, builtin: false };
  if ('load' in backend) slot.load = backend.load;
  else slot.backend = backend;
  slots.set(backend.name, slot);
}

export function unregisterBackend(name: string): boolean {
  const slot = slots.get(name);
  if (!slot || slot.builtin) return false;
  return slots.delete(name);
}

/** The backend of that name, loading it on first use. Unknown names list the known ones. */
export async function getBackend(name: string): Promise<Backend> {
  const slot = slots.get(name);
  if (!slot) {
    throw new TransportError('INVALID_ARGUMENT', `unknown backend "${name}"; known backends: ${[...slots.keys()].join(', ')}`);
  }
  if (!slot.backend) {
    const loaded = await slot.load!();
    if (loaded.name !== name) {
      throw new TransportError('INVALID_ARGUMENT', `backend loaded for "${name}" calls itself "${loaded.name}"`);
    }
    slot.backend = loaded;
  }
  return slot.backend;
}

export function listBackends(): BackendEntry[] {
  return [...slots].map(([name, slot]) => ({
    name,
    description: slot.description,
    builtin: slot.builtin,
    loaded: slot.backend !== undefined,
  }));
}

/** A backend given by name or as an object, the way every public API accepts one. */
export type BackendRef = string | Backend;

export async function resolveBackend(ref: BackendRef): Promise<Backend> {
  return typeof ref === 'string' ? getBackend(ref) : ref;
}
