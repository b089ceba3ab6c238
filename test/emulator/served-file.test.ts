import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newestCompleted, startAtlasEmulator } from './atlas.ts';
import { writeMongodCorpus } from './mongod-corpus.ts';
import { hasOpenssl, makeTestCa } from './test-ca.ts';
import { call, flexPath, type JobJson } from './test-client.ts';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'served-file-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function signedLink(atlas: Awaited<ReturnType<typeof startAtlasEmulator>>) {
  const snapshot = newestCompleted(
    atlas.clusters.get('flex-cluster') ?? atlas.addCluster({ name: 'x', kind: 'flex' }),
  );
  const answer = await call(atlas, flexPath(atlas, 'flex-cluster', '/backup/download'), {
    method: 'POST',
    body: JSON.stringify({ snapshotId: snapshot?.id }),
  });
  return answer.json<JobJson>().snapshotUrl ?? '';
}

describe('the file host', () => {
  it('serves a file made elsewhere, such as the corpus, with its size and ETag', async () => {
    const corpus = await writeMongodCorpus(join(work, 'corpus.tar.gz'), 2 * 1024 * 1024, {
      workers: 0,
    });
    const atlas = await startAtlasEmulator();
    try {
      expect(await atlas.snapshotFile(corpus)).toBe(corpus);
      const answer = await request(await signedLink(atlas));
      const body = Buffer.from(await answer.body.arrayBuffer());
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['content-length']).toBe(String(corpus.size));
      expect(answer.headers.etag).toBe(`"${corpus.sha256.slice(0, 32)}"`);
      expect(sha256(body)).toBe(corpus.sha256);
    } finally {
      await atlas.close();
    }
  });

  it.skipIf(!hasOpenssl())('serves HTTPS with a test CA while the API stays http', async () => {
    const ca = makeTestCa(work);
    const atlas = await startAtlasEmulator({ fileTls: { key: ca.key, cert: ca.cert } });
    try {
      expect(atlas.url.startsWith('http://127.0.0.1:')).toBe(true);
      expect(atlas.fileUrl.startsWith('https://127.0.0.1:')).toBe(true);
      const link = await signedLink(atlas);
      expect(link.startsWith(`${atlas.fileUrl}/files/`)).toBe(true);
      // Without the CA the certificate is refused; with it the bytes arrive.
      await expect(request(link)).rejects.toThrow(/certificate/);
      const trusting = new Agent({ connect: { ca: await readFile(ca.caPath) } });
      const answer = await request(link, { dispatcher: trusting });
      const body = Buffer.from(await answer.body.arrayBuffer());
      expect(sha256(body)).toBe((await atlas.snapshotFile()).sha256);
      await trusting.close();
    } finally {
      await atlas.close();
    }
  });
});
