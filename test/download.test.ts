import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeClock } from '../src/clock.ts';
import {
  DownloadCancelledError,
  DownloadError,
  type DownloadOptions,
  downloadSnapshot,
  LinkExpiredError,
  parseContentRange,
  SnapshotVerificationError,
  UnsafeArchiveError,
} from '../src/download.ts';
import { memoryLogger } from '../src/log.ts';
import type { DownloadLink } from '../src/wait.ts';
import {
  ETAG,
  type FileServer,
  type Plan,
  type RecordedRequest,
  startFileServer,
} from './helpers/file-server.ts';
import { makeSnapshot, rawTarGz, type SnapshotFiles, snapshotFiles } from './helpers/snapshots.ts';
import { TEST_TLS_CERT, TEST_TLS_KEY } from './helpers/tls.ts';

let work: string;
let files: SnapshotFiles;
let snapshot: Buffer;
let server: FileServer | undefined;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'download-test-'));
  files = snapshotFiles();
  snapshot = await makeSnapshot(join(work, 'fixture'), files);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(work, { recursive: true, force: true });
});

async function serve(content: Buffer, plans: Plan[] = []): Promise<FileServer> {
  server = await startFileServer(content, plans);
  return server;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A download job's link to `url`, as wait.ts hands it over. */
function linkTo(url: string, jobId = 'job-1'): DownloadLink {
  return { jobId, url, expiresAt: undefined, snapshotFinishedAt: undefined };
}

/** Options every test shares: fake clock (no real waits), captured log, output under `work`. */
function options(url: string, extra: Partial<DownloadOptions> = {}) {
  const clock = fakeClock();
  const log = memoryLogger();
  const opts: DownloadOptions = {
    link: linkTo(url),
    // The test servers are plain http on loopback.
    allowHttp: true,
    path: join(work, 'out', 'snapshot.tar.gz'),
    clock,
    log,
    ...extra,
  };
  return { opts, clock, log };
}

/** What is left in the output directory: the download must leave nothing on failure. */
async function leftovers(dir = join(work, 'out')): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/** No partial file, no partial or final extraction: only the (empty) parent we made. */
async function expectNothingLeft(): Promise<void> {
  expect(await leftovers()).toEqual([]);
  expect((await readdir(work)).filter((name) => name !== 'out')).toEqual(['fixture']);
}

/** The N of a request's `Range: bytes=N-`, or undefined for a plain GET. */
function rangeStart(request: RecordedRequest | undefined): number | undefined {
  const match = /^bytes=(\d+)-$/.exec(request?.headers.range ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * Each resumed request asks for the byte after the last one the client kept, which is at most
 * what the previous response sent: bytes still buffered when a socket dies are lost, and
 * re-fetched. The body responses together then cover the file exactly once from each offset.
 */
function expectContiguousResumes(total: number): void {
  const bodies = (server?.requests ?? []).filter((r) => r.status === 200 || r.status === 206);
  let reach = 0;
  for (const [i, request] of bodies.entries()) {
    const start = rangeStart(request);
    if (i === 0 || request.status === 200) {
      expect(request.start).toBe(0);
    } else {
      expect(start).toBeGreaterThan(0);
      expect(start).toBeLessThanOrEqual(reach);
      expect(request.start).toBe(start);
    }
    reach = request.start + request.bytesSent;
  }
  expect(reach).toBe(total);
}

async function expectExtracted(dir: string): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    expect(Buffer.compare(await readFile(join(dir, path)), content), path).toBe(0);
  }
}

describe('downloadSnapshot: the happy path', () => {
  it('streams the file into place and reports its size and SHA-256', async () => {
    const { url } = await serve(snapshot);
    const { opts, log } = options(`${url}?X-Amz-Signature=s3cr3t`, { progressIntervalMs: 0 });

    const result = await downloadSnapshot(opts);

    expect(result).toEqual({
      link: opts.link,
      path: opts.path,
      size: snapshot.length,
      sha256: sha256(snapshot),
    });
    expect(Buffer.compare(await readFile(opts.path), snapshot)).toBe(0);
    expect(await leftovers()).toEqual(['snapshot.tar.gz']);
    expect(log.lines.some((line) => /Downloaded .* of .* \(\d+%\)/.test(line))).toBe(true);
    expect(log.lines.join('\n')).not.toContain('s3cr3t');
    expect(server?.requests[0]?.headers.range).toBeUndefined();
    expect(server?.requests[0]?.headers['accept-encoding']).toBe('identity');
  });

  it('sends its requests through the dispatcher it is given', async () => {
    const { url } = await serve(snapshot);
    let dispatched = 0;
    const agent = new Agent();
    const counting = agent.compose((dispatch) => (opts, handler) => {
      dispatched++;
      return dispatch(opts, handler);
    });
    try {
      await downloadSnapshot(options(url, { dispatcher: counting }).opts);
    } finally {
      await agent.close();
    }
    expect(dispatched).toBe(1);
  });

  it('replaces a file left at the target path and creates missing parent directories', async () => {
    const { url } = await serve(snapshot);
    const { opts } = options(url, { path: join(work, 'a', 'b', 'snapshot.tar.gz') });
    await mkdir(join(work, 'a', 'b'), { recursive: true });
    await writeFile(opts.path, 'old');

    const result = await downloadSnapshot(opts);

    expect(result.sha256).toBe(sha256(snapshot));
    expect((await stat(opts.path)).size).toBe(snapshot.length);
  });

  it('extracts while downloading', async () => {
    const { url } = await serve(snapshot);
    const extractTo = join(work, 'data', 'db');
    const { opts } = options(url, { extractTo });

    const result = await downloadSnapshot(opts);

    expect(result.extractedTo).toBe(extractTo);
    await expectExtracted(extractTo);
    expect(await readdir(join(work, 'data'))).toEqual(['db']);
    expect(result.sha256).toBe(sha256(snapshot));
  });

  it('extracts into an existing empty directory', async () => {
    const { url } = await serve(snapshot);
    const extractTo = join(work, 'db');
    await mkdir(extractTo);
    await downloadSnapshot(options(url, { extractTo }).opts);
    await expectExtracted(extractTo);
  });

  it('strips setuid bits and keeps extracted files readable and writable by the owner', async () => {
    const archive = rawTarGz([
      { path: 'bin/tool', type: 'File', mode: 0o4755, body: Buffer.from('#!/bin/sh\n') },
      { path: 'ro.wt', type: 'File', mode: 0o400, body: Buffer.from('data') },
    ]);
    const { url } = await serve(archive);
    const extractTo = join(work, 'db');
    await downloadSnapshot(options(url, { extractTo }).opts);
    expect((await stat(join(extractTo, 'bin/tool'))).mode & 0o7000).toBe(0);
    expect((await stat(join(extractTo, 'ro.wt'))).mode & 0o600).toBe(0o600);
  });

  it('follows a redirect to the storage host', async () => {
    const { url } = await serve(snapshot, [
      { status: 307, headers: { location: '/bucket/snapshot.tar.gz?sig=1' } },
    ]);
    const result = await downloadSnapshot(options(url).opts);
    expect(result.sha256).toBe(sha256(snapshot));
    expect(server?.requests[1]?.url).toBe('/bucket/snapshot.tar.gz?sig=1');
  });
});

describe('downloadSnapshot: resuming', () => {
  it('resumes after a reset mid-body with Range and If-Range, fetching only the rest', async () => {
    const cut = 200_000;
    const { url } = await serve(snapshot, [{ dropAfter: cut }]);
    const { opts, clock, log } = options(url);

    const result = await downloadSnapshot(opts);

    expect(result.sha256).toBe(sha256(snapshot));
    expect(Buffer.compare(await readFile(opts.path), snapshot)).toBe(0);
    const [first, second] = server?.requests ?? [];
    expect(first?.bytesSent).toBe(cut);
    // N is what the client kept: `cut` unless bytes in flight died with the socket.
    const resumedAt = rangeStart(second) ?? 0;
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(cut);
    expect(second?.headers['if-range']).toBe(ETAG);
    expect(second?.status).toBe(206);
    expect(second?.bytesSent).toBe(snapshot.length - resumedAt);
    expect(clock.slept).toHaveLength(1);
    expect(log.lines.some((line) => line.includes('resuming'))).toBe(true);
  });

  it('resumes the extraction too, without unpacking anything twice', async () => {
    const { url } = await serve(snapshot, [{ dropAfter: 150_000 }, { dropAfter: 200_000 }]);
    const extractTo = join(work, 'db');
    const result = await downloadSnapshot(options(url, { extractTo }).opts);
    expect(result.sha256).toBe(sha256(snapshot));
    expect(server?.requests).toHaveLength(3);
    expectContiguousResumes(snapshot.length);
    await expectExtracted(extractTo);
  });

  it('resumes a multi-MiB download several times while extracting', async () => {
    files = snapshotFiles(5 * 1024);
    const big = await makeSnapshot(join(work, 'big'), files);
    await rm(join(work, 'big'), { recursive: true });
    const { url } = await serve(big, [
      { dropAfter: 1_500_000 },
      { stallAfter: 1_000_000 },
      { endAfter: 2_000_000 },
    ]);
    const extractTo = join(work, 'db');
    const { opts } = options(url, { extractTo, stallTimeoutMs: 200 });

    const result = await downloadSnapshot(opts);

    expect(result.sha256).toBe(sha256(big));
    expect(server?.requests).toHaveLength(4);
    expectContiguousResumes(big.length);
    await expectExtracted(extractTo);
  });

  it('fails on a corrupt byte in the middle of a multi-MiB gzip stream', async () => {
    files = snapshotFiles(5 * 1024);
    const big = Buffer.from(await makeSnapshot(join(work, 'big'), files));
    await rm(join(work, 'big'), { recursive: true });
    big.writeUInt8(big.readUInt8(3_000_000) ^ 0xff, 3_000_000);
    const { url } = await serve(big);
    const error = await downloadSnapshot(options(url).opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotVerificationError);
    expect(await leftovers()).toEqual([]);
  });

  it('uses Last-Modified for If-Range when there is no ETag', async () => {
    const { url } = await serve(snapshot, [
      { dropAfter: 100_000, headers: { etag: null } },
      { headers: { etag: null } },
    ]);
    await downloadSnapshot(options(url).opts);
    expect(server?.requests[1]?.headers['if-range']).toBe('Sat, 28 Nov 2026 03:00:00 GMT');
    expect(server?.requests[1]?.status).toBe(206);
  });

  it('starts over from zero when the server ignores the range', async () => {
    const { url } = await serve(snapshot, [{ dropAfter: 300_000 }, { ignoreRange: true }]);
    const extractTo = join(work, 'db');
    const { opts, log } = options(url, { extractTo });

    const result = await downloadSnapshot(opts);

    expect(result.sha256).toBe(sha256(snapshot));
    expect(Buffer.compare(await readFile(opts.path), snapshot)).toBe(0);
    expect(rangeStart(server?.requests[1])).toBeGreaterThan(0);
    expect(server?.requests[1]?.status).toBe(200);
    expect(server?.requests[1]?.bytesSent).toBe(snapshot.length);
    expect(log.lines.some((line) => line.includes('starting over'))).toBe(true);
    await expectExtracted(extractTo);
    expect((await readdir(work)).filter((name) => name.startsWith('db.'))).toEqual([]);
  });

  it('starts over when a 206 does not continue where the download stopped', async () => {
    const { url } = await serve(snapshot, [{ dropAfter: 100_000 }, { rangeStart: 50_000 }]);
    const { opts, log } = options(url);
    const result = await downloadSnapshot(opts);
    expect(result.sha256).toBe(sha256(snapshot));
    expect(server?.requests.map(rangeStart)).toEqual([undefined, expect.any(Number), undefined]);
    expect(log.lines.some((line) => line.includes('resumed at byte 50000'))).toBe(true);
  });

  it('treats a stall as a dropped connection and resumes', async () => {
    const { url } = await serve(snapshot, [{ stallAfter: 120_000 }]);
    const { opts, log } = options(url, { stallTimeoutMs: 200 });

    const result = await downloadSnapshot(opts);

    expect(result.sha256).toBe(sha256(snapshot));
    expect(server?.requests).toHaveLength(2);
    expectContiguousResumes(snapshot.length);
    expect(log.lines.some((line) => line.includes('no data arrived'))).toBe(true);
  });

  it('resumes after a response that ends early', async () => {
    const { url } = await serve(snapshot, [{ endAfter: 70_000 }]);
    const result = await downloadSnapshot(options(url).opts);
    expect(result.sha256).toBe(sha256(snapshot));
    expect(server?.requests).toHaveLength(2);
    expectContiguousResumes(snapshot.length);
  });

  it('retries a 503 and honours Retry-After', async () => {
    const { url } = await serve(snapshot, [
      { status: 503, body: 'Slow Down', headers: { 'retry-after': '7' } },
    ]);
    const { opts, clock } = options(url);
    const result = await downloadSnapshot(opts);
    expect(result.sha256).toBe(sha256(snapshot));
    expect(clock.slept).toEqual([7000]);
  });
});

describe('downloadSnapshot: an expired link', () => {
  const expiredXml =
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>';

  it('asks for a new link once on 403 and completes', async () => {
    const { url } = await serve(snapshot, [
      { status: 403, body: expiredXml, contentType: 'application/xml' },
    ]);
    let calls = 0;
    const refreshLink = async () => {
      calls++;
      return linkTo(`${url}?sig=new`, 'job-2');
    };
    const { opts, clock } = options(`${url}?sig=old`, { refreshLink });

    const result = await downloadSnapshot(opts);

    expect(result.sha256).toBe(sha256(snapshot));
    expect(calls).toBe(1);
    // The result names the link that delivered the file, not the dead one.
    expect(result.link).toEqual(linkTo(`${url}?sig=new`, 'job-2'));
    expect(server?.requests.map((r) => r.url)).toEqual([
      '/snapshot.tar.gz?sig=old',
      '/snapshot.tar.gz?sig=new',
    ]);
    expect(clock.slept).toEqual([]);
  });

  it('resumes with the new link when it expires mid-download (410)', async () => {
    const { url } = await serve(snapshot, [{ dropAfter: 250_000 }, { status: 410, body: 'Gone' }]);
    const { opts } = options(url, { refreshLink: async () => linkTo(`${url}?sig=new`) });
    const result = await downloadSnapshot(opts);
    expect(result.sha256).toBe(sha256(snapshot));
    expect(server?.requests[2]?.url).toBe('/snapshot.tar.gz?sig=new');
    expect(server?.requests[2]?.status).toBe(206);
    expectContiguousResumes(snapshot.length);
  });

  it('fails with LinkExpiredError when there is no way to refresh', async () => {
    const { url } = await serve(snapshot, [
      { status: 403, body: expiredXml, contentType: 'application/xml' },
    ]);
    const { opts } = options(url);
    const error = await downloadSnapshot(opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkExpiredError);
    expect((error as Error).message).toMatch(/expired/);
    expect((error as Error).message).toContain('HTTP 403');
    expect((error as Error).message).toContain('Request has expired');
    expect(await leftovers()).toEqual([]);
  });

  it('keeps the signature of the link out of the error even when the host echoes it', async () => {
    const signature = 'f3e1c0ffee0123456789abcdef';
    const echo = `<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>GET /snapshot.tar.gz X-Amz-Signature=${signature}</CanonicalRequest></Error>`;
    const { url } = await serve(snapshot, [{ status: 403, body: echo }]);
    const { opts, log } = options(`${url}?X-Amz-Signature=${signature}`);
    const error = await downloadSnapshot(opts).catch((e: unknown) => e);
    expect((error as Error).message).toContain('SignatureDoesNotMatch');
    expect((error as Error).message).not.toContain(signature);
    expect(log.lines.join('\n')).not.toContain(signature);
  });

  it('fails when the refreshed link is refused too, calling refreshLink only once', async () => {
    const { url } = await serve(snapshot, [
      { status: 403, body: expiredXml },
      { status: 403, body: expiredXml },
    ]);
    let calls = 0;
    const { opts } = options(url, {
      refreshLink: async () => {
        calls++;
        return linkTo(url);
      },
    });
    await expect(downloadSnapshot(opts)).rejects.toThrow(LinkExpiredError);
    expect(calls).toBe(1);
    expect(await leftovers()).toEqual([]);
  });
});

describe('downloadSnapshot: failures leave nothing behind', () => {
  it('gives up after maxAttemptsWithoutProgress truncated responses that get no further', async () => {
    // The host ignores Range, so every attempt starts over and stops at the same byte.
    const plan = { endAfter: 1000, ignoreRange: true };
    const { url } = await serve(snapshot, [plan, plan, plan]);
    const { opts, clock } = options(url, { maxAttemptsWithoutProgress: 3 });

    const error = await downloadSnapshot(opts).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/3 attempts in a row brought no new data/);
    expect(server?.requests).toHaveLength(3);
    expect(clock.slept).toHaveLength(2);
    expect(await leftovers()).toEqual([]);
  });

  it('gives up after too many resets without progress, with nothing extracted left', async () => {
    const plans = Array.from({ length: 6 }, () => ({ dropAfter: 10_000, ignoreRange: true }));
    const { url } = await serve(snapshot, plans);
    const extractTo = join(work, 'db');
    const { opts, clock } = options(url, { extractTo });

    await expect(downloadSnapshot(opts)).rejects.toThrow(/6 attempts in a row brought no new data/);

    expect(clock.slept).toHaveLength(5);
    // Full jitter, growing: each wait is below its ceiling of 1 s, 2 s, 4 s, ...
    clock.slept.forEach((ms, i) => {
      expect(ms).toBeLessThan(1000 * 2 ** i);
    });
    await expectNothingLeft();
  });

  it('rejects an HTML page served with 200 and says what came back', async () => {
    const html = Buffer.from('<!DOCTYPE html><html><head><title>Sign in</title></head></html>');
    const { url } = await serve(html, [
      { headers: { 'content-type': 'text/html; charset=utf-8' } },
    ]);
    const { opts } = options(url);

    const error = await downloadSnapshot(opts).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SnapshotVerificationError);
    expect((error as Error).message).toContain('not a gzip file');
    expect((error as Error).message).toContain('text/html');
    expect((error as Error).message).toContain('<!DOCTYPE html>');
    expect(server?.requests).toHaveLength(1);
    expect(await leftovers()).toEqual([]);
  });

  it('fails on 404 at once, quoting the status and the body', async () => {
    const body =
      '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>';
    const { url } = await serve(snapshot, [{ status: 404, body, contentType: 'application/xml' }]);
    const error = await downloadSnapshot(options(url).opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toContain('HTTP 404');
    expect((error as Error).message).toContain('application/xml');
    expect((error as Error).message).toContain('NoSuchKey');
    expect(server?.requests).toHaveLength(1);
    expect(await leftovers()).toEqual([]);
  });

  it('retries a 500 and then fails with its status', async () => {
    const { url } = await serve(snapshot, [
      { status: 500, body: 'Internal Error' },
      { status: 500, body: 'Internal Error' },
    ]);
    const error = await downloadSnapshot(
      options(url, { maxAttemptsWithoutProgress: 2 }).opts,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toContain('HTTP 500');
    expect((error as Error).message).toContain('Internal Error');
    expect(server?.requests).toHaveLength(2);
    expect(await leftovers()).toEqual([]);
  });

  it('rejects a gzip stream that is cut short even when HTTP says it is complete', async () => {
    const { url } = await serve(snapshot.subarray(0, snapshot.length - 100));
    const error = await downloadSnapshot(options(url).opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotVerificationError);
    expect((error as Error).message).toMatch(/truncated/);
    expect(await leftovers()).toEqual([]);
  });

  it('rejects trailing data after the gzip stream', async () => {
    const { url } = await serve(Buffer.concat([snapshot, Buffer.alloc(4096)]));
    const error = await downloadSnapshot(options(url).opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotVerificationError);
    expect((error as Error).message).toMatch(/trailing data/);
    expect(await leftovers()).toEqual([]);
  });

  it('rejects trailing garbage that is not zeros', async () => {
    const { url } = await serve(Buffer.concat([snapshot, Buffer.from('garbage after the end')]));
    await expect(downloadSnapshot(options(url).opts)).rejects.toThrow(SnapshotVerificationError);
    expect(await leftovers()).toEqual([]);
  });

  it('rejects a gzip file whose content is not a tar archive', async () => {
    const { url } = await serve(
      gzipSync(Buffer.from('just some text, not tar headers\n'.repeat(40))),
    );
    const error = await downloadSnapshot(options(url).opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotVerificationError);
    expect((error as Error).message).toMatch(/tar/);
    expect(await leftovers()).toEqual([]);
  });

  it('rejects an empty tar as not a snapshot', async () => {
    const { url } = await serve(gzipSync(Buffer.alloc(10240)));
    const error = await downloadSnapshot(options(url).opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotVerificationError);
    expect((error as Error).message).toMatch(/not a snapshot|tar/);
    expect(await leftovers()).toEqual([]);
  });

  it.each([
    ['inside an entry body', 50_000],
    ['inside a header', 100_000],
  ])('rejects a tar cut short %s, even inside a valid gzip', async (_where, cut) => {
    const tar = gunzipSync(snapshot);
    const { url } = await serve(gzipSync(tar.subarray(0, cut)));
    const error = await downloadSnapshot(options(url).opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotVerificationError);
    expect((error as Error).message).toMatch(/truncated|Truncated/);
    expect(await leftovers()).toEqual([]);
  });

  it('refuses a non-empty extraction directory before downloading', async () => {
    const { url } = await serve(snapshot);
    const extractTo = join(work, 'db');
    await mkdir(extractTo);
    await writeFile(join(extractTo, 'keep.me'), 'precious');
    await expect(downloadSnapshot(options(url, { extractTo }).opts)).rejects.toThrow(/not empty/);
    expect(server?.requests).toHaveLength(0);
    expect(await readdir(extractTo)).toEqual(['keep.me']);
  });

  it('refuses an extraction path that is a file, and a download path that is a directory', async () => {
    const { url } = await serve(snapshot);
    const file = join(work, 'file');
    await writeFile(file, 'x');
    await expect(downloadSnapshot(options(url, { extractTo: file }).opts)).rejects.toThrow(
      /not a directory/,
    );
    await expect(downloadSnapshot(options(url, { path: work }).opts)).rejects.toThrow(
      /is a directory/,
    );
    expect(server?.requests).toHaveLength(0);
  });
});

describe('downloadSnapshot: hostile archives', () => {
  async function extractHostile(archive: Buffer): Promise<unknown> {
    const { url } = await serve(archive);
    const extractTo = join(work, 'db');
    const error = await downloadSnapshot(options(url, { extractTo }).opts).catch((e: unknown) => e);
    // Nothing extracted stays, nothing escaped, and the partial file is gone.
    await expectNothingLeft();
    return error;
  }

  it('fails on an entry with ../ and names it', async () => {
    const error = await extractHostile(
      rawTarGz([
        { path: 'ok.wt', type: 'File', body: Buffer.from('fine') },
        { path: '../evil', type: 'File', body: Buffer.from('pwned') },
      ]),
    );
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect((error as Error).message).toContain('../evil');
  });

  it('fails on a symlink to /etc/passwd', async () => {
    const error = await extractHostile(
      rawTarGz([
        { path: 'ok.wt', type: 'File', body: Buffer.from('fine') },
        { path: 'passwd', type: 'SymbolicLink', linkpath: '/etc/passwd' },
      ]),
    );
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect((error as Error).message).toContain('passwd');
  });

  it('fails on a relative symlink that climbs out', async () => {
    const error = await extractHostile(
      rawTarGz([{ path: 'a/up', type: 'SymbolicLink', linkpath: '../../outside' }]),
    );
    expect(error).toBeInstanceOf(UnsafeArchiveError);
  });

  it('fails on a hard link to a path outside', async () => {
    const error = await extractHostile(
      rawTarGz([{ path: 'hard', type: 'Link', linkpath: '../../etc/shadow' }]),
    );
    expect(error).toBeInstanceOf(UnsafeArchiveError);
  });

  it('fails on an absolute path', async () => {
    const error = await extractHostile(
      rawTarGz([{ path: '/tmp/evil', type: 'File', body: Buffer.from('x') }]),
    );
    expect(error).toBeInstanceOf(UnsafeArchiveError);
  });

  it('fails on a file written through a symlink', async () => {
    const error = await extractHostile(
      rawTarGz([
        { path: 'here', type: 'SymbolicLink', linkpath: '.' },
        { path: 'here/file', type: 'File', body: Buffer.from('x') },
      ]),
    );
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect((error as Error).message).toContain('here/file');
  });

  it('fails on a device node', async () => {
    const error = await extractHostile(rawTarGz([{ path: 'null', type: 'CharacterDevice' }]));
    expect(error).toBeInstanceOf(UnsafeArchiveError);
  });

  it('keeps links that stay inside the snapshot', async () => {
    const { url } = await serve(
      rawTarGz([
        { path: 'data/file.wt', type: 'File', body: Buffer.from('content') },
        { path: 'latest', type: 'SymbolicLink', linkpath: 'data/file.wt' },
        { path: 'data/again', type: 'SymbolicLink', linkpath: '../data/file.wt' },
        { path: 'copy.wt', type: 'Link', linkpath: 'data/file.wt' },
      ]),
    );
    const extractTo = join(work, 'db');
    await downloadSnapshot(options(url, { extractTo }).opts);
    expect(await readFile(join(extractTo, 'latest'), 'utf8')).toBe('content');
    expect(await readFile(join(extractTo, 'data/again'), 'utf8')).toBe('content');
    expect(await readFile(join(extractTo, 'copy.wt'), 'utf8')).toBe('content');
  });
});

describe('downloadSnapshot: cancellation', () => {
  it('aborts an in-flight download promptly and cleans up', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const { url } = await serve(snapshot, [
      {
        stallAfter: 300_000,
        onLimit: () => {
          abortedAt = performance.now();
          controller.abort(new Error('SIGTERM'));
        },
      },
    ]);
    const extractTo = join(work, 'db');
    const { opts } = options(url, { extractTo, signal: controller.signal });

    const error = await downloadSnapshot(opts).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DownloadCancelledError);
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    await expectNothingLeft();
  });

  it('does not start when the signal has already fired', async () => {
    const { url } = await serve(snapshot);
    const { opts } = options(url, { signal: AbortSignal.abort() });
    await expect(downloadSnapshot(opts)).rejects.toThrow(DownloadCancelledError);
    expect(server?.requests).toHaveLength(0);
  });
});

describe('parseContentRange', () => {
  it('reads start, end and total', () => {
    expect(parseContentRange('bytes 100-199/200')).toEqual({ start: 100, end: 199, total: 200 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9, total: undefined });
  });

  it('rejects anything else', () => {
    expect(parseContentRange(undefined)).toBeUndefined();
    expect(parseContentRange('bytes */200')).toBeUndefined();
    expect(parseContentRange('bytes 10-5/20')).toBeUndefined();
    expect(parseContentRange('items 0-1/2')).toBeUndefined();
  });
});

describe('downloadSnapshot: a retry budget that forgives progress', () => {
  it('delivers the whole file from a host that drops every response after 10 % of it', async () => {
    const tenth = Math.ceil(snapshot.length / 10);
    const { url } = await serve(
      snapshot,
      Array.from({ length: 12 }, () => ({ dropAfter: tenth })),
    );
    const { opts } = options(url);

    const result = await downloadSnapshot(opts);

    expect(result.sha256).toBe(sha256(snapshot));
    // Ten drops, far more than the six attempts without progress that end a download.
    expect(server?.requests.length).toBeGreaterThanOrEqual(10);
    expectContiguousResumes(snapshot.length);
  });

  it('gives up once no new data has arrived for maxTimeWithoutProgressMs', async () => {
    const busy = { status: 503, body: 'Slow Down', headers: { 'retry-after': '4' } };
    const { url } = await serve(
      snapshot,
      Array.from({ length: 20 }, () => busy),
    );
    const { opts, clock } = options(url, {
      maxAttemptsWithoutProgress: 100,
      maxTimeWithoutProgressMs: 10_000,
    });

    const error = await downloadSnapshot(opts).catch((e: unknown) => e);

    expect((error as Error).message).toMatch(/no new data arrived for/);
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10_000);
    expect(server?.requests.length).toBeLessThan(20);
    expect(await leftovers()).toEqual([]);
  });
});

describe('downloadSnapshot: signed links stay https', () => {
  it('refuses an http: link before any request unless allowHttp is set', async () => {
    const { url } = await serve(snapshot);
    const error = await downloadSnapshot({ ...options(url).opts, allowHttp: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/uses http:, not https:/);
    expect(server?.requests).toHaveLength(0);
  });

  it('refuses a redirect from https to http, and sends nothing to the http host', async () => {
    const { url: plainUrl } = await serve(snapshot);
    const tls = createHttpsServer({ key: TEST_TLS_KEY, cert: TEST_TLS_CERT }, (_req, res) => {
      res.writeHead(302, { location: plainUrl });
      res.end();
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const { port } = tls.address() as AddressInfo;
    const dispatcher = new Agent({ connect: { ca: TEST_TLS_CERT } });
    try {
      const error = await downloadSnapshot({
        ...options(`https://localhost:${port}/snapshot.tar.gz?sig=1`).opts,
        allowHttp: false,
        dispatcher,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DownloadError);
      expect((error as Error).message).toMatch(/redirected the snapshot link.*uses http:/);
      expect(server?.requests).toHaveLength(0);
      expect(await leftovers()).toEqual([]);
    } finally {
      await dispatcher.close();
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
    }
  });
});

describe('downloadSnapshot: a Cloud Backup link on port 27017', () => {
  it('says the port must be reachable, through a proxy too, when the host cannot be reached', async () => {
    // Nothing listens on 127.0.0.1:27017 in the tests; a refused connection is a network failure.
    const { opts } = options('http://127.0.0.1:27017/token0123456789abcdef/restore-x.tar.gz', {
      maxAttemptsWithoutProgress: 2,
    });
    const error = await downloadSnapshot(opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/port 27017.*CONNECT to port 443.*IP access list/);
  });
});

describe('downloadSnapshot: a partial file that cannot be written', () => {
  it('fails before any byte, leaving no empty extraction directory behind', async () => {
    const { url } = await serve(snapshot);
    const extractTo = join(work, 'db');
    const { opts } = options(url, { extractTo });
    // A directory where the partial file should go: opening it for writing fails (EISDIR).
    await mkdir(`${opts.path}.partial`, { recursive: true });
    const error = await downloadSnapshot(opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/Could not write .*\.partial/);
    expect(server?.requests).toHaveLength(0);
    expect((await readdir(work)).sort()).toEqual(['fixture', 'out']);
  });
});
