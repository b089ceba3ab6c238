import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** One request as an emulator saw it, for tests to assert on. */
export interface LoggedRequest {
  /**
   * Which listener answered: the Admin API, the signed-file host (Flex), the one-time link
   * host (Cloud Backup) or the artifact service.
   */
  server: 'atlas' | 'files' | 'restore' | 'artifact';
  method: string;
  path: string;
  /** The raw query string without its leading '?', or ''. */
  query: string;
  /** Request headers, names lowercased, repeated values joined with ', '. */
  headers: Record<string, string>;
  /** The status the emulator answered, 0 until the head is written. */
  status: number;
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
}

/** Splits a request target into path and query without resolving anything. */
export function splitTarget(target: string): { path: string; query: string } {
  const mark = target.indexOf('?');
  if (mark === -1) return { path: target, query: '' };
  return { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

/**
 * Records the request and keeps its status in step with whatever head is finally written:
 * Node's implicit head on end() also goes through writeHead, so patching it catches all paths.
 */
export function logRequest(
  log: LoggedRequest[],
  server: LoggedRequest['server'],
  req: IncomingMessage,
  res: ServerResponse,
  now: number,
): LoggedRequest {
  const { path, query } = splitTarget(req.url ?? '/');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const entry: LoggedRequest = {
    server,
    method: req.method ?? 'GET',
    path,
    query,
    headers,
    status: 0,
    at: now,
  };
  log.push(entry);
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    entry.status = typeof args[0] === 'number' ? args[0] : res.statusCode;
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
  return entry;
}

/** Reads a whole (small) request body; refuses more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function sendBody(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': String(payload.length),
  });
  res.end(payload);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  sendBody(res, status, contentType, JSON.stringify(body), headers);
}

/** Listens on 127.0.0.1 and answers the origin, e.g. 'http://127.0.0.1:40123'. */
export function listen(server: Server, port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('server has no TCP address'));
        return;
      }
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

/**
 * Stops listening and destroys every open socket, stalled downloads included, so the test
 * process (or the action under test) can exit at once.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
