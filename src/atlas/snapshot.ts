import type { Logger } from '../log.ts';
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
 * The snapshot to download: the given one, which must exist and be completed, or else the
 * newest completed one by the time it was taken (Atlas lists Flex snapshots oldest first, but
 * that is not promised). A Cloud Backup fallback snapshot is taken only when named: Atlas says
 * it may be inconsistent.
 */
export async function chooseSnapshot(
  api: BackupApi,
  snapshotId: string | undefined,
  clusterName: string,
  log: Logger,
): Promise<Snapshot> {
  if (snapshotId === undefined) {
    const completed = completedNewestFirst(await api.listSnapshots());
    const newest = completed.find((s) => !s.fallback);
    // Fallback snapshots newer than the one taken: the log says why they were passed over.
    const skipped =
      newest === undefined ? completed : completed.slice(0, completed.indexOf(newest));
    for (const fallback of skipped) {
      log.info(
        `Skipping snapshot ${fallback.id} (taken ${fallback.finishTime ?? 'at an unknown time'}): it is a fallback snapshot, which Atlas says may be inconsistent. Name it in snapshot-id to download it anyway.`,
      );
    }
    if (newest === undefined) {
      throw new SnapshotError(
        `Cluster '${clusterName}' has no completed snapshot yet${completed.length > 0 ? ' other than fallback snapshots' : ''}. Run again after the next scheduled snapshot, or check the cluster's Backup tab.`,
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
        `Snapshot ${snapshotId} of cluster '${clusterName}' does not exist${api.kind === 'flex' ? ' (Flex keeps only the last 8 daily snapshots)' : ''}`,
      );
    }
    throw error;
  }
  if (!snapshot.completed) {
    throw await unusable(
      api,
      `Snapshot ${snapshotId} of cluster '${clusterName}' is ${snapshot.status}, and only a completed snapshot can be downloaded`,
    );
  }
  if (snapshot.fallback) {
    log.warning(
      `Snapshot ${snapshotId} is a fallback snapshot, which Atlas says may be inconsistent; downloading it because snapshot-id names it.`,
    );
  }
  return snapshot;
}

/** Completed snapshots, newest first; those without a readable time last. */
export function completedNewestFirst(snapshots: readonly Snapshot[]): Snapshot[] {
  const taken = (s: Snapshot): number => {
    const time = s.finishTime ? Date.parse(s.finishTime) : Number.NaN;
    return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
  };
  return snapshots.filter((s) => s.completed).sort((a, b) => taken(b) - taken(a));
}

async function unusable(api: BackupApi, problem: string): Promise<SnapshotError> {
  const candidates = completedNewestFirst(await api.listSnapshots())
    .filter((s) => !s.fallback)
    .slice(0, LISTED);
  const list =
    candidates.length === 0
      ? 'The cluster has no completed snapshot yet.'
      : `The newest completed: ${candidates.map((s) => `${s.id} (taken ${s.finishTime ?? 'at an unknown time'})`).join(', ')}.`;
  return new SnapshotError(`${problem}. ${list} Leave snapshot-id empty to take the newest.`);
}
