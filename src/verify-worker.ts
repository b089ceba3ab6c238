/**
 * The snapshot's second thread: follows the partial file as the main thread writes it, and
 * inflates it into a tar reader (or extractor).
 *
 * Inflating is the slowest step of a verified download (about 200 MB/s of input on one core
 * for a real snapshot), so it must never wait on the main thread, which reads the socket,
 * hashes and writes the file. In a thread of its own, every hand-off between zlib and the tar
 * reader happens on this thread's event loop. It reads the bytes back from the file (from the
 * page cache: cheaper than passing them across threads, and no memory grows when it lags).
 *
 * Protocol (see sink.ts): workerData is WorkerSetup; the main thread sends `written` as the
 * file grows, then `end` with the total, or `abort`. This thread answers `ready` once the file
 * is open, `done` (everything checked) or `failed`, and after `abort`, `closed`.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { TransformOptions } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import { Parser, type ReadEntry, Unpack } from 'tar';
import { EntryGuard, safeMode } from './archive-guard.ts';

export interface WorkerSetup {
  /** The partial file the main thread writes; read from here as it grows. */
  partialPath: string;
  /** An existing, empty directory to unpack into; none: read the tar headers only. */
  extractDir?: string | undefined;
}

export type ToWorker =
  | { type: 'written'; bytes: number }
  | { type: 'end'; bytes: number }
  | { type: 'abort' };

/** A failure as it crosses threads: the name of one of download-errors.ts's classes. */
export interface WorkerFailure {
  name: 'DownloadError' | 'SnapshotVerificationError' | 'UnsafeArchiveError';
  message: string;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done' }
  | { type: 'failed'; failure: WorkerFailure }
  | { type: 'closed' };

// zlib's output chunk and the reads from the file: one hand-off per MiB.
const GUNZIP_CHUNK = 1 << 20;
const READ = 1 << 20;
/** Reads in flight or waiting for zlib: enough that zlib never waits for the disk. */
const READ_BUFFERS = 3;
// How long an abort waits for the extractor's in-flight file writes before reporting closed.
const SETTLE_MS = 2_000;

class Verifier {
  private readonly file: FileHandle;
  private readonly gunzip = createGunzip({
    chunkSize: GUNZIP_CHUNK,
    // The main thread bounds what is in flight; zlib's own buffer need not hold more.
    writableHighWaterMark: GUNZIP_CHUNK,
  } as ZlibOptions & TransformOptions);
  private readonly tar: Parser;
  private readonly guard = new EntryGuard();
  private readonly tarDone: Promise<void>;
  /** Settles on the first failure, so waits for the end stop at once. */
  private readonly stopped: Promise<void>;
  private stop: () => void = () => undefined;
  /** The next byte to read, how far the file is written, and its final size once known. */
  private position = 0;
  private available = 0;
  private total: number | undefined;
  /** Resolves the follower's wait for more of the file. */
  private wake: () => void = () => undefined;
  private entries = 0;
  private tarBytes = 0;
  private failure: WorkerFailure | undefined;

  constructor(setup: WorkerSetup, file: FileHandle) {
    this.file = file;
    this.stopped = new Promise((resolve) => {
      this.stop = resolve;
    });
    this.gunzip.on('error', (error) => this.fail(gzipFailure(error)));
    // node-tar ignores a partial header at the very end; counting blocks catches it.
    this.gunzip.on('data', (chunk: Buffer) => {
      this.tarBytes += chunk.length;
    });
    this.tar = setup.extractDir === undefined ? this.parser() : this.unpack(setup.extractDir);
    this.tar.on('error', (error: Error) => this.fail(tarFailure(error)));
    this.tarDone = new Promise((resolve) => this.tar.once('end', resolve));
    // The tar reader is an EventEmitter with write/end/drain, which is all pipe() needs.
    this.gunzip.pipe(this.tar as unknown as NodeJS.WritableStream);
  }

  /** The main thread has written the file up to `bytes`. */
  written(bytes: number): void {
    this.available = bytes;
    this.wake();
  }

  /** The last byte is written: read to it, then check what only the end can tell. */
  end(bytes: number): void {
    this.total = bytes;
    this.written(bytes);
  }

  /** Reads the file behind the writer and feeds zlib, until the end or a failure. */
  async follow(): Promise<void> {
    const free = Array.from({ length: READ_BUFFERS }, () => Buffer.allocUnsafeSlow(READ));
    const inflated = new Set<Promise<void>>();
    while (this.failure === undefined) {
      if (this.position >= this.available) {
        if (this.total !== undefined && this.position >= this.total) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        continue;
      }
      const buffer = free.pop();
      if (buffer === undefined) {
        await Promise.race(inflated);
        continue;
      }
      const length = Math.min(READ, this.available - this.position);
      const { bytesRead } = await this.file.read(buffer, 0, length, this.position);
      if (bytesRead === 0) {
        // The main thread said these bytes were written: a file that is shorter was cut by someone else.
        this.fail({
          name: 'DownloadError',
          message: `The partial download shrank while it was read back (at byte ${this.position}): something else wrote to it. Run the job again.`,
        });
        free.push(buffer);
        break;
      }
      this.position += bytesRead;
      // zlib holds the buffer until its callback: only then may it be read into again.
      const done: Promise<void> = new Promise<void>((resolve) =>
        this.gunzip.write(buffer.subarray(0, bytesRead), () => resolve()),
      ).then(() => {
        inflated.delete(done);
        free.push(buffer);
      });
      inflated.add(done);
    }
    if (this.failure !== undefined) return;
    await Promise.all(inflated);
    this.gunzip.end();
    await Promise.race([this.tarDone, this.stopped]);
    if (this.failure !== undefined) return;
    // Closed before the main thread renames the file: Windows refuses to move a file still open.
    await this.file.close();
    const problem = this.endProblem();
    if (problem !== undefined) {
      this.fail({ name: 'SnapshotVerificationError', message: problem });
      return;
    }
    post({ type: 'done' });
  }

  /** Stops everything and closes the file, so the main thread can delete what was written. */
  async abort(): Promise<void> {
    this.failure ??= { name: 'DownloadError', message: 'aborted' };
    this.gunzip.unpipe();
    this.gunzip.destroy();
    this.wake();
    if (this.tar instanceof Unpack) await settle(this.tar, this.tarDone);
    await this.file.close().catch(() => undefined);
    post({ type: 'closed' });
  }

  private endProblem(): string | undefined {
    if (this.gunzip.bytesWritten !== this.position) {
      return `The snapshot has ${this.position - this.gunzip.bytesWritten} bytes of trailing data after the end of its gzip stream: the file is damaged or not a snapshot.`;
    }
    if (this.tarBytes % 512 !== 0) {
      return 'The snapshot failed verification: its tar archive ends in the middle of a 512-byte block, so it is truncated.';
    }
    if (this.entries === 0) {
      return 'The download is a valid gzip file but holds no tar entries: it is not a snapshot.';
    }
    return undefined;
  }

  fail(failure: WorkerFailure): void {
    if (this.failure !== undefined) return;
    this.failure = failure;
    this.stop();
    this.wake();
    post({ type: 'failed', failure });
  }

  private parser(): Parser {
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

  private unpack(cwd: string): Unpack {
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
          this.fail({
            name: 'UnsafeArchiveError',
            message: `The snapshot archive holds an unsafe entry "${readEntry.path}": ${problem}. Nothing was extracted.`,
          });
          return false;
        }
        if (readEntry.mode !== undefined) readEntry.mode = safeMode(readEntry.type, readEntry.mode);
        this.entries++;
        return true;
      },
    });
  }
}

/**
 * Lets the extractor finish the file writes it has started, so none lands after the
 * directory is deleted. Bounded: a stuck write must not hold up the failure.
 */
async function settle(unpack: Unpack, done: Promise<void>): Promise<void> {
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
  await Promise.race([done, timeout]);
  clearTimeout(timer);
}

function gzipFailure(error: Error): WorkerFailure {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'Z_BUF_ERROR'
      ? 'the gzip stream is truncated'
      : `the gzip stream is corrupt (${error.message})`;
  return {
    name: 'SnapshotVerificationError',
    message: `The snapshot failed verification: ${reason}. Download it again.`,
  };
}

function tarFailure(error: Error & { tarCode?: string; entry?: { path?: string } }): WorkerFailure {
  const entry = error.entry?.path;
  if (error.tarCode === 'TAR_ENTRY_ERROR' && entry !== undefined) {
    return {
      name: 'DownloadError',
      message: `Could not extract "${entry}": ${error.message}. Check free disk space and permissions.`,
    };
  }
  const where = entry === undefined ? '' : ` at "${entry}"`;
  return {
    name: 'SnapshotVerificationError',
    message: `The snapshot is not a readable tar archive${where}: ${error.message}.`,
  };
}

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('verify-worker.ts runs only as a worker thread');
  const setup = workerData as WorkerSetup;
  let file: FileHandle;
  try {
    file = await open(setup.partialPath, 'r');
  } catch (error) {
    post({
      type: 'failed',
      failure: {
        name: 'DownloadError',
        message: `Could not read ${setup.partialPath} back: ${(error as Error).message}.`,
      },
    });
    return;
  }
  const verifier = new Verifier(setup, file);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'written') verifier.written(message.bytes);
    else if (message.type === 'end') verifier.end(message.bytes);
    else void verifier.abort();
  });
  post({ type: 'ready' });
  await verifier.follow().catch((error: Error) =>
    verifier.fail({
      name: 'DownloadError',
      message: `Could not read the download back: ${error.message}`,
    }),
  );
}

await main();
