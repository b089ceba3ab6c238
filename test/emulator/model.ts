/** The state the Atlas emulator serves: clusters, their snapshots and download jobs. */
import type { CloudBackup } from './cloud-backup-model.ts';

export type BackupStatus = 'PENDING' | 'QUEUED' | 'RUNNING' | 'FAILED' | 'COMPLETED';
/** 'dedicated': M10+ (Cloud Backup); 'free': M0 (no backups at all). */
export type ClusterKind = 'flex' | 'shared' | 'dedicated' | 'free';
/** Which API a job was requested through; it decides the job's JSON shape. */
export type BackupApi = 'flex' | 'tenant';

export interface EmulatedSnapshot {
  id: string;
  status: BackupStatus;
  /** ISO 8601 instants, as Atlas writes them. */
  scheduledTime: string;
  startTime?: string;
  finishTime?: string;
  expiration: string;
  mongoDBVersion: string;
}

export interface EmulatedCluster {
  /** Atlas's own id for the cluster (24 hex). */
  id: string;
  name: string;
  kind: ClusterKind;
  mongoDBVersion: string;
  createDate: string;
  /** In the order the list endpoints answer: Atlas has been seen answering oldest first. */
  snapshots: EmulatedSnapshot[];
  /** Dedicated and free clusters: their description and Cloud Backup snapshots. */
  cloudBackup?: CloudBackup | undefined;
}

/** How a download job moves on; counted in GETs of that job, never in wall time. */
export interface JobSchedule {
  /** The POST already answers COMPLETED with snapshotUrl (what the Atlas CLI relies on). */
  urlInPostAnswer: boolean;
  /** GETs of the job that answer PENDING before it runs. */
  pendingPolls: number;
  /** GETs that answer RUNNING after the PENDING ones. */
  runningPolls: number;
  /** End FAILED instead of COMPLETED (the POST then answers PENDING). */
  fail?: boolean;
}

export interface EmulatedJob {
  id: string;
  api: BackupApi;
  groupId: string;
  clusterName: string;
  snapshotId: string;
  snapshotFinishedDate?: string;
  /** Milliseconds since the epoch. */
  requestedAt: number;
  expiresAt: number;
  schedule: JobSchedule;
  /** GETs of this job answered so far. */
  polls: number;
  /** Where the snapshot file can be fetched once the job completes. */
  snapshotUrl: string;
  /** When the job was first seen COMPLETED (restoreFinishedDate), epoch ms. */
  finishedAt?: number;
}

export const FLEX_VERSION = '2024-11-13';
export const TENANT_VERSION = '2023-01-01';
export const CLUSTER_VERSION = '2024-08-05';
export const MONGODB_VERSION = '8.0.17';
const DAY = 24 * 60 * 60 * 1000;
/** Flex keeps 8 daily snapshots; each expires 8 days after it was scheduled. */
const RETENTION = 8 * DAY;

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Daily snapshots, oldest first. The two newest are FAILED and then RUNNING, so a client that
 * takes "the newest snapshot" without looking at status, or trusts list order, picks wrong.
 */
export function seedSnapshots(
  count: number,
  now: number,
  nextId: () => string,
): EmulatedSnapshot[] {
  const newestScheduled = now - 10 * 60 * 1000;
  const snapshots: EmulatedSnapshot[] = [];
  for (let index = 0; index < count; index++) {
    const age = count - 1 - index;
    const scheduled = newestScheduled - age * DAY;
    let status: BackupStatus = 'COMPLETED';
    if (count >= 3 && age === 0) status = 'RUNNING';
    if (count >= 3 && age === 1) status = 'FAILED';
    const snapshot: EmulatedSnapshot = {
      id: nextId(),
      status,
      scheduledTime: isoTime(scheduled),
      startTime: isoTime(scheduled + 5_000),
      expiration: isoTime(scheduled + RETENTION),
      mongoDBVersion: MONGODB_VERSION,
    };
    // Distinct durations as well as distinct days keep finishTime strictly increasing.
    if (status !== 'RUNNING') snapshot.finishTime = isoTime(scheduled + (3 + (index % 7)) * 60_000);
    snapshots.push(snapshot);
  }
  return snapshots;
}

/** The snapshot a correct client picks by default: COMPLETED with the latest finishTime. */
export function newestCompleted(cluster: EmulatedCluster): EmulatedSnapshot | undefined {
  let best: EmulatedSnapshot | undefined;
  for (const snapshot of cluster.snapshots) {
    if (snapshot.status !== 'COMPLETED' || snapshot.finishTime === undefined) continue;
    if (best?.finishTime === undefined || snapshot.finishTime > best.finishTime) best = snapshot;
  }
  return best;
}

/** The job's status for its n-th GET (0 is the POST's own answer). */
export function jobStatusAt(schedule: JobSchedule, poll: number): BackupStatus {
  const finalStatus: BackupStatus = schedule.fail === true ? 'FAILED' : 'COMPLETED';
  if (poll === 0)
    return schedule.urlInPostAnswer && schedule.fail !== true ? 'COMPLETED' : 'PENDING';
  if (poll <= schedule.pendingPolls) return 'PENDING';
  if (poll <= schedule.pendingPolls + schedule.runningPolls) return 'RUNNING';
  return finalStatus;
}

/** Sequential ObjectId-like ids: 8 hex of seconds, then a 16-hex counter. */
export function idFactory(seconds: number): () => string {
  let counter = 0x1d2e3f40;
  const prefix = Math.floor(seconds).toString(16).padStart(8, '0').slice(-8);
  return () => {
    counter += 1;
    return `${prefix}${counter.toString(16).padStart(16, '0')}`;
  };
}
