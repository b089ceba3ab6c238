/**
 * Dedicated (M10+) clusters and their Cloud Backup snapshots and download restore jobs.
 *
 * Shapes follow real Atlas answers recorded by the Atlas CLI's end-to-end tests (an M10 replica
 * set: its description, snapshots being taken, a `deliveryType: download` job from creation to
 * link) and the Admin API specification (sharded snapshots: `members[]`, `snapshotIds[]`,
 * `configServerType`; job `components[]`). What neither showed is invented and marked so here
 * and in README.md.
 */
import { randomInt } from 'node:crypto';
import { isoTime } from './model.ts';

export const CLOUD_BACKUP_VERSION = '2023-01-01';
/** What the recordings show for a new M10. */
export const DEDICATED_MONGOD_VERSION = '8.0.29';

export type CloudSnapshotStatus = 'queued' | 'inProgress' | 'completed' | 'failed';
/** Fallback snapshots may be inconsistent (Atlas's documentation). */
export type CloudSnapshotType = 'onDemand' | 'scheduled' | 'fallback';
export type DedicatedClusterType = 'REPLICASET' | 'SHARDED' | 'GEOSHARDED';

export interface CloudSnapshotMember {
  /** The member's own snapshot id, also listed in the snapshot's `snapshotIds`. */
  id: string;
  replicaSetName: string;
  cloudProvider: 'AWS' | 'AZURE' | 'GCP';
}

export interface CloudSnapshot {
  id: string;
  status: CloudSnapshotStatus;
  snapshotType: CloudSnapshotType;
  /** Recorded answers hold values the specification does not list ('ondemand'). */
  frequencyType: string;
  /** Absent until the snapshot is taken, as recorded. */
  createdAt?: string | undefined;
  expiresAt: string;
  /** Absent at first while the snapshot is queued, as recorded. */
  mongodVersion?: string | undefined;
  storageSizeBytes: number;
  /** On-demand snapshots only. */
  description?: string | undefined;
  /** Sharded snapshots: every shard, then the config server. */
  members?: CloudSnapshotMember[] | undefined;
}

/** What a dedicated (or free) cluster has beyond the common EmulatedCluster fields. */
export interface CloudBackup {
  clusterType: DedicatedClusterType;
  /** 'M10', 'M30'...; 'M0' for a free cluster (providerName TENANT, no backups). */
  instanceSize: string;
  backupEnabled: boolean;
  encryptionAtRestProvider: 'NONE' | 'AWS' | 'AZURE' | 'GCP';
  paused: boolean;
  /** Sharded: the shards' replica set names, then the config server's. Replica set: [name]. */
  replicaSets: string[];
  /** Sharded only. */
  configServerType?: 'DEDICATED' | 'EMBEDDED' | undefined;
  /** In the order the list endpoints answer: deliberately not sorted. */
  snapshots: CloudSnapshot[];
}

/** How a download restore job moves on; counted in GETs of that job, never in wall time. */
export interface RestoreJobSchedule {
  /**
   * The GET of the job (1 = the first GET; the POST's answer is 0) at which the link appears:
   * `deliveryUrl` gets one URL (sharded: every component its `downloadUrl`) and `expiresAt` is
   * set one hour later. 0 puts it in the POST's answer already (never recorded).
   */
  linkAfterPolls: number;
  /** End without a link instead, at that same GET: failed / cancelled / expired true. */
  end?: 'failed' | 'cancelled' | 'expired' | undefined;
  /** Sharded: also list every component's link in `deliveryUrl` (unconfirmed either way). */
  shardedDeliveryUrl?: boolean | undefined;
}

export interface RestoreJobComponent {
  replicaSetName: string;
  /** The snapshot the file is of: the member's id for a shard, else the snapshot's. */
  snapshotId: string;
  /** The link's secret path segment. */
  token: string;
  /** Requested size of this component's .tar.gz (each size is a distinct, valid file). */
  fileSize: number;
  /** GET requests of this link that began. */
  requests: number;
  /** One complete download went out: the link is spent. */
  used: boolean;
}

export interface EmulatedRestoreJob {
  id: string;
  groupId: string;
  clusterName: string;
  snapshotId: string;
  sharded: boolean;
  /** The snapshot's createdAt: the job's `timestamp`. */
  timestamp?: string | undefined;
  /** Epoch ms of the POST. */
  requestedAt: number;
  schedule: RestoreJobSchedule;
  /** GETs of this job answered so far. */
  polls: number;
  /** Epoch ms when the link first appeared. */
  linkAt?: number | undefined;
  /** linkAt + 1 h, as recorded. Tests may move it. */
  expiresAt?: number | undefined;
  /** Epoch ms of `finishedAt`: one GET after the link (invented), or when it failed. */
  finishedAt?: number | undefined;
  cancelled: boolean;
  failed: boolean;
  /** Forced expiry (schedule or test); a job also expires when the clock passes expiresAt. */
  expired: boolean;
  /** Replica set: one, named after the cluster. Sharded: one per shard and config server. */
  components: RestoreJobComponent[];
}

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const LINK_LIFETIME = HOUR;

export function isExpired(job: EmulatedRestoreJob, now: number): boolean {
  return job.expired || (job.expiresAt !== undefined && now >= job.expiresAt);
}

/** Live: counts against the one-per-snapshot and 20-per-project limits. */
export function isLive(job: EmulatedRestoreJob, now: number): boolean {
  return !job.cancelled && !job.failed && !isExpired(job, now);
}

/** The link is shown (and works, one time) once it appeared and while the job is live. */
export function hasLink(job: EmulatedRestoreJob): boolean {
  return job.linkAt !== undefined;
}

/** Moves the job on for its n-th GET (job.polls already counts this one). */
export function advance(job: EmulatedRestoreJob, now: number): void {
  if (job.cancelled || job.failed || job.expired) return;
  if (job.polls < job.schedule.linkAfterPolls) return;
  const { end } = job.schedule;
  if (end !== undefined && job.linkAt === undefined) {
    if (end === 'failed') {
      job.failed = true;
      job.finishedAt = now;
    } else if (end === 'cancelled') {
      job.cancelled = true;
    } else {
      job.expired = true;
      job.expiresAt = now;
    }
    return;
  }
  if (job.linkAt === undefined) {
    job.linkAt = now;
    job.expiresAt = now + LINK_LIFETIME;
  } else if (job.finishedAt === undefined) {
    job.finishedAt = now;
  }
}

/**
 * What a correct client picks for a dedicated cluster: `completed`, not a `fallback` snapshot
 * (those are used only when named), with the latest `createdAt`, wherever it is in the list.
 */
export function newestCompletedDedicated(cloudBackup: CloudBackup): CloudSnapshot | undefined {
  let best: CloudSnapshot | undefined;
  for (const snapshot of cloudBackup.snapshots) {
    if (snapshot.status !== 'completed' || snapshot.snapshotType === 'fallback') continue;
    if (snapshot.createdAt === undefined) continue;
    if (best?.createdAt === undefined || snapshot.createdAt > best.createdAt) best = snapshot;
  }
  return best;
}

/** Replica set names: `<name>-shard-<n>` then `<name>-config-0` (invented naming). */
export function replicaSetsOf(name: string, clusterType: DedicatedClusterType, shards: number) {
  if (clusterType === 'REPLICASET') return [name];
  return [...Array.from({ length: shards }, (_, n) => `${name}-shard-${n}`), `${name}-config-0`];
}

interface SeedShape {
  status: CloudSnapshotStatus;
  snapshotType: CloudSnapshotType;
  /** How long before now it was taken; undefined: not taken yet (no createdAt). */
  ageMs?: number;
}

/**
 * The mixed set every seeded dedicated cluster starts with, in list order (deliberately
 * unordered). The newest completed one by createdAt is a fallback snapshot, and a failed one is
 * newer than the right answer: the scheduled snapshot of 5 h ago, listed second to last.
 */
const MIXED: SeedShape[] = [
  { status: 'completed', snapshotType: 'scheduled', ageMs: 2 * DAY },
  { status: 'completed', snapshotType: 'fallback', ageMs: 30 * MINUTE },
  { status: 'queued', snapshotType: 'onDemand' },
  { status: 'completed', snapshotType: 'scheduled', ageMs: DAY },
  { status: 'failed', snapshotType: 'scheduled', ageMs: 3 * HOUR },
  { status: 'inProgress', snapshotType: 'onDemand' },
  { status: 'completed', snapshotType: 'scheduled', ageMs: 5 * HOUR },
  { status: 'completed', snapshotType: 'scheduled', ageMs: 3 * DAY },
];

/**
 * `count` snapshots: the last (up to) 8 are the mixed set above, any before them are older
 * daily completed scheduled ones, so with more than 500 the right answer is on page 2.
 */
export function seedCloudSnapshots(
  count: number,
  now: number,
  nextId: () => string,
  replicaSets: string[],
  sharded: boolean,
): CloudSnapshot[] {
  const mixed = MIXED.slice(Math.max(0, MIXED.length - count));
  const older = Math.max(0, count - mixed.length);
  const shapes: SeedShape[] = [];
  for (let index = 0; index < older; index++) {
    shapes.push({ status: 'completed', snapshotType: 'scheduled', ageMs: (4 + index) * DAY });
  }
  shapes.push(...mixed);
  return shapes.map((shape, index) =>
    cloudSnapshot(shape, now, nextId, replicaSets, sharded, index),
  );
}

function cloudSnapshot(
  shape: SeedShape,
  now: number,
  nextId: () => string,
  replicaSets: string[],
  sharded: boolean,
  index: number,
): CloudSnapshot {
  const taken = shape.ageMs === undefined ? undefined : now - shape.ageMs;
  const onDemand = shape.snapshotType === 'onDemand';
  const snapshot: CloudSnapshot = {
    id: nextId(),
    status: shape.status,
    snapshotType: shape.snapshotType,
    frequencyType: onDemand ? 'ondemand' : 'daily',
    expiresAt: isoTime((taken ?? now) + (onDemand ? DAY : 7 * DAY)),
    storageSizeBytes: shape.status === 'completed' ? 1_582_854_144 + index * 4096 : 0,
  };
  if (taken !== undefined) snapshot.createdAt = isoTime(taken);
  if (shape.status !== 'queued') snapshot.mongodVersion = DEDICATED_MONGOD_VERSION;
  if (onDemand) snapshot.description = 'on-demand snapshot';
  if (sharded) {
    snapshot.members = replicaSets.map((replicaSetName) => ({
      id: nextId(),
      replicaSetName,
      cloudProvider: 'AWS',
    }));
  }
  return snapshot;
}

/** A 24-character token like the recorded one (aB12up63eFh16ZmBiQ9cUO5Q). */
export function linkToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let token = '';
  for (let i = 0; i < 24; i++) token += alphabet[randomInt(alphabet.length)];
  return token;
}
