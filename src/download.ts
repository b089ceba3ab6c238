/**
 * Fetches the snapshot file from its pre-signed link: streamed to a partial file beside the
 * target, verified in the same pass (SHA-256, gzip to its trailer, tar headers), resumed with
 * Range after a drop, and renamed into place only once complete. See sink.ts for the sink
 * that makes one pass survive several connections.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Dispatcher, getGlobalDispatcher, request } from 'undici';
import { type BackoffPolicy, backoffDelay, parseRetryAfter } from './backoff.ts';
import { type Clock, systemClock } from './clock.ts';
import { DownloadCancelledError, DownloadError, LinkExpiredError } from './download-errors.ts';
import { headerValue } from './headers.ts';
import type { Logger } from './log.ts';
import { formatBytes, formatDuration, formatRate, ProgressReporter } from './progress.ts';
import { describeBytes, SnapshotSink } from './sink.ts';
import type { DownloadLink } from './wait.ts';

export {
  DownloadCancelledError,
  DownloadError,
  LinkExpiredError,
  SnapshotVerificationError,
  UnsafeArchiveError,
} from './download-errors.ts';

export interface DownloadOptions {
  /** The signed link to fetch: a plain GET, no Atlas credentials. */
  link: DownloadLink;
  /** Accept http: links and redirects to http: (only for a loopback Atlas: tests, the demo). */
  allowHttp?: boolean;
  /** Absolute final path of the file. */
  path: string;
  /** Absolute directory to unpack into while downloading; must be missing or empty. */
  extractTo?: string;
  /** undici dispatcher (the action passes an EnvHttpProxyAgent). */
  dispatcher?: Dispatcher;
  /** Cancellation (SIGINT/SIGTERM): abort, clean up, reject. */
  signal?: AbortSignal;
  /** Default systemClock. */
  clock?: Clock;
  log: Logger;
  /** Default 60_000: no bytes for this long counts as a dropped connection. */
  stallTimeoutMs?: number;
  /**
   * Default 6: attempts in a row that bring no new bytes before the download fails. An attempt
   * that moves past every byte received before starts the count again.
   */
  maxAttemptsWithoutProgress?: number;
  /** Default 15 minutes: the longest time without new bytes, retries and waits included. */
  maxTimeWithoutProgressMs?: number;
  /** Default 5_000. */
  progressIntervalMs?: number;
  /**
   * Called when the storage host refuses the link (403 or 410: expired, revoked, or a one-time
   * link already used): a new download job, whose link the download goes on with and whose
   * link the result reports.
   */
  refreshLink?: () => Promise<DownloadLink>;
  /** Default 1: how many times the link may be renewed. */
  maxRefreshes?: number;
  /**
   * Start the file over with a renewed link instead of resuming: for Cloud Backup's one-time
   * links, whose host may not serve a second request for the same file.
   */
  restartOnRefresh?: boolean;
  /** Wait between attempts; default full jitter from 1 s, capped at 30 s. */
  backoff?: BackoffPolicy;
}

export interface DownloadResult {
  /** The link that delivered the file: the renewed one if the first expired. */
  link: DownloadLink;
  path: string;
  size: number;
  /** Lowercase hex. */
  sha256: string;
  extractedTo?: string;
}

const DEFAULT_STALL_MS = 60_000;
const DEFAULT_MAX_ATTEMPTS = 6;
const DEFAULT_MAX_TIME_WITHOUT_PROGRESS_MS = 15 * 60_000;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_PROGRESS_MS = 5_000;
const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 30_000 };
const MAX_RETRY_AFTER_MS = 5 * 60_000;
const MAX_REDIRECTIONS = 5;
// undici's body buffer: lets the socket run ahead while the sink digests a batch.
const BODY_BUFFER = 256 << 10;
const ERROR_BODY_BYTES = 4096;

/** Downloads and verifies the snapshot; on any failure nothing is left behind. */
export async function downloadSnapshot(options: DownloadOptions): Promise<DownloadResult> {
  return new SnapshotDownload(options).run();
}

/** A failed attempt worth another one: the connection dropped or the host was busy. */
class Interruption extends Error {
  readonly restart: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    extra: { restart?: boolean; retryAfterMs?: number | undefined; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.restart = extra.restart ?? false;
    this.retryAfterMs = extra.retryAfterMs;
  }
}

/** 403 or 410 from the storage host: a new link may help, the same one will not. */
class LinkRefused extends Error {}

interface Resource {
  total: number | undefined;
  etag: string | undefined;
  lastModified: string | undefined;
}

class SnapshotDownload {
  private readonly options: DownloadOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly dispatcher: Dispatcher;
  private readonly stallMs: number;
  private readonly maxAttempts: number;
  private readonly maxTimeWithoutProgressMs: number;
  private readonly progress: ProgressReporter;
  private readonly partialPath: string;
  private link: DownloadLink;
  private sink: SnapshotSink | undefined;
  private partialExtractDir: string | undefined;
  private resource: Resource | undefined;
  /** Attempts in a row that moved no further than `furthest`. */
  private failures = 0;
  /** Any attempt so far has failed (the first answer's size is logged only once). */
  private interrupted = false;
  /** The most bytes any attempt has had in the sink, and when that was last exceeded. */
  private furthest = 0;
  private lastProgressAt: number;
  private refreshes = 0;

  constructor(options: DownloadOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.log = options.log;
    this.stallMs = options.stallTimeoutMs ?? DEFAULT_STALL_MS;
    this.maxAttempts = Math.max(1, options.maxAttemptsWithoutProgress ?? DEFAULT_MAX_ATTEMPTS);
    this.maxTimeWithoutProgressMs =
      options.maxTimeWithoutProgressMs ?? DEFAULT_MAX_TIME_WITHOUT_PROGRESS_MS;
    this.lastProgressAt = this.clock.now();
    this.progress = new ProgressReporter(
      this.clock,
      this.log,
      options.progressIntervalMs ?? DEFAULT_PROGRESS_MS,
    );
    this.partialPath = `${options.path}.partial`;
    this.link = options.link;
    this.dispatcher = options.dispatcher ?? getGlobalDispatcher();
  }

  private get url(): string {
    return this.link.url;
  }

  async run(): Promise<DownloadResult> {
    const { path, extractTo, signal } = this.options;
    try {
      signal?.throwIfAborted();
      validateOptions(this.options);
      await checkTargets(path, extractTo);
      this.log.info(
        `Downloading the snapshot from ${hostOf(this.url)} to ${path}${extractTo === undefined ? '' : `, extracting it into ${extractTo}`}`,
      );
      const started = this.clock.now();
      this.sink = await this.newSink();
      await this.transfer();
      const sha256 = await raceAbort(this.sink.finish(), signal);
      const size = this.sink.received;
      await this.moveIntoPlace(path, extractTo);
      const elapsed = this.clock.now() - started;
      const speed = elapsed > 0 ? `, ${formatRate((size / elapsed) * 1000)}` : '';
      this.log.info(
        `Downloaded and verified ${formatBytes(size)} in ${formatDuration(elapsed)}${speed}; sha256 ${sha256}`,
      );
      const { link } = this;
      return extractTo === undefined
        ? { link, path, size, sha256 }
        : { link, path, size, sha256, extractedTo: extractTo };
    } catch (error) {
      await this.sink?.dispose();
      throw this.explain(error);
    }
  }

  /** Connection attempts until every byte is in the sink. */
  private async transfer(): Promise<void> {
    const { signal } = this.options;
    for (;;) {
      try {
        await this.fetchOnce();
        const total = this.resource?.total;
        const received = this.currentSink().received;
        if (total === undefined || received === total) return;
        throw new Interruption(
          `the response ended after ${formatBytes(received)} of ${formatBytes(total)}`,
        );
      } catch (error) {
        if (signal?.aborted) throw error;
        if (error instanceof LinkRefused) {
          await this.refresh(error);
          continue;
        }
        if (!(error instanceof Interruption)) throw error;
        await this.prepareRetry(error);
      }
    }
  }

  /**
   * The budget forgives progress: a host that drops every connection after a while still
   * delivers the file, as long as each attempt gets further than any before it.
   */
  private async prepareRetry(interruption: Interruption): Promise<void> {
    this.interrupted = true;
    const total = this.resource?.total;
    const received = this.currentSink().received;
    const now = this.clock.now();
    if (received > this.furthest) {
      this.furthest = received;
      this.lastProgressAt = now;
      this.failures = 0;
    }
    this.failures++;
    const position =
      total === undefined
        ? formatBytes(received)
        : `${formatBytes(received)} of ${formatBytes(total)}`;
    const stuckFor = now - this.lastProgressAt;
    if (this.failures >= this.maxAttempts || stuckFor >= this.maxTimeWithoutProgressMs) {
      const why =
        this.failures >= this.maxAttempts
          ? `${this.failures} attempts in a row brought no new data`
          : `no new data arrived for ${formatDuration(stuckFor)}`;
      throw new DownloadError(
        `The snapshot download failed: ${why} (${position} received); the last attempt: ${interruption.message}. ${networkAdvice(this.url)}`,
        { cause: interruption.cause ?? interruption },
      );
    }
    if (interruption.restart) await this.restart();
    const backoff = backoffDelay(this.failures - 1, this.options.backoff ?? DEFAULT_BACKOFF);
    const delay = Math.max(backoff, Math.min(interruption.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
    const next = interruption.restart || received === 0 ? 'retrying from the start' : 'resuming';
    this.log.info(
      `The download was interrupted at ${position} (${interruption.message}); ${next} in ${formatDuration(delay)}${this.failures > 1 ? ` (${this.failures} attempts in a row without new data; at most ${this.maxAttempts})` : ''}.`,
    );
    await this.clock.sleep(delay, this.options.signal);
  }

  private async refresh(refused: LinkRefused): Promise<void> {
    const { refreshLink, signal } = this.options;
    if (refreshLink === undefined) {
      throw new LinkExpiredError(
        `The storage host refused the signed snapshot link (${refused.message}): it has expired or was revoked. Request a new download link and run the job again.`,
      );
    }
    if (this.refreshes >= (this.options.maxRefreshes ?? 1)) {
      throw new LinkExpiredError(
        `The storage host refused the signed snapshot link again after it was renewed (${refused.message}). Check that the runner's clock is right and that no proxy rewrites the request, then run the job again.`,
      );
    }
    this.refreshes++;
    const restart = this.options.restartOnRefresh === true && this.currentSink().received > 0;
    this.log.info(
      `The signed snapshot link expired or was refused (${refused.message}); asking Atlas for a new one and ${restart ? 'starting this file over' : 'resuming'}.`,
    );
    this.link = await raceAbort(refreshLink(), signal);
    checkProtocol(this.url, this.options.allowHttp, 'The renewed snapshot link');
    if (restart) await this.restart();
  }

  /** One GET: resumes from the sink's offset, checks the answer, streams the body in. */
  private async fetchOnce(): Promise<void> {
    const offset = this.currentSink().received;
    const headers = this.requestHeaders(offset);
    this.log.debug(
      `GET ${hostOf(this.url)}${offset > 0 ? ` with Range: ${headers.range}${headers['if-range'] === undefined ? '' : ', If-Range'}` : ''}`,
    );
    let response: Dispatcher.ResponseData;
    try {
      response = await this.open(headers);
    } catch (error) {
      throw this.interruption(error);
    }
    this.log.debug(`HTTP ${response.statusCode} from ${hostOf(this.url)}`);
    try {
      await this.checkResponse(offset, response);
    } catch (error) {
      response.body.destroy();
      throw error;
    }
    const sink = this.currentSink();
    const writer = new SinkWriter(sink, () => this.progress.update(sink.received, this.total()));
    try {
      await pipeline(response.body, writer);
    } catch (error) {
      throw this.interruption(error);
    }
  }

  /**
   * The GET, following redirects (a signed link may bounce to the bucket) by hand, so that
   * none can take the transfer from https to plain http.
   */
  private async open(headers: Record<string, string>): Promise<Dispatcher.ResponseData> {
    let url = this.url;
    for (let hops = 0; ; hops++) {
      const response = await request(url, {
        method: 'GET',
        headers,
        dispatcher: this.dispatcher,
        signal: this.options.signal ?? null,
        headersTimeout: this.stallMs,
        bodyTimeout: this.stallMs,
        highWaterMark: BODY_BUFFER,
      });
      const location = headerValue(response.headers, 'location');
      if (!REDIRECT_STATUS.has(response.statusCode) || location === undefined) return response;
      await response.body.dump();
      if (hops >= MAX_REDIRECTIONS) {
        throw new DownloadError(
          `The storage host redirected the snapshot link more than ${MAX_REDIRECTIONS} times. Request a new download link and run the job again.`,
        );
      }
      const next = new URL(location, url);
      checkProtocol(
        next.href,
        this.options.allowHttp,
        'The storage host redirected the snapshot link, and the target',
      );
      this.log.debug(`HTTP ${response.statusCode}: redirected to ${next.host}`);
      url = next.href;
    }
  }

  private requestHeaders(offset: number): Record<string, string> {
    // identity: a proxy that compresses on the fly would otherwise change the bytes we hash.
    const headers: Record<string, string> = { accept: '*/*', 'accept-encoding': 'identity' };
    if (offset === 0) return headers;
    headers.range = `bytes=${offset}-`;
    const validator = this.resource?.etag ?? this.resource?.lastModified;
    if (validator !== undefined) headers['if-range'] = validator;
    return headers;
  }

  /** Returns when the body should be streamed in; throws what the loop should do instead. */
  private async checkResponse(offset: number, response: Dispatcher.ResponseData): Promise<void> {
    const { statusCode, headers, body } = response;
    const contentType = headerValue(headers, 'content-type');
    if (statusCode === 200) {
      const total = parseLength(headerValue(headers, 'content-length'));
      const etag = headerValue(headers, 'etag');
      this.resource = {
        total,
        // If-Range needs a strong validator; a weak ETag would make every resume start over.
        etag: etag?.startsWith('W/') ? undefined : etag,
        lastModified: headerValue(headers, 'last-modified'),
      };
      if (offset > 0) {
        this.log.info(
          'The storage host sent the whole file instead of the remaining part (HTTP 200 to a range request); starting over from the beginning.',
        );
        await this.restart();
      } else if (!this.interrupted && this.refreshes === 0) {
        this.log.info(`Snapshot size: ${total === undefined ? 'not given' : formatBytes(total)}`);
      }
      this.currentSink().source = `HTTP 200, content-type ${contentType ?? 'not given'}`;
      return;
    }
    if (statusCode === 206 && offset > 0) {
      const problem = this.partialProblem(offset, headers);
      if (problem !== undefined) throw new Interruption(problem, { restart: true });
      return;
    }

    const start = await readStart(body);
    const shown = start.length === 0 ? '' : describeBytes(start, (text) => redact(text, this.url));
    const what = describeResponse(statusCode, contentType, shown);
    if (statusCode === 403 || statusCode === 410) throw new LinkRefused(what);
    if (statusCode === 416 && offset > 0) {
      throw new Interruption(`the host cannot serve the rest of the file (${what})`, {
        restart: true,
      });
    }
    if (statusCode === 408 || statusCode === 429 || statusCode >= 500) {
      const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'), this.clock.now());
      throw new Interruption(`the storage host answered ${what}`, { retryAfterMs });
    }
    throw new DownloadError(
      `The storage host answered ${what} instead of the snapshot file. ${statusCode === 404 ? 'The snapshot may have been deleted: request a new download. ' : ''}Check the snapshot and request a new download link.`,
    );
  }

  /** Why a 206 cannot be appended to what we have, or undefined when it can. */
  private partialProblem(offset: number, headers: Dispatcher.ResponseData['headers']) {
    const range = parseContentRange(headerValue(headers, 'content-range'));
    if (range === undefined) return 'the host answered 206 without a usable Content-Range';
    if (range.start !== offset) {
      return `the host resumed at byte ${range.start} instead of ${offset}`;
    }
    const known = this.resource?.total;
    if (known !== undefined && range.total !== undefined && range.total !== known) {
      return `the file size changed from ${known} to ${range.total} bytes`;
    }
    const etag = headerValue(headers, 'etag');
    const original = this.resource?.etag;
    if (etag !== undefined && original !== undefined && etag !== original) {
      return 'the file changed since the download started (its ETag differs)';
    }
    if (this.resource !== undefined && known === undefined && range.total !== undefined) {
      this.resource.total = range.total;
    }
    return undefined;
  }

  private interruption(error: unknown): unknown {
    if (this.options.signal?.aborted) return error;
    const sinkError = this.sink?.error;
    if (sinkError !== undefined) return sinkError;
    if (error instanceof DownloadError) return error;
    if (error instanceof TypeError || isCode(error, 'UND_ERR_INVALID_ARG')) {
      return new DownloadError(`The snapshot request could not be made: ${messageOf(error)}`, {
        cause: error,
      });
    }
    return new Interruption(describeNetworkError(error, this.stallMs), { cause: error });
  }

  /** The server will not continue where we are: throw the bytes away and start again. */
  private async restart(): Promise<void> {
    await this.sink?.dispose();
    this.sink = undefined;
    this.sink = await this.newSink();
    this.progress.reset(0);
  }

  private async newSink(): Promise<SnapshotSink> {
    const { extractTo } = this.options;
    if (extractTo === undefined) return SnapshotSink.create({ partialPath: this.partialPath });
    this.partialExtractDir = `${extractTo}.partial-${randomBytes(4).toString('hex')}`;
    return SnapshotSink.create({
      partialPath: this.partialPath,
      extractDir: this.partialExtractDir,
    });
  }

  private currentSink(): SnapshotSink {
    if (this.sink === undefined) throw new Error('download sink used before it was created');
    return this.sink;
  }

  private total(): number | undefined {
    return this.resource?.total;
  }

  private async moveIntoPlace(path: string, extractTo: string | undefined): Promise<void> {
    if (extractTo !== undefined && this.partialExtractDir !== undefined) {
      await placeDirectory(this.partialExtractDir, extractTo, this.clock);
    }
    try {
      await renameRetrying(this.partialPath, path, this.clock);
    } catch (error) {
      if (extractTo !== undefined) {
        await rm(extractTo, { recursive: true, force: true }).catch(() => undefined);
      }
      throw new DownloadError(`Could not move the download to ${path}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  private explain(error: unknown): Error {
    const { signal } = this.options;
    if (signal?.aborted) {
      return new DownloadCancelledError(
        'The snapshot download was cancelled; the partial download was deleted.',
        { cause: signal.reason },
      );
    }
    if (error instanceof DownloadError) return error;
    return new DownloadError(`The snapshot download failed: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/**
 * The sink's face towards one response. It never ends the sink, which outlives this
 * connection; it only forwards chunks and stops the transfer as soon as the sink fails.
 */
class SinkWriter extends Writable {
  private readonly sink: SnapshotSink;
  private readonly onChunk: () => void;
  private readonly unsubscribe: () => void;

  constructor(sink: SnapshotSink, onChunk: () => void) {
    super();
    this.sink = sink;
    this.onChunk = onChunk;
    const failed = sink.error;
    if (failed === undefined) {
      this.unsubscribe = sink.onFailure((error) => this.destroy(error));
    } else {
      this.unsubscribe = () => undefined;
      this.destroy(failed);
    }
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.sink.write(chunk, callback);
    this.onChunk();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.unsubscribe();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.unsubscribe();
    callback(error);
  }
}

function validateOptions(options: DownloadOptions): void {
  checkProtocol(options.link.url, options.allowHttp, 'The snapshot link');
  if (!isAbsolute(options.path)) {
    throw new DownloadError(`The download path must be absolute, got ${options.path}`);
  }
  if (options.extractTo !== undefined && !isAbsolute(options.extractTo)) {
    throw new DownloadError(`The extraction directory must be absolute, got ${options.extractTo}`);
  }
}

/**
 * Signed links are credentials and the bytes must arrive unaltered: https only, http only
 * when the caller allows it for a loopback Atlas.
 */
function checkProtocol(link: string, allowHttp: boolean | undefined, what: string): void {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new DownloadError(`${what} is not a valid URL.`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && allowHttp === true)) return;
  throw new DownloadError(
    `${what} uses ${url.protocol}, not https:, so it is refused: a signed link must not travel in the clear. Check for a proxy that rewrites the link, then request a new one.`,
  );
}

/** Fails before any byte is fetched when the result could not be put in place. */
async function checkTargets(path: string, extractTo: string | undefined): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new DownloadError(`The download path ${path} is a directory; give a file path.`);
  }
  if (extractTo === undefined) return;
  let entries: string[];
  try {
    entries = await readdir(extractTo);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return;
    if (isCode(error, 'ENOTDIR')) {
      throw new DownloadError(`The extraction path ${extractTo} exists and is not a directory.`);
    }
    throw new DownloadError(
      `Cannot read the extraction directory ${extractTo}: ${messageOf(error)}`,
    );
  }
  if (entries.length > 0) {
    throw new DownloadError(
      `The extraction directory ${extractTo} is not empty; give a new or empty directory so nothing in it is overwritten.`,
    );
  }
}

/** rename() replaces an empty directory on POSIX but not on Windows; handle both. */
async function placeDirectory(from: string, to: string, clock: Clock): Promise<void> {
  try {
    await renameRetrying(from, to, clock);
    return;
  } catch (error) {
    const entries = await readdir(to).catch(() => undefined);
    if (entries === undefined || entries.length > 0) {
      throw new DownloadError(
        `Could not move the extracted snapshot to ${to}: ${messageOf(error)}. It must be missing or an empty directory.`,
        { cause: error },
      );
    }
  }
  await rmdir(to);
  await renameRetrying(from, to, clock);
}

/**
 * rename(), again a few times over a second when Windows refuses it for a moment: an antivirus
 * scan of the new file holds it open (EPERM, EBUSY, EACCES), as graceful-fs knows.
 */
async function renameRetrying(from: string, to: string, clock: Clock): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const busy = ['EPERM', 'EBUSY', 'EACCES'].some((code) => isCode(error, code));
      if (process.platform !== 'win32' || !busy || attempt >= 5) throw error;
      await clock.sleep(100 * attempt);
    }
  }
}

async function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

/** The first bytes of an error body, enough to show an S3 XML error or an HTML page. */
async function readStart(body: Dispatcher.ResponseData['body']): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length >= ERROR_BODY_BYTES) break;
    }
  } catch {
    // The status says enough; a broken error body must not hide it.
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES);
}

/**
 * Some storage errors echo parts of the request (S3's SignatureDoesNotMatch quotes the
 * canonical request); the link's query values are credentials, so they never reach a message.
 */
function redact(text: string, url: string): string {
  let result = text;
  try {
    for (const value of new URL(url).searchParams.values()) {
      if (value.length < 6) continue;
      result = result.replaceAll(value, '***').replaceAll(encodeURIComponent(value), '***');
    }
  } catch {
    // validateOptions already refused a malformed link; nothing to redact.
  }
  return result;
}

function describeResponse(status: number, contentType: string | undefined, start: string): string {
  const type = contentType === undefined ? '' : `, content-type ${contentType}`;
  const body = start === '' ? '' : `, body ${start}`;
  return `HTTP ${status}${type}${body}`;
}

function describeNetworkError(error: unknown, stallMs: number): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'UND_ERR_BODY_TIMEOUT':
      return `no data arrived for ${formatDuration(stallMs)}`;
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `no response arrived for ${formatDuration(stallMs)}`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connecting timed out';
    case 'UND_ERR_SOCKET':
      return `the connection closed early (${messageOf(error)})`;
    case 'ECONNRESET':
      return 'the connection was reset';
    default:
      return typeof code === 'string' ? `${code}: ${messageOf(error)}` : messageOf(error);
  }
}

function parseLength(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function parseContentRange(
  value: string | undefined,
): { start: number; end: number; total: number | undefined } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? '');
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) return;
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start) return undefined;
  return { start, end, total: match[3] === '*' ? undefined : Number(match[3]) };
}

/** What to check when the storage host cannot be reached. */
function networkAdvice(url: string): string {
  let port = '';
  try {
    port = new URL(url).port;
  } catch {
    // validateOptions refused a malformed link already.
  }
  if (port === '27017') {
    return "Cloud Backup serves snapshot files from an Atlas host on port 27017: the runner must reach that port (many proxies allow CONNECT to port 443 only: add the host to NO_PROXY or allow the port), and the project's IP access list may need the runner's address. Then re-run the job.";
  }
  return "Check the runner's network and proxy settings, then re-run the job.";
}

/** The host only: the rest of a signed link is a credential. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the storage host';
  }
}

function isCode(error: unknown, code: string): boolean {
  return (error as { code?: unknown } | undefined)?.code === code;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
