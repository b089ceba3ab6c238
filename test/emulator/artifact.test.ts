import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DefaultArtifactClient } from '@actions/artifact';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ArtifactService, startArtifactService } from './artifact.ts';

let service: ArtifactService;
let work: string;
let savedEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'artifact-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});
beforeEach(async () => {
  service = await startArtifactService();
  savedEnv = { ...process.env };
  Object.assign(process.env, service.env);
  // The client logs through @actions/core, i.e. stdout workflow commands: noise here.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.env = savedEnv;
  await service.close();
});

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Pseudo-random bytes streamed to disk, so the big upload never sits in memory. */
async function writeRandomFile(path: string, bytes: number): Promise<string> {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16));
  const hash = createHash('sha256');
  async function* chunks() {
    for (let left = bytes; left > 0; left -= 1 << 20) {
      const chunk = cipher.update(Buffer.alloc(Math.min(left, 1 << 20)));
      hash.update(chunk);
      yield chunk;
    }
  }
  await pipeline(Readable.from(chunks()), createWriteStream(path));
  return hash.digest('hex');
}

describe('artifact service with the real @actions/artifact client', () => {
  it('stores one file as it is with skipArchive, over Put Block + Put Block List', async () => {
    const file = join(work, 'flex-cluster-0123456789abcdef01234567.tar.gz');
    const hash = await writeRandomFile(file, 20 * 1024 * 1024 + 123);
    const client = new DefaultArtifactClient();
    const result = await client.uploadArtifact('ignored-name', [file], work, {
      skipArchive: true,
      retentionDays: 3,
    });

    const stored = service.artifacts.get('flex-cluster-0123456789abcdef01234567.tar.gz');
    expect(stored).toBeDefined();
    expect(result).toEqual({ id: stored?.id, size: 20 * 1024 * 1024 + 123, digest: hash });
    expect(stored).toMatchObject({
      finalized: true,
      size: 20 * 1024 * 1024 + 123,
      sha256: hash,
      digest: hash,
      reportedHash: `sha256:${hash}`,
      reportedSize: 20 * 1024 * 1024 + 123,
      mimeType: 'application/gzip',
      contentType: 'application/gzip',
      version: 7,
      retentionDays: 3,
      uploadedWith: 'blocks',
      blockCount: 3,
    });
    expect(sha256(readFileSync(stored?.path ?? ''))).toBe(hash);

    const twirp = service.requests.filter((r) => r.path.startsWith('/twirp/'));
    expect(twirp.map((r) => r.path.split('/').pop())).toEqual([
      'CreateArtifact',
      'FinalizeArtifact',
    ]);
    expect(
      twirp.every((r) => r.headers.authorization === `Bearer ${service.env.ACTIONS_RUNTIME_TOKEN}`),
    ).toBe(true);
    const blob = service.requests.filter((r) => !r.path.startsWith('/twirp/'));
    expect(blob.map((r) => new URLSearchParams(r.query).get('comp'))).toEqual([
      'block',
      'block',
      'block',
      'blocklist',
    ]);
    expect(blob.every((r) => r.method === 'PUT' && r.status === 201)).toBe(true);
  });

  it('uses blocks even for a small file, and an empty block list for an empty one', async () => {
    const small = join(work, 'small.tar.gz');
    await writeFile(small, 'tiny');
    const empty = join(work, 'empty.tar.gz');
    await writeFile(empty, '');
    const client = new DefaultArtifactClient();
    await client.uploadArtifact('x', [small], work, { skipArchive: true });
    await client.uploadArtifact('y', [empty], work, { skipArchive: true });
    expect(service.artifacts.get('small.tar.gz')).toMatchObject({
      size: 4,
      sha256: sha256('tiny'),
      uploadedWith: 'blocks',
      blockCount: 1,
    });
    expect(service.artifacts.get('empty.tar.gz')).toMatchObject({
      size: 0,
      sha256: sha256(''),
      uploadedWith: 'blocks',
      blockCount: 0,
      finalized: true,
    });
  });

  it('stores the zip the client builds by default', async () => {
    const dir = join(work, 'zip-src');
    await rm(dir, { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    await writeFile(join(dir, 'a.txt'), 'hello artifact');
    const client = new DefaultArtifactClient();
    const result = await client.uploadArtifact('zipped', [join(dir, 'a.txt')], dir);
    const stored = service.artifacts.get('zipped');
    expect(stored).toMatchObject({ finalized: true, mimeType: 'application/zip', id: result.id });
    const bytes = readFileSync(stored?.path ?? '');
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(bytes.includes(Buffer.from('a.txt'))).toBe(true);
    expect(stored?.sha256).toBe(sha256(bytes));
    expect(stored?.digest).toBe(stored?.sha256);
  });

  it('refuses a second artifact of the same name in the run', async () => {
    const file = join(work, 'twice.tar.gz');
    await writeFile(file, 'one');
    const client = new DefaultArtifactClient();
    await client.uploadArtifact('twice', [file], work, { skipArchive: true });
    await expect(
      client.uploadArtifact('twice', [file], work, { skipArchive: true }),
    ).rejects.toThrow(/409.*already exists/);
  });

  it('finds an artifact by name, deletes it, and then takes the name again', async () => {
    const file = join(work, 'again.tar.gz');
    await writeFile(file, 'first');
    const client = new DefaultArtifactClient();
    await expect(client.getArtifact('again.tar.gz')).rejects.toMatchObject({
      name: 'ArtifactNotFoundError',
    });
    const first = await client.uploadArtifact('again', [file], work, { skipArchive: true });
    await expect(client.getArtifact('again.tar.gz')).resolves.toMatchObject({
      artifact: {
        name: 'again.tar.gz',
        id: first.id,
        size: 5,
        digest: `sha256:${sha256('first')}`,
      },
    });
    await expect(client.deleteArtifact('again.tar.gz')).resolves.toEqual({ id: first.id });
    expect(service.artifacts.has('again.tar.gz')).toBe(false);
    expect(service.deleted.map((a) => a.id)).toEqual([first.id]);
    await expect(client.deleteArtifact('again.tar.gz')).rejects.toMatchObject({
      name: 'ArtifactNotFoundError',
    });

    await writeFile(file, 'second');
    const second = await client.uploadArtifact('again', [file], work, { skipArchive: true });
    expect(second.id).not.toBe(first.id);
    expect(service.artifacts.get('again.tar.gz')).toMatchObject({ sha256: sha256('second') });
    const calls = service.requests
      .filter((r) => r.path.startsWith('/twirp/'))
      .map((r) => r.path.split('/').pop());
    expect(calls).toEqual([
      'ListArtifacts',
      'CreateArtifact',
      'FinalizeArtifact',
      'ListArtifacts',
      'ListArtifacts',
      'DeleteArtifact',
      'ListArtifacts',
      'CreateArtifact',
      'FinalizeArtifact',
    ]);
  });

  it('reports a used-up storage quota the way the client recognises', async () => {
    service.faults.quotaExceeded = true;
    const file = join(work, 'quota.tar.gz');
    await writeFile(file, 'q');
    const client = new DefaultArtifactClient();
    await expect(client.uploadArtifact('q', [file], work, { skipArchive: true })).rejects.toThrow(
      /storage quota has been hit/,
    );
  });

  it('rejects a wrong runtime token and a blob URL with a bad signature', async () => {
    const bad = await fetch(
      `${service.resultsUrl}twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer nope' },
        body: '{}',
      },
    );
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ code: 'unauthenticated', msg: 'invalid runtime token' });
    const blob = await fetch(
      `${service.resultsUrl}devstoreaccount1/actions-results/x?comp=block&blockid=AA&sig=forged&se=2099-01-01T00:00:00Z`,
      {
        method: 'PUT',
        body: 'x',
      },
    );
    expect(blob.status).toBe(403);
    expect(blob.headers.get('x-ms-error-code')).toBe('AuthenticationFailed');
  });
});
