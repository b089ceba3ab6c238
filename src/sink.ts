/**
 * The one place the snapshot's bytes go. The main thread hashes each chunk as the socket
 * delivers it and writes it to the partial file; a worker thread (verify-worker.ts) follows
 * the file as it grows and inflates it into a tar reader or extractor, so inflating, the
 * slowest step, runs beside the download instead of in series with it. The file's write
 * buffer is the backpressure: when the disk is slower than the socket, the socket waits.
 *
 * A sink outlives connection attempts: a resumed request only appends to the byte stream, so
 * nothing is re-read or re-hashed after a drop. When the server restarts from byte zero the
 * caller disposes of the sink and makes a new one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DownloadError, SnapshotVerificationError, UnsafeArchiveError } from './download-errors.ts';
import type { FromWorker, ToWorker, WorkerFailure, WorkerSetup } from './verify-worker.ts';

export interface SinkOptions {
  /** The file the raw bytes go to, truncated on open. */
  partialPath: string;
  /** An existing, empty directory to unpack into; none: read the tar headers only. */
  extractDir?: string;
}

// Socket reads are 64 KiB; batching them to 512 KiB makes one writev per batch. The worker
// hears of the file's growth at most once a batch.
const BATCH = 512 << 10;
const FILE_BUFFER = 1 << 20;
const HEAD_BYTES = 256;
// How long disposal waits for the worker to close its files before deleting them.
const CLOSE_MS = 3_000;

/** The worker's entry beside this module: verify-worker.ts in src/, verify-worker.js in dist/. */
const WORKER_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  import.meta.url.endsWith('.ts') ? 'verify-worker.ts' : 'verify-worker.js',
);

const FAILURES: Record<WorkerFailure['name'], new (message: string) => Error> = {
  DownloadError,
  SnapshotVerificationError,
  UnsafeArchiveError,
};

export class SnapshotSink {
  /** Bytes accepted so far: the offset a resumed request starts at. */
  received = 0;
  /** Describes the response feeding the sink, for the "not a gzip file" message. */
  source = '';

  private readonly options: SinkOptions;
  private readonly worker: Worker;
  private readonly file: WriteStream;
  private readonly fileClosed: Promise<void>;
  private readonly hash = createHash('sha256');
  private readonly head = Buffer.alloc(HEAD_BYTES);
  private batch: Buffer[] = [];
  private batchBytes = 0;
  /** Bytes the file holds: what the worker may read. */
  private written = 0;
  private failure: Error | undefined;
  private readonly failureListeners = new Set<(error: Error) => void>();
  private readonly done: Promise<void>;
  private readonly closed: Promise<void>;

  private constructor(options: SinkOptions, worker: Worker, file: WriteStream) {
    this.options = options;
    this.worker = worker;
    this.file = file;
    this.fileClosed = new Promise((resolve) => file.once('close', resolve));
    file.on('error', (error) =>
      this.fail(
        new DownloadError(
          `Could not write ${options.partialPath}: ${error.message}. Check free disk space and permissions.`,
          { cause: error },
        ),
      ),
    );
    let markDone: () => void = () => undefined;
    let markClosed: () => void = () => undefined;
    this.done = new Promise((resolve) => {
      markDone = resolve;
    });
    this.closed = new Promise((resolve) => {
      markClosed = resolve;
    });
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'done') markDone();
      else if (message.type === 'failed') this.fail(asError(message.failure));
      else if (message.type === 'closed') markClosed();
    });
    worker.on('error', (error) =>
      this.fail(new DownloadError(`The verification thread failed: ${error.message}`)),
    );
    worker.once('exit', () => {
      markClosed();
      this.fail(new DownloadError('The verification thread stopped before the end.'));
    });
  }

  /** Opens the partial file (truncating it) and, when extracting, the empty directory. */
  static async create(options: SinkOptions): Promise<SnapshotSink> {
    await mkdir(dirname(options.partialPath), { recursive: true });
    if (options.extractDir !== undefined) {
      await mkdir(dirname(options.extractDir), { recursive: true });
      await mkdir(options.extractDir);
    }
    const file = createWriteStream(options.partialPath, { highWaterMark: FILE_BUFFER });
    const opened = await new Promise<Error | undefined>((resolve) => {
      file.once('ready', () => resolve(undefined));
      file.once('error', resolve);
    });
    const setup: WorkerSetup = { partialPath: options.partialPath, extractDir: options.extractDir };
    const worker =
      opened === undefined ? new Worker(WORKER_PATH, { workerData: setup }) : undefined;
    const ready =
      worker === undefined
        ? undefined
        : await new Promise<FromWorker | Error>((resolve) => {
            worker.once('message', resolve);
            worker.once('error', resolve);
          });
    if (
      worker === undefined ||
      ready === undefined ||
      ready instanceof Error ||
      ready.type !== 'ready'
    ) {
      // Nothing may stay behind: not the partial file, not the empty extraction directory.
      await worker?.terminate();
      await new Promise((resolve) => file.close(resolve));
      // Only a file this sink opened: when opening failed, whatever is there is not ours.
      if (opened === undefined)
        await rm(options.partialPath, { force: true }).catch(() => undefined);
      if (options.extractDir !== undefined) await removeTree(options.extractDir);
      if (opened !== undefined) {
        throw new DownloadError(
          `Could not write ${options.partialPath}: ${opened.message}. Check free disk space and permissions.`,
          { cause: opened },
        );
      }
      throw ready instanceof Error
        ? new DownloadError(`The verification thread did not start: ${ready.message}`)
        : ready?.type === 'failed'
          ? asError(ready.failure)
          : new DownloadError('The verification thread did not start.');
    }
    return new SnapshotSink(options, worker, file);
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

  /** Hashes one chunk and writes it; calls back when the file's buffer has room again. */
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
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes < BATCH || this.flush()) {
      callback();
      return;
    }
    let settled = false;
    const release = (error?: Error): void => {
      if (settled) return;
      settled = true;
      unsubscribe();
      callback(error);
    };
    const unsubscribe = this.onFailure(release);
    this.file.once('drain', () => release());
  }

  /**
   * Ends the stream: the worker writes out the last batch, reads the archive to its end and
   * checks what only the end can tell. Returns the SHA-256 in lowercase hex.
   */
  async finish(): Promise<string> {
    if (this.failure !== undefined) throw this.failure;
    if (this.received < 2) throw this.notGzipError();
    const failed = new Promise<never>((_, reject) => this.onFailure(reject));
    // dispose() fails the sink on purpose later; that must not surface as unhandled.
    failed.catch(() => undefined);
    this.flush();
    this.file.end();
    await Promise.race([this.fileClosed, failed]);
    this.post({ type: 'end', bytes: this.written });
    await Promise.race([this.done, failed]);
    await this.worker.terminate();
    return this.hash.digest('hex');
  }

  /**
   * Stops everything and deletes the partial file and the partial extraction. Never throws:
   * it runs on the way out of a failure that matters more.
   */
  async dispose(): Promise<void> {
    this.fail(new SnapshotVerificationError('The download was stopped.'));
    this.post({ type: 'abort' });
    this.file.destroy();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.closed,
      new Promise((resolve) => {
        timer = setTimeout(resolve, CLOSE_MS);
      }),
    ]);
    clearTimeout(timer);
    await this.worker.terminate().catch(() => undefined);
    await this.fileClosed;
    await rm(this.options.partialPath, { force: true, maxRetries: 3 }).catch(() => undefined);
    if (this.options.extractDir !== undefined) await removeTree(this.options.extractDir);
  }

  /**
   * Writes the batch (corked: one writev) and tells the worker how far the file goes once it
   * is there. Returns whether the file's buffer still has room.
   */
  private flush(): boolean {
    const { batch, batchBytes } = this;
    if (batchBytes === 0) return true;
    this.batch = [];
    this.batchBytes = 0;
    this.file.cork();
    let room = true;
    batch.forEach((chunk, index) => {
      // The last chunk's callback: every byte before it is in the file by then.
      const last = index === batch.length - 1;
      room = this.file.write(chunk, last ? () => this.grown(batchBytes) : undefined);
    });
    this.file.uncork();
    return room;
  }

  private grown(bytes: number): void {
    this.written += bytes;
    this.post({ type: 'written', bytes: this.written });
  }

  private post(message: ToWorker): void {
    try {
      this.worker.postMessage(message);
    } catch {
      // A worker that has exited already reported why.
    }
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    const listeners = [...this.failureListeners];
    this.failureListeners.clear();
    for (const listener of listeners) listener(error);
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
}

function asError(failure: WorkerFailure): Error {
  return new FAILURES[failure.name](failure.message);
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
