/**
 * A realistic snapshot file for the benchmark: a .tar.gz (gzip level 6) of a generated mongod
 * data directory, about as compressible as a real one (a 1.6 GiB data directory made a 994 MiB
 * .tar.gz, 1.65:1). The random file of snapshot-file.ts is a level-0 gzip, where inflating is a
 * copy; this one makes the inflater do a real one's work.
 *
 * Deterministic: the bytes depend only on the size asked and this generator's source, so each
 * size is generated once and cached on disk. Generation is parallel: the tar stream is cut into
 * segments of about 8 MiB that worker threads make and deflate on their own, and this thread
 * concatenates them into one gzip member (as pigz does), computing the CRC-32 and the SHA-256.
 * Nothing holds more than a few segments in memory.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import {
  type ContentKind,
  type Job,
  mixSeed,
  type Piece,
  pieceLength,
  segment,
  storageBson,
} from './mongod-corpus-content.ts';
import type { SnapshotFile } from './snapshot-file.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const TOP = 'snapshot/';
const BLOCK = 512;
/** Files are made of independent 1 MiB extents, so any part of any file can be made anywhere. */
const EXTENT = MiB;
const JOB_BYTES = 8 * MiB;
/** USTAR's 11 octal digits of size. */
const MAX_ENTRY = 8 ** 11 - 1;
const MTIME = Date.UTC(2026, 10, 28, 3, 5, 0);

/** One file of the data directory: generated content, or fixed bytes. */
export interface CorpusFile {
  name: string;
  kind?: ContentKind;
  variant?: number;
  seed?: number;
  size: number;
  bytes?: Buffer;
}

/**
 * Shares of the data directory's bytes and how well gzip -6 compresses each kind (measured on
 * these generators): collections of snappy pages gain 1.32×, indexes 2.5×, the journal 1.64×,
 * diagnostic.data nothing, the log 6.7×. Together about 1.65:1, as the real snapshot.
 */
const SHARES = { collection: 0.53, index: 0.32, journal: 0.06, ftdc: 0.03, log: 0.04, meta: 0.02 };
const GAIN = { collection: 1.32, index: 2.5, journal: 1.64, ftdc: 1.0, log: 6.8, meta: 1.32 };
const EXPECTED_RATIO =
  1 /
  Object.entries(SHARES).reduce(
    (sum, [kind, share]) => sum + share / GAIN[kind as keyof typeof GAIN],
    0,
  );

/** Six collections of an app, the biggest first; each has its _id index and one more. */
const COLLECTIONS = [0.38, 0.24, 0.16, 0.11, 0.07, 0.04];
/** Of an index's share: the _id index, then the secondary one. */
const INDEX_SPLIT = [0.43, 0.57];
const JOURNAL_FILE = 100 * MiB;
const FTDC_FILE = 10 * MiB;

/** Rounded to WiredTiger's 4 KiB allocation unit, and at least one unit. */
function pages(bytes: number): number {
  return Math.min(MAX_ENTRY - (MAX_ENTRY % 4096), Math.max(4096, Math.round(bytes / 4096) * 4096));
}

/** Splits `bytes` into files of at most `most`, named by `name(i)`. */
function series(bytes: number, most: number, name: (i: number) => string) {
  const count = Math.max(1, Math.ceil(bytes / most));
  return Array.from({ length: count }, (_, i) => ({
    name: name(i),
    size: pages(Math.min(most, bytes - i * most)),
  }));
}

/** The files of a data directory whose .tar.gz comes out at about `target` bytes. */
export function planCorpus(target: number): CorpusFile[] {
  const tar = target * EXPECTED_RATIO;
  const ident = (n: number) => `${n}-${(6417483944915937761n + BigInt(n) * 7919n).toString()}`;
  let seed = 1;
  const made = (kind: ContentKind, variant: number, name: string, size: number): CorpusFile => ({
    name,
    kind,
    variant,
    seed: mixSeed(0x5eed, seed++),
    size,
  });
  const text = (name: string, content: string | Buffer): CorpusFile => {
    const bytes = Buffer.from(content);
    return { name, size: bytes.length, bytes };
  };
  const meta = (tar * SHARES.meta) / 4;
  const files: CorpusFile[] = [
    { name: TOP, size: 0 },
    text(`${TOP}WiredTiger`, 'WiredTiger\nWiredTiger 11.3.1: (November 28, 2026)\n'),
    text(`${TOP}WiredTiger.lock`, 'WiredTiger lock file\n'),
    text(
      `${TOP}WiredTiger.turtle`,
      'WiredTiger version string\nWiredTiger 11.3.1: (November 28, 2026)\nWiredTiger version\nmajor=11,minor=3,patch=1\nfile:WiredTiger.wt\naccess_pattern_hint=none,allocation_size=4KB,block_allocation=best,block_compressor=,checksum=on,format=btree,key_format=S,value_format=S\n',
    ),
    made('index', 0, `${TOP}WiredTiger.wt`, pages(meta)),
    made('collection', 2, `${TOP}WiredTigerHS.wt`, pages(meta)),
    made('collection', 1, `${TOP}_mdb_catalog.wt`, pages(meta / 8)),
    made('index', 0, `${TOP}sizeStorer.wt`, pages(meta / 8)),
    text(`${TOP}storage.bson`, storageBson()),
  ];
  COLLECTIONS.forEach((weight, i) => {
    const n = 2 + 3 * i;
    files.push(
      made(
        'collection',
        i % 3,
        `${TOP}collection-${ident(n)}.wt`,
        pages(tar * SHARES.collection * weight),
      ),
    );
    INDEX_SPLIT.forEach((split, j) => {
      const variant = j === 0 ? 0 : 1 + (i % 2);
      const size = pages(tar * SHARES.index * weight * split);
      files.push(made('index', variant, `${TOP}index-${ident(n + 1 + j)}.wt`, size));
    });
  });
  files.push({ name: `${TOP}diagnostic.data/`, size: 0 });
  const ftdc = series(tar * SHARES.ftdc, FTDC_FILE, (i) => {
    const at = new Date(MTIME - (i + 1) * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    return `${TOP}diagnostic.data/metrics.${at.replaceAll(':', '-')}-00000`;
  });
  for (const file of ftdc) files.push(made('ftdc', 0, file.name, file.size));
  files.push(made('ftdc', 0, `${TOP}diagnostic.data/metrics.interim`, 4096));
  files.push({ name: `${TOP}journal/`, size: 0 });
  const journal = series(
    tar * SHARES.journal,
    JOURNAL_FILE,
    (i) => `${TOP}journal/WiredTigerLog.${String(i + 1).padStart(10, '0')}`,
  );
  for (const file of journal) files.push(made('journal', 0, file.name, file.size));
  files.push(text(`${TOP}mongod.lock`, ''));
  files.push(made('log', 0, `${TOP}mongod.log`, Math.max(4096, Math.round(tar * SHARES.log))));
  return files;
}

// ---------------------------------------------------------------------------------------------
// The tar stream as pieces, cut into jobs
// ---------------------------------------------------------------------------------------------

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function tarHeader(name: string, size: number, directory: boolean): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar name too long: ${name}`);
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(directory ? 0o700 : 0o600, 8), 100, 'ascii');
  header.write(octal(999, 8), 108, 'ascii');
  header.write(octal(999, 8), 116, 'ascii');
  header.write(octal(size, 12), 124, 'ascii');
  header.write(octal(Math.floor(MTIME / 1000), 12), 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write(directory ? '5' : '0', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  header.write('mongod', 265, 'ascii');
  header.write('mongod', 297, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

function* pieces(files: CorpusFile[]): Generator<Piece> {
  for (const file of files) {
    const directory = file.name.endsWith('/');
    yield { bytes: tarHeader(file.name, file.size, directory) };
    if (file.bytes !== undefined) yield { bytes: file.bytes };
    else if (file.kind !== undefined) {
      for (let i = 0; i * EXTENT < file.size; i++) {
        const length = Math.min(EXTENT, file.size - i * EXTENT);
        const seed = mixSeed(file.seed ?? 0, i);
        yield { extent: { kind: file.kind, variant: file.variant ?? 0, seed, length } };
      }
    }
    const padding = (BLOCK - (file.size % BLOCK)) % BLOCK;
    if (padding > 0) yield { zeros: padding };
  }
  yield { zeros: 2 * BLOCK };
}

function* jobs(files: CorpusFile[]): Generator<Job> {
  let index = 0;
  let current: Piece[] = [];
  let bytes = 0;
  for (const piece of pieces(files)) {
    current.push(piece);
    bytes += pieceLength(piece);
    if (bytes >= JOB_BYTES) {
      yield { index: index++, pieces: current, last: false };
      current = [];
      bytes = 0;
    }
  }
  yield { index, pieces: current, last: true };
}

// ---------------------------------------------------------------------------------------------
// Making the segments: in worker threads, or here for small files
// ---------------------------------------------------------------------------------------------

interface Segment {
  raw: Uint8Array;
  deflated: Uint8Array;
}

type Runner = { run(job: Job): Promise<Segment>; close(): Promise<void> };

function inline(): Runner {
  return { run: async (job) => segment(job), close: async () => {} };
}

/** Jobs go round-robin to the workers; each answers its own in order. */
function workerPool(count: number): Runner {
  const url = new URL('./mongod-corpus-worker.ts', import.meta.url);
  const waiting = new Map<number, { resolve(s: Segment): void; reject(e: unknown): void }>();
  const fail = (error: unknown) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  const workers = Array.from({ length: count }, () => {
    const worker = new Worker(url);
    worker.on('message', (message: Segment & { index: number }) => {
      waiting.get(message.index)?.resolve(message);
      waiting.delete(message.index);
    });
    worker.on('error', fail);
    return worker;
  });
  return {
    run: (job) =>
      new Promise((resolve, reject) => {
        waiting.set(job.index, { resolve, reject });
        workers[job.index % count]?.postMessage(job);
      }),
    close: async () => {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

function gzipHeader(): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  header.writeUInt32LE(Math.floor(MTIME / 1000), 4);
  return header;
}

export interface WriteOptions {
  /** Worker threads; 0 makes every segment on this thread. Default: one per CPU. */
  workers?: number;
}

/** Writes the corpus for `target` to `path` (a single gzip member) and describes it. */
export async function writeMongodCorpus(
  path: string,
  target: number,
  options: WriteOptions = {},
): Promise<SnapshotFile & { tarSize: number }> {
  const files = planCorpus(target);
  const workers = options.workers ?? availableParallelism();
  const runner = workers > 0 ? workerPool(workers) : inline();
  const out = createWriteStream(path);
  const hash = createHash('sha256');
  let crc = 0;
  let tarSize = 0;
  const emit = async (bytes: Uint8Array) => {
    hash.update(bytes);
    if (!out.write(bytes)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  try {
    await emit(gzipHeader());
    // A few segments ahead of the writer keep the workers busy without piling up memory.
    const ahead: Promise<Segment>[] = [];
    const writeOldest = async () => {
      const next = ahead.shift();
      if (next === undefined) return;
      const { raw, deflated } = await next;
      crc = crc32(raw, crc);
      tarSize += raw.length;
      await emit(deflated);
    };
    for (const job of jobs(files)) {
      ahead.push(runner.run(job));
      if (ahead.length >= Math.max(2, workers * 2)) await writeOldest();
    }
    while (ahead.length > 0) await writeOldest();
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(tarSize % 2 ** 32, 4);
    await emit(trailer);
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(() => resolve());
    });
  } finally {
    out.destroy();
    await runner.close();
  }
  const { size, mtimeMs } = await stat(path);
  return {
    path,
    size,
    sha256: hash.digest('hex'),
    entries: files.map((file) => file.name),
    modifiedAt: Math.floor(mtimeMs),
    tarSize,
  };
}

// ---------------------------------------------------------------------------------------------
// The cache
// ---------------------------------------------------------------------------------------------

const SOURCES = ['mongod-corpus.ts', 'mongod-corpus-content.ts', 'mongod-corpus-worker.ts'];

/**
 * Under $TMPDIR, in a directory named after the generator's sources and zlib's version (another
 * zlib may deflate to other bytes); older generators' files are deleted.
 */
async function cacheDirectory(): Promise<string> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const hash = createHash('sha256').update(process.versions.zlib ?? '');
  for (const source of SOURCES) hash.update(await readFile(join(here, source)));
  const version = hash.digest('hex').slice(0, 12);
  const root = join(tmpdir(), 'atlas-emulator-corpus');
  const directory = join(root, version);
  await mkdir(directory, { recursive: true });
  for (const old of await readdir(root)) {
    if (old !== version) await rm(join(root, old), { recursive: true, force: true });
  }
  return directory;
}

export type CorpusFileInfo = SnapshotFile & { tarSize: number };

let directory: Promise<string> | undefined;
const cache = new Map<number, Promise<CorpusFileInfo>>();

async function cachedOrWritten(target: number, options: WriteOptions): Promise<CorpusFileInfo> {
  directory ??= cacheDirectory();
  const path = join(await directory, `mongod-${target}.tar.gz`);
  const meta = `${path}.json`;
  try {
    const known = JSON.parse(await readFile(meta, 'utf8')) as CorpusFileInfo;
    const { size } = await stat(path);
    if (size === known.size && known.path === path) return known;
  } catch {
    // not cached yet, or half-written by a killed process
  }
  // A private name, then a rename: a concurrent reader never sees a partial file.
  const temporary = `${path}.${process.pid}-${randomUUID()}.tmp`;
  try {
    const written = { ...(await writeMongodCorpus(temporary, target, options)), path };
    await rename(temporary, path);
    await writeFile(`${meta}.${process.pid}.tmp`, JSON.stringify(written));
    await rename(`${meta}.${process.pid}.tmp`, meta);
    return written;
  } finally {
    await rm(temporary, { force: true });
  }
}

/** The realistic snapshot file of about `target` bytes, generated on first use and then cached. */
export function mongodCorpus(target: number, options: WriteOptions = {}): Promise<CorpusFileInfo> {
  const key = Math.max(0, Math.floor(target));
  let file = cache.get(key);
  if (file === undefined) {
    file = cachedOrWritten(key, options);
    file.catch(() => cache.delete(key));
    cache.set(key, file);
  }
  return file;
}
