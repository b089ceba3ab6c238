import * as v from 'valibot';

/** Longest errorCode and detail a message carries, so no answer can bury the message. */
const MAX_CODE = 60;
const MAX_DETAIL = 400;
/** Longest part of an answer's own text (Atlas's detail, a proxy's page) a detail quotes. */
export const QUOTED_TEXT = 200;

/** What Atlas said when a request failed, with what the user can do about it. */
export class AtlasError extends Error {
  override readonly name = 'AtlasError';
  /** HTTP status; 0 when no answer arrived. */
  readonly status: number;
  /** Atlas's errorCode (or OAuth's `error`), when the body had one. */
  readonly errorCode: string | undefined;
  /** Atlas's own explanation, when the body had one. */
  readonly detail: string | undefined;
  /**
   * The request may have taken effect although it failed (a creating POST that timed out, was
   * reset or got a 5xx): look before sending it again.
   */
  readonly ambiguous: boolean;

  constructor(init: {
    operation: string;
    status: number;
    errorCode?: string | undefined;
    detail?: string | undefined;
    remedy?: string | undefined;
    ambiguous?: boolean;
    cause?: unknown;
  }) {
    // errorCode and detail may come from any server (or proxy): one short line each, always.
    const said = [
      init.status > 0 ? `HTTP ${init.status}` : undefined,
      init.errorCode === undefined ? undefined : oneLine(init.errorCode, MAX_CODE),
      init.detail === undefined ? undefined : oneLine(init.detail, MAX_DETAIL),
    ].filter((part) => part !== undefined && part !== '');
    const remedy = init.remedy ?? remedyFor(init.status, init.errorCode);
    // Atlas's detail often ends in a full stop of its own.
    const what = said.join(' ').replace(/\.$/, '');
    super(
      `${init.operation} failed: ${what}${remedy === undefined ? '' : `. ${remedy}`}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.detail = init.detail;
    this.ambiguous = init.ambiguous ?? false;
  }
}

const ROLE =
  'The service account or API key lacks a role on this project: a Flex cluster needs Project Backup Export Operator (or Project Owner), a dedicated cluster Project Backup Manager (or Project Owner), a legacy shared-tier one Project Owner';

const INCOMPLETE =
  'The snapshot is not completed yet: pick a completed one, or leave snapshot-id empty for the newest completed snapshot';

/** The error codes of the Atlas Admin API that have a remedy worth telling. */
const REMEDIES: Readonly<Record<string, string>> = {
  invalid_client:
    'Check client-id and client-secret: the service account may be deleted or its secret expired or rotated',
  IP_ADDRESS_NOT_ON_ACCESS_LIST:
    "The organisation requires an API access list and this runner's IP is not on it; GitHub-hosted runner IPs change, so use a self-hosted runner or a larger runner with a static IP, and add it to the service account's or API key's access list",
  USER_UNAUTHORIZED: ROLE,
  ACCESS_FORBIDDEN: ROLE,
  GROUP_NOT_FOUND:
    'Check group-id: it is the project ID from Project Settings, and the credentials must belong to its organisation',
  INVALID_GROUP_ID:
    'Check group-id: it is the project ID from Project Settings (24 hex characters)',
  CLUSTER_NOT_FOUND: 'Check cluster-name and group-id: the name is case-sensitive',
  SNAPSHOT_NOT_FOUND:
    "Check snapshot-id, or leave it empty for the newest completed snapshot: Flex keeps only the last 8 daily snapshots, and a dedicated cluster's snapshots expire as its backup policy says",
  TENANT_SNAPSHOT_NOT_FOUND:
    'Check snapshot-id, or leave it empty for the newest completed snapshot',
  CANNOT_DOWNLOAD_INCOMPLETE_SNAPSHOT: INCOMPLETE,
  CANNOT_START_RESTORE_JOB_FOR_INCOMPLETE_CLUSTER_SNAPSHOT: INCOMPLETE,
  CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT:
    'The snapshot was deleted (expired or removed) after it was chosen: leave snapshot-id empty for the newest completed snapshot, or pick another',
  TOO_MANY_SNAPSHOT_DOWNLOADS:
    'Atlas limits active snapshot downloads (a dedicated cluster: 20 per project; the shared tier: per snapshot): let running downloads finish or cancel unused download jobs, then try again later',
  CANNOT_DOWNLOAD_SNAPSHOT_CONCURRENTLY:
    'A download of this snapshot is already active (Atlas allows one per snapshot) and could not be used: wait for it to finish or expire (its link lives an hour), or cancel that download job, then run again',
  RESTORE_JOB_NOT_FOUND:
    'The download job is gone (cancelled or removed while this run waited for it): run again for a new one',
  BACKUP_JOB_NOT_FOUND:
    "Cloud Backup is off for this cluster: turn it on in the cluster's settings and wait for its first snapshot",
  CANNOT_DOWNLOAD_SNAPSHOT_WITH_ENCRYPTION:
    "Atlas refused to download this snapshot because of the cluster's encryption at rest: check the cluster's key management (the key must be enabled and reachable by Atlas), or ask MongoDB support",
  RATE_LIMITED_TOKEN_BUCKET:
    'Atlas rate-limited the project for longer than the retries allow: run fewer jobs against the project at once (matrix max-parallel) or later',
  RATE_LIMITED:
    'Atlas rate-limited the project for longer than the retries allow: run fewer jobs against the project at once (matrix max-parallel) or later',
  CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API:
    "The cluster is not a Flex cluster: use cluster-type 'auto' or 'shared', or 'dedicated' for an M10+ cluster",
  CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API:
    "The cluster is a Flex cluster: use cluster-type 'auto' or 'flex'",
};

/** A remedy by errorCode, then by status when the code says nothing useful. */
export function remedyFor(status: number, errorCode: string | undefined): string | undefined {
  // Own keys only: an errorCode of `constructor` or `__proto__` is not a remedy.
  const byCode =
    errorCode !== undefined && Object.hasOwn(REMEDIES, errorCode) ? REMEDIES[errorCode] : undefined;
  if (byCode !== undefined) return byCode;
  switch (status) {
    case 401:
      return 'Check the credentials: client-id/client-secret for a service account, public-key/private-key for an API key';
    case 403:
      return ROLE;
    case 410:
      return 'Atlas has retired this API (the shared-tier endpoints were sunset on 2026-01-22): the cluster is a Flex cluster now, so use cluster-type flex or auto';
    case 429:
      return REMEDIES.RATE_LIMITED;
    default:
      return status >= 500 ? 'Atlas had a server error; re-run the job later' : undefined;
  }
}

/**
 * Text from a server, fit for a message: control characters and line breaks become spaces,
 * runs of space one, and anything past `max` characters is cut.
 */
export function oneLine(text: string, max: number): string {
  // Cut first: the text may be megabytes, and only its start is ever shown.
  const line = text
    .slice(0, 65_536)
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/**
 * A short, single-line description of a body that is not what was expected: the text of an
 * HTML page from a proxy, say. JSON is never quoted, since an answer with the wrong content
 * type or status may still hold a signed link or a token, which nobody has masked yet.
 */
export function describeBody(body: string, contentType: string | undefined): string {
  const type =
    contentType === undefined || contentType === '' ? 'no content type' : oneLine(contentType, 60);
  if (/^\s*[[{"]/.test(body.slice(0, 1_024))) return `JSON labelled ${type} (not shown)`;
  // Only the start is shown, and the tag pattern cannot cross a `<`: both keep this linear.
  const text = oneLine(body.slice(0, 4_096).replace(/<[^<>]*>/g, ' '), QUOTED_TEXT);
  return text === '' ? `an empty ${type} body` : `${type}: "${text}"`;
}

/** How many schema problems a message lists; the rest are counted. */
const LISTED_ISSUES = 3;

/**
 * The problems valibot found, on one short line. Its own summary lists every issue (thousands
 * for a bad page) and quotes every received string in full, line breaks included.
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const listed = issues.slice(0, LISTED_ISSUES).map((issue) => {
    const path = v.getDotPath(issue);
    return `${oneLine(issue.message, 60)}${path === null ? '' : ` at ${oneLine(path, 40)}`}`;
  });
  const more = issues.length - listed.length;
  return `${listed.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}
