#!/usr/bin/env node
/**
 * The `tlsport` command. Subcommands live in their own files; this one only dispatches, so
 * `tlsport backends` never loads the HTTP/2 layer or any backend.
 */
import { argv, exit, stderr } from 'node:process';

const USAGE = `usage: tlsport <command> [options]

commands:
  backends                      list the registered transport backends
  get URL [options]             fetch URL over HTTP/2 (tlsport get --help)
  serve [options]               run the HTTP/2 test app (tlsport serve --help)
  demo                          handshake over every backend and print what was negotiated
`;

const commands: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  backends: () => import('./backends.js'),
  get: () => import('./get.js'),
  serve: () => import('./serve.js'),
  demo: () => import('./demo.js'),
};

async function main(): Promise<number> {
  const [name, ...args] = argv.slice(2);
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    stderr.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    stderr.write(`tlsport: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  return (await load()).run(args);
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  stderr.write(`tlsport: ${err instanceof Error ? err.message : String(err)}\n`);
  exit(1);
});
