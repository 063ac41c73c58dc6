/**
 * `fetchHandler(fn)`: serve with a WHATWG `(Request) => Promise<Response>` function. The request
 * body streams in (Request body is a ReadableStream over `req.body`); the response body streams out
 * with flow-control backpressure.
 */
import type { Handler, ServerRequest, ServerResponse } from './handler.js';

const NO_BODY = new Set(['GET', 'HEAD']);

export function fetchHandler(fn: (request: Request) => Response | Promise<Response>): Handler {
  return async (req: ServerRequest, res: ServerResponse): Promise<void> => {
    const url = `${req.scheme || 'http'}://${req.authority || 'localhost'}${req.path}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else headers.set(name, value);
    }
    const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, signal: req.signal };
    if (!NO_BODY.has(req.method)) {
      const iterator = req.body[Symbol.asyncIterator]();
      // highWaterMark 0: pull only when the application reads, never ahead of it. Reading is
      // what opens the flow-control window, and what sends 100 (Continue) to a client that
      // waits for it (server.ts); a stream that pulled on creation would do both for a handler
      // that never looks at the body.
      init.body = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            const r = await iterator.next();
            if (r.done) controller.close();
            else controller.enqueue(r.value);
          },
          async cancel() {
            await iterator.return?.();
          },
        },
        { highWaterMark: 0 },
      );
      init.duplex = 'half';
    }
    const response = await fn(new Request(url, init));
    const out: Array<[string, string]> = [];
    response.headers.forEach((value, name) => {
      if (name !== 'connection' && name !== 'keep-alive' && name !== 'transfer-encoding') out.push([name, value]);
    });
    res.respond(response.status, out);
    if (response.body === null) {
      await res.end();
      return;
    }
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await res.write(value);
      }
      await res.end();
    } finally {
      reader.releaseLock();
    }
  };
}
