import { describe, expect, it } from 'vitest';
import type { BackupApi, DownloadJob } from '../src/atlas/backup-api.ts';
import { fakeClock } from '../src/clock.ts';
import { memoryLogger } from '../src/log.ts';
import { maskSignedUrl, requestDownloadLinks, WaitError } from '../src/wait.ts';

const SNAPSHOT = '6a6f78e0cab84da5c4476b25';
const JOB = '6a793f812c88faeba59bc399';

/** A backup API whose POST answers `created` and whose job GETs answer `polls` in turn. */
function fakeApi(created: DownloadJob, polls: DownloadJob[] = []) {
  const calls: string[] = [];
  const api: BackupApi = {
    kind: 'flex',
    sharded: false,
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
  return {
    id: JOB,
    status: 'PENDING',
    snapshotId: SNAPSHOT,
    files: [],
    ended: undefined,
    finished: false,
    expiresAt: undefined,
    snapshotFinishedAt: undefined,
    ...fields,
  };
}

const file = (url: string, replicaSetName?: string) => ({ url, replicaSetName });

function wait(api: BackupApi, allowHttp = false) {
  const clock = fakeClock();
  const masked: string[] = [];
  const promise = requestDownloadLinks(api, SNAPSHOT, {
    timeoutMs: 30 * 60_000,
    clock,
    log: memoryLogger(),
    mask: (secret: string) => masked.push(secret),
    allowHttp,
  });
  return { promise, clock, masked };
}

describe('requestDownloadLinks', () => {
  it('fails at once when Atlas reports the job COMPLETED without a URL', async () => {
    const { api, calls } = fakeApi(job({}), [job({ status: 'COMPLETED', finished: true })]);
    const { promise, clock } = wait(api);
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitError);
    expect((error as Error).message).toMatch(/COMPLETED .*but gave no download URL/);
    // One poll, not polling until wait-timeout.
    expect(calls).toEqual(['POST', 'GET']);
    expect(clock.slept).toHaveLength(1);
  });

  it.each(['failed', 'cancelled', 'expired'] as const)(
    'stops with the reason when the job is %s',
    async (ended) => {
      const { api } = fakeApi(job({}), [job({ status: ended, ended })]);
      await expect(wait(api).promise).rejects.toThrow(
        new RegExp(
          `${{ failed: 'FAILED', cancelled: 'was cancelled', expired: 'expired' }[ended]} after`,
        ),
      );
    },
  );

  it('waits minutes for a Cloud Backup link, polling quickly, then every 30 s', async () => {
    const polls = Array.from({ length: 12 }, () => job({ status: 'preparing the download' }));
    const url =
      'https://restore-abc.example.mongodb.net:27017/TOKENtokenTOKEN1234/restore-1.tar.gz';
    polls.push(job({ status: 'ready', files: [file(url)], expiresAt: '2026-12-02T04:00:00Z' }));
    const { api } = fakeApi(job({ status: 'preparing the download' }), polls);
    const { promise, clock, masked } = wait(api);
    const links = await promise;
    expect(links.links.map((link) => link.url)).toEqual([url]);
    expect(links.expiresAt).toBe('2026-12-02T04:00:00Z');
    expect(clock.slept.slice(0, 3)).toEqual([2000, 3000, 4500]);
    expect(clock.slept.slice(-3)).toEqual([30_000, 30_000, 30_000]);
    // The one-time link's token is a credential on its own.
    expect(masked).toContain('TOKENtokenTOKEN1234');
  });

  it('gives a sharded job one link per shard and config server, each masked', async () => {
    const urls = ['rs0', 'rs1', 'config'].map(
      (rs) => `https://h.example:27017/${rs}TOKEN0123456789/x.tar.gz`,
    );
    const ready = job({
      status: 'ready',
      files: urls.map((url, i) => file(url, ['rs0', 'rs1', 'config'][i])),
    });
    const { promise, masked } = wait(fakeApi(ready).api);
    const links = await promise;
    expect(links.links.map((link) => link.replicaSetName)).toEqual(['rs0', 'rs1', 'config']);
    for (const url of urls) expect(masked).toContain(url);
  });

  it('refuses an http: link, masking it first', async () => {
    const url = 'http://storage.example/restore.tar.gz?Signature=abcdefabcdefabcdef';
    const { promise, masked } = wait(fakeApi(job({ status: 'COMPLETED', files: [file(url)] })).api);
    await expect(promise).rejects.toThrow(/http: snapshot link; only https is accepted/);
    expect(masked).toContain(url);
  });

  it('accepts an http: link when the caller allows it (a loopback Atlas)', async () => {
    const url = 'http://127.0.0.1:1/restore.tar.gz';
    const { promise } = wait(fakeApi(job({ status: 'COMPLETED', files: [file(url)] })).api, true);
    expect((await promise).links[0]?.url).toBe(url);
  });

  it('takes an https link as it is', async () => {
    const url = 'https://storage.example/restore.tar.gz?Signature=abcdefabcdefabcdef';
    const created = job({
      status: 'COMPLETED',
      files: [file(url)],
      expiresAt: '2026-12-02T03:00:00Z',
    });
    const links = await wait(fakeApi(created).api).promise;
    expect(links.links).toEqual([
      { jobId: JOB, url, expiresAt: '2026-12-02T03:00:00Z', snapshotFinishedAt: undefined },
    ]);
  });
});

describe('maskSignedUrl', () => {
  it('masks the URL, its long query values and its long path segments, not the file name', () => {
    const masked: string[] = [];
    maskSignedUrl(
      'https://h.example:27017/aB12up63eFh16ZmBiQ9cUO5Q/restore-6a79468a2c88faeba59de489.tar.gz?Signature=0123456789abcdef0',
      (s) => masked.push(s),
    );
    expect(masked).toContain('aB12up63eFh16ZmBiQ9cUO5Q');
    expect(masked).toContain('0123456789abcdef0');
    expect(masked).not.toContain('restore-6a79468a2c88faeba59de489.tar.gz');
  });
});
