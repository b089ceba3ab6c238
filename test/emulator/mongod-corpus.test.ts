import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { list } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mongodCorpus, writeMongodCorpus } from './mongod-corpus.ts';

const MiB = 1024 * 1024;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'corpus-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the realistic mongod corpus', () => {
  it('is the same bytes every time, whether made by worker threads or not', async () => {
    const inline = await writeMongodCorpus(join(work, 'a.tar.gz'), 3 * MiB, { workers: 0 });
    const threaded = await writeMongodCorpus(join(work, 'b.tar.gz'), 3 * MiB, { workers: 2 });
    expect(threaded.sha256).toBe(inline.sha256);
    expect(sha256(readFileSync(inline.path))).toBe(inline.sha256);
    expect(sha256(readFileSync(threaded.path))).toBe(inline.sha256);
  });

  it('is one valid gzip member of a tar of a mongod data directory, listed by node-tar', async () => {
    const file = await writeMongodCorpus(join(work, 'c.tar.gz'), 3 * MiB, { workers: 0 });
    const tar = gunzipSync(readFileSync(file.path));
    expect(tar.length).toBe(file.tarSize);
    const seen: { path: string; size: number }[] = [];
    const log: Buffer[] = [];
    await list({
      file: file.path,
      onReadEntry: (entry) => {
        seen.push({ path: entry.path, size: entry.size });
        if (entry.path === 'snapshot/mongod.log')
          entry.on('data', (chunk: Buffer) => log.push(chunk));
      },
    });
    expect(seen.map((e) => e.path)).toEqual(file.entries);
    const names = seen.map((e) => e.path);
    expect(names).toEqual(
      expect.arrayContaining([
        'snapshot/WiredTiger',
        'snapshot/WiredTiger.wt',
        'snapshot/_mdb_catalog.wt',
        'snapshot/sizeStorer.wt',
        'snapshot/journal/WiredTigerLog.0000000001',
        'snapshot/diagnostic.data/metrics.interim',
        'snapshot/mongod.log',
      ]),
    );
    expect(names.filter((n) => /^snapshot\/collection-\d+-\d+\.wt$/.test(n))).toHaveLength(6);
    expect(names.filter((n) => /^snapshot\/index-\d+-\d+\.wt$/.test(n))).toHaveLength(12);
    // The log is whole JSON lines (an extent's last line is padded with spaces).
    const lines = Buffer.concat(log)
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(100);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('t.$date');
  });

  it('compresses about as well as a real snapshot (1.65:1), and lands near the size asked', async () => {
    const file = await writeMongodCorpus(join(work, 'd.tar.gz'), 12 * MiB, { workers: 2 });
    const ratio = file.tarSize / file.size;
    expect(ratio).toBeGreaterThan(1.55);
    expect(ratio).toBeLessThan(1.8);
    expect(Math.abs(file.size / (12 * MiB) - 1)).toBeLessThan(0.1);
  });

  it('is generated once per size and then served from the cache', async () => {
    const [a, b] = await Promise.all([mongodCorpus(2 * MiB), mongodCorpus(2 * MiB)]);
    expect(a).toBe(b);
    expect(sha256(readFileSync(a.path))).toBe(a.sha256);
  });
});
