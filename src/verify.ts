/**
 * The one place the snapshot's bytes go: the partial file, SHA-256, and gunzip into a tar
 * reader (or extractor), all fed the same chunks in one pass.
 *
 * A sink outlives connection attempts. The verifier consumes one logical byte stream, and a
 * resumed request only appends to it, so nothing is re-read or re-hashed after a drop. When
 * the server restarts from byte zero the caller disposes the sink and makes a new one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TransformOptions } from 'node:stream';
import { createGunzip, type Gunzip, type ZlibOptions } from 'node:zlib';
import { Parser, type ReadEntry, Unpack } from 'tar';
import { DownloadError, SnapshotVerificationError, UnsafeArchiveError } from './download-errors.ts';

export interface SinkOptions {
  /** The file the raw bytes go to, truncated on open. */
  partialPath: string;
  /** An existing, empty directory to unpack into; none: read the tar headers only. */
  extractDir?: string;
}

// Socket reads are 64 KiB, and every file write and every gunzip write is a thread-pool round
// trip: batching to 512 KiB makes that one writev and one gunzip write per batch. Together
// the buffers below hold at most about 4 MiB; doubling them all gained no speed (1 GiB over
// loopback, 2 vCPUs) and cost 5 MiB of peak RSS.
const BATCH = 512 << 10;
const FILE_BUFFER = 1 << 20;
const GUNZIP_BUFFER = 1 << 20;
const GUNZIP_CHUNK = 256 << 10;
const HEAD_BYTES = 256;
// How long disposal waits for the extractor's in-flight file writes before deleting.
const SETTLE_MS = 2_000;

export class SnapshotSink {
  /** Bytes accepted so far: the offset a resumed request starts at. */
  received = 0;
  /** Describes the response feeding the sink, for the "not a gzip file" message. */
  source = '';

  private readonly partialPath: string;
  private readonly extractDir: string | undefined;
  private readonly hash = createHash('sha256');
  private readonly file: WriteStream;
  private readonly gunzip: Gunzip;
  private readonly tar: Parser;
  private readonly guard = new EntryGuard();
  private readonly head = Buffer.alloc(HEAD_BYTES);
  private batch: Buffer[] = [];
  private batchBytes = 0;
  /** gunzip's input buffers, back from gunzip and ready for the next batch. */
  private readonly spare: Buffer[] = [];
  private entries = 0;
  private tarBytes = 0;
  private failure: Error | undefined;
  private readonly failureListeners = new Set<(error: Error) => void>();
  private readonly fileClosed: Promise<void>;
  private readonly tarDone: Promise<void>;

  private constructor(options: SinkOptions) {
    this.partialPath = options.partialPath;
    this.extractDir = options.extractDir;
    this.file = createWriteStream(options.partialPath, { highWaterMark: FILE_BUFFER });
    this.file.on('error', (error) =>
      this.fail(
        new DownloadError(
          `Could not write ${options.partialPath}: ${error.message}. Check free disk space and permissions.`,
          { cause: error },
        ),
      ),
    );
    this.fileClosed = new Promise((resolve) => this.file.once('close', resolve));

    // zlib hands its options to the Transform, though its type does not say so.
    const streamOptions: ZlibOptions & TransformOptions = {
      chunkSize: GUNZIP_CHUNK,
      writableHighWaterMark: GUNZIP_BUFFER,
      readableHighWaterMark: GUNZIP_BUFFER,
    };
    this.gunzip = createGunzip(streamOptions);
    this.gunzip.on('error', (error) => this.fail(this.gzipError(error)));
    // node-tar ignores a partial header at the very end; counting blocks catches it.
    this.gunzip.on('data', (chunk: Buffer) => {
      this.tarBytes += chunk.length;
    });

    this.tar = this.extractDir === undefined ? this.makeParser() : this.makeUnpack(this.extractDir);
    this.tar.on('error', (error: Error) => this.fail(tarError(error)));
    this.tarDone = new Promise((resolve) => this.tar.once('end', resolve));
    // The tar reader is an EventEmitter with write/end/drain, which is all pipe() needs.
    this.gunzip.pipe(this.tar as unknown as NodeJS.WritableStream);
  }

  /** Opens the partial file (truncating it) and, when extracting, the empty directory. */
  static async create(options: SinkOptions): Promise<SnapshotSink> {
    await mkdir(dirname(options.partialPath), { recursive: true });
    if (options.extractDir !== undefined) {
      await mkdir(dirname(options.extractDir), { recursive: true });
      await mkdir(options.extractDir);
    }
    return new SnapshotSink(options);
  }

  /** The first failure, if any: once set, every write and finish() reports it. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Calls `listener` once if the sink fails; returns a function that unsubscribes. */
  onFailure(listener: (error: Error) => void): () => void {
    if (this.failure !== undefined) {
      listener(this.failure);
      return () => undefined;
    }
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /**
   * Feeds one chunk to the file, the hash and gunzip; calls back when both buffers have room
   * again, which is how backpressure reaches the socket.
   */
  write(chunk: Buffer, callback: (error?: Error) => void): void {
    if (this.failure !== undefined) {
      callback(this.failure);
      return;
    }
    if (this.received < HEAD_BYTES) {
      chunk.copy(this.head, this.received, 0, HEAD_BYTES - this.received);
      if (this.received < 2 && this.received + chunk.length >= 2 && !this.looksLikeGzip()) {
        this.received += chunk.length;
        this.fail(this.notGzipError());
        callback(this.failure);
        return;
      }
    }
    this.received += chunk.length;
    this.hash.update(chunk);

    let waiting = 1;
    let settled = false;
    const release = (error?: Error): void => {
      if (settled) return;
      if (error === undefined && --waiting > 0) return;
      settled = true;
      unsubscribe();
      callback(error);
    };
    const unsubscribe = this.onFailure(release);
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes >= BATCH) {
      const { fileFull, gunzipFull } = this.flushBatch();
      if (fileFull) {
        waiting++;
        this.file.once('drain', () => release());
      }
      if (gunzipFull) {
        waiting++;
        this.gunzip.once('drain', () => release());
      }
    }
    release();
  }

  /**
   * Ends the stream: waits for the file to be on disk and the tar reader to reach the end,
   * then checks what only the end can tell. Returns the SHA-256 in lowercase hex.
   */
  async finish(): Promise<string> {
    if (this.failure !== undefined) throw this.failure;
    if (this.received < 2) throw this.notGzipError();
    const failed = new Promise<never>((_, reject) => this.onFailure(reject));
    // dispose() fails the sink on purpose later; that must not surface as unhandled.
    failed.catch(() => undefined);
    this.flushBatch();
    this.file.end();
    this.gunzip.end();
    await Promise.race([Promise.all([this.fileClosed, this.tarDone]), failed]);
    if (this.failure !== undefined) throw this.failure;
    if (this.gunzip.bytesWritten !== this.received) {
      throw new SnapshotVerificationError(
        `The snapshot has ${this.received - this.gunzip.bytesWritten} bytes of trailing data after the end of its gzip stream: the file is damaged or not a snapshot.`,
      );
    }
    if (this.tarBytes % 512 !== 0) {
      throw new SnapshotVerificationError(
        'The snapshot failed verification: its tar archive ends in the middle of a 512-byte block, so it is truncated.',
      );
    }
    if (this.entries === 0) {
      throw new SnapshotVerificationError(
        'The download is a valid gzip file but holds no tar entries: it is not a snapshot.',
      );
    }
    return this.hash.digest('hex');
  }

  /**
   * Stops everything and deletes the partial file and the partial extraction. Never throws:
   * it runs on the way out of a failure that matters more.
   */
  async dispose(): Promise<void> {
    this.fail(new SnapshotVerificationError('The download was stopped.'));
    this.gunzip.unpipe();
    this.gunzip.destroy();
    this.file.destroy();
    if (this.tar instanceof Unpack) await this.settleUnpack(this.tar);
    await this.fileClosed;
    await rm(this.partialPath, { force: true }).catch(() => undefined);
    if (this.extractDir !== undefined) await removeTree(this.extractDir);
  }

  /**
   * Hands the batch to the file (corked: one writev) and to gunzip, which needs it contiguous:
   * copied into a buffer that comes back once gunzip has consumed it, so the copies allocate
   * nothing new. Says which of the two wants a drain first.
   */
  private flushBatch(): { fileFull: boolean; gunzipFull: boolean } {
    const { batch, batchBytes } = this;
    if (batchBytes === 0) return { fileFull: false, gunzipFull: false };
    this.batch = [];
    this.batchBytes = 0;
    this.file.cork();
    let fileRoom = true;
    for (const chunk of batch) fileRoom = this.file.write(chunk);
    this.file.uncork();

    let input = this.spare.pop();
    if (input === undefined || input.length < batchBytes) {
      input = Buffer.allocUnsafeSlow(Math.max(batchBytes, BATCH + (64 << 10)));
    }
    let offset = 0;
    for (const chunk of batch) offset += chunk.copy(input, offset);
    const reusable = input;
    const gunzipRoom = this.gunzip.write(input.subarray(0, batchBytes), () =>
      this.spare.push(reusable),
    );
    return { fileFull: !fileRoom, gunzipFull: !gunzipRoom };
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    const listeners = [...this.failureListeners];
    this.failureListeners.clear();
    for (const listener of listeners) listener(error);
  }

  private makeParser(): Parser {
    const parser = new Parser({
      strict: true,
      filter: () => {
        this.entries++;
        return true;
      },
    });
    // Nothing reads entry bodies when only verifying; resume() drops them as they pass.
    parser.on('entry', (entry: ReadEntry) => entry.resume());
    return parser;
  }

  private makeUnpack(cwd: string): Unpack {
    return new Unpack({
      cwd,
      strict: true,
      preservePaths: false,
      // Running as root (containers) would otherwise chown to the archive's owners.
      preserveOwner: false,
      unlink: false,
      filter: (_path, entry) => {
        const readEntry = entry as ReadEntry;
        const problem = this.guard.check(readEntry.type, readEntry.path, readEntry.linkpath);
        if (problem !== undefined) {
          this.fail(
            new UnsafeArchiveError(
              `The snapshot archive holds an unsafe entry "${readEntry.path}": ${problem}. Nothing was extracted.`,
            ),
          );
          return false;
        }
        if (readEntry.mode !== undefined) readEntry.mode = safeMode(readEntry.type, readEntry.mode);
        this.entries++;
        return true;
      },
    });
  }

  /**
   * Lets the extractor finish the file writes it has started, so none lands after the
   * directory is deleted. Bounded: a stuck write must not hold up the failure.
   */
  private async settleUnpack(unpack: Unpack): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SETTLE_MS);
    });
    try {
      // Ending a half-read archive flushes the open entry and closes its file.
      unpack.end();
    } catch {
      // An aborted parser may refuse; the timeout still bounds the wait.
    }
    await Promise.race([this.tarDone, timeout]);
    clearTimeout(timer);
  }

  private looksLikeGzip(): boolean {
    return this.head[0] === 0x1f && this.head[1] === 0x8b;
  }

  private notGzipError(): SnapshotVerificationError {
    const shown = Math.min(this.received, HEAD_BYTES);
    const what = this.source === '' ? '' : ` (${this.source})`;
    return new SnapshotVerificationError(
      shown === 0
        ? `The download is empty${what}: it is not a snapshot.`
        : `The download is not a gzip file${what}; it starts with ${describeBytes(this.head.subarray(0, shown))}. The signed link may point at an error page: request a new one.`,
    );
  }

  private gzipError(error: Error): SnapshotVerificationError {
    if (this.received >= 2 && !this.looksLikeGzip()) return this.notGzipError();
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'Z_BUF_ERROR'
        ? 'the gzip stream is truncated'
        : `the gzip stream is corrupt (${error.message})`;
    return new SnapshotVerificationError(
      `The snapshot failed verification: ${reason}. Download it again.`,
      { cause: error },
    );
  }
}

function tarError(error: Error & { tarCode?: string; entry?: { path?: string } }): Error {
  if (error instanceof DownloadError) return error;
  const entry = error.entry?.path;
  if (error.tarCode === 'TAR_ENTRY_ERROR' && entry !== undefined) {
    return new DownloadError(
      `Could not extract "${entry}": ${error.message}. Check free disk space and permissions.`,
      { cause: error },
    );
  }
  const where = entry === undefined ? '' : ` at "${entry}"`;
  return new SnapshotVerificationError(
    `The snapshot is not a readable tar archive${where}: ${error.message}.`,
    { cause: error },
  );
}

/** Printable text as a quoted excerpt, anything else as hex. */
export function describeBytes(bytes: Buffer, clean: (text: string) => string = (t) => t): string {
  const text = clean(bytes.toString('latin1'));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for binary on purpose
  const printable = text.replace(/[^\x09\x0a\x0d\x20-\x7e]/g, '').length;
  if (printable >= text.length * 0.9) {
    return `"${text.replace(/\s+/g, ' ').trim().slice(0, 200)}"`;
  }
  return `bytes ${bytes.subarray(0, 16).toString('hex')}`;
}

/** No setuid, setgid or sticky bits; the owner can always read and write what it unpacked. */
function safeMode(type: string, mode: number): number {
  const base = mode & 0o777;
  return type === 'Directory' || type === 'GNUDumpDir' ? base | 0o700 : base | 0o600;
}

/**
 * Removes a partial extraction. The directory is renamed first, so an extractor write that
 * was still queued fails on a missing parent instead of recreating the tree.
 */
async function removeTree(dir: string): Promise<void> {
  const trash = `${dir}.delete-${randomBytes(4).toString('hex')}`;
  const target = await rename(dir, trash).then(
    () => trash,
    () => dir,
  );
  await rm(target, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
}

const ALLOWED_TYPES = new Set([
  'File',
  'OldFile',
  'ContiguousFile',
  'Directory',
  'GNUDumpDir',
  'SymbolicLink',
  'Link',
]);

/**
 * Decides, entry by entry in archive order, whether extracting it is safe. It keeps the
 * symlinks seen so far and every directory some entry passes through, so a link cannot be
 * used as a stepping stone in either order (link first, or path first and link later).
 */
export class EntryGuard {
  private readonly symlinks = new Set<string>();
  private readonly traversed = new Set<string>();

  /** Returns why the entry is unsafe, or undefined when it may be extracted. */
  check(type: string, path: string, linkpath: string | undefined): string | undefined {
    if (!ALLOWED_TYPES.has(type)) return `entry type ${type} is not allowed in a snapshot`;
    if (isAbsolute(path)) return 'the path is absolute';
    const own = this.walk(segments(path), false);
    if (typeof own !== 'object') return own;

    if (type === 'SymbolicLink' || type === 'Link') {
      if (linkpath === undefined || linkpath === '') return 'the link has no target';
      if (isAbsolute(linkpath)) return `the link points to the absolute path "${linkpath}"`;
      // A symlink's target is relative to its own directory, a hard link's to the archive root.
      const base = type === 'SymbolicLink' ? own.parent : [];
      const target = this.walk([...base, ...segments(linkpath)], type === 'SymbolicLink');
      if (typeof target !== 'object') return `the link target "${linkpath}": ${target}`;
    }
    if (type === 'SymbolicLink') {
      const key = keyOf(own.path);
      if (this.traversed.has(key)) {
        return 'a symlink would replace a directory that other entries go through';
      }
      this.symlinks.add(key);
    }
    return undefined;
  }

  /**
   * Follows path segments from the root. Every prefix that is stepped through (into a child,
   * or out with "..") must not be a symlink, and is remembered for later symlink entries.
   */
  private walk(
    parts: string[],
    allowDotDot: boolean,
  ): { path: string[]; parent: string[] } | string {
    const stack: string[] = [];
    for (const part of parts) {
      if (stack.length > 0) {
        const key = keyOf(stack);
        if (this.symlinks.has(key)) return `it goes through the symlink "${stack.join('/')}"`;
        this.traversed.add(key);
      }
      if (part === '..') {
        if (!allowDotDot) return 'the path contains ".."';
        if (stack.length === 0) return 'it leads outside the extraction directory';
        stack.pop();
      } else {
        stack.push(part);
      }
    }
    return { path: stack, parent: stack.slice(0, -1) };
  }
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z]:/.test(path);
}

function segments(path: string): string[] {
  return path.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
}

// Case-insensitive file systems (macOS, Windows runners) treat "A" and "a" as one name.
function keyOf(parts: string[]): string {
  return parts.join('/').normalize('NFD').toLowerCase();
}
