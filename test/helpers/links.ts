import { expect } from 'vitest';
import type { BackupApi } from '../../src/atlas/backup-api.ts';
import { requestDownloadLinks, type WaitOptions } from '../../src/wait.ts';

/** The job's one link, as a Flex or replica-set download has it. */
export async function requestDownloadLink(
  api: BackupApi,
  snapshotId: string,
  options: WaitOptions,
) {
  const job = await requestDownloadLinks(api, snapshotId, options);
  expect(job.links).toHaveLength(1);
  const [link] = job.links;
  if (link === undefined) throw new Error('no link');
  return link;
}
