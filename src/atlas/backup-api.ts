import * as v from 'valibot';
import type { Clock } from '../clock.ts';
import type { ClusterKind } from '../constants.ts';
import type { Logger } from '../log.ts';
import { type ApiCall, ApiVersion, type AtlasClient } from './client.ts';
import { createOnce } from './create-once.ts';

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
  /** DOWNLOAD for the jobs this action creates; RESTORE for restores into a cluster. */
  deliveryType: v.optional(v.nullable(Text)),
  snapshotId: v.optional(v.nullable(Text)),
  /** When the job was requested: how a job created by a request whose answer was lost is found. */
  restoreScheduledDate: Time,
  // Not checked here: a parse error could print it before it is masked. wait.ts checks it.
  snapshotUrl: v.optional(v.nullable(v.string())),
  expirationDate: Time,
  snapshotFinishedDate: Time,
});
/** A download (restore) job. `snapshotUrl` is there once the link exists. */
export type DownloadJob = v.InferOutput<typeof JobSchema>;

const pageOf = <T>(item: v.GenericSchema<unknown, T>) =>
  v.object({
    results: v.array(item),
    totalCount: v.optional(v.number()),
    links: v.optional(v.array(v.object({ rel: v.string(), href: v.string() }))),
  });
const SnapshotPage = pageOf(SnapshotSchema);
const JobPage = pageOf(JobSchema);

/** Snapshot downloads of one cluster, through one of Atlas's two APIs for them. */
export interface BackupApi {
  readonly kind: ClusterKind;
  listSnapshots(): Promise<Snapshot[]>;
  getSnapshot(snapshotId: string): Promise<Snapshot>;
  /**
   * Creates a download job, once: after an ambiguous failure it looks for the job the failed
   * request may have created before it asks again.
   */
  requestDownload(snapshotId: string): Promise<DownloadJob>;
  getJob(jobId: string): Promise<DownloadJob>;
}

/** Runner and Atlas clocks may disagree by this much when matching a job's request time. */
const CLOCK_SKEW_MS = 2 * 60_000;

/** Flex lists are paged; 500 a page is the most Atlas allows, and fewer pages mean fewer requests. */
const PAGE_SIZE = 500;
/** A guard against a server that always says there is a next page. */
const MAX_PAGES = 100;

/** What an API needs besides its client: time, the log, and the run's cancellation. */
export interface ApiContext {
  clock: Clock;
  log: Logger;
  signal?: AbortSignal | undefined;
}

interface Flavour {
  kind: ClusterKind;
  version: ApiVersion;
  prefix: string;
  jobs: string;
  label: string;
  paged: boolean;
}

export function flexBackupApi(
  client: AtlasClient,
  context: ApiContext,
  groupId: string,
  cluster: string,
): BackupApi {
  return new ClusterBackupApi(client, context, {
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
  context: ApiContext,
  groupId: string,
  cluster: string,
): BackupApi {
  return new ClusterBackupApi(client, context, {
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
  private readonly context: ApiContext;
  private readonly flavour: Flavour;

  constructor(client: AtlasClient, context: ApiContext, flavour: Flavour) {
    this.client = client;
    this.context = context;
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

  listSnapshots(): Promise<Snapshot[]> {
    return this.listAll(
      `Listing the snapshots of ${this.flavour.label}`,
      '/snapshots',
      SnapshotPage,
    );
  }

  /** Every item of a list, across its pages where the API pages it. */
  private async listAll<T>(
    operation: string,
    path: string,
    schema: v.GenericSchema<unknown, { results: T[]; links?: { rel: string }[] | undefined }>,
  ): Promise<T[]> {
    if (!this.flavour.paged) {
      return (await this.call({ operation, method: 'GET', path, schema })).results;
    }
    const items: T[] = [];
    for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
      const page = await this.call({
        operation,
        method: 'GET',
        path,
        query: { pageNum, itemsPerPage: PAGE_SIZE, includeCount: false },
        schema,
      });
      items.push(...page.results);
      const hasNext = page.links?.some((link) => link.rel === 'next') ?? false;
      if (!hasNext || page.results.length === 0) return items;
    }
    return items;
  }

  getSnapshot(snapshotId: string): Promise<Snapshot> {
    return this.call({
      operation: `Reading snapshot ${snapshotId} of ${this.flavour.label}`,
      method: 'GET',
      path: `/snapshots/${snapshotId}`,
      schema: SnapshotSchema,
    });
  }

  requestDownload(snapshotId: string): Promise<DownloadJob> {
    return createOnce({
      create: () =>
        this.call({
          operation: `Requesting a download of snapshot ${snapshotId} of ${this.flavour.label}`,
          method: 'POST',
          path: '/download',
          body: { snapshotId },
          schema: JobSchema,
          creates: true,
        }),
      findCreated: (since) => this.findDownloadJob(snapshotId, since),
      clock: this.context.clock,
      log: this.context.log,
      signal: this.context.signal,
    });
  }

  /** The newest download job of the snapshot requested at `since` or later, if any. */
  private async findDownloadJob(
    snapshotId: string,
    since: number,
  ): Promise<DownloadJob | undefined> {
    const jobs = await this.listAll(
      `Looking for the download job of snapshot ${snapshotId} of ${this.flavour.label}`,
      `/${this.flavour.jobs}`,
      JobPage,
    );
    const requested = (job: DownloadJob): number => Date.parse(job.restoreScheduledDate ?? '');
    return jobs
      .filter(
        (job) =>
          job.snapshotId === snapshotId &&
          (job.deliveryType ?? 'DOWNLOAD') === 'DOWNLOAD' &&
          requested(job) >= since - CLOCK_SKEW_MS,
      )
      .sort((a, b) => requested(b) - requested(a))[0];
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
