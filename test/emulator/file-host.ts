/**
 * The host behind snapshotUrl: a pre-signed link (CloudFront style: Expires, Signature,
 * Key-Pair-Id) that needs no Atlas credentials, with S3's XML errors, byte ranges, and the
 * failures real downloads meet.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { type DownloadFaults, take, takeByteFault } from './faults.ts';
import { sendBody, splitTarget } from './http.ts';
import type { SnapshotFile } from './snapshot-file.ts';

export interface FileHostOptions {
  /** Origin the links point at, e.g. 'http://127.0.0.1:40124'. */
  origin: () => string;
  now: () => number;
  faults: () => DownloadFaults;
  file: () => Promise<SnapshotFile>;
}

export interface FileHost {
  /** A signed link to the snapshot file, valid until `expiresAt` (epoch ms). */
  sign(fileName: string, expiresAt: number): string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export type ByteRange = { start: number; end: number };

/**
 * One `bytes=` range against a file of `size` bytes. undefined means "serve it all" (absent,
 * malformed or multi-range, which RFC 9110 lets a server ignore).
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Number(last);
  return { start, end: Math.min(end, size - 1) };
}

function s3Error(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message>` +
    `<RequestId>${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}</RequestId></Error>`;
  sendBody(res, status, 'application/xml', body, headers);
}

const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>503 Service Temporarily Unavailable</title></head>' +
  '<body><h1>Service Temporarily Unavailable</h1><p>Please try again later.</p></body></html>\n';

/** Waits until Node has handed every queued byte to the kernel (bounded, loopback is fast). */
async function drained(socket: Socket): Promise<void> {
  for (let i = 0; i < 200 && socket.writableLength > 0 && !socket.destroyed; i++) await delay(5);
}

export function createFileHost(options: FileHostOptions): FileHost {
  // Per emulator: a link from another emulator instance does not verify here.
  const key = randomUUID();
  const signature = (path: string, expires: string) =>
    createHmac('sha256', key).update(`${path}\n${expires}`).digest('base64url');

  const verified = (path: string, params: URLSearchParams): boolean => {
    const given = Buffer.from(params.get('Signature') ?? '');
    const wanted = Buffer.from(signature(path, params.get('Expires') ?? ''));
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  };

  return {
    sign(fileName, expiresAt) {
      const path = `/files/${randomUUID().replaceAll('-', '')}/${encodeURIComponent(fileName)}`;
      const expires = String(Math.floor(expiresAt / 1000));
      const query = new URLSearchParams({
        Expires: expires,
        Signature: signature(path, expires),
        'Key-Pair-Id': 'K2JCJMDEHXQW5F',
      });
      return `${options.origin()}${path}?${query.toString()}`;
    },

    async handle(req, res) {
      const { path, query } = splitTarget(req.url ?? '/');
      const params = new URLSearchParams(query);
      const faults = options.faults();
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        s3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed.');
        return;
      }
      if (!/^\/files\/[0-9a-f]{32}\/[^/]+$/.test(path)) {
        s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        return;
      }
      // A pre-signed link carries its own credentials; S3 refuses a second mechanism.
      if (req.headers.authorization !== undefined) {
        s3Error(
          res,
          400,
          'InvalidArgument',
          'Only one auth mechanism allowed; only the Signature query string parameter or the Authorization header should be specified',
        );
        return;
      }
      if (!verified(path, params)) {
        s3Error(
          res,
          403,
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided.',
        );
        return;
      }
      if (Number(params.get('Expires')) * 1000 <= options.now() || take(faults, 'expired')) {
        s3Error(res, 403, 'AccessDenied', 'Request has expired');
        return;
      }
      if (take(faults, 'unavailable')) {
        s3Error(res, 503, 'SlowDown', 'Please reduce your request rate.', { 'Retry-After': '1' });
        return;
      }
      if (take(faults, 'html')) {
        sendBody(res, 200, 'text/html; charset=utf-8', HTML_PAGE);
        return;
      }
      await serveFile(req, res, await options.file(), faults);
    },
  };
}

const READ_SIZE = 1 << 20;

/** Holds each chunk back until the bytes sent so far fit the rate. */
function pace(bytesPerSecond: number): Transform {
  const started = performance.now();
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      const wait = started + (sent / bytesPerSecond) * 1000 - performance.now();
      if (wait <= 0) done(null, chunk);
      else setTimeout(() => done(null, chunk), wait);
    },
  });
}

/** Serves the file with ranges and the byte faults (also used by the one-time link host). */
export async function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: SnapshotFile,
  faults: DownloadFaults,
): Promise<void> {
  const etag = `"${file.sha256.slice(0, 32)}"`;
  const lastModified = new Date(file.modifiedAt).toUTCString();
  const headers: Record<string, string> = {
    'Content-Type': 'application/gzip',
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': lastModified,
  };
  const ifRange = req.headers['if-range'];
  const rangeApplies =
    !faults.ignoreRange && (ifRange === undefined || ifRange === etag || ifRange === lastModified);
  const range = rangeApplies ? parseRange(req.headers.range, file.size) : undefined;
  if (range === 'unsatisfiable') {
    sendBody(res, 416, 'application/xml', '', { 'Content-Range': `bytes */${file.size}` });
    return;
  }
  const { start, end } = range ?? { start: 0, end: file.size - 1 };
  const length = end - start + 1;
  if (range !== undefined) headers['Content-Range'] = `bytes ${start}-${end}/${file.size}`;
  res.writeHead(range === undefined ? 200 : 206, { ...headers, 'Content-Length': String(length) });
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return;
  }

  const reset = takeByteFault(faults.reset);
  const stall = reset === undefined ? takeByteFault(faults.stall) : undefined;
  const truncate =
    reset === undefined && stall === undefined ? takeByteFault(faults.truncate) : undefined;
  const cut = reset ?? stall ?? truncate;
  const sent = cut === undefined ? length : Math.min(length, cut);
  if (sent > 0) {
    // 1 MiB reads: with the default 64 KiB, this server's thread-pool round trips, not the
    // client, set the pace over loopback, and the benchmark's curl reference would be slower
    // than the machine allows.
    const source = createReadStream(file.path, {
      start,
      end: start + sent - 1,
      highWaterMark: READ_SIZE,
    });
    try {
      if (faults.bytesPerSecond === undefined) {
        await pipeline(source, res, { end: false });
      } else {
        await pipeline(source, pace(faults.bytesPerSecond), res, { end: false });
      }
    } catch {
      return; // the client went away
    }
  }
  const socket = res.socket;
  if (sent === length || socket === null) {
    res.end();
  } else if (reset !== undefined) {
    await drained(socket);
    // Give loopback a moment to deliver what was sent before the RST discards the rest.
    await delay(20);
    socket.resetAndDestroy();
  } else if (truncate !== undefined) {
    socket.end();
  }
  // A stall leaves the response open: only the client's timeout or close() ends it.
}
