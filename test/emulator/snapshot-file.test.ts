import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { list } from 'tar';
import { describe, expect, it } from 'vitest';
import { snapshotFileOfSize } from './snapshot-file.ts';

async function entriesOf(path: string): Promise<{ path: string; size: number }[]> {
  const seen: { path: string; size: number }[] = [];
  await list({
    file: path,
    onReadEntry: (entry) => seen.push({ path: entry.path, size: entry.size }),
  });
  return seen;
}

describe('the generated snapshot file', () => {
  it('is a real .tar.gz of a mongod data directory, within a few KiB of the size asked', async () => {
    const file = await snapshotFileOfSize(5 * 1024 * 1024);
    expect(file.size).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(file.size).toBeGreaterThan(5 * 1024 * 1024 - 4096);
    const bytes = readFileSync(file.path);
    expect(bytes.length).toBe(file.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    const entries = await entriesOf(file.path);
    expect(entries.map((e) => e.path)).toEqual(file.entries);
    expect(file.entries).toEqual(
      expect.arrayContaining([
        'snapshot/',
        'snapshot/WiredTiger',
        'snapshot/storage.bson',
        'snapshot/journal/',
        'snapshot/mongod.log',
      ]),
    );
    const bulk = entries.find((e) => e.path.startsWith('snapshot/collection-'));
    expect(bulk?.size).toBeGreaterThan(4 * 1024 * 1024);
  });

  it('is generated once per size and shared', async () => {
    const [a, b] = await Promise.all([
      snapshotFileOfSize(1_000_000),
      snapshotFileOfSize(1_000_000),
    ]);
    expect(a).toBe(b);
    const other = await snapshotFileOfSize(1_100_000);
    expect(other.path).not.toBe(a.path);
    expect(other.sha256).not.toBe(a.sha256);
  });

  it('still makes a valid archive when asked for less than its fixed files take', async () => {
    const file = await snapshotFileOfSize(0);
    const entries = await entriesOf(file.path);
    expect(entries.find((e) => e.path.startsWith('snapshot/collection-'))?.size).toBe(0);
  });
});
