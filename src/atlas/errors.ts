/** What Atlas said when a request failed, with what the user can do about it. */
export class AtlasError extends Error {
  override readonly name = 'AtlasError';
  /** HTTP status; 0 when no answer arrived. */
  readonly status: number;
  /** Atlas's errorCode (or OAuth's `error`), when the body had one. */
  readonly errorCode: string | undefined;
  /** Atlas's own explanation, when the body had one. */
  readonly detail: string | undefined;

  constructor(init: {
    operation: string;
    status: number;
    errorCode?: string | undefined;
    detail?: string | undefined;
    remedy?: string | undefined;
    cause?: unknown;
  }) {
    const said = [
      init.status > 0 ? `HTTP ${init.status}` : undefined,
      init.errorCode,
      init.detail,
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
  }
}

const ROLE =
  'The service account or API key needs the Project Backup Export Operator role (or Project Owner) on this project';

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
    'Check snapshot-id, or leave it empty for the newest completed snapshot: Flex keeps only the last 8 daily snapshots',
  TENANT_SNAPSHOT_NOT_FOUND:
    'Check snapshot-id, or leave it empty for the newest completed snapshot',
  CANNOT_DOWNLOAD_INCOMPLETE_SNAPSHOT:
    'The snapshot is not COMPLETED yet: pick a completed one, or leave snapshot-id empty',
  TOO_MANY_SNAPSHOT_DOWNLOADS:
    'Atlas limits how many downloads of a shared-tier snapshot can be requested: wait and try again later',
  RATE_LIMITED_TOKEN_BUCKET:
    'Atlas rate-limited the project for longer than the retries allow: run fewer jobs against the project at once (matrix max-parallel) or later',
  RATE_LIMITED:
    'Atlas rate-limited the project for longer than the retries allow: run fewer jobs against the project at once (matrix max-parallel) or later',
  CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API:
    "The cluster is not a Flex cluster: use cluster-type 'auto' or 'shared'",
};

/** A remedy by errorCode, then by status when the code says nothing useful. */
export function remedyFor(status: number, errorCode: string | undefined): string | undefined {
  const byCode = errorCode === undefined ? undefined : REMEDIES[errorCode];
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
