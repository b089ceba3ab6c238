/**
 * Full-jitter exponential backoff (the AWS architecture blog's "full jitter"): the n-th retry
 * waits a random time between 0 and min(cap, base * 2^n). Jitter spreads a fleet of nightly
 * jobs that all hit a rate limit at once.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * Parses a Retry-After header: delta seconds or an HTTP date. Returns milliseconds to wait,
 * or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
