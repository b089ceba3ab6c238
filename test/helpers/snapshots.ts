/**
 * .tar.gz inputs for download tests: a small snapshot made with node-tar, and hand-built
 * archives for what node-tar refuses to create (entries with "..", links out of the tree).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create, Header, type HeaderData } from 'tar';

/** The files of the fake snapshot, by relative path. */
export interface SnapshotFiles {
  [path: string]: Buffer;
}

/**
 * A mongod-like data directory, big enough (~600 KiB, incompressible) that a download takes
 * many chunks and a drop can land mid-body; `collectionKiB` makes it bigger.
 */
export function snapshotFiles(collectionKiB = 400): SnapshotFiles {
  return {
    WiredTiger: Buffer.from('WiredTiger\nWiredTiger 11.2.0: (May  1, 2026)\n'),
    'WiredTiger.wt': randomBytes(96 * 1024),
    'collection-0-123.wt': randomBytes(collectionKiB * 1024),
    'index-1-123.wt': randomBytes(64 * 1024),
    'journal/WiredTigerLog.0000000001': randomBytes(32 * 1024),
    'diagnostic.data/metrics.2026-11-29T03-00-00Z-00000': Buffer.from('metrics'),
    'mongod.lock': Buffer.alloc(0),
  };
}

/** Writes `files` under `workDir/src` and returns the gzip-compressed tar of them. */
export async function makeSnapshot(workDir: string, files: SnapshotFiles): Promise<Buffer> {
  const src = join(workDir, 'src');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(src, path, '..'), { recursive: true });
    await writeFile(join(src, path), content);
  }
  const out = join(workDir, 'snapshot.tar.gz');
  await create({ gzip: true, cwd: src, file: out, portable: true }, Object.keys(files));
  return readFile(out);
}

export interface RawEntry {
  path: string;
  type: NonNullable<HeaderData['type']>;
  linkpath?: string;
  mode?: number;
  body?: Buffer;
}

/** A tar stream built header by header, so it can hold what node-tar will not write. */
export function rawTar(entries: RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = entry.body ?? Buffer.alloc(0);
    const data: HeaderData = {
      path: entry.path,
      type: entry.type,
      mode: entry.mode ?? (entry.type === 'Directory' ? 0o755 : 0o644),
      size: body.length,
      uid: 1000,
      gid: 1000,
      mtime: new Date('2026-11-29T03:00:00Z'),
    };
    if (entry.linkpath !== undefined) data.linkpath = entry.linkpath;
    const block = Buffer.alloc(512);
    new Header(data).encode(block, 0);
    blocks.push(block);
    const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512);
    body.copy(padded);
    blocks.push(padded);
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function rawTarGz(entries: RawEntry[]): Buffer {
  return gzipSync(rawTar(entries));
}
