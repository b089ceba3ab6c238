import type { BackupApi, Snapshot } from './backup-api.ts';
import { AtlasError } from './errors.ts';

const NOT_FOUND = new Set(['SNAPSHOT_NOT_FOUND', 'TENANT_SNAPSHOT_NOT_FOUND']);
/** How many candidates an error message lists. */
const LISTED = 3;

/** A snapshot that cannot be downloaded, with the ones that can. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

/**
 * The snapshot to download: the given one, which must exist and be COMPLETED, or else the
 * newest COMPLETED one by finishTime (Atlas lists them oldest first, but that is not promised).
 */
export async function chooseSnapshot(
  api: BackupApi,
  snapshotId: string | undefined,
  clusterName: string,
): Promise<Snapshot> {
  if (snapshotId === undefined) {
    const newest = completedNewestFirst(await api.listSnapshots())[0];
    if (newest === undefined) {
      throw new SnapshotError(
        `Cluster '${clusterName}' has no COMPLETED snapshot yet. Atlas takes Flex snapshots daily: run again after the next one, or check the cluster's Backup tab.`,
      );
    }
    return newest;
  }
  let snapshot: Snapshot;
  try {
    snapshot = await api.getSnapshot(snapshotId);
  } catch (error) {
    if (
      error instanceof AtlasError &&
      error.status === 404 &&
      NOT_FOUND.has(error.errorCode ?? '')
    ) {
      throw await unusable(
        api,
        `Snapshot ${snapshotId} of cluster '${clusterName}' does not exist (Flex keeps only the last 8 daily snapshots)`,
      );
    }
    throw error;
  }
  if (snapshot.status !== 'COMPLETED') {
    throw await unusable(
      api,
      `Snapshot ${snapshotId} of cluster '${clusterName}' is ${snapshot.status}, and only a COMPLETED snapshot can be downloaded`,
    );
  }
  return snapshot;
}

/** COMPLETED snapshots, newest finishTime first; those without a readable finishTime last. */
export function completedNewestFirst(snapshots: readonly Snapshot[]): Snapshot[] {
  const finished = (s: Snapshot): number => {
    const time = s.finishTime ? Date.parse(s.finishTime) : Number.NaN;
    return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
  };
  return snapshots
    .filter((s) => s.status === 'COMPLETED')
    .sort((a, b) => finished(b) - finished(a));
}

async function unusable(api: BackupApi, problem: string): Promise<SnapshotError> {
  const candidates = completedNewestFirst(await api.listSnapshots()).slice(0, LISTED);
  const list =
    candidates.length === 0
      ? 'The cluster has no COMPLETED snapshot yet.'
      : `The newest COMPLETED: ${candidates.map((s) => `${s.id} (finished ${s.finishTime ?? 'at an unknown time'})`).join(', ')}.`;
  return new SnapshotError(`${problem}. ${list} Leave snapshot-id empty to take the newest.`);
}
