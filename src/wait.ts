import type { BackupApi, DownloadJob } from './atlas/backup-api.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './log.ts';

/** A signed link to one snapshot file, and what Atlas said about it. */
export interface DownloadLink {
  jobId: string;
  /** Pre-signed HTTPS URL: a bearer credential, masked before it is returned. */
  url: string;
  /** The shard's or config server's replica set, for a sharded cluster's file. */
  replicaSetName?: string | undefined;
  /** When the link stops working (ISO 8601), when Atlas says. */
  expiresAt: string | undefined;
  /** When Atlas finished taking the snapshot (ISO 8601), when Atlas says. */
  snapshotFinishedAt: string | undefined;
}

/** A ready download job: one link, or one per shard and config server of a sharded cluster. */
export interface DownloadLinks {
  jobId: string;
  links: DownloadLink[];
  expiresAt: string | undefined;
  snapshotFinishedAt: string | undefined;
}

export interface WaitOptions {
  timeoutMs: number;
  clock: Clock;
  log: Logger;
  /** Registers the signed URL (and its signature) with the runner's log masking. */
  mask(secret: string): void;
  /** Accept an http: link: only when atlas-base-url is a loopback address (tests, the demo). */
  allowHttp: boolean;
  signal?: AbortSignal | undefined;
  /** Told the job's ID as soon as Atlas has created it, before any wait: to cancel it if the run ends. */
  onCreated?: (jobId: string) => void;
  /** First pause between polls; it grows by half each poll up to maxIntervalMs. */
  firstIntervalMs?: number;
  maxIntervalMs?: number;
}

/** How the error tells each end: FAILED is Flex's own word. */
const ENDED: Readonly<Record<NonNullable<DownloadJob['ended']>, string>> = {
  failed: 'FAILED',
  cancelled: 'was cancelled',
  expired: 'expired',
};

export class WaitError extends Error {
  override readonly name = 'WaitError';
}

/**
 * Asks Atlas for a download of the snapshot and waits until the job has its signed links, has
 * ended without them, or the timeout passes. A Flex job usually has its link in the POST's
 * answer; a dedicated cluster's takes minutes. Either way the job is polled quickly at first,
 * then backing off to every 30 s, so a slow job does not spend the project's rate limit.
 */
export async function requestDownloadLinks(
  api: BackupApi,
  snapshotId: string,
  options: WaitOptions,
): Promise<DownloadLinks> {
  const { clock, log } = options;
  const started = clock.now();
  const elapsed = (): string => `${Math.round((clock.now() - started) / 1000)} s`;
  let job = await api.requestDownload(snapshotId);
  options.onCreated?.(job.id);
  log.info(`Atlas created download job ${job.id} (${job.status}).`);
  let interval = options.firstIntervalMs ?? 2_000;
  const maxInterval = options.maxIntervalMs ?? 30_000;

  while (job.files.length === 0) {
    if (job.ended !== undefined) {
      throw new WaitError(
        `Atlas download job ${job.id} ${ENDED[job.ended]} after ${elapsed()} without a download link. Run the job again; if it keeps failing, check the snapshot in the cluster's Backup tab or contact MongoDB support.`,
      );
    }
    if (job.finished) {
      // Finished is final: polling on would only wait out wait-timeout for a link that will not come.
      throw new WaitError(
        `Atlas reports download job ${job.id} ${job.status} after ${elapsed()} but gave no download URL. Run the job again; if it keeps happening, contact MongoDB support with the job ID.`,
      );
    }
    const remaining = started + options.timeoutMs - clock.now();
    if (remaining <= 0) {
      throw new WaitError(
        `Atlas download job ${job.id} had no download URL after ${elapsed()} (last status ${job.status}); wait-timeout is ${Math.round(options.timeoutMs / 1000)} s. Raise wait-timeout, or run again later.`,
      );
    }
    await clock.sleep(Math.min(interval, remaining), options.signal);
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
    const previous = job.status;
    job = await api.getJob(job.id);
    log.debug(`Download job ${job.id}: ${job.status} after ${elapsed()}`);
    if (job.status !== previous)
      log.info(`Download job ${job.id} is ${job.status} after ${elapsed()}.`);
  }
  return linksOf(job, options);
}

function linksOf(job: DownloadJob, options: WaitOptions): DownloadLinks {
  // Every link is masked before any can be refused, so no message shows one.
  for (const file of job.files) maskSignedUrl(file.url, options.mask);
  const links = job.files.map(
    (file): DownloadLink => ({
      jobId: job.id,
      url: checkedUrl(job.id, file.url, options.allowHttp),
      ...(file.replicaSetName !== undefined && { replicaSetName: file.replicaSetName }),
      expiresAt: job.expiresAt,
      snapshotFinishedAt: job.snapshotFinishedAt,
    }),
  );
  return {
    jobId: job.id,
    links,
    expiresAt: job.expiresAt,
    snapshotFinishedAt: job.snapshotFinishedAt,
  };
}

function checkedUrl(jobId: string, url: string, allowHttp: boolean): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  // The URL parser drops tabs and line breaks, but the raw text is what becomes an output.
  const web = parsed?.protocol === 'https:' || parsed?.protocol === 'http:';
  if (!web || /[\s\p{Cc}]/u.test(url)) {
    throw new WaitError(
      `Atlas download job ${jobId} gave a snapshot URL that is not an http(s) URL.`,
    );
  }
  if (parsed?.protocol === 'http:' && !allowHttp) {
    throw new WaitError(
      `Atlas download job ${jobId} gave an http: snapshot link; only https is accepted, since the link is a credential and the file must arrive unaltered. Check for a proxy that rewrites Atlas's answers.`,
    );
  }
  return url;
}

/**
 * Masks the whole URL, its query, every long query value (the signature) and every long path
 * segment (a one-time link's token), since a log line or an error message may quote any one of
 * them on its own.
 */
export function maskSignedUrl(url: string, mask: (s: string) => void): void {
  if (url === '') return;
  mask(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  if (parsed.search.length > 1) mask(parsed.search.slice(1));
  for (const value of parsed.searchParams.values()) {
    if (value.length >= 16) mask(value);
  }
  for (const segment of parsed.pathname.split('/')) {
    if (segment.length >= 16 && !/\.tar\.gz$/.test(segment)) mask(segment);
  }
}
