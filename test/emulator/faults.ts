/**
 * Knobs tests turn to make the emulator misbehave. Counters say how many upcoming requests a
 * fault hits and count down as they do (Infinity: every request), so a test can assert that the
 * client retried exactly past them.
 */
import type { RestoreJobSchedule } from './cloud-backup-model.ts';
import type { JobSchedule } from './model.ts';

/** A fault that cuts a file response short once `afterBytes` body bytes have been sent. */
export interface ByteFault {
  /** Body bytes sent first, counted from the start of this response (not the file). */
  afterBytes: number;
  /** File requests it hits, counting down; omitted: every request. */
  times?: number | undefined;
}

export interface DownloadFaults {
  /** Send `afterBytes`, then reset the TCP connection (RST). */
  reset?: ByteFault | undefined;
  /** Send `afterBytes`, then send nothing more while keeping the socket open. */
  stall?: ByteFault | undefined;
  /** Send `afterBytes` of a longer Content-Length, then close the connection cleanly (FIN). */
  truncate?: ByteFault | undefined;
  /** The next N file requests answer 200 with an HTML error page instead of the file. */
  html: number;
  /** The next N file requests answer 403 AccessDenied "Request has expired" (S3's XML). */
  expired: number;
  /** The next N file requests answer 503 SlowDown (S3's XML) with Retry-After: 1. */
  unavailable: number;
  /** Answer every file request 200 with the whole file, whatever Range says. */
  ignoreRange: boolean;
  /** Send file bodies at most this fast, like a network slower than loopback; unset: no limit. */
  bytesPerSecond?: number | undefined;
}

/** The host of Cloud Backup's one-time links: the file faults, plus how strict "one time" is. */
export interface OneTimeLinkFaults extends DownloadFaults {
  /** Refuse every request of a link after the first one began (no resume, no retry). */
  refuseRepeat: boolean;
}

export interface Faults {
  /** The next N API requests answer 429 RATE_LIMITED_TOKEN_BUCKET. */
  rateLimited: number;
  /** Retry-After (seconds) on those 429s; undefined leaves the header out. */
  retryAfterSeconds: number | undefined;
  /** The next N API requests answer `serverErrorStatus`. */
  serverError: number;
  /** 500 answers an Atlas JSON error; 502 and 503 an HTML page, as a load balancer would. */
  serverErrorStatus: 500 | 502 | 503;
  /** Retry-After (seconds) on those 5xx answers; undefined leaves it out. */
  serverErrorRetryAfterSeconds: number | undefined;
  /** The next N API requests answer 403 IP_ADDRESS_NOT_ON_ACCESS_LIST. */
  ipNotOnAccessList: number;
  /** The next N API requests answer 403 USER_UNAUTHORIZED (the key lacks the role). */
  userUnauthorized: number;
  /** API faults only hit requests whose path matches; undefined: every API request. */
  apiFaultPath: RegExp | undefined;
  /** Send RateLimit-Limit and RateLimit-Remaining on API answers. */
  rateLimitHeaders: boolean;

  /** The shared-tier (tenant) routes answer 410 Gone: past their sunset. */
  tenantGone: boolean;
  /** The shared-tier routes answer 404 RESOURCE_NOT_FOUND: removed from the API. */
  tenantMissing: boolean;

  /** Lifetime of newly issued OAuth access tokens (also the expires_in answered). */
  tokenTtlSeconds: number;
  /** How long a Digest nonce stays fresh; after that a correct digest gets stale=true. */
  nonceTtlMs: number;
  /** The next N otherwise valid Digest requests are told their nonce is stale. */
  staleNonces: number;
  /** The algorithm new Digest challenges advertise; the client must answer with it. */
  digestAlgorithm: 'MD5' | 'SHA-256';

  /** Copied into each download job when it is requested. */
  jobSchedule: JobSchedule;
  download: DownloadFaults;

  /** Copied into each Cloud Backup download job (dedicated clusters) when it is requested. */
  restoreJobSchedule: RestoreJobSchedule;
  /** Live Cloud Backup download jobs a project may have at once (Atlas: 20). */
  restoreDownloadLimit: number;
  /** Faults of the one-time link host (Cloud Backup), separate from `download`'s. */
  oneTimeLinks: OneTimeLinkFaults;
  /**
   * The next N requests that create a download job (Flex and tenant POST /download, Cloud
   * Backup POST /restoreJobs) create it, then lose the answer as `loseCreateAnswerAs` says.
   */
  loseCreateAnswer: number;
  /** 'reset': the connection is reset before any answer; 502/504: a load balancer's page. */
  loseCreateAnswerAs: 'reset' | 502 | 504;
}

export function defaultFaults(): Faults {
  return {
    rateLimited: 0,
    retryAfterSeconds: 1,
    serverError: 0,
    serverErrorStatus: 503,
    serverErrorRetryAfterSeconds: undefined,
    ipNotOnAccessList: 0,
    userUnauthorized: 0,
    apiFaultPath: undefined,
    rateLimitHeaders: true,
    tenantGone: false,
    tenantMissing: false,
    tokenTtlSeconds: 3600,
    nonceTtlMs: 60_000,
    staleNonces: 0,
    digestAlgorithm: 'MD5',
    jobSchedule: { urlInPostAnswer: true, pendingPolls: 0, runningPolls: 0 },
    download: { html: 0, expired: 0, unavailable: 0, ignoreRange: false },
    restoreJobSchedule: { linkAfterPolls: 2 },
    restoreDownloadLimit: 20,
    oneTimeLinks: { html: 0, expired: 0, unavailable: 0, ignoreRange: false, refuseRepeat: false },
    loseCreateAnswer: 0,
    loseCreateAnswerAs: 'reset',
  };
}

/** Takes one from a countdown knob; true when the fault applies to this request. */
export function take<K extends string>(counters: Record<K, number>, key: K): boolean {
  if (counters[key] <= 0) return false;
  counters[key] -= 1;
  return true;
}

/** The byte fault's cut-off for this request, counting it down; undefined when inert. */
export function takeByteFault(fault: ByteFault | undefined): number | undefined {
  if (fault === undefined) return undefined;
  if (fault.times === undefined) return fault.afterBytes;
  if (fault.times <= 0) return undefined;
  fault.times -= 1;
  return fault.afterBytes;
}
