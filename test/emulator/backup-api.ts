/**
 * The snapshot download endpoints. Flex and shared-tier ("tenant") differ in paths, version,
 * paging, error codes and the job's cluster field, and otherwise behave the same, so one
 * description per API drives one set of handlers.
 */
import { AtlasError } from './atlas-error.ts';
import { loseAnswerIfDue } from './lose-answer.ts';
import {
  type BackupApi,
  type EmulatedCluster,
  type EmulatedJob,
  type EmulatedSnapshot,
  FLEX_VERSION,
  TENANT_VERSION,
} from './model.ts';
import { jobJson, snapshotJson } from './render.ts';
import {
  href,
  type Page,
  paginate,
  type Route,
  type RouteContext,
  type RouteFamily,
  unpaged,
} from './route.ts';
import { type AtlasState, checkPathParameter, findCluster } from './state.ts';

const LINK_LIFETIME = 4 * 60 * 60 * 1000;

interface BackupApiShape {
  api: BackupApi;
  family: RouteFamily;
  version: string;
  prefix: string;
  clusterParam: 'name' | 'clusterName';
  jobsSegment: string;
  jobParam: string;
  snapshotNotFound: string;
  jobNotFound: string;
  list: <T>(items: T[], context: RouteContext) => Page<T>;
  /** Throws when this API does not serve that kind of cluster. */
  admit(cluster: EmulatedCluster, context: RouteContext): void;
}

const flex: BackupApiShape = {
  api: 'flex',
  family: 'flex',
  version: FLEX_VERSION,
  prefix: '/groups/{groupId}/flexClusters/{name}/backup',
  clusterParam: 'name',
  jobsSegment: 'restoreJobs',
  jobParam: 'restoreJobId',
  snapshotNotFound: 'SNAPSHOT_NOT_FOUND',
  jobNotFound: 'RESTORE_JOB_NOT_FOUND',
  list: paginate,
  admit: admitFlex,
};

/**
 * Until their sunset the tenant endpoints also served Flex clusters migrated from M2/M5, so
 * they answer for 'flex' and 'shared'. A dedicated cluster gets Atlas's "wrong backup
 * endpoint" error, which names the endpoint to use instead.
 */
const tenant: BackupApiShape = {
  api: 'tenant',
  family: 'tenant',
  version: TENANT_VERSION,
  prefix: '/groups/{groupId}/clusters/{clusterName}/backup/tenant',
  clusterParam: 'clusterName',
  jobsSegment: 'restores',
  jobParam: 'restoreId',
  snapshotNotFound: 'TENANT_SNAPSHOT_NOT_FOUND',
  jobNotFound: 'TENANT_RESTORE_NOT_FOUND',
  list: unpaged,
  admit(cluster, context) {
    if (cluster.kind !== 'dedicated') return;
    const endpoint = `/api/atlas/v2/groups/${context.state.groupId}/clusters/${cluster.name}/backup/snapshots`;
    throw new AtlasError(
      400,
      'INCORRECT_BACKUP_API_ENDPOINT',
      `Incorrect Public API endpoint for Cloud Backups. Please use the following end point: (${endpoint}).`,
      { parameters: [endpoint] },
    );
  },
};

export function admitFlex(cluster: EmulatedCluster): void {
  if (cluster.kind === 'flex') return;
  throw new AtlasError(
    400,
    'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API',
    // The recorded detail, word for word.
    `Cannot use non-flex cluster ${cluster.name} in the flex API.`,
    { parameters: [cluster.name] },
  );
}

function clusterOf(shape: BackupApiShape, context: RouteContext): EmulatedCluster {
  const name = context.params[shape.clusterParam] ?? '';
  const cluster = findCluster(
    context.state,
    context.params.groupId ?? '',
    name,
    shape.clusterParam,
  );
  shape.admit(cluster, context);
  return cluster;
}

function snapshotOf(
  shape: BackupApiShape,
  cluster: EmulatedCluster,
  snapshotId: string,
): EmulatedSnapshot {
  const snapshot = cluster.snapshots.find((candidate) => candidate.id === snapshotId);
  if (snapshot === undefined) {
    throw new AtlasError(
      404,
      shape.snapshotNotFound,
      `No snapshot with ID ${snapshotId} exists for cluster ${cluster.name}.`,
      { parameters: [snapshotId, cluster.name] },
    );
  }
  return snapshot;
}

function jobOf(
  shape: BackupApiShape,
  context: RouteContext,
  cluster: EmulatedCluster,
): EmulatedJob {
  const jobId = context.params[shape.jobParam] ?? '';
  checkPathParameter(shape.jobParam, jobId, 'id');
  const job = context.state.jobs.get(jobId);
  if (job === undefined || job.clusterName !== cluster.name) {
    throw new AtlasError(404, shape.jobNotFound, `No restore job with ID ${jobId} exists.`, {
      parameters: [jobId],
    });
  }
  return job;
}

/** Atlas rejects unknown attributes and checks the id's form before looking it up. */
function requestedSnapshotId(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AtlasError(400, 'INVALID_JSON', 'Received JSON is malformed.');
  }
  for (const name of Object.keys(body)) {
    if (name !== 'snapshotId') {
      throw new AtlasError(400, 'INVALID_ATTRIBUTE', `Invalid attribute ${name} specified.`, {
        parameters: [name],
      });
    }
  }
  const { snapshotId } = body as { snapshotId?: unknown };
  if (snapshotId === undefined || snapshotId === null) {
    throw new AtlasError(
      400,
      'MISSING_ATTRIBUTE',
      'The required attribute snapshotId was not specified.',
      { parameters: ['snapshotId'] },
    );
  }
  if (typeof snapshotId !== 'string' || !/^[a-f0-9]{24}$/.test(snapshotId)) {
    throw new AtlasError(400, 'INVALID_ATTRIBUTE', 'Invalid attribute snapshotId specified.', {
      parameters: ['snapshotId'],
    });
  }
  return snapshotId;
}

function jobHref(shape: BackupApiShape, state: AtlasState, job: EmulatedJob): string {
  const clusterPath =
    shape.api === 'flex'
      ? `/groups/${job.groupId}/flexClusters/${job.clusterName}/backup`
      : `/groups/${job.groupId}/clusters/${job.clusterName}/backup/tenant`;
  return href(state, `${clusterPath}/${shape.jobsSegment}/${job.id}`);
}

function requestDownload(shape: BackupApiShape, context: RouteContext): unknown {
  const { state } = context;
  const cluster = clusterOf(shape, context);
  const snapshotId = requestedSnapshotId(context.body);
  const snapshot = snapshotOf(shape, cluster, snapshotId);
  if (snapshot.status !== 'COMPLETED') {
    throw new AtlasError(
      409,
      'CANNOT_DOWNLOAD_INCOMPLETE_SNAPSHOT',
      `Cannot download snapshot ${snapshotId}: its status is ${snapshot.status}.`,
      { parameters: [snapshotId] },
    );
  }
  const id = state.nextId();
  const requestedAt = state.now();
  const expiresAt = requestedAt + LINK_LIFETIME;
  const job: EmulatedJob = {
    id,
    api: shape.api,
    groupId: state.groupId,
    clusterName: cluster.name,
    snapshotId,
    requestedAt,
    expiresAt,
    schedule: { ...state.faults.jobSchedule },
    polls: 0,
    snapshotUrl: state.files.sign(`restore-${id}.tar.gz`, expiresAt),
  };
  if (snapshot.finishTime !== undefined) job.snapshotFinishedDate = snapshot.finishTime;
  state.jobs.set(id, job);
  loseAnswerIfDue(state.faults);
  return jobJson(job, 0, requestedAt, jobHref(shape, state, job));
}

function backupRoutes(shape: BackupApiShape): Route[] {
  const common = { family: shape.family, version: shape.version };
  const { prefix } = shape;
  return [
    {
      ...common,
      method: 'POST',
      template: `${prefix}/download`,
      handle: (context) => requestDownload(shape, context),
    },
    {
      ...common,
      method: 'GET',
      template: `${prefix}/${shape.jobsSegment}`,
      handle(context) {
        const cluster = clusterOf(shape, context);
        const jobs = [...context.state.jobs.values()].filter((j) => j.clusterName === cluster.name);
        const now = context.state.now();
        // Listing shows each job as it stands; only GETs of the job itself move it on.
        const rendered = jobs.map((job) =>
          jobJson(job, job.polls, now, jobHref(shape, context.state, job)),
        );
        return shape.list(rendered, context);
      },
    },
    {
      ...common,
      method: 'GET',
      template: `${prefix}/${shape.jobsSegment}/{${shape.jobParam}}`,
      handle(context) {
        const cluster = clusterOf(shape, context);
        const job = jobOf(shape, context, cluster);
        job.polls += 1;
        return jobJson(job, job.polls, context.state.now(), jobHref(shape, context.state, job));
      },
    },
    {
      ...common,
      method: 'GET',
      template: `${prefix}/snapshots`,
      handle(context) {
        const cluster = clusterOf(shape, context);
        const rendered = cluster.snapshots.map((snapshot) =>
          snapshotJson(snapshot, href(context.state, `${context.path}/${snapshot.id}`)),
        );
        return shape.list(rendered, context);
      },
    },
    {
      ...common,
      method: 'GET',
      template: `${prefix}/snapshots/{snapshotId}`,
      handle(context) {
        const cluster = clusterOf(shape, context);
        const snapshotId = context.params.snapshotId ?? '';
        checkPathParameter('snapshotId', snapshotId, 'id');
        const snapshot = snapshotOf(shape, cluster, snapshotId);
        return snapshotJson(snapshot, href(context.state, context.path));
      },
    },
  ];
}

export const flexBackupRoutes: Route[] = backupRoutes(flex);
export const tenantBackupRoutes: Route[] = backupRoutes(tenant);
