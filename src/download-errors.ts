/**
 * What can go wrong while fetching the snapshot file. Every failure of downloadSnapshot is a
 * DownloadError, so the caller can tell them from its own; the subclasses say which kind.
 */
export class DownloadError extends Error {
  override name = 'DownloadError';
}

/** The storage host answered 403 or 410: the signed link has expired or was revoked. */
export class LinkExpiredError extends DownloadError {
  override name = 'LinkExpiredError';
}

/** The bytes arrived but are not a complete, readable .tar.gz snapshot. */
export class SnapshotVerificationError extends DownloadError {
  override name = 'SnapshotVerificationError';
}

/** An archive entry would land, or point, outside the extraction directory. */
export class UnsafeArchiveError extends SnapshotVerificationError {
  override name = 'UnsafeArchiveError';
}

/** The caller's AbortSignal fired (the runner cancelled the job). */
export class DownloadCancelledError extends DownloadError {
  override name = 'DownloadCancelledError';
}
