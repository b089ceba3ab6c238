import { type Dispatcher, request, errors as undiciErrors } from 'undici';
import { type BackoffPolicy, backoffDelay, parseRetryAfter } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import { headerValue } from '../headers.ts';
import type { Logger } from '../log.ts';
import { AtlasError } from './errors.ts';

export interface RawRequest {
  /** What the call is for, in words: it leads every error message. */
  operation: string;
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /** A string, so it can be sent again on a retry or an auth challenge. */
  body?: string;
  /**
   * The request creates something (a download job). It is repeated only when Atlas certainly
   * did not act on it: a 429, a 503 with Retry-After, or a connection refused before anything
   * was sent. Any other failure is ambiguous and is the caller's to resolve (look first).
   */
  creates?: boolean;
  /** One attempt, no retry, this long at most: for best-effort calls at the end of a run. */
  once?: { timeoutMs: number };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** Longest time one call may spend retrying, first attempt included. */
  maxElapsedMs: number;
}

export interface TransportOptions {
  dispatcher?: Dispatcher | undefined;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal | undefined;
  /** Per attempt: the longest wait for the headers, and then for the whole body. */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  random?: () => number;
}

/** An answer larger than this is not an Atlas API answer (the largest, a 500-item page, is far smaller). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Statuses that can succeed on a retry; everything else is the caller's to handle. */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** Network errors that happen before a byte of the request left: the server never saw it. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseMs: 1_000,
  capMs: 30_000,
  maxElapsedMs: 5 * 60_000,
};

/**
 * One HTTP exchange with the Admin API, retried when a retry can help: network errors, 429
 * and 5xx. Retry-After is honoured (as a floor under the jittered backoff), attempts and total
 * time are capped. It knows nothing of auth or JSON.
 */
export class Transport {
  private readonly options: TransportOptions;
  private readonly retry: RetryPolicy;

  constructor(options: TransportOptions) {
    this.options = options;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  async send(req: RawRequest): Promise<RawResponse> {
    // One attempt on its own deadline rather than the run's signal: it also runs after a
    // cancellation, and must never hold up the end of a run.
    if (req.once !== undefined) {
      return this.once(req, AbortSignal.timeout(req.once.timeoutMs), req.once.timeoutMs);
    }
    const { clock, log } = this.options;
    const started = clock.now();
    for (let attempt = 1; ; attempt++) {
      let response: RawResponse | undefined;
      let failure: unknown;
      try {
        response = await this.once(req, this.options.signal);
      } catch (error) {
        if (this.options.signal?.aborted) throw this.options.signal.reason;
        if (error instanceof AtlasError) throw error; // our own verdict on the body: final
        if (error instanceof undiciErrors.InvalidArgumentError) {
          // The request cannot be sent at all (a header value no HTTP stack accepts): a retry
          // would fail the same way, and "check the network" would send the user astray.
          throw new AtlasError({
            operation: req.operation,
            status: 0,
            detail: `the request could not be sent (${error.message})`,
            cause: error,
          });
        }
        failure = error;
      }
      if (response !== undefined && !RETRYABLE_STATUS.has(response.status)) return response;
      if (req.creates && !certainlyNotActedOn(response, failure)) {
        // Atlas may well have created the job: repeating the POST could create a second one.
        if (response !== undefined) return response;
        throw new AtlasError({
          operation: req.operation,
          status: 0,
          detail: `${describeNetworkError(failure)}, and Atlas may have acted on the request`,
          ambiguous: true,
          cause: failure,
        });
      }

      const waitMs = Math.max(
        backoffDelay(attempt - 1, this.retry, this.options.random),
        parseRetryAfter(header(response, 'retry-after'), clock.now()) ?? 0,
      );
      const elapsed = clock.now() - started;
      const why =
        response === undefined ? describeNetworkError(failure) : `HTTP ${response.status}`;
      if (attempt >= this.retry.maxAttempts || elapsed + waitMs > this.retry.maxElapsedMs) {
        if (response !== undefined) return response; // the caller turns it into an AtlasError
        throw new AtlasError({
          operation: req.operation,
          status: 0,
          detail: `${why} (gave up after ${attempt === 1 ? '1 attempt' : `${attempt} attempts`} in ${Math.round(elapsed / 1000)} s)`,
          remedy:
            'Check that the runner can reach the Atlas Admin API (proxy settings: HTTPS_PROXY, NO_PROXY)',
          cause: failure,
        });
      }
      log.info(
        `${req.operation}: ${why}; retrying in ${(waitMs / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${this.retry.maxAttempts})`,
      );
      await clock.sleep(waitMs, this.options.signal);
    }
  }

  private async once(
    req: RawRequest,
    signal: AbortSignal | undefined,
    timeout = this.options.requestTimeoutMs ?? 30_000,
  ): Promise<RawResponse> {
    const { clock, log } = this.options;
    const started = clock.now();
    const response = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body ?? null,
      ...(this.options.dispatcher && { dispatcher: this.options.dispatcher }),
      ...(signal && { signal }),
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    // bodyTimeout only bounds the pause between chunks, so a server trickling a byte at a time
    // would hold the call forever (the size cap is far away): the whole body gets a deadline too.
    const deadline = setTimeout(
      () => response.body.destroy(new undiciErrors.BodyTimeoutError()),
      timeout,
    );
    let body: string;
    try {
      body = await readCapped(response.body, req.operation);
    } finally {
      clearTimeout(deadline);
    }
    const path = new URL(req.url).pathname;
    const remaining = response.headers['ratelimit-remaining'];
    log.debug(
      `${req.method} ${path} -> ${response.statusCode} in ${clock.now() - started} ms${remaining === undefined ? '' : ` (rate limit remaining ${remaining})`}`,
    );
    return { status: response.statusCode, headers: response.headers, body };
  }
}

export function header(response: RawResponse | undefined, name: string): string | undefined {
  return response === undefined ? undefined : headerValue(response.headers, name);
}

/** Parsed JSON, or undefined when the text is not JSON: answers are checked by shape after. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, operation: string) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      throw new AtlasError({
        operation,
        status: 0,
        detail: `the answer was larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB, which no Atlas API answer is`,
        remedy: 'Check atlas-base-url and any proxy between the runner and Atlas',
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Whether a failed creating request can be sent again without risk of a duplicate: Atlas
 * refused it before acting (429; 503 with Retry-After is its "not now"), or the connection was
 * never made.
 */
export function certainlyNotActedOn(response: RawResponse | undefined, failure: unknown): boolean {
  if (response !== undefined) {
    return (
      response.status === 429 ||
      (response.status === 503 && header(response, 'retry-after') !== undefined)
    );
  }
  return NOT_SENT_CODES.has(errorCode(failure) ?? '');
}

function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

function describeNetworkError(error: unknown): string {
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return 'no answer in time';
  }
  if (error instanceof Error) {
    const code = errorCode(error);
    return code === undefined ? error.message : `${code} (${error.message})`;
  }
  return String(error);
}
