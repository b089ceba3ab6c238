/**
 * Cloud Backup endpoints of dedicated clusters (resource version 2023-01-01) under
 * /groups/{groupId}/clusters/{clusterName}/backup: snapshots (replica set and sharded) and
 * download restore jobs. Bodies copy the shapes of recorded Atlas answers (see
 * cloud-backup-model.ts); README.md lists what is invented.
 */
import { AtlasError } from './atlas-error.ts';
import {
  advance,
  CLOUD_BACKUP_VERSION,
  type CloudBackup,
  type CloudSnapshot,
  type EmulatedRestoreJob,
  hasLink,
  isExpired,
  isLive,
  linkToken,
  type RestoreJobComponent,
} from './cloud-backup-model.ts';
import { loseAnswerIfDue } from './lose-answer.ts';
import { type EmulatedCluster, isoTime } from './model.ts';
import { type Link, selfLink } from './render.ts';
import { href, NO_CONTENT, paginate, type Route, type RouteContext, unpaged } from './route.ts';
import { type AtlasState, checkPathParameter, findCluster } from './state.ts';

const PREFIX = '/groups/{groupId}/clusters/{clusterName}/backup';
/** Sharded components' files differ in size by this much, so each has its own bytes. */
const COMPONENT_SIZE_STEP = 16 * 1024;

interface Dedicated {
  cluster: EmulatedCluster;
  backup: CloudBackup;
}

function clusterOf(context: RouteContext): Dedicated {
  const { state } = context;
  const name = context.params.clusterName ?? '';
  const cluster = findCluster(state, context.params.groupId ?? '', name, 'clusterName');
  if (cluster.kind === 'flex') {
    // Recorded for GET /clusters/{name}; that these routes answer it too is a guess.
    throw new AtlasError(
      400,
      'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
      `Cannot use flex cluster ${name} in the cluster API.`,
      { parameters: [name] },
    );
  }
  if (cluster.cloudBackup === undefined) {
    // A shared-tier cluster: invented, mirroring the tenant API's answer for a dedicated one.
    const endpoint = `/api/atlas/v2/groups/${state.groupId}/clusters/${name}/backup/tenant/snapshots`;
    throw new AtlasError(
      400,
      'INCORRECT_BACKUP_API_ENDPOINT',
      `Incorrect Public API endpoint for Cloud Backups. Please use the following end point: (${endpoint}).`,
      { parameters: [endpoint] },
    );
  }
  return { cluster, backup: cluster.cloudBackup };
}

const isSharded = (backup: CloudBackup) => backup.clusterType !== 'REPLICASET';

function clusterPath(state: AtlasState, name: string): string {
  return `/groups/${state.groupId}/clusters/${name}`;
}

function snapshotPath(state: AtlasState, cluster: EmulatedCluster, sharded: boolean, id: string) {
  const kind = sharded ? 'snapshots/shardedCluster' : 'snapshots';
  return `${clusterPath(state, cluster.name)}/backup/${kind}/${id}`;
}

/** Keys in the recorded (alphabetical) order; absent values are left out, as Atlas does. */
export function cloudSnapshotJson(
  state: AtlasState,
  cluster: EmulatedCluster,
  backup: CloudBackup,
  snapshot: CloudSnapshot,
): Record<string, unknown> {
  const sharded = isSharded(backup);
  const links: Link[] = [
    { href: href(state, snapshotPath(state, cluster, sharded, snapshot.id)), rel: 'self' },
    {
      href: href(state, clusterPath(state, cluster.name)),
      rel: 'https://cloud.mongodb.com/cluster',
    },
  ];
  const body: Record<string, unknown> = {};
  // Recorded: cloudProvider shows up while the snapshot is being taken, not while queued.
  if (!sharded && snapshot.status !== 'queued') body.cloudProvider = 'AWS';
  if (sharded) body.configServerType = backup.configServerType ?? 'DEDICATED';
  if (!sharded) body.copyRegions = [];
  if (snapshot.createdAt !== undefined) body.createdAt = snapshot.createdAt;
  if (snapshot.description !== undefined) body.description = snapshot.description;
  body.expiresAt = snapshot.expiresAt;
  body.frequencyType = snapshot.frequencyType;
  body.id = snapshot.id;
  body.links = links;
  if (sharded) body.members = snapshot.members ?? [];
  if (snapshot.mongodVersion !== undefined) body.mongodVersion = snapshot.mongodVersion;
  body.policyItems = [];
  if (!sharded) body.replicaSetName = cluster.name;
  if (sharded) body.snapshotIds = (snapshot.members ?? []).map((member) => member.id);
  body.snapshotType = snapshot.snapshotType;
  body.status = snapshot.status;
  body.storageSizeBytes = snapshot.storageSizeBytes;
  body.type = sharded ? 'shardedCluster' : 'replicaSet';
  return body;
}

function findSnapshot(
  dedicated: Dedicated,
  snapshotId: string,
  sharded: boolean,
): CloudSnapshot | undefined {
  if (isSharded(dedicated.backup) !== sharded) return undefined;
  return dedicated.backup.snapshots.find((snapshot) => snapshot.id === snapshotId);
}

function snapshotNotFound(snapshotId: string, cluster: EmulatedCluster): AtlasError {
  return new AtlasError(
    404,
    'SNAPSHOT_NOT_FOUND',
    `No snapshot with ID ${snapshotId} exists for cluster ${cluster.name}.`,
    { parameters: [snapshotId, cluster.name] },
  );
}

/** The link of one component: the recorded path shape, `/<token>/restore-<snapshotId>.tar.gz`. */
export function componentUrl(state: AtlasState, component: RestoreJobComponent): string {
  return `${state.restoreOrigin()}/${component.token}/restore-${component.snapshotId}.tar.gz`;
}

export function restoreJobJson(
  state: AtlasState,
  job: EmulatedRestoreJob,
): Record<string, unknown> {
  const cluster = clusterPath(state, job.clusterName);
  const links: Link[] = [
    ...selfLink(href(state, `${cluster}/backup/restoreJobs/${job.id}`)),
    {
      href: href(
        state,
        `${cluster}/backup/${job.sharded ? 'snapshots/shardedCluster' : 'snapshots'}/${job.snapshotId}`,
      ),
      rel: 'https://cloud.mongodb.com/snapshot',
    },
    { href: href(state, cluster), rel: 'https://cloud.mongodb.com/cluster' },
    { href: href(state, `/groups/${job.groupId}`), rel: 'https://cloud.mongodb.com/group' },
  ];
  const linked = hasLink(job);
  const urls = job.components.map((component) => componentUrl(state, component));
  const body: Record<string, unknown> = { cancelled: job.cancelled };
  if (job.sharded) {
    body.components = job.components.map((component, index) =>
      linked
        ? { downloadUrl: urls[index], replicaSetName: component.replicaSetName }
        : { replicaSetName: component.replicaSetName },
    );
  }
  body.deliveryType = 'download';
  body.deliveryUrl =
    linked && (!job.sharded || job.schedule.shardedDeliveryUrl === true) ? urls : [];
  body.desiredTimestamp = { increment: null, time: null, date: null };
  body.expired = isExpired(job, state.now());
  if (job.expiresAt !== undefined) body.expiresAt = isoTime(job.expiresAt);
  body.failed = job.failed;
  if (job.finishedAt !== undefined) body.finishedAt = isoTime(job.finishedAt);
  body.id = job.id;
  body.links = links;
  body.snapshotId = job.snapshotId;
  if (job.timestamp !== undefined) body.timestamp = job.timestamp;
  return body;
}

/** Exactly `{deliveryType: 'download', snapshotId}`; Atlas's codes for anything else. */
function requestedDownload(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AtlasError(400, 'INVALID_JSON', 'Received JSON is malformed.');
  }
  for (const name of Object.keys(body)) {
    if (name !== 'deliveryType' && name !== 'snapshotId') {
      throw new AtlasError(400, 'INVALID_ATTRIBUTE', `Invalid attribute ${name} specified.`, {
        parameters: [name],
      });
    }
  }
  const { deliveryType, snapshotId } = body as { deliveryType?: unknown; snapshotId?: unknown };
  if (deliveryType === undefined || deliveryType === null) {
    throw new AtlasError(
      400,
      'MISSING_ATTRIBUTE',
      'The required attribute deliveryType was not specified.',
      { parameters: ['deliveryType'] },
    );
  }
  // The emulator only does downloads: 'automated' and 'pointInTime' are refused (invented).
  if (deliveryType !== 'download') {
    throw new AtlasError(400, 'INVALID_ATTRIBUTE', 'Invalid attribute deliveryType specified.', {
      parameters: ['deliveryType'],
    });
  }
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

function createRestoreJob(context: RouteContext): unknown {
  const { state } = context;
  const dedicated = clusterOf(context);
  const { cluster, backup } = dedicated;
  const snapshotId = requestedDownload(context.body);
  if (!backup.backupEnabled) {
    throw new AtlasError(400, 'BACKUP_JOB_NOT_FOUND', 'Backups are not enabled for this cluster.');
  }
  const sharded = isSharded(backup);
  const snapshot = findSnapshot(dedicated, snapshotId, sharded);
  if (snapshot === undefined) throw snapshotNotFound(snapshotId, cluster);
  if (snapshot.status !== 'completed') {
    throw new AtlasError(
      409,
      'CANNOT_DOWNLOAD_INCOMPLETE_SNAPSHOT',
      'Cannot download incomplete cluster snapshot.',
      { parameters: [snapshotId] },
    );
  }
  const now = state.now();
  const live = [...state.restoreJobs.values()].filter((job) => isLive(job, now));
  if (live.some((job) => job.clusterName === cluster.name && job.snapshotId === snapshotId)) {
    throw new AtlasError(
      400,
      'CANNOT_DOWNLOAD_SNAPSHOT_CONCURRENTLY',
      'Cannot create a manual download of a snapshot when there is already an active download for that snapshot.',
    );
  }
  if (live.length >= state.faults.restoreDownloadLimit) {
    throw new AtlasError(
      400,
      'TOO_MANY_SNAPSHOT_DOWNLOADS',
      'Cannot create a manual download of a snapshot when the project is at its limit for active downloads.',
    );
  }
  const base = state.fileSize();
  const parts = sharded
    ? (snapshot.members ?? []).map((member) => ({
        replicaSetName: member.replicaSetName,
        snapshotId: member.id,
      }))
    : [{ replicaSetName: cluster.name, snapshotId }];
  const job: EmulatedRestoreJob = {
    id: state.nextId(),
    groupId: state.groupId,
    clusterName: cluster.name,
    snapshotId,
    sharded,
    timestamp: snapshot.createdAt,
    requestedAt: now,
    schedule: { ...state.faults.restoreJobSchedule },
    polls: 0,
    cancelled: false,
    failed: false,
    expired: false,
    components: parts.map((part, index) => ({
      ...part,
      token: linkToken(),
      fileSize: sharded ? base + (index + 1) * COMPONENT_SIZE_STEP : base,
      requests: 0,
      used: false,
    })),
  };
  advance(job, now);
  state.restoreJobs.set(job.id, job);
  loseAnswerIfDue(state.faults);
  return restoreJobJson(state, job);
}

function jobOf(context: RouteContext): EmulatedRestoreJob {
  const { cluster } = clusterOf(context);
  const jobId = context.params.restoreJobId ?? '';
  checkPathParameter('restoreJobId', jobId, 'id');
  const job = context.state.restoreJobs.get(jobId);
  if (job === undefined || job.clusterName !== cluster.name) {
    throw new AtlasError(
      404,
      'RESTORE_JOB_NOT_FOUND',
      `No restore job with ID ${jobId} exists for cluster ${cluster.name}.`,
      { parameters: [jobId, cluster.name] },
    );
  }
  return job;
}

function snapshotList(context: RouteContext, sharded: boolean) {
  const dedicated = clusterOf(context);
  const { cluster, backup } = dedicated;
  // The other kind's list is empty (invented: what Atlas answers there is not recorded).
  const snapshots = isSharded(backup) === sharded ? backup.snapshots : [];
  return snapshots.map((snapshot) => cloudSnapshotJson(context.state, cluster, backup, snapshot));
}

function oneSnapshot(context: RouteContext, sharded: boolean) {
  const dedicated = clusterOf(context);
  const snapshotId = context.params.snapshotId ?? '';
  checkPathParameter('snapshotId', snapshotId, 'id');
  const snapshot = findSnapshot(dedicated, snapshotId, sharded);
  if (snapshot === undefined) throw snapshotNotFound(snapshotId, dedicated.cluster);
  return cloudSnapshotJson(context.state, dedicated.cluster, dedicated.backup, snapshot);
}

const common = { family: 'cloudBackup', version: CLOUD_BACKUP_VERSION } as const;

export const cloudBackupRoutes: Route[] = [
  {
    ...common,
    method: 'GET',
    template: `${PREFIX}/snapshots`,
    handle: (context) => paginate(snapshotList(context, false), context),
  },
  // Before /snapshots/{snapshotId}, which would match it too.
  {
    ...common,
    method: 'GET',
    template: `${PREFIX}/snapshots/shardedClusters`,
    // The specification declares no paging parameters here.
    handle: (context) => unpaged(snapshotList(context, true), context),
  },
  {
    ...common,
    method: 'GET',
    template: `${PREFIX}/snapshots/shardedCluster/{snapshotId}`,
    handle: (context) => oneSnapshot(context, true),
  },
  {
    ...common,
    method: 'GET',
    template: `${PREFIX}/snapshots/{snapshotId}`,
    handle: (context) => oneSnapshot(context, false),
  },
  {
    ...common,
    method: 'POST',
    template: `${PREFIX}/restoreJobs`,
    handle: createRestoreJob,
  },
  {
    ...common,
    method: 'GET',
    template: `${PREFIX}/restoreJobs`,
    handle(context) {
      const { cluster } = clusterOf(context);
      // As they stand, oldest first (invented order); only GETs of a job move it on.
      const jobs = [...context.state.restoreJobs.values()].filter(
        (job) => job.clusterName === cluster.name,
      );
      return paginate(
        jobs.map((job) => restoreJobJson(context.state, job)),
        context,
      );
    },
  },
  {
    ...common,
    method: 'GET',
    template: `${PREFIX}/restoreJobs/{restoreJobId}`,
    handle(context) {
      const job = jobOf(context);
      job.polls += 1;
      advance(job, context.state.now());
      return restoreJobJson(context.state, job);
    },
  },
  {
    ...common,
    method: 'DELETE',
    template: `${PREFIX}/restoreJobs/{restoreJobId}`,
    handle(context) {
      const job = jobOf(context);
      // A job that already ended stays as it is; the answer is 204 all the same (invented).
      if (isLive(job, context.state.now())) job.cancelled = true;
      return NO_CONTENT;
    },
  },
];

function regionConfig(backup: CloudBackup): Record<string, unknown> {
  if (backup.instanceSize === 'M0') {
    // Free clusters are tenants: providerName TENANT, as M2/M5 were (shape not recorded).
    return {
      backingProviderName: 'AWS',
      electableSpecs: { instanceSize: 'M0' },
      priority: 7,
      providerName: 'TENANT',
      regionName: 'US_EAST_1',
    };
  }
  const specs = (nodeCount: number) => ({
    instanceSize: backup.instanceSize,
    diskIOPS: 3000,
    diskSizeGB: 30.0,
    ebsVolumeType: 'STANDARD',
    nodeCount,
  });
  return {
    analyticsSpecs: specs(0),
    autoScaling: {
      compute: { enabled: false, scaleDownEnabled: false },
      diskGB: { enabled: false },
    },
    effectiveAnalyticsSpecs: specs(0),
    effectiveElectableSpecs: specs(3),
    effectiveReadOnlySpecs: specs(0),
    electableSpecs: specs(3),
    priority: 7,
    providerName: 'AWS',
    readOnlySpecs: specs(0),
    regionName: 'US_EAST_1',
  };
}

/**
 * The 2024-08-05 description of a dedicated (or free) cluster, after the recorded M10's:
 * `clusterType`, `backupEnabled`, `mongoDBVersion`, `encryptionAtRestProvider`, `paused` and
 * `replicationSpecs[].regionConfigs[]` (one spec per shard for a sharded cluster).
 */
export function dedicatedClusterJson(
  state: AtlasState,
  cluster: EmulatedCluster,
  backup: CloudBackup,
): Record<string, unknown> {
  const path = clusterPath(state, cluster.name);
  const shards = isSharded(backup) ? backup.replicaSets.length - 1 : 1;
  const zoneId = `${cluster.id.slice(0, 16)}0000a000`;
  const replicationSpecs = Array.from({ length: shards }, (_, index) => ({
    id: `${cluster.id.slice(0, 16)}0000b${String(index).padStart(3, '0')}`,
    regionConfigs: [regionConfig(backup)],
    zoneId,
    zoneName: 'Zone 1',
  }));
  const host = cluster.name.toLowerCase();
  const body: Record<string, unknown> = {
    advancedConfiguration: {
      customOpensslCipherConfigTls12: [],
      customOpensslCipherConfigTls13: [],
      minimumEnabledTlsProtocol: 'TLS1_2',
      tlsCipherConfigMode: 'DEFAULT',
    },
    backupEnabled: backup.backupEnabled,
    biConnector: { enabled: false, readPreference: 'secondary' },
    clusterType: backup.clusterType,
  };
  if (backup.configServerType !== undefined) {
    body.configServerManagementMode = 'ATLAS_MANAGED';
    body.configServerType = backup.configServerType;
  }
  Object.assign(body, {
    connectionStrings: { standardSrv: `mongodb+srv://${host}.abcde.mongodb.net` },
    createDate: cluster.createDate,
    diskWarmingMode: 'FULLY_WARMED',
    encryptionAtRestProvider: backup.encryptionAtRestProvider,
    featureCompatibilityVersion: cluster.mongoDBVersion.split('.').slice(0, 2).join('.'),
    globalClusterSelfManagedSharding: false,
    groupId: state.groupId,
    id: cluster.id,
    labels: [],
    links: [
      { href: href(state, path), rel: 'self' },
      {
        href: href(state, `${path}/backup/restoreJobs`),
        rel: 'https://cloud.mongodb.com/restoreJobs',
      },
      { href: href(state, `${path}/backup/snapshots`), rel: 'https://cloud.mongodb.com/snapshots' },
    ],
    mongoDBMajorVersion: cluster.mongoDBVersion.split('.').slice(0, 2).join('.'),
    mongoDBVersion: cluster.mongoDBVersion,
    name: cluster.name,
    paused: backup.paused,
    pitEnabled: backup.backupEnabled && backup.instanceSize !== 'M0',
    redactClientLogData: false,
    replicationSpecs,
    retainBackups: false,
    rootCertType: 'ISRGROOTX1',
    stateName: 'IDLE',
    tags: [],
    terminationProtectionEnabled: false,
    versionReleaseSystem: 'LTS',
  });
  return body;
}
