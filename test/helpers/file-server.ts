/**
 * A storage host on 127.0.0.1 for download tests: serves one body with Range and If-Range
 * support, and misbehaves on request when a test scripts it (drop, stall, ignore the range,
 * answer an error page).
 */
import { createReadStream } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';

/** What the server does with one request; every field is optional. */
export interface Plan {
  /** Answer this status with `body` instead of the file. */
  status?: number;
  body?: string;
  contentType?: string;
  /** Send the whole file with 200 even when a range was asked for. */
  ignoreRange?: boolean;
  /** Destroy the socket after this many body bytes. */
  dropAfter?: number;
  /** Stop sending after this many body bytes and keep the connection open. */
  stallAfter?: number;
  /** Claim the full length but end the response cleanly after this many body bytes. */
  endAfter?: number;
  /** Called once the drop, stall or early end has happened (e.g. to abort the client). */
  onLimit?: () => void;
  /** Answer a range request from this byte instead of the one asked for. */
  rangeStart?: number;
  /** Extra response headers, or `null` to drop a default one (e.g. the ETag). */
  headers?: Record<string, string | null>;
}

export interface RecordedRequest {
  url: string;
  headers: IncomingHttpHeaders;
  status: number;
  /** First byte served, for 200 and 206. */
  start: number;
  /** Body bytes actually written to the socket. */
  bytesSent: number;
}

export interface FileServer {
  /** http://127.0.0.1:<port>/snapshot.tar.gz */
  url: string;
  requests: RecordedRequest[];
  /** Plans by request index (0 = first request); missing entries serve normally. */
  plans: Plan[];
  close(): Promise<void>;
}

export type Content = Buffer | { file: string; size: number };

export const ETAG = '"d41d8cd98f00b204e9800998ecf8427e"';

export async function startFileServer(content: Content, plans: Plan[] = []): Promise<FileServer> {
  const size = Buffer.isBuffer(content) ? content.length : content.size;
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    const plan = plans[requests.length] ?? {};
    const record: RecordedRequest = {
      url: req.url ?? '',
      headers: req.headers,
      status: 0,
      start: 0,
      bytesSent: 0,
    };
    requests.push(record);
    const headers: Record<string, string> = {
      'content-type': 'application/gzip',
      etag: ETAG,
      'last-modified': 'Sat, 28 Nov 2026 03:00:00 GMT',
      'accept-ranges': 'bytes',
    };
    for (const [name, value] of Object.entries(plan.headers ?? {})) {
      if (value === null) delete headers[name];
      else headers[name] = value;
    }

    if (plan.status !== undefined) {
      record.status = plan.status;
      const body = plan.body ?? '';
      const extra = Object.entries(plan.headers ?? {}).filter(
        (pair): pair is [string, string] => pair[1] !== null,
      );
      res.writeHead(plan.status, {
        'content-type': plan.contentType ?? 'text/plain',
        'content-length': Buffer.byteLength(body),
        ...Object.fromEntries(extra),
      });
      res.end(body);
      return;
    }

    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    const validatorMatches =
      ifRange === undefined || ifRange === headers.etag || ifRange === headers['last-modified'];
    if (range?.[1] !== undefined && !plan.ignoreRange && validatorMatches) {
      start = plan.rangeStart ?? Number(range[1]);
      if (start >= size) {
        record.status = 416;
        res.writeHead(416, { 'content-range': `bytes */${size}` });
        res.end();
        return;
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${size - 1}/${size}`;
    }
    record.status = status;
    record.start = start;
    headers['content-length'] = String(size - start);
    res.writeHead(status, headers);
    send(res, content, start, plan, record);
  });

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/snapshot.tar.gz`,
    requests,
    plans,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function send(
  res: ServerResponse,
  content: Content,
  start: number,
  plan: Plan,
  record: RecordedRequest,
): void {
  const limit = plan.dropAfter ?? plan.stallAfter ?? plan.endAfter;
  const source = Buffer.isBuffer(content)
    ? Readable.from(sliceIntoChunks(content.subarray(start)))
    : createReadStream(content.file, { start, highWaterMark: 1 << 20 });

  if (limit === undefined) {
    source.on('data', (chunk: Buffer) => {
      record.bytesSent += chunk.length;
    });
    source.pipe(res);
    return;
  }

  let sent = 0;
  source.on('data', (chunk: Buffer) => {
    const room = limit - sent;
    const piece = room < chunk.length ? chunk.subarray(0, room) : chunk;
    sent += piece.length;
    record.bytesSent += piece.length;
    if (sent < limit) {
      res.write(piece);
      return;
    }
    source.destroy();
    // The callbacks run once the bytes are handed to the kernel, so the client receives
    // exactly `limit` bytes before the misbehaviour.
    res.write(piece, () => {
      if (plan.dropAfter !== undefined) res.socket?.destroy();
      else if (plan.endAfter !== undefined) res.socket?.end();
      // stallAfter: leave the connection open and silent.
      plan.onLimit?.();
    });
  });
  source.on('end', () => {
    if (sent < limit) res.end();
  });
}

function* sliceIntoChunks(buffer: Buffer): Generator<Buffer> {
  const size = 64 * 1024;
  for (let offset = 0; offset < buffer.length; offset += size) {
    yield buffer.subarray(offset, offset + size);
  }
}
