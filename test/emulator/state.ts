/** What the Atlas emulator knows: one project, its clusters, and download jobs. */
import { AtlasError } from './atlas-error.ts';
import {
  type CloudBackup,
  type CloudSnapshot,
  DEDICATED_MONGOD_VERSION,
  type DedicatedClusterType,
  type EmulatedRestoreJob,
  replicaSetsOf,
  seedCloudSnapshots,
} from './cloud-backup-model.ts';
import type { Faults } from './faults.ts';
import type { FileHost } from './file-host.ts';
import {
  type ClusterKind,
  type EmulatedCluster,
  type EmulatedJob,
  type EmulatedSnapshot,
  idFactory,
  isoTime,
  MONGODB_VERSION,
  seedSnapshots,
} from './model.ts';

export interface AtlasState {
  groupId: string;
  clusters: Map<string, EmulatedCluster>;
  jobs: Map<string, EmulatedJob>;
  faults: Faults;
  now: () => number;
  nextId: () => string;
  /** The Admin API origin, for the absolute hrefs Atlas puts in links. */
  baseUrl: () => string;
  files: FileHost;
  /** Cloud Backup download jobs (dedicated clusters) by id. */
  restoreJobs: Map<string, EmulatedRestoreJob>;
  /** Origin of Cloud Backup's one-time links (a third server). */
  restoreOrigin: () => string;
  /** The size new download jobs' files are made of (the `snapshotSize` last chosen). */
  fileSize: () => number;
}

export interface NewCluster {
  name: string;
  kind: ClusterKind;
  /** Exactly these snapshots; otherwise `snapshotCount` seeded ones (default none). */
  snapshots?: EmulatedSnapshot[] | undefined;
  /**
   * Seeded like the default clusters: daily, oldest first, the two newest FAILED, RUNNING.
   * Dedicated: Cloud Backup snapshots, the last 8 a mixed unordered set (cloud-backup-model.ts).
   */
  snapshotCount?: number | undefined;
  /** Dedicated only: exactly these Cloud Backup snapshots. */
  cloudSnapshots?: CloudSnapshot[] | undefined;
  /** Dedicated only (default REPLICASET). */
  clusterType?: DedicatedClusterType | undefined;
  /** Dedicated sharded: how many shards (default 2), besides the config server. */
  shards?: number | undefined;
  /** Dedicated only (default true); a free cluster never has backups. */
  backupEnabled?: boolean | undefined;
  /** Dedicated only (default 'M10'; 'M30' for sharded). */
  instanceSize?: string | undefined;
  encryptionAtRestProvider?: CloudBackup['encryptionAtRestProvider'] | undefined;
}

function cloudBackupOf(state: AtlasState, input: NewCluster): CloudBackup | undefined {
  if (input.kind === 'free') {
    return {
      clusterType: 'REPLICASET',
      instanceSize: 'M0',
      backupEnabled: false,
      encryptionAtRestProvider: 'NONE',
      paused: false,
      replicaSets: [input.name],
      snapshots: [],
    };
  }
  if (input.kind !== 'dedicated') return undefined;
  const clusterType = input.clusterType ?? 'REPLICASET';
  const sharded = clusterType !== 'REPLICASET';
  const replicaSets = replicaSetsOf(input.name, clusterType, input.shards ?? 2);
  const backup: CloudBackup = {
    clusterType,
    instanceSize: input.instanceSize ?? (sharded ? 'M30' : 'M10'),
    backupEnabled: input.backupEnabled ?? true,
    encryptionAtRestProvider: input.encryptionAtRestProvider ?? 'NONE',
    paused: false,
    replicaSets,
    snapshots:
      input.cloudSnapshots ??
      seedCloudSnapshots(input.snapshotCount ?? 0, state.now(), state.nextId, replicaSets, sharded),
  };
  if (sharded) backup.configServerType = 'DEDICATED';
  return backup;
}

export function addCluster(state: AtlasState, input: NewCluster): EmulatedCluster {
  const cluster: EmulatedCluster = {
    id: state.nextId(),
    name: input.name,
    kind: input.kind,
    mongoDBVersion: MONGODB_VERSION,
    createDate: isoTime(state.now() - 400 * 24 * 60 * 60 * 1000),
    snapshots:
      input.kind === 'dedicated' || input.kind === 'free'
        ? []
        : (input.snapshots ?? seedSnapshots(input.snapshotCount ?? 0, state.now(), state.nextId)),
  };
  const cloudBackup = cloudBackupOf(state, input);
  if (cloudBackup !== undefined) {
    cluster.cloudBackup = cloudBackup;
    cluster.mongoDBVersion = DEDICATED_MONGOD_VERSION;
  }
  state.clusters.set(cluster.name, cluster);
  return cluster;
}

export interface SeedCounts {
  flexSnapshots: number;
  sharedSnapshots: number;
  /** Cloud Backup snapshots of 'dedicated-cluster' and of 'sharded-cluster'. */
  dedicatedSnapshots: number;
}

export function seed(state: AtlasState, counts: SeedCounts): void {
  addCluster(state, { name: 'flex-cluster', kind: 'flex', snapshotCount: counts.flexSnapshots });
  addCluster(state, {
    name: 'shared-cluster',
    kind: 'shared',
    snapshotCount: counts.sharedSnapshots,
  });
  addCluster(state, {
    name: 'dedicated-cluster',
    kind: 'dedicated',
    snapshotCount: counts.dedicatedSnapshots,
  });
  addCluster(state, {
    name: 'sharded-cluster',
    kind: 'dedicated',
    clusterType: 'SHARDED',
    shards: 2,
    snapshotCount: counts.dedicatedSnapshots,
  });
  addCluster(state, { name: 'nobackup-cluster', kind: 'dedicated', backupEnabled: false });
  addCluster(state, { name: 'free-cluster', kind: 'free' });
}

export function newIdFactory(now: number): () => string {
  return idFactory(now / 1000);
}

const OBJECT_ID = /^[a-f0-9]{24}$/;
const CLUSTER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$/;

/** Atlas's checks on path parameters, in the order it makes them. */
export function checkGroup(state: AtlasState, groupId: string): void {
  if (!OBJECT_ID.test(groupId)) {
    throw new AtlasError(404, 'INVALID_GROUP_ID', `An invalid group ID ${groupId} was specified.`, {
      parameters: [groupId],
    });
  }
  if (groupId !== state.groupId) {
    throw new AtlasError(404, 'GROUP_NOT_FOUND', `No group with ID ${groupId} exists.`, {
      parameters: [groupId],
    });
  }
}

export function checkPathParameter(field: string, value: string, kind: 'id' | 'name'): void {
  const pattern = kind === 'id' ? OBJECT_ID : CLUSTER_NAME;
  if (pattern.test(value)) return;
  throw new AtlasError(400, 'VALIDATION_ERROR', `Invalid value for path parameter ${field}.`, {
    parameters: [field],
    badRequestFields: [{ field, description: `must match "${pattern.source}"` }],
  });
}

/** `field` is the path parameter's name: Flex routes call it `name`, the others `clusterName`. */
export function findCluster(
  state: AtlasState,
  groupId: string,
  name: string,
  field: 'name' | 'clusterName',
): EmulatedCluster {
  checkGroup(state, groupId);
  checkPathParameter(field, name, 'name');
  const cluster = state.clusters.get(name);
  if (cluster === undefined) {
    throw new AtlasError(
      404,
      'CLUSTER_NOT_FOUND',
      `No cluster named ${name} exists in group ${groupId}.`,
      { parameters: [name, groupId] },
    );
  }
  return cluster;
}
