/**
 * The .tar.gz an emulated snapshot download serves: a plausible mongod data directory plus its
 * log. Written once per size to a file and streamed from there, so 1 GiB+ benchmarks never hold
 * it in memory.
 */
import { createCipheriv, createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';

export interface SnapshotFile {
  path: string;
  /** Bytes of the .tar.gz. */
  size: number;
  /** Lowercase hex SHA-256 of the .tar.gz. */
  sha256: string;
  /** Paths inside the archive, directories ending in '/'. */
  entries: string[];
  /** When the file was written, epoch ms: the download's Last-Modified. */
  modifiedAt: number;
}

export const DEFAULT_SNAPSHOT_SIZE = 2 * 1024 * 1024;
const TOP = 'snapshot/';
const BLOCK = 512;
const CHUNK = 1024 * 1024;
/** USTAR's 11 octal digits of size; larger files would need GNU base-256 sizes. */
const MAX_ENTRY = 8 ** 11 - 1;

interface Entry {
  name: string;
  /** undefined for a directory. */
  content?: { kind: 'text'; text: string } | { kind: 'random'; bytes: number };
}

function smallEntries(): Entry[] {
  const log = [
    '{"t":{"$date":"2026-11-28T03:00:00.000+00:00"},"s":"I","c":"CONTROL","id":20698,"ctx":"main","msg":"***** SERVER RESTARTED *****"}',
    '{"t":{"$date":"2026-11-28T03:00:01.000+00:00"},"s":"I","c":"STORAGE","id":22315,"ctx":"initandlisten","msg":"Opening WiredTiger"}',
    '{"t":{"$date":"2026-11-28T03:00:05.000+00:00"},"s":"I","c":"NETWORK","id":23016,"ctx":"listener","msg":"Waiting for connections","attr":{"port":27017}}',
  ].join('\n');
  return [
    { name: TOP },
    {
      name: `${TOP}WiredTiger`,
      content: { kind: 'text', text: 'WiredTiger\nWiredTiger 11.3.1: (2026)\n' },
    },
    {
      name: `${TOP}WiredTiger.turtle`,
      content: { kind: 'text', text: 'WiredTiger version string\nWiredTiger 11.3.1\n' },
    },
    { name: `${TOP}WiredTiger.wt`, content: { kind: 'random', bytes: 8192 } },
    { name: `${TOP}_mdb_catalog.wt`, content: { kind: 'random', bytes: 16384 } },
    { name: `${TOP}sizeStorer.wt`, content: { kind: 'random', bytes: 4096 } },
    { name: `${TOP}storage.bson`, content: { kind: 'random', bytes: 114 } },
    { name: `${TOP}index-1-6417483944915937761.wt`, content: { kind: 'random', bytes: 8192 } },
    { name: `${TOP}journal/` },
    { name: `${TOP}journal/WiredTigerLog.0000000001`, content: { kind: 'random', bytes: 4096 } },
    { name: `${TOP}mongod.log`, content: { kind: 'text', text: `${log}\n` } },
  ];
}

function padding(bytes: number): number {
  return (BLOCK - (bytes % BLOCK)) % BLOCK;
}

function entryBytes(entry: Entry): number {
  if (entry.content === undefined) return 0;
  return entry.content.kind === 'text'
    ? Buffer.byteLength(entry.content.text)
    : entry.content.bytes;
}

/** The archive's entries, the bulk collection file sized so the .tar.gz lands just under `target`. */
function plan(target: number): Entry[] {
  const entries = smallEntries();
  const bulk: Entry = {
    name: `${TOP}collection-0-6417483944915937761.wt`,
    content: { kind: 'random', bytes: 0 },
  };
  entries.splice(entries.length - 3, 0, bulk);
  let otherBytes = 2 * BLOCK + BLOCK;
  for (const entry of entries) {
    const bytes = entryBytes(entry);
    otherBytes += BLOCK + bytes + padding(bytes);
  }
  // Level-0 gzip stores the tar in blocks of about 32 KiB behind 5-byte headers, plus 18 bytes.
  const tarBytes = Math.floor((target - 18) / (1 + 5 / 32768));
  const bulkBytes = Math.min(MAX_ENTRY, Math.max(0, tarBytes - otherBytes));
  bulk.content = { kind: 'random', bytes: bulkBytes - (bulkBytes % BLOCK) };
  return entries;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function tarHeader(name: string, size: number, directory: boolean, mtime: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar name too long: ${name}`);
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(directory ? 0o755 : 0o600, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  header.write(octal(size, 12), 124, 'ascii');
  header.write(octal(Math.floor(mtime / 1000), 12), 136, 'ascii');
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

/**
 * Never-repeating pseudo-random bytes (AES-CTR keystream): a resume bug that writes at a wrong
 * offset cannot hide behind data that repeats every chunk.
 */
function* randomBytesOf(bytes: number, seed: number): Generator<Buffer> {
  const key = createHash('sha256').update(`atlas-emulator-${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  let left = bytes;
  while (left > 0) {
    const take = Math.min(left, CHUNK);
    yield cipher.update(take === CHUNK ? zeros : zeros.subarray(0, take));
    left -= take;
  }
}

function* tarStream(entries: Entry[], mtime: number): Generator<Buffer> {
  let seed = 0;
  for (const entry of entries) {
    const bytes = entryBytes(entry);
    yield tarHeader(entry.name, bytes, entry.content === undefined, mtime);
    if (entry.content?.kind === 'text') yield Buffer.from(entry.content.text);
    if (entry.content?.kind === 'random') yield* randomBytesOf(bytes, seed++);
    if (padding(bytes) > 0) yield Buffer.alloc(padding(bytes));
  }
  yield Buffer.alloc(2 * BLOCK);
}

export async function writeSnapshotFile(path: string, target: number): Promise<SnapshotFile> {
  const entries = plan(target);
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const mtime = Date.UTC(2026, 10, 28, 3, 5, 0);
  await pipeline(
    Readable.from(tarStream(entries, mtime)),
    createGzip({ level: 0 }),
    tap,
    createWriteStream(path),
  );
  const { size, mtimeMs } = await stat(path);
  return {
    path,
    size,
    sha256: hash.digest('hex'),
    entries: entries.map((e) => e.name),
    modifiedAt: Math.floor(mtimeMs),
  };
}

/**
 * The bytes depend only on the size and this generator, so files are cached across processes
 * and runs under a directory named after this module's own hash: test workers that are killed
 * leave nothing behind but the few sizes in use, and a 1 GiB benchmark file is made once.
 */
async function cacheDirectory(): Promise<string> {
  const source = await readFile(fileURLToPath(import.meta.url));
  const version = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const root = join(tmpdir(), 'atlas-emulator-snapshots');
  const directory = join(root, version);
  await mkdir(directory, { recursive: true });
  // Files from older generators are dead weight: best effort, another process may race us.
  for (const old of await readdir(root)) {
    if (old !== version) await rm(join(root, old), { recursive: true, force: true });
  }
  return directory;
}

let directory: Promise<string> | undefined;
const cache = new Map<number, Promise<SnapshotFile>>();

async function cachedOrWritten(size: number): Promise<SnapshotFile> {
  directory ??= cacheDirectory();
  const dir = await directory;
  const path = join(dir, `snapshot-${size}.tar.gz`);
  const meta = `${path}.json`;
  try {
    const known = JSON.parse(await readFile(meta, 'utf8')) as SnapshotFile;
    const { size: bytes } = await stat(path);
    if (bytes === known.size && known.path === path) return known;
  } catch {
    // not cached yet (or half-written by a killed process): write it
  }
  // Written under a private name and renamed, so a concurrent reader never sees a partial file.
  const temporary = `${path}.${process.pid}-${randomUUID()}.tmp`;
  try {
    const written = await writeSnapshotFile(temporary, size);
    await rename(temporary, path);
    const file = { ...written, path };
    await writeFile(`${meta}.${process.pid}.tmp`, JSON.stringify(file));
    await rename(`${meta}.${process.pid}.tmp`, meta);
    return file;
  } finally {
    await rm(temporary, { force: true });
  }
}

/** The snapshot file of about `size` bytes, generated on first use and then shared. */
export function snapshotFileOfSize(size = DEFAULT_SNAPSHOT_SIZE): Promise<SnapshotFile> {
  const key = Math.max(0, Math.floor(size));
  let file = cache.get(key);
  if (file === undefined) {
    file = cachedOrWritten(key);
    file.catch(() => cache.delete(key));
    cache.set(key, file);
  }
  return file;
}
