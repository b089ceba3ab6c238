import { backoffDelay } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { AtlasError } from './errors.ts';

export interface CreateOnceOptions<J extends { id: string }> {
  /** The creating request (a POST the transport does not repeat after an ambiguous failure). */
  create(): Promise<J>;
  /** The job a request sent at `since` (runner clock) created, if Atlas lists one. */
  findCreated(since: number): Promise<J | undefined>;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal | undefined;
  /** Creating requests sent in all; default 3. */
  maxAttempts?: number;
}

/**
 * Creates an Atlas job without ever creating two. A POST that timed out, was reset or got a
 * 5xx has most likely been acted on, and each blind retry would leave an orphaned job (and,
 * where Atlas allows one download per snapshot, be refused). So after such a failure the jobs
 * are listed first, and the POST is sent again only when none was created.
 */
export async function createOnce<J extends { id: string }>(
  options: CreateOnceOptions<J>,
): Promise<J> {
  const { clock, log, signal } = options;
  const maxAttempts = options.maxAttempts ?? 3;
  const since = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.create();
    } catch (error) {
      if (!(error instanceof AtlasError && error.ambiguous) || attempt >= maxAttempts) throw error;
      log.info(`${error.message}. Looking for the job it may have created before asking again.`);
    }
    // Give Atlas a moment to list what it created.
    await clock.sleep(1_000 + backoffDelay(attempt - 1, { baseMs: 1_000, capMs: 10_000 }), signal);
    const found = await options.findCreated(since);
    if (found !== undefined) {
      log.info(`Atlas had created job ${found.id} before the answer was lost; using it.`);
      return found;
    }
    log.info('Atlas lists no job from that request; asking again.');
  }
}
