import { describe, expect, it } from 'vitest';
import type { BackupApi, DownloadJob } from '../src/atlas/backup-api.ts';
import { fakeClock } from '../src/clock.ts';
import { memoryLogger } from '../src/log.ts';
import { requestDownloadLink, WaitError } from '../src/wait.ts';

const SNAPSHOT = '6a6f78e0cab84da5c4476b25';
const JOB = '6a793f812c88faeba59bc399';

/** A backup API whose POST answers `created` and whose job GETs answer `polls` in turn. */
function fakeApi(created: DownloadJob, polls: DownloadJob[] = []) {
  const calls: string[] = [];
  const api: BackupApi = {
    kind: 'flex',
    listSnapshots: async () => [],
    getSnapshot: async () => {
      throw new Error('not used');
    },
    requestDownload: async () => {
      calls.push('POST');
      return created;
    },
    getJob: async () => {
      calls.push('GET');
      const next = polls.shift();
      if (next === undefined) throw new Error('polled past the script');
      return next;
    },
  };
  return { api, calls };
}

function job(fields: Partial<DownloadJob>): DownloadJob {
  return { id: JOB, status: 'PENDING', ...fields };
}

function wait(api: BackupApi, allowHttp = false) {
  const clock = fakeClock();
  const masked: string[] = [];
  const promise = requestDownloadLink(api, SNAPSHOT, {
    timeoutMs: 30 * 60_000,
    clock,
    log: memoryLogger(),
    mask: (secret) => masked.push(secret),
    allowHttp,
  });
  return { promise, clock, masked };
}

describe('requestDownloadLink', () => {
  it('fails at once when Atlas reports the job COMPLETED without a URL', async () => {
    const { api, calls } = fakeApi(job({}), [job({ status: 'COMPLETED' })]);
    const { promise, clock } = wait(api);
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitError);
    expect((error as Error).message).toMatch(/COMPLETED .*but gave no download URL/);
    // One poll, not polling until wait-timeout.
    expect(calls).toEqual(['POST', 'GET']);
    expect(clock.slept).toHaveLength(1);
  });

  it('refuses an http: link, masking it first', async () => {
    const url = 'http://storage.example/restore.tar.gz?Signature=abcdefabcdefabcdef';
    const { promise, masked } = wait(fakeApi(job({ status: 'COMPLETED', snapshotUrl: url })).api);
    await expect(promise).rejects.toThrow(/http: snapshot link; only https is accepted/);
    expect(masked).toContain(url);
  });

  it('accepts an http: link when the caller allows it (a loopback Atlas)', async () => {
    const url = 'http://127.0.0.1:1/restore.tar.gz';
    const { promise } = wait(fakeApi(job({ status: 'COMPLETED', snapshotUrl: url })).api, true);
    expect((await promise).url).toBe(url);
  });

  it('takes an https link as it is', async () => {
    const url = 'https://storage.example/restore.tar.gz?Signature=abcdefabcdefabcdef';
    const created = job({
      status: 'COMPLETED',
      snapshotUrl: url,
      expirationDate: '2026-12-02T03:00:00Z',
    });
    const link = await wait(fakeApi(created).api).promise;
    expect(link).toEqual({
      jobId: JOB,
      url,
      expiresAt: '2026-12-02T03:00:00Z',
      snapshotFinishedAt: undefined,
    });
  });
});
