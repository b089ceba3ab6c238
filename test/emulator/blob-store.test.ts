import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BlobStore,
  type CommittedBlob,
  createBlobStore,
  prepareBlobDirectory,
  stagingFile,
} from './blob-store.ts';
import { closeServer, listen } from './http.ts';

let directory: string;
let server: Server;
let store: BlobStore;
let committed: CommittedBlob[];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'blob-store-test-'));
  await prepareBlobDirectory(directory);
  committed = [];
  let origin = '';
  store = createBlobStore({
    directory,
    origin: () => origin,
    now: Date.now,
    onCommit: (blob) => committed.push(blob),
    failNext: () => false,
  });
  server = createServer((req, res) => void store.handle(req, res));
  origin = await listen(server);
});
afterEach(async () => {
  await closeServer(server);
  await rm(directory, { recursive: true, force: true });
});

const KEY = 'run/job/snapshot.tar.gz';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const blockId = (n: number) =>
  Buffer.from(`block-${String(n).padStart(6, '0')}`).toString('base64');

async function put(query: string, body: Buffer | string): Promise<number> {
  const url = `${store.sign(KEY, Date.now() + 60_000)}&${query}`;
  const answer = await fetch(url, { method: 'PUT', body });
  await answer.arrayBuffer();
  return answer.status;
}

const putBlock = (n: number, body: Buffer) =>
  put(`comp=block&blockid=${encodeURIComponent(blockId(n))}`, body);

const commit = (ids: number[]) =>
  put(
    'comp=blocklist',
    `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((n) => `<Latest>${blockId(n)}</Latest>`).join('')}</BlockList>`,
  );

const bytes = (n: number, size: number) => Buffer.alloc(size, n);

describe('the blob store', () => {
  it('commits blocks listed in the order they came by renaming their staging file', async () => {
    const parts = [bytes(1, 300_000), bytes(2, 300_000), bytes(3, 1234)];
    for (const [i, part] of parts.entries()) await putBlock(i, part);
    const staging = statSync(stagingFile(directory, KEY));
    expect(await commit([0, 1, 2])).toBe(201);
    const [blob] = committed;
    expect(blob).toMatchObject({ key: KEY, size: 601_234, blockCount: 3, uploadedWith: 'blocks' });
    // The same inode: nothing was copied.
    expect(statSync(blob?.path ?? '').ino).toBe(staging.ino);
    expect(readFileSync(blob?.path ?? '')).toEqual(Buffer.concat(parts));
    expect(blob?.sha256).toBe(sha256(Buffer.concat(parts)));
  });

  it('keeps any other list as an index, assembled when first read: reordered, restaged, some left out', async () => {
    await putBlock(0, bytes(1, 1000));
    await putBlock(1, bytes(2, 2000));
    await putBlock(2, bytes(3, 3000));
    await putBlock(1, bytes(4, 500)); // staged again: the latest body counts
    expect(await commit([2, 1])).toBe(201);
    const [blob] = committed;
    const expected = Buffer.concat([bytes(3, 3000), bytes(4, 500)]);
    expect(blob?.size).toBe(3500);
    // Nothing copied at commit: the staged bytes are still where they came in.
    expect(existsSync(stagingFile(directory, KEY))).toBe(true);
    expect(readFileSync(blob?.path ?? '')).toEqual(expected);
    expect(blob?.sha256).toBe(sha256(expected));
    expect(existsSync(stagingFile(directory, KEY))).toBe(false);
  });

  it('refuses a list naming a block never staged, and commits an empty list as an empty blob', async () => {
    await putBlock(0, bytes(1, 10));
    expect(await commit([0, 7])).toBe(400);
    expect(committed).toHaveLength(0);
    expect(await commit([])).toBe(201);
    expect(committed[0]).toMatchObject({ size: 0, blockCount: 0, sha256: sha256(Buffer.alloc(0)) });
  });
});
