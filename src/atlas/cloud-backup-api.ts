/**
 * Cloud Backup of dedicated (M10+) clusters: snapshots, and download restore jobs
 * (`deliveryType: download`), resource version 2023-01-01. Shapes from Atlas's specification
 * and recorded answers: statuses are lower camel case, a job is ready when its `deliveryUrl`
 * (replica set) or every component's `downloadUrl` (sharded cluster) is there, and `failed`,
 * `cancelled` or `expired` say it never will be.
 */
import * as v from 'valibot';
import {
  type ApiContext,
  type BackupApi,
  type DownloadJob,
  Id,
  type JobFile,
  listAll,
  pageOf,
  type Snapshot,
  Text,
  Time,
} from './backup-api.ts';
import { type ApiCall, ApiVersion, type AtlasClient } from './client.ts';
import { createOnce } from './create-once.ts';
import { AtlasError } from './errors.ts';

/** Atlas allows one active download of a snapshot; a second request gets this. */
const ALREADY_DOWNLOADING = 'CANNOT_DOWNLOAD_SNAPSHOT_CONCURRENTLY';
/** Cancelling is best effort: the run's result is decided already. */
const CANCEL_TIMEOUT_MS = 2_500;

/** queued, inProgress, completed, failed; Atlas may add more, so any word that looks like one. */
const Status = v.pipe(
  v.string(),
  v.regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'expected a status word'),
);
const Flag = v.optional(v.nullable(v.boolean()));

const SnapshotSchema = v.pipe(
  v.object({
    id: Id,
    status: Status,
    // Absent until the snapshot is taken.
    createdAt: Time,
    mongodVersion: v.optional(v.nullable(Text)),
    // onDemand, scheduled or fallback; frequencyType and others are not read (real answers
    // hold values the specification does not list).
    snapshotType: v.optional(v.nullable(Text)),
  }),
  v.transform(
    (raw): Snapshot => ({
      id: raw.id,
      status: raw.status,
      completed: raw.status === 'completed',
      finishTime: raw.createdAt ?? undefined,
      mongoDBVersion: raw.mongodVersion ?? undefined,
      fallback: raw.snapshotType === 'fallback',
    }),
  ),
);

const RawJobSchema = v.object({
  id: Id,
  deliveryType: v.optional(v.nullable(Text)),
  snapshotId: v.optional(v.nullable(Text)),
  // Links are not checked here: a parse error could print one before it is masked.
  deliveryUrl: v.optional(v.nullable(v.array(v.string()))),
  components: v.optional(
    v.nullable(
      v.array(
        v.object({
          replicaSetName: v.optional(v.nullable(Text)),
          downloadUrl: v.optional(v.nullable(v.string())),
        }),
      ),
    ),
  ),
  failed: Flag,
  cancelled: Flag,
  expired: Flag,
  expiresAt: Time,
  // When the snapshot was taken.
  timestamp: Time,
});
type RawJob = v.InferOutput<typeof RawJobSchema>;
const JobSchema = v.pipe(RawJobSchema, v.transform(normalJob));
const JobPage = pageOf(
  v.pipe(
    RawJobSchema,
    v.transform((raw) => ({ raw, job: normalJob(raw) })),
  ),
);
const SnapshotPage = pageOf(SnapshotSchema);

function normalJob(raw: RawJob): DownloadJob {
  const ended = raw.failed
    ? 'failed'
    : raw.cancelled
      ? 'cancelled'
      : raw.expired
        ? 'expired'
        : undefined;
  const files = ended === undefined ? filesOf(raw) : [];
  return {
    id: raw.id,
    status: ended ?? (files.length > 0 ? 'ready' : 'preparing the download'),
    snapshotId: raw.snapshotId ?? undefined,
    files,
    ended,
    finished: false,
    expiresAt: raw.expiresAt ?? undefined,
    snapshotFinishedAt: raw.timestamp ?? undefined,
  };
}

/** The links once every one is there: a sharded cluster's per component, else deliveryUrl. */
function filesOf(raw: RawJob): JobFile[] {
  const components = raw.components ?? [];
  if (components.length > 0) {
    const ready = components.every(
      (c) => typeof c.downloadUrl === 'string' && c.downloadUrl !== '',
    );
    if (!ready) return [];
    return components.map((c, index) => ({
      url: c.downloadUrl ?? '',
      replicaSetName: c.replicaSetName ?? `component-${index}`,
    }));
  }
  return (raw.deliveryUrl ?? [])
    .filter((url) => url !== '')
    .map((url) => ({ url, replicaSetName: undefined }));
}

/** Never delete a job this action does not own: only live downloads of the snapshot. */
function isLiveDownload(raw: RawJob, snapshotId: string): boolean {
  return (
    raw.snapshotId === snapshotId &&
    (raw.deliveryType ?? '').toLowerCase() === 'download' &&
    !raw.failed &&
    !raw.cancelled &&
    !raw.expired
  );
}

export function cloudBackupApi(
  client: AtlasClient,
  context: ApiContext,
  groupId: string,
  cluster: string,
  sharded: boolean,
): BackupApi {
  const prefix = `/groups/${groupId}/clusters/${encodeURIComponent(cluster)}/backup`;
  const label = `${sharded ? 'sharded' : 'dedicated'} cluster '${cluster}'`;
  const call = <T>(request: Omit<ApiCall<T>, 'version' | 'path'> & { path: string }) =>
    client.call({ ...request, version: ApiVersion.CloudBackup, path: `${prefix}${request.path}` });

  const findLiveJob = async (snapshotId: string): Promise<DownloadJob | undefined> => {
    const jobs = await listAll(call, {
      operation: `Looking for the download job of snapshot ${snapshotId} of ${label}`,
      path: '/restoreJobs',
      schema: JobPage,
      paged: true,
    });
    return jobs.find(({ raw }) => isLiveDownload(raw, snapshotId))?.job;
  };

  return {
    kind: 'dedicated',
    sharded,

    listSnapshots: () =>
      listAll(call, {
        operation: `Listing the snapshots of ${label}`,
        path: sharded ? '/snapshots/shardedClusters' : '/snapshots',
        schema: SnapshotPage,
        // Only the replica-set list declares paging parameters.
        paged: !sharded,
      }),

    getSnapshot: (snapshotId) =>
      call({
        operation: `Reading snapshot ${snapshotId} of ${label}`,
        method: 'GET',
        path: `/snapshots/${sharded ? 'shardedCluster/' : ''}${snapshotId}`,
        schema: SnapshotSchema,
      }),

    async requestDownload(snapshotId) {
      const create = () =>
        call({
          operation: `Requesting a download of snapshot ${snapshotId} of ${label}`,
          method: 'POST',
          path: '/restoreJobs',
          // Exactly these two: Flex's target fields make Atlas refuse the request.
          body: { deliveryType: 'download', snapshotId },
          schema: JobSchema,
          creates: true,
        });
      try {
        return await createOnce({
          create,
          // One live download per snapshot: if there is one, it is the one this run made.
          findCreated: () => findLiveJob(snapshotId),
          ...context,
        });
      } catch (error) {
        if (!(error instanceof AtlasError && error.errorCode === ALREADY_DOWNLOADING)) throw error;
        const live = await findLiveJob(snapshotId);
        if (live === undefined) throw error;
        context.log.info(
          `A download of snapshot ${snapshotId} is already active (job ${live.id}, from an earlier run or another job); using it.`,
        );
        return live;
      }
    },

    getJob: (jobId) =>
      call({
        operation: `Reading download job ${jobId} of ${label}`,
        method: 'GET',
        path: `/restoreJobs/${jobId}`,
        schema: JobSchema,
      }),

    async cancelJob(jobId) {
      await call({
        operation: `Cancelling download job ${jobId} of ${label}`,
        method: 'DELETE',
        path: `/restoreJobs/${jobId}`,
        schema: undefined,
        bestEffortMs: CANCEL_TIMEOUT_MS,
      });
    },
  };
}
