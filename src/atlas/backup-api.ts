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
export const Text = v.pipe(
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
export const Id = v.pipe(v.string(), v.regex(/^[a-f0-9]{24}$/, 'expected a 24-hex id'));
export const Time = v.optional(v.nullable(Text));

/** A backup snapshot, as much of it as this action uses, whichever API it came from. */
export interface Snapshot {
  id: string;
  /** As Atlas spells it: COMPLETED (Flex, shared tier) or completed (Cloud Backup). */
  status: string;
  /** Finished, so it can be downloaded. */
  completed: boolean;
  /** When it was taken (Flex: finishTime; Cloud Backup: createdAt), ISO 8601. */
  finishTime: string | undefined;
  mongoDBVersion: string | undefined;
  /** A Cloud Backup fallback snapshot, which Atlas says may be inconsistent. */
  fallback: boolean;
}

/** One signed link of a job: the only one, or a sharded cluster's shard or config server's. */
export interface JobFile {
  /** Unchecked and not yet masked: wait.ts does both before anything can print it. */
  url: string;
  /** The shard's or config server's replica set, for a sharded cluster. */
  replicaSetName: string | undefined;
}

/** A download (restore) job, whichever API it came from. */
export interface DownloadJob {
  id: string;
  /** As Atlas reports it, for the log: PENDING, RUNNING... (Flex), or a word for Cloud Backup's flags. */
  status: string;
  snapshotId: string | undefined;
  /** The links, once every one is there; empty until then. */
  files: JobFile[];
  /** Why the job will never give links, when Atlas says so. */
  ended: 'failed' | 'cancelled' | 'expired' | undefined;
  /** Atlas says the job is done (Flex COMPLETED): its link should be there. */
  finished: boolean;
  /** When the links stop working, ISO 8601. */
  expiresAt: string | undefined;
  /** When the snapshot was taken, ISO 8601. */
  snapshotFinishedAt: string | undefined;
}

const SnapshotSchema = v.pipe(
  v.object({
    id: Id,
    status: Status,
    finishTime: Time,
    mongoDBVersion: v.optional(v.nullable(Text)),
  }),
  v.transform(
    (raw): Snapshot => ({
      id: raw.id,
      status: raw.status,
      completed: raw.status === 'COMPLETED',
      finishTime: raw.finishTime ?? undefined,
      mongoDBVersion: raw.mongoDBVersion ?? undefined,
      fallback: false,
    }),
  ),
);

const RawJobSchema = v.object({
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
/** A Flex or shared-tier job as Atlas sends it. */
type RawJob = v.InferOutput<typeof RawJobSchema>;
const JobSchema = v.pipe(RawJobSchema, v.transform(normalJob));
/** Jobs of a list keep what telling a job created by this run from others needs. */
const ListedJobSchema = v.pipe(
  RawJobSchema,
  v.transform((raw) => ({ raw, job: normalJob(raw) })),
);

function normalJob(raw: RawJob): DownloadJob {
  return {
    id: raw.id,
    status: raw.status,
    snapshotId: raw.snapshotId ?? undefined,
    files:
      raw.snapshotUrl === undefined || raw.snapshotUrl === null || raw.snapshotUrl === ''
        ? []
        : [{ url: raw.snapshotUrl, replicaSetName: undefined }],
    ended: raw.status === 'FAILED' ? 'failed' : undefined,
    finished: raw.status === 'COMPLETED',
    expiresAt: raw.expirationDate ?? undefined,
    snapshotFinishedAt: raw.snapshotFinishedDate ?? undefined,
  };
}

export const pageOf = <T>(item: v.GenericSchema<unknown, T>) =>
  v.object({
    results: v.array(item),
    totalCount: v.optional(v.number()),
    links: v.optional(v.array(v.object({ rel: v.string(), href: v.string() }))),
  });
const SnapshotPage = pageOf(SnapshotSchema);
const JobPage = pageOf(ListedJobSchema);

/** Snapshot downloads of one cluster, through one of Atlas's two APIs for them. */
export interface BackupApi {
  readonly kind: ClusterKind;
  /** A sharded cluster: one file per shard and config server. */
  readonly sharded: boolean;
  listSnapshots(): Promise<Snapshot[]>;
  getSnapshot(snapshotId: string): Promise<Snapshot>;
  /**
   * Creates a download job, once: after an ambiguous failure it looks for the job the failed
   * request may have created before it asks again.
   */
  requestDownload(snapshotId: string): Promise<DownloadJob>;
  getJob(jobId: string): Promise<DownloadJob>;
  /**
   * Cancels a job whose download will not be finished, so the next run is not refused (Cloud
   * Backup allows one download of a snapshot at a time). Best effort, a few seconds at most;
   * absent where Atlas has no such call (Flex, shared tier).
   */
  cancelJob?(jobId: string): Promise<void>;
}

/** Runner and Atlas clocks may disagree by this much when matching a job's request time. */
const CLOCK_SKEW_MS = 2 * 60_000;

/** Lists are paged; 500 a page is the most Atlas allows, and fewer pages mean fewer requests. */
const PAGE_SIZE = 500;
/** A guard against a server that always says there is a next page. */
const MAX_PAGES = 100;

/** One page of a list, as much of it as paging needs. */
type Page<T> = { results: T[]; links?: { rel: string }[] | undefined };
type PageSchema<T> = v.GenericSchema<unknown, Page<T>>;

/**
 * Every item of a list, across its pages where the API pages it (a `next` link says there is
 * another page), at most MAX_PAGES of them.
 */
export async function listAll<T>(
  call: (call: Omit<ApiCall<Page<T>>, 'version'>) => Promise<Page<T>>,
  list: { operation: string; path: string; schema: PageSchema<T>; paged: boolean },
): Promise<T[]> {
  const { operation, path, schema } = list;
  if (!list.paged) return (await call({ operation, method: 'GET', path, schema })).results;
  const items: T[] = [];
  for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
    const page = await call({
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
  readonly sharded = false;
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

  private listAll<T>(operation: string, path: string, schema: PageSchema<T>): Promise<T[]> {
    return listAll((call) => this.call(call), {
      operation,
      path,
      schema,
      paged: this.flavour.paged,
    });
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
    const requested = ({ raw }: (typeof jobs)[number]): number =>
      Date.parse(raw.restoreScheduledDate ?? '');
    return jobs
      .filter(
        (listed) =>
          listed.raw.snapshotId === snapshotId &&
          (listed.raw.deliveryType ?? 'DOWNLOAD') === 'DOWNLOAD' &&
          requested(listed) >= since - CLOCK_SKEW_MS,
      )
      .sort((a, b) => requested(b) - requested(a))[0]?.job;
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
