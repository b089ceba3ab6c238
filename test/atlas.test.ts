import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onClusterApi } from '../src/atlas/cluster-kind.ts';
import { AtlasError } from '../src/atlas/errors.ts';
import { createAtlas } from '../src/atlas/index.ts';
import { chooseSnapshot, SnapshotError } from '../src/atlas/snapshot.ts';
import { fakeClock } from '../src/clock.ts';
import type { InputName } from '../src/constants.ts';
import { readSettings } from '../src/inputs.ts';
import { memoryLogger } from '../src/log.ts';
import { WaitError } from '../src/wait.ts';
import {
  type AtlasEmulator,
  newestCompletedDedicated,
  startAtlasEmulator,
} from './emulator/atlas.ts';
import { requestDownloadLink } from './helpers/links.ts';

let atlas: AtlasEmulator;
beforeEach(async () => {
  atlas = await startAtlasEmulator();
});
afterEach(async () => {
  await atlas.close();
});

type Auth = 'service-account' | 'api-key';

function connect(inputs: Partial<Record<InputName, string>> = {}, auth: Auth = 'service-account') {
  const credentials =
    auth === 'service-account'
      ? { 'client-id': atlas.credentials.clientId, 'client-secret': atlas.credentials.clientSecret }
      : { 'public-key': atlas.credentials.publicKey, 'private-key': atlas.credentials.privateKey };
  const all: Partial<Record<InputName, string>> = {
    'group-id': atlas.groupId,
    'cluster-name': 'flex-cluster',
    'atlas-base-url': atlas.url,
    delivery: 'url',
    ...credentials,
    ...inputs,
  };
  const settings = readSettings({ read: (name) => all[name] ?? '', mask: () => {}, env: {} });
  const clock = fakeClock();
  const log = memoryLogger();
  const masked: string[] = [];
  const session = createAtlas(settings, {
    clock,
    log,
    mask: (secret) => masked.push(secret),
    random: () => 0.5,
  });
  const find = () =>
    onClusterApi(
      settings.clusterType,
      session.apis,
      (api) => chooseSnapshot(api, settings.snapshotId, settings.clusterName, log),
      { clusterName: settings.clusterName, log },
    );
  return { settings, session, clock, log, masked, find };
}

const apiRequests = () => atlas.requests.filter((r) => r.path.startsWith('/api/atlas/v2'));
const tokenRequests = () => atlas.requests.filter((r) => r.path === '/api/oauth/token');

function newestDedicatedId(clusterName: string): string {
  const backup = atlas.clusters.get(clusterName)?.cloudBackup;
  const id = backup === undefined ? undefined : newestCompletedDedicated(backup)?.id;
  if (id === undefined) throw new Error(`no completed snapshot on ${clusterName}`);
  return id;
}

function newestCompletedId(clusterName: string): string {
  const cluster = atlas.clusters.get(clusterName);
  const completed = (cluster?.snapshots ?? [])
    .filter((s) => s.status === 'COMPLETED')
    .sort((a, b) => Date.parse(b.finishTime ?? '') - Date.parse(a.finishTime ?? ''));
  const id = completed[0]?.id;
  if (id === undefined) throw new Error(`no completed snapshot on ${clusterName}`);
  return id;
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('service account', () => {
  it('gets one token, sends it as Bearer with the Flex media type, and picks the newest COMPLETED snapshot', async () => {
    const { find, masked } = connect();
    const { api, result } = await find();
    expect(api.kind).toBe('flex');
    expect(result.id).toBe(newestCompletedId('flex-cluster'));
    expect(tokenRequests()).toHaveLength(1);
    const [list] = apiRequests();
    expect(list?.headers.accept).toBe('application/vnd.atlas.2024-11-13+json');
    expect(list?.headers.authorization).toMatch(/^Bearer /);
    const token = list?.headers.authorization?.slice('Bearer '.length);
    expect(masked).toContain(token);
  });

  it('reuses the token, and refreshes it a minute before it expires', async () => {
    const { find, clock } = connect();
    await find();
    await find();
    expect(tokenRequests()).toHaveLength(1);
    await clock.sleep(3600_000 - 59_000);
    await find();
    expect(tokenRequests()).toHaveLength(2);
  });

  it('mints a new token once when Atlas rejects the cached one', async () => {
    const { find } = connect();
    await find();
    atlas.expireTokens();
    await find();
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests().map((r) => r.status)).toEqual([200, 401, 200]);
  });

  it('reports bad credentials with the OAuth error and what to check', async () => {
    const { find } = connect({ 'client-secret': 'wrong-secret' });
    const error = await failureOf(find());
    expect(error).toBeInstanceOf(AtlasError);
    expect(error.message).toMatch(/HTTP 401 invalid_client/);
    expect(error.message).toMatch(/Check client-id and client-secret/);
    expect(apiRequests()).toHaveLength(0);
  });

  it('revokes the token when the session closes', async () => {
    const { find, session } = connect();
    await find();
    await session.close();
    expect(atlas.requests.filter((r) => r.path === '/api/oauth/revoke')).toHaveLength(1);
  });
});

describe('API key (HTTP Digest)', () => {
  it.each(['MD5', 'SHA-256'] as const)('answers a %s challenge', async (algorithm) => {
    atlas.faults.digestAlgorithm = algorithm;
    const { find } = connect({}, 'api-key');
    const { result } = await find();
    expect(result.id).toBe(newestCompletedId('flex-cluster'));
    const [challenge, signed] = apiRequests();
    expect(challenge?.status).toBe(401);
    expect(signed?.headers.authorization).toMatch(new RegExp(`^Digest .*algorithm=${algorithm}`));
    expect(signed?.status).toBe(200);
  });

  it('retries once with the new nonce when Atlas says the nonce is stale', async () => {
    atlas.faults.staleNonces = 1;
    const { find } = connect({}, 'api-key');
    await find();
    expect(apiRequests().map((r) => r.status)).toEqual([401, 401, 200]);
  });

  it('gives up when the nonce is stale twice', async () => {
    atlas.faults.staleNonces = 2;
    const { find } = connect({}, 'api-key');
    const error = await failureOf(find());
    expect(error.message).toMatch(/HTTP 401/);
    expect(apiRequests()).toHaveLength(3);
  });

  it('reports a wrong private key without retrying forever', async () => {
    const { find } = connect({ 'private-key': 'not-the-key' }, 'api-key');
    const error = await failureOf(find());
    expect(error.message).toMatch(/HTTP 401.*Check the credentials/);
    expect(apiRequests()).toHaveLength(2);
  });
});

describe('which API serves the cluster', () => {
  it('goes to the shared-tier API when the Flex API says not Flex and the description says TENANT', async () => {
    const { find } = connect({ 'cluster-name': 'shared-cluster' });
    const { api, result } = await find();
    expect(api.kind).toBe('shared');
    expect(result.id).toBe(newestCompletedId('shared-cluster'));
    const paths = apiRequests().map((r) => `${r.status} ${r.headers.accept}`);
    expect(paths).toEqual([
      '400 application/vnd.atlas.2024-11-13+json',
      '200 application/vnd.atlas.2024-08-05+json',
      '200 application/vnd.atlas.2023-01-01+json',
    ]);
  });

  it('goes to Cloud Backup for a dedicated replica set, at one extra request', async () => {
    const { find } = connect({ 'cluster-name': 'dedicated-cluster' });
    const { api, result } = await find();
    expect(api.kind).toBe('dedicated');
    expect(api.sharded).toBe(false);
    expect(result.id).toBe(newestDedicatedId('dedicated-cluster'));
    expect(apiRequests().map((r) => `${r.status} ${r.path.split('/').slice(6).join('/')}`)).toEqual(
      [
        '400 flexClusters/dedicated-cluster/backup/snapshots',
        '200 clusters/dedicated-cluster',
        '200 clusters/dedicated-cluster/backup/snapshots',
      ],
    );
  });

  it("reads a sharded cluster's snapshots from the sharded list", async () => {
    const { find } = connect({ 'cluster-name': 'sharded-cluster' });
    const { api, result } = await find();
    expect(api.sharded).toBe(true);
    expect(result.id).toBe(newestDedicatedId('sharded-cluster'));
    expect(apiRequests().at(-1)?.path).toMatch(/\/backup\/snapshots\/shardedClusters$/);
  });

  it('skips a newer fallback snapshot, saying so, and takes it only when named', async () => {
    const { find, log } = connect({ 'cluster-name': 'dedicated-cluster' });
    const { result } = await find();
    expect(result.fallback).toBe(false);
    expect(log.lines.join('\n')).toMatch(/Skipping snapshot [a-f0-9]{24} .*fallback snapshot/);
    const fallback = atlas.clusters
      .get('dedicated-cluster')
      ?.cloudBackup?.snapshots.find((s) => s.snapshotType === 'fallback');
    const named = connect({
      'cluster-name': 'dedicated-cluster',
      'snapshot-id': fallback?.id ?? '',
    });
    expect((await named.find()).result.id).toBe(fallback?.id);
    expect(named.log.lines.join('\n')).toMatch(/warning: .*fallback snapshot/);
  });

  it('fails before any job when Cloud Backup is off, saying what to do', async () => {
    const { find } = connect({ 'cluster-name': 'nobackup-cluster' });
    const error = await failureOf(find());
    expect(error.message).toMatch(/Cloud Backup is not enabled.*Turn on Cloud Backup/);
    expect(apiRequests().filter((r) => r.path.includes('/backup/'))).toHaveLength(1);
    expect(apiRequests().some((r) => r.method === 'POST')).toBe(false);
  });

  it('says a free (M0) cluster has no downloadable backups', async () => {
    const { find } = connect({ 'cluster-name': 'free-cluster' });
    const error = await failureOf(find());
    expect(error.message).toMatch(/free \(M0\) cluster.*Upgrade the cluster/);
  });

  it("with cluster-type 'dedicated' skips the Flex API", async () => {
    const { find } = connect({ 'cluster-name': 'dedicated-cluster', 'cluster-type': 'dedicated' });
    const { api } = await find();
    expect(api.kind).toBe('dedicated');
    expect(apiRequests().some((r) => r.path.includes('/flexClusters/'))).toBe(false);
  });

  it.each([
    ['gone (410)', 'tenantGone'],
    ['removed (404 on the route)', 'tenantMissing'],
  ] as const)(
    'says neither Flex nor shared-tier when the shared-tier API is %s',
    async (_, knob) => {
      atlas.faults[knob] = true;
      const { find } = connect({ 'cluster-name': 'shared-cluster' });
      const error = await failureOf(find());
      expect(error.message).toMatch(/legacy shared-tier API no longer serves it/);
      expect(error.message).toMatch(/migrates M2\/M5 clusters to Flex/);
    },
  );

  it("with cluster-type 'flex' does not fall back", async () => {
    const { find } = connect({ 'cluster-name': 'shared-cluster', 'cluster-type': 'flex' });
    const error = await failureOf(find());
    expect(error.message).toMatch(
      /CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API.*use cluster-type 'auto' or 'shared'/,
    );
    expect(apiRequests()).toHaveLength(1);
  });

  it("with cluster-type 'shared' goes straight to the shared-tier API, and explains a 410", async () => {
    atlas.faults.tenantGone = true;
    const { find } = connect({ 'cluster-name': 'shared-cluster', 'cluster-type': 'shared' });
    const error = await failureOf(find());
    expect(error.message).toMatch(/HTTP 410.*sunset on 2026-01-22/);
    expect(apiRequests()).toHaveLength(1);
  });

  it('names the missing cluster', async () => {
    const { find } = connect({ 'cluster-name': 'no-such-cluster' });
    const error = await failureOf(find());
    expect(error.message).toMatch(
      /HTTP 404 CLUSTER_NOT_FOUND .*no-such-cluster.*Check cluster-name/,
    );
  });
});

describe('choosing the snapshot', () => {
  it('finds the newest COMPLETED snapshot across several pages', async () => {
    const cluster = atlas.addCluster({ name: 'many', kind: 'flex', snapshotCount: 1203 });
    const { find } = connect({ 'cluster-name': cluster.name });
    const { result } = await find();
    expect(result.id).toBe(newestCompletedId('many'));
    const lists = apiRequests().map((r) => r.query);
    expect(lists).toEqual([
      'pageNum=1&itemsPerPage=500&includeCount=false',
      'pageNum=2&itemsPerPage=500&includeCount=false',
      'pageNum=3&itemsPerPage=500&includeCount=false',
    ]);
  });

  it('takes a given COMPLETED snapshot', async () => {
    const cluster = atlas.clusters.get('flex-cluster');
    const oldest = cluster?.snapshots.find((s) => s.status === 'COMPLETED');
    const { find } = connect({ 'snapshot-id': oldest?.id ?? '' });
    expect((await find()).result.id).toBe(oldest?.id);
  });

  it('refuses a snapshot that is not COMPLETED and lists the newest ones that are', async () => {
    const running = atlas.clusters
      .get('flex-cluster')
      ?.snapshots.find((s) => s.status === 'RUNNING');
    const { find } = connect({ 'snapshot-id': running?.id ?? '' });
    const error = await failureOf(find());
    expect(error).toBeInstanceOf(SnapshotError);
    expect(error.message).toMatch(/is RUNNING, and only a completed snapshot can be downloaded/);
    expect(error.message).toContain(newestCompletedId('flex-cluster'));
  });

  it('says a missing snapshot does not exist and lists the newest COMPLETED ones', async () => {
    const { find } = connect({ 'snapshot-id': 'ffffffffffffffffffffffff' });
    const error = await failureOf(find());
    expect(error.message).toMatch(/does not exist .*8 daily snapshots/);
    expect(error.message).toContain(newestCompletedId('flex-cluster'));
  });

  it('says so when there is no COMPLETED snapshot yet', async () => {
    atlas.addCluster({ name: 'brand-new', kind: 'flex', snapshotCount: 0 });
    const { find } = connect({ 'cluster-name': 'brand-new' });
    const error = await failureOf(find());
    expect(error.message).toMatch(/has no completed snapshot yet/);
  });
});

describe('waiting for the download link', () => {
  async function link(inputs: Partial<Record<InputName, string>> = {}) {
    const context = connect(inputs);
    const { api, result } = await context.find();
    const promise = requestDownloadLink(api, result.id, {
      timeoutMs: context.settings.waitTimeoutMs,
      clock: context.clock,
      log: context.log,
      mask: (secret) => context.masked.push(secret),
      allowHttp: true,
    });
    return { ...context, promise, snapshotId: result.id };
  }

  it('is done at once when the POST answer has the URL', async () => {
    const { promise, clock, masked } = await link();
    const answer = await promise;
    expect(answer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(masked).toContain(answer.url);
    expect(clock.slept).toEqual([]);
    const post = apiRequests().find((r) => r.method === 'POST');
    expect(post?.headers['content-type']).toBe('application/vnd.atlas.2024-11-13+json');
  });

  it('polls quickly, then backs off, logging each change of status once', async () => {
    atlas.faults.jobSchedule = { urlInPostAnswer: false, pendingPolls: 2, runningPolls: 4 };
    const { promise, clock, log } = await link();
    const answer = await promise;
    expect(answer.url).toBeTruthy();
    expect(clock.slept).toEqual([2000, 3000, 4500, 6750, 10125, 15188, 22782]);
    const changes = log.lines.filter((l) => l.startsWith('info: Download job'));
    expect(changes).toEqual([
      expect.stringMatching(/is RUNNING after 10 s/),
      expect.stringMatching(/is COMPLETED after 64 s/),
    ]);
    expect(log.lines.filter((l) => l.startsWith('debug: Download job'))).toHaveLength(7);
  });

  it('fails when the job FAILS', async () => {
    atlas.faults.jobSchedule = {
      urlInPostAnswer: false,
      pendingPolls: 1,
      runningPolls: 1,
      fail: true,
    };
    const { promise } = await link();
    const error = await failureOf(promise);
    expect(error).toBeInstanceOf(WaitError);
    expect(error.message).toMatch(/FAILED/);
  });

  it('gives up at wait-timeout, naming the job, its last status and the time waited', async () => {
    atlas.faults.jobSchedule = { urlInPostAnswer: false, pendingPolls: 1000, runningPolls: 0 };
    const { promise, clock } = await link({ 'wait-timeout': '90s' });
    const error = await failureOf(promise);
    expect(error.message).toMatch(
      /job [a-f0-9]{24} had no download URL after 90 s \(last status PENDING\)/,
    );
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(90_000);
  });
});

describe('retries', () => {
  it('waits out 429s, honouring Retry-After, and then succeeds', async () => {
    atlas.faults.rateLimited = 2;
    atlas.faults.retryAfterSeconds = 7;
    const { find, clock, log } = connect();
    await find();
    expect(clock.slept).toEqual([7000, 7000]);
    expect(log.lines.filter((l) => l.includes('retrying'))).toHaveLength(2);
  });

  it('backs off with jitter on 5xx bursts', async () => {
    atlas.faults.serverError = 3;
    atlas.faults.serverErrorStatus = 502;
    const { find, clock } = connect();
    await find();
    // random() = 0.5: half of 1 s, 2 s, 4 s.
    expect(clock.slept).toEqual([500, 1000, 2000]);
  });

  async function requestLink(context: ReturnType<typeof connect>) {
    const { api, result } = await context.find();
    return requestDownloadLink(api, result.id, {
      timeoutMs: context.settings.waitTimeoutMs,
      clock: context.clock,
      log: context.log,
      mask: (secret) => context.masked.push(secret),
      allowHttp: true,
    });
  }
  const downloadCalls = () =>
    apiRequests()
      .filter((r) => r.path.includes('/backup/'))
      .filter((r) => r.method === 'POST' || r.path.endsWith('/restoreJobs'))
      .map((r) => `${r.method} ${r.status}`);

  it('after a 5xx to the download request, looks for the job first and asks again only when there is none', async () => {
    atlas.faults.apiFaultPath = /\/backup\/download$/;
    atlas.faults.serverError = 2;
    atlas.faults.serverErrorStatus = 500;
    const context = connect();
    const link = await requestLink(context);
    expect(link.url).toBeTruthy();
    // The emulator's 500 comes before the job is made, so each look finds nothing.
    expect(downloadCalls()).toEqual(['POST 500', 'GET 200', 'POST 500', 'GET 200', 'POST 200']);
    expect(atlas.jobs.size).toBe(1);
  });

  it.each([
    ['429', { rateLimited: 2 }],
    ['503 with Retry-After', { serverError: 2, serverErrorRetryAfterSeconds: 1 }],
  ] as const)(
    'repeats the download request at once after a %s, which Atlas did not act on',
    async (_name, knobs) => {
      atlas.faults.apiFaultPath = /\/backup\/download$/;
      Object.assign(atlas.faults, knobs);
      const context = connect();
      await requestLink(context);
      const status = _name === '429' ? 429 : 503;
      expect(downloadCalls()).toEqual([`POST ${status}`, `POST ${status}`, 'POST 200']);
      expect(atlas.jobs.size).toBe(1);
    },
  );

  it('stops after six attempts and reports the last answer', async () => {
    atlas.faults.serverError = 100;
    atlas.faults.serverErrorStatus = 500;
    const { find } = connect();
    const error = await failureOf(find());
    expect(error.message).toMatch(/HTTP 500/);
    expect(apiRequests()).toHaveLength(6);
  });

  it.each([
    ['ipNotOnAccessList', /IP_ADDRESS_NOT_ON_ACCESS_LIST.*access list/],
    ['userUnauthorized', /USER_UNAUTHORIZED.*Project Backup Export Operator/],
  ] as const)('never retries a 403 (%s)', async (knob, message) => {
    atlas.faults[knob] = 1;
    const { find, clock } = connect();
    const error = await failureOf(find());
    expect(error.message).toMatch(message);
    expect(apiRequests()).toHaveLength(1);
    expect(clock.slept).toEqual([]);
  });
});
