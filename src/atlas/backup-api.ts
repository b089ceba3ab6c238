import * as v from 'valibot';
import type { ClusterKind } from '../constants.ts';
import { type ApiCall, ApiVersion, type AtlasClient } from './client.ts';

/**
 * Text from Atlas that reaches log lines, outputs and messages: short and on one line, so an
 * answer cannot flood the log or start a line of its own (`::error::` and other workflow
 * commands are read from the start of a line).
 */
const Text = v.pipe(
  v.string(),
  v.maxLength(100, 'expected at most 100 characters'),
  v.regex(/^[^\p{Cc}\u2028\u2029]*$/u, 'expected text on one line'),
);
/**
 * PENDING, QUEUED, RUNNING, FAILED or COMPLETED. Atlas may add statuses, so an unknown one is
 * kept rather than failing the run, but it must look like one.
 */
const Status = v.pipe(
  v.string(),
  v.regex(/^[A-Z][A-Z0-9_]{0,39}$/, 'expected a status in capital letters'),
);
const Id = v.pipe(v.string(), v.regex(/^[a-f0-9]{24}$/, 'expected a 24-hex id'));
const Time = v.optional(v.nullable(Text));

const SnapshotSchema = v.object({
  id: Id,
  status: Status,
  finishTime: Time,
  mongoDBVersion: v.optional(v.nullable(Text)),
});
/** A backup snapshot, as much of it as this action uses. */
export type Snapshot = v.InferOutput<typeof SnapshotSchema>;

const JobSchema = v.object({
  id: Id,
  status: Status,
  snapshotId: v.optional(v.nullable(Text)),
  // Not checked here: a parse error could print it before it is masked. wait.ts checks it.
  snapshotUrl: v.optional(v.nullable(v.string())),
  expirationDate: Time,
  snapshotFinishedDate: Time,
});
/** A download (restore) job. `snapshotUrl` is there once the link exists. */
export type DownloadJob = v.InferOutput<typeof JobSchema>;

const PageSchema = v.object({
  results: v.array(SnapshotSchema),
  totalCount: v.optional(v.number()),
  links: v.optional(v.array(v.object({ rel: v.string(), href: v.string() }))),
});

/** Snapshot downloads of one cluster, through one of Atlas's two APIs for them. */
export interface BackupApi {
  readonly kind: ClusterKind;
  listSnapshots(): Promise<Snapshot[]>;
  getSnapshot(snapshotId: string): Promise<Snapshot>;
  requestDownload(snapshotId: string): Promise<DownloadJob>;
  getJob(jobId: string): Promise<DownloadJob>;
}

/** Flex lists are paged; 500 a page is the most Atlas allows, and fewer pages mean fewer requests. */
const PAGE_SIZE = 500;
/** A guard against a server that always says there is a next page. */
const MAX_PAGES = 100;

interface Flavour {
  kind: ClusterKind;
  version: ApiVersion;
  prefix: string;
  jobs: string;
  label: string;
  paged: boolean;
}

export function flexBackupApi(client: AtlasClient, groupId: string, cluster: string): BackupApi {
  return new ClusterBackupApi(client, {
    kind: 'flex',
    version: ApiVersion.Flex,
    prefix: `/groups/${groupId}/flexClusters/${encodeURIComponent(cluster)}/backup`,
    jobs: 'restoreJobs',
    label: `Flex cluster '${cluster}'`,
    paged: true,
  });
}

export function sharedTierBackupApi(
  client: AtlasClient,
  groupId: string,
  cluster: string,
): BackupApi {
  return new ClusterBackupApi(client, {
    kind: 'shared',
    version: ApiVersion.SharedTier,
    prefix: `/groups/${groupId}/clusters/${encodeURIComponent(cluster)}/backup/tenant`,
    jobs: 'restores',
    label: `shared-tier cluster '${cluster}'`,
    paged: false,
  });
}

/** The Flex and shared-tier APIs differ only in paths, version, job route name and paging. */
class ClusterBackupApi implements BackupApi {
  readonly kind: ClusterKind;
  private readonly client: AtlasClient;
  private readonly flavour: Flavour;

  constructor(client: AtlasClient, flavour: Flavour) {
    this.client = client;
    this.flavour = flavour;
    this.kind = flavour.kind;
  }

  private call<T>(call: Omit<ApiCall<T>, 'version' | 'path'> & { path: string }): Promise<T> {
    return this.client.call({
      ...call,
      version: this.flavour.version,
      path: `${this.flavour.prefix}${call.path}`,
    });
  }

  async listSnapshots(): Promise<Snapshot[]> {
    const operation = `Listing the snapshots of ${this.flavour.label}`;
    if (!this.flavour.paged) {
      const page = await this.call({
        operation,
        method: 'GET',
        path: '/snapshots',
        schema: PageSchema,
      });
      return page.results;
    }
    const snapshots: Snapshot[] = [];
    for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
      const page = await this.call({
        operation,
        method: 'GET',
        path: '/snapshots',
        query: { pageNum, itemsPerPage: PAGE_SIZE, includeCount: false },
        schema: PageSchema,
      });
      snapshots.push(...page.results);
      const hasNext = page.links?.some((link) => link.rel === 'next') ?? false;
      if (!hasNext || page.results.length === 0) return snapshots;
    }
    return snapshots;
  }

  getSnapshot(snapshotId: string): Promise<Snapshot> {
    return this.call({
      operation: `Reading snapshot ${snapshotId} of ${this.flavour.label}`,
      method: 'GET',
      path: `/snapshots/${snapshotId}`,
      schema: SnapshotSchema,
    });
  }

  /**
   * POST is retried like a GET on network errors and 5xx (the transport does it). A request
   * that did reach Atlas just creates a second download job for the same snapshot: jobs are
   * independent, each with its own link, and nothing is restored or overwritten. The one limit,
   * the shared tier's TOO_MANY_SNAPSHOT_DOWNLOADS, is a 400 that is reported, not retried.
   */
  requestDownload(snapshotId: string): Promise<DownloadJob> {
    return this.call({
      operation: `Requesting a download of snapshot ${snapshotId} of ${this.flavour.label}`,
      method: 'POST',
      path: '/download',
      body: { snapshotId },
      schema: JobSchema,
    });
  }

  getJob(jobId: string): Promise<DownloadJob> {
    return this.call({
      operation: `Reading download job ${jobId} of ${this.flavour.label}`,
      method: 'GET',
      path: `/${this.flavour.jobs}/${jobId}`,
      schema: JobSchema,
    });
  }
}
