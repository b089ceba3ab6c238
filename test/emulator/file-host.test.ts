import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AtlasEmulator,
  newestCompleted,
  type SnapshotFile,
  startAtlasEmulator,
} from './atlas.ts';
import { parseRange } from './file-host.ts';
import { call, flexPath, type JobJson, rawGet } from './test-client.ts';

let now = Date.UTC(2026, 10, 29, 3, 0, 0);
let atlas: AtlasEmulator;
let file: SnapshotFile;
let url: string;
let bytes: Buffer;

beforeEach(async () => {
  now = Date.UTC(2026, 10, 29, 3, 0, 0);
  atlas = await startAtlasEmulator({ now: () => now });
  file = await atlas.snapshotFile();
  bytes = readFileSync(file.path);
  const snapshot = newestCompleted(
    atlas.clusters.get('flex-cluster') ?? atlas.addCluster({ name: 'x', kind: 'flex' }),
  );
  const answer = await call(atlas, flexPath(atlas, 'flex-cluster', '/backup/download'), {
    method: 'POST',
    body: JSON.stringify({ snapshotId: snapshot?.id }),
  });
  url = answer.json<JobJson>().snapshotUrl ?? '';
});
afterEach(async () => {
  await atlas.close();
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const fileRequests = () => atlas.requests.filter((r) => r.server === 'files');

describe('the signed link', () => {
  it('serves the whole file without Atlas credentials, on its own origin', async () => {
    expect(url.startsWith(`${atlas.fileUrl}/files/`)).toBe(true);
    expect(atlas.fileUrl).not.toBe(atlas.url);
    const answer = await rawGet(url);
    expect(answer.status).toBe(200);
    expect(answer.ending).toBe('complete');
    expect(sha256(answer.bytes)).toBe(file.sha256);
    expect(answer.headers).toMatchObject({
      'content-type': 'application/gzip',
      'content-length': String(file.size),
      'accept-ranges': 'bytes',
      etag: `"${file.sha256.slice(0, 32)}"`,
    });
    expect(answer.bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(fileRequests()).toHaveLength(1);
  });

  it('answers HEAD with the headers only', async () => {
    const answer = await fetch(url, { method: 'HEAD' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-length')).toBe(String(file.size));
  });

  it('refuses a tampered signature, a second auth mechanism, and an expired link', async () => {
    // A different first character, whatever it was (replacing it with a fixed one is no change
    // one time in 64).
    const tampered = await fetch(
      url.replace(/Signature=(.)/, (_, c: string) => `Signature=${c === 'A' ? 'B' : 'A'}`),
    );
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const withAuth = await fetch(url, { headers: { authorization: 'Bearer something' } });
    expect(withAuth.status).toBe(400);
    expect(await withAuth.text()).toContain('<Code>InvalidArgument</Code>');
    now += 4 * 60 * 60 * 1000;
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(expired.headers.get('content-type')).toBe('application/xml');
    const body = await expired.text();
    expect(body).toContain('<Code>AccessDenied</Code>');
    expect(body).toContain('<Message>Request has expired</Message>');
  });
});

describe('ranges', () => {
  it('answers 206 with Content-Range for open, closed and suffix ranges', async () => {
    const cases: [string, number, number][] = [
      ['bytes=1000-', 1000, file.size - 1],
      ['bytes=10-19', 10, 19],
      ['bytes=-100', file.size - 100, file.size - 1],
      [`bytes=5-${file.size + 1000}`, 5, file.size - 1],
    ];
    for (const [range, start, end] of cases) {
      const answer = await rawGet(url, { range });
      expect(answer.status).toBe(206);
      expect(answer.headers['content-range']).toBe(`bytes ${start}-${end}/${file.size}`);
      expect(answer.bytes.equals(bytes.subarray(start, end + 1))).toBe(true);
    }
  });

  it('honours If-Range: the matching ETag gets 206, another one the full 200', async () => {
    const etag = `"${file.sha256.slice(0, 32)}"`;
    const same = await rawGet(url, { range: 'bytes=100-', 'if-range': etag });
    expect(same.status).toBe(206);
    const other = await rawGet(url, {
      range: 'bytes=100-',
      'if-range': '"0123456789abcdef0123456789abcdef"',
    });
    expect(other.status).toBe(200);
    expect(other.bytes.length).toBe(file.size);
  });

  it('changes the ETag when the served file changes, so a resume restarts', async () => {
    const etag = `"${file.sha256.slice(0, 32)}"`;
    const bigger = await atlas.snapshotFile(3 * 1024 * 1024);
    expect(bigger.sha256).not.toBe(file.sha256);
    const answer = await rawGet(url, { range: 'bytes=100-', 'if-range': etag });
    expect(answer.status).toBe(200);
    expect(sha256(answer.bytes)).toBe(bigger.sha256);
  });

  it('answers 416 to an unsatisfiable range and ignores malformed or multiple ones', async () => {
    const beyond = await rawGet(url, { range: `bytes=${file.size}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${file.size}`);
    for (const range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=9-3']) {
      expect((await rawGet(url, { range })).status).toBe(200);
    }
  });

  it('parses ranges as RFC 9110 says', () => {
    expect(parseRange(undefined, 10)).toBeUndefined();
    expect(parseRange('bytes=0-', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=-30', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=-', 10)).toBeUndefined();
  });
});

describe('download faults', () => {
  it('reset: an RST after N bytes, for the first K requests only', async () => {
    atlas.faults.download.reset = { afterBytes: 100_000, times: 1 };
    const first = await rawGet(url);
    expect([first.status, first.ending, first.bytes.length]).toEqual([200, 'reset', 100_000]);
    expect(first.bytes.equals(bytes.subarray(0, 100_000))).toBe(true);
    const resumed = await rawGet(url, { range: 'bytes=100000-' });
    expect([resumed.status, resumed.ending]).toEqual([206, 'complete']);
    expect(sha256(Buffer.concat([first.bytes, resumed.bytes]))).toBe(file.sha256);
    expect(atlas.faults.download.reset?.times).toBe(0);
  });

  it('reset without times hits every request, counting from each response start', async () => {
    atlas.faults.download.reset = { afterBytes: 1000 };
    const first = await rawGet(url);
    const second = await rawGet(url, { range: 'bytes=1000-' });
    expect([first.bytes.length, second.bytes.length]).toEqual([1000, 1000]);
    expect(second.bytes.equals(bytes.subarray(1000, 2000))).toBe(true);
  });

  it('truncate: a clean close after N of Content-Length bytes', async () => {
    atlas.faults.download.truncate = { afterBytes: 12_345, times: 1 };
    const cut = await rawGet(url);
    expect([cut.status, cut.ending, cut.bytes.length]).toEqual([200, 'cut', 12_345]);
    expect(cut.headers['content-length']).toBe(String(file.size));
    expect((await rawGet(url)).ending).toBe('complete');
  });

  it('stall: N bytes, then silence on an open socket until the emulator closes', async () => {
    atlas.faults.download.stall = { afterBytes: 5000, times: 1 };
    const response = await fetch(url);
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error('no body');
    let received = 0;
    while (received < 5000) {
      const { value, done } = await reader.read();
      if (done) throw new Error('ended early');
      received += value.length;
    }
    expect(received).toBe(5000);
    const next = reader.read();
    const outcome = await Promise.race([next.then(() => 'data'), tick().then(() => 'silence')]);
    expect(outcome).toBe('silence');
    await atlas.close();
    await expect(next).rejects.toThrow();
  });

  it('html: a 200 HTML error page instead of the file, for the next N requests', async () => {
    atlas.faults.download.html = 1;
    const page = await rawGet(url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.bytes.toString()).toContain('<html>');
    expect(sha256((await rawGet(url)).bytes)).toBe(file.sha256);
  });

  it('expired and unavailable: S3 XML errors for the next N requests', async () => {
    atlas.faults.download.expired = 1;
    atlas.faults.download.unavailable = 1;
    const expired = await rawGet(url);
    expect(expired.status).toBe(403);
    expect(expired.bytes.toString()).toContain('Request has expired');
    const slow = await rawGet(url);
    expect([slow.status, slow.headers['retry-after']]).toEqual([503, '1']);
    expect(slow.bytes.toString()).toContain('<Code>SlowDown</Code>');
    expect((await rawGet(url)).status).toBe(200);
  });

  it('ignoreRange: always the whole file with 200', async () => {
    atlas.faults.download.ignoreRange = true;
    const answer = await rawGet(url, { range: 'bytes=100-' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-range']).toBeUndefined();
    expect(answer.bytes.length).toBe(file.size);
  });

  it('logs file requests with the Range sent and the status answered', async () => {
    atlas.faults.download.reset = { afterBytes: 10, times: 1 };
    await rawGet(url);
    await rawGet(url, { range: 'bytes=10-' });
    expect(fileRequests().map((r) => [r.status, r.headers.range])).toEqual([
      [200, undefined],
      [206, 'bytes=10-'],
    ]);
    expect(fileRequests().every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});
