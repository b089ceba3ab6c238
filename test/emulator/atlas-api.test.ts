import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AtlasEmulator, newestCompleted, startAtlasEmulator } from './atlas.ts';
import {
  CLUSTER,
  call,
  FLEX,
  flexPath,
  type JobJson,
  type PageJson,
  type SnapshotJson,
  TENANT,
  tenantPath,
} from './test-client.ts';

let atlas: AtlasEmulator;
beforeEach(async () => {
  atlas = await startAtlasEmulator();
});
afterEach(async () => {
  await atlas.close();
});

const cluster = (name: string) => {
  const found = atlas.clusters.get(name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
};
const completedId = (name: string) => newestCompleted(cluster(name))?.id ?? '';
const download = (path: string, snapshotId: string, accept = FLEX) =>
  call(atlas, path, { method: 'POST', accept, body: JSON.stringify({ snapshotId }) });

describe('seeded state', () => {
  it('has a Flex cluster whose two newest snapshots are FAILED then RUNNING, oldest first', () => {
    const snapshots = cluster('flex-cluster').snapshots;
    expect(snapshots).toHaveLength(8);
    expect(snapshots.map((s) => s.status)).toEqual([
      ...Array(6).fill('COMPLETED'),
      'FAILED',
      'RUNNING',
    ]);
    const finished = snapshots.flatMap((s) => (s.finishTime ? [s.finishTime] : []));
    expect(new Set(finished).size).toBe(finished.length);
    expect([...finished].sort()).toEqual(finished);
    expect(atlas.groupId).toMatch(/^[a-f0-9]{24}$/);
    expect(snapshots.every((s) => /^[a-f0-9]{24}$/.test(s.id))).toBe(true);
    expect([...atlas.clusters.values()].map((c) => `${c.name}:${c.kind}`)).toEqual([
      'flex-cluster:flex',
      'shared-cluster:shared',
      'dedicated-cluster:dedicated',
      'sharded-cluster:dedicated',
      'nobackup-cluster:dedicated',
      'free-cluster:free',
    ]);
  });
});

describe('versioned media types', () => {
  it.each([
    ['a Flex route', () => flexPath(atlas, 'flex-cluster', '/backup/snapshots'), FLEX],
    ['the Flex cluster', () => flexPath(atlas), FLEX],
    ['a tenant route', () => tenantPath(atlas, 'shared-cluster', '/snapshots'), TENANT],
    ['the cluster API', () => `/groups/${atlas.groupId}/clusters/shared-cluster`, CLUSTER],
  ])('%s answers only its exact version, with that Content-Type', async (_, path, version) => {
    const ok = await call(atlas, path(), { accept: version });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe(version);
    for (const accept of [
      'application/json',
      'application/vnd.atlas.2025-03-12+json',
      `${version}, */*`,
    ]) {
      const refused = await call(atlas, path(), { accept });
      expect(refused.status).toBe(406);
      expect(refused.headers.get('content-type')).toBe('application/json');
      expect(refused.headers.get('x-error-code')).toBe('INVALID_VERSION_DATE');
      expect(refused.json()).toEqual({
        error: 406,
        errorCode: 'INVALID_VERSION_DATE',
        detail: 'Invalid accept header or version date.',
        reason: 'Not Acceptable',
        parameters: [],
      });
    }
  });

  it('wants the POST body in the same versioned type, as JSON with only snapshotId', async () => {
    const path = flexPath(atlas, 'flex-cluster', '/backup/download');
    const snapshotId = completedId('flex-cluster');
    const body = JSON.stringify({ snapshotId });
    const wrongType = await call(atlas, path, {
      method: 'POST',
      body,
      contentType: 'application/json',
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.json().errorCode).toBe('UNSUPPORTED_MEDIA_TYPE');
    const cases: [string, number, string][] = [
      ['{not json', 400, 'INVALID_JSON'],
      ['{}', 400, 'MISSING_ATTRIBUTE'],
      ['{"snapshotId":"nope"}', 400, 'INVALID_ATTRIBUTE'],
      [`{"snapshotId":"${snapshotId}","extra":1}`, 400, 'INVALID_ATTRIBUTE'],
    ];
    for (const [text, status, code] of cases) {
      const answer = await call(atlas, path, { method: 'POST', body: text });
      expect([answer.status, answer.json().errorCode]).toEqual([status, code]);
    }
    expect((await call(atlas, path, { method: 'POST', body })).status).toBe(200);
  });
});

describe('telling the cluster kind', () => {
  it('Flex API: 200 for Flex, 400 for shared and dedicated, 404 for unknown cluster or group', async () => {
    const flex = await call(atlas, flexPath(atlas));
    expect(flex.json<{ name: string; providerSettings: { providerName: string } }>()).toMatchObject(
      {
        name: 'flex-cluster',
        providerSettings: { providerName: 'FLEX' },
      },
    );
    for (const name of ['shared-cluster', 'dedicated-cluster']) {
      for (const rest of ['', '/backup/snapshots']) {
        const answer = await call(atlas, flexPath(atlas, name, rest));
        expect(answer.status).toBe(400);
        expect(answer.json().errorCode).toBe('CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API');
        expect(answer.headers.get('x-error-code')).toBe('CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API');
      }
    }
    const missing = await call(atlas, flexPath(atlas, 'ghost', '/backup/snapshots'));
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({
      errorCode: 'CLUSTER_NOT_FOUND',
      detail: `No cluster named ghost exists in group ${atlas.groupId}.`,
    });
    const group = await call(atlas, '/groups/aaaaaaaaaaaaaaaaaaaaaaaa/flexClusters/flex-cluster');
    expect([group.status, group.json().errorCode]).toEqual([404, 'GROUP_NOT_FOUND']);
    const badGroup = await call(atlas, '/groups/not-an-id/flexClusters/flex-cluster');
    expect([badGroup.status, badGroup.json().errorCode]).toEqual([404, 'INVALID_GROUP_ID']);
  });

  it('cluster API: 400 for Flex, a TENANT M2 for shared, AWS M10 for dedicated', async () => {
    const path = (name: string) => `/groups/${atlas.groupId}/clusters/${name}`;
    const flex = await call(atlas, path('flex-cluster'), { accept: CLUSTER });
    expect([flex.status, flex.json().errorCode]).toEqual([
      400,
      'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
    ]);
    const shared = await call(atlas, path('shared-cluster'), { accept: CLUSTER });
    expect(shared.text).toContain('"providerName":"TENANT"');
    expect(shared.text).toContain('"instanceSize":"M2"');
    const dedicated = await call(atlas, path('dedicated-cluster'), { accept: CLUSTER });
    expect(dedicated.text).toContain('"instanceSize":"M10"');
  });

  it('tenant API: serves shared (and migrated Flex), sends dedicated to the right endpoint', async () => {
    const shared = await call(atlas, tenantPath(atlas, 'shared-cluster', '/snapshots'), {
      accept: TENANT,
    });
    expect(shared.json<PageJson>().results).toHaveLength(3);
    const flex = await call(atlas, tenantPath(atlas, 'flex-cluster', '/snapshots'), {
      accept: TENANT,
    });
    expect(flex.status).toBe(200);
    const dedicated = await call(atlas, tenantPath(atlas, 'dedicated-cluster', '/snapshots'), {
      accept: TENANT,
    });
    expect(dedicated.status).toBe(400);
    expect(dedicated.json().errorCode).toBe('INCORRECT_BACKUP_API_ENDPOINT');
    expect(dedicated.json().detail).toContain('/clusters/dedicated-cluster/backup/snapshots');
  });

  it('tenant API past its sunset answers 410, or 404 once the route is removed', async () => {
    atlas.faults.tenantGone = true;
    const gone = await call(atlas, tenantPath(atlas, 'shared-cluster', '/snapshots'), {
      accept: TENANT,
    });
    expect(gone.status).toBe(410);
    expect(gone.headers.get('content-type')).toBe('application/json');
    atlas.faults.tenantGone = false;
    atlas.faults.tenantMissing = true;
    const missing = await call(atlas, tenantPath(atlas, 'shared-cluster', '/download'), {
      method: 'POST',
      accept: TENANT,
      body: JSON.stringify({ snapshotId: completedId('shared-cluster') }),
    });
    expect([missing.status, missing.json().errorCode]).toEqual([404, 'RESOURCE_NOT_FOUND']);
    const flexStillThere = await call(atlas, flexPath(atlas, 'flex-cluster', '/backup/snapshots'));
    expect(flexStillThere.status).toBe(200);
  });
});

describe('snapshots', () => {
  it('lists Flex snapshots in Atlas shape with a self link each', async () => {
    const answer = await call(atlas, flexPath(atlas, 'flex-cluster', '/backup/snapshots'));
    const page = answer.json<PageJson<SnapshotJson>>();
    expect(page.totalCount).toBe(8);
    expect(page.links).toEqual([
      {
        rel: 'self',
        href: `${atlas.url}/api/atlas/v2${flexPath(atlas, 'flex-cluster', '/backup/snapshots')}?includeCount=true&itemsPerPage=100&pageNum=1`,
      },
    ]);
    const [first] = page.results;
    expect(Object.keys(first ?? {}).sort()).toEqual(
      [
        'expiration',
        'finishTime',
        'id',
        'links',
        'mongoDBVersion',
        'scheduledTime',
        'startTime',
        'status',
      ].sort(),
    );
    const running = page.results.find((s) => s.status === 'RUNNING');
    expect(running?.finishTime).toBeUndefined();
    const one = await call(
      atlas,
      flexPath(atlas, 'flex-cluster', `/backup/snapshots/${first?.id}`),
    );
    expect(one.json<SnapshotJson>()).toEqual(
      expect.objectContaining({
        id: first?.id,
        status: first?.status,
        finishTime: first?.finishTime,
      }),
    );
  });

  it('pages with itemsPerPage and pageNum, linking next only while more pages exist', async () => {
    atlas.addCluster({ name: 'many', kind: 'flex', snapshotCount: 250 });
    const base = flexPath(atlas, 'many', '/backup/snapshots');
    const seen: string[] = [];
    let next: string | undefined =
      `${atlas.url}/api/atlas/v2${base}?itemsPerPage=100&includeCount=false`;
    const rels: string[][] = [];
    while (next !== undefined) {
      const answer = await call(atlas, next.slice(`${atlas.url}/api/atlas/v2`.length));
      const page = answer.json<PageJson<SnapshotJson>>();
      expect(page.totalCount).toBeUndefined();
      seen.push(...page.results.map((s) => s.id));
      rels.push(page.links.map((l) => l.rel));
      next = page.links.find((l) => l.rel === 'next')?.href;
    }
    expect(rels).toEqual([
      ['self', 'next'],
      ['self', 'previous', 'next'],
      ['self', 'previous'],
    ]);
    expect(seen).toEqual(cluster('many').snapshots.map((s) => s.id));
    const beyond = await call(atlas, `${base}?pageNum=9&itemsPerPage=500`);
    expect(beyond.json<PageJson>()).toMatchObject({ results: [], totalCount: 250 });
    for (const bad of ['itemsPerPage=0', 'itemsPerPage=501', 'pageNum=0', 'includeCount=yes']) {
      const refused = await call(atlas, `${base}?${bad}`);
      expect([refused.status, refused.json().errorCode]).toEqual([400, 'VALIDATION_ERROR']);
    }
  });

  it('lists tenant snapshots without paging, and names missing ones per API', async () => {
    const answer = await call(
      atlas,
      `${tenantPath(atlas, 'shared-cluster', '/snapshots')}?itemsPerPage=1`,
      {
        accept: TENANT,
      },
    );
    expect(answer.json<PageJson>()).toMatchObject({ totalCount: 3 });
    expect(answer.json<PageJson>().results).toHaveLength(3);
    const ghost = 'ffffffffffffffffffffffff';
    const flexMissing = await call(
      atlas,
      flexPath(atlas, 'flex-cluster', `/backup/snapshots/${ghost}`),
    );
    expect([flexMissing.status, flexMissing.json().errorCode]).toEqual([404, 'SNAPSHOT_NOT_FOUND']);
    const tenantMissing = await call(
      atlas,
      tenantPath(atlas, 'shared-cluster', `/snapshots/${ghost}`),
      {
        accept: TENANT,
      },
    );
    expect([tenantMissing.status, tenantMissing.json().errorCode]).toEqual([
      404,
      'TENANT_SNAPSHOT_NOT_FOUND',
    ]);
    const badId = await call(atlas, flexPath(atlas, 'flex-cluster', '/backup/snapshots/xyz'));
    expect([badId.status, badId.json().errorCode]).toEqual([400, 'VALIDATION_ERROR']);
  });
});

describe('download jobs', () => {
  it('by default the POST answers COMPLETED with a signed URL on the file host', async () => {
    const snapshotId = completedId('flex-cluster');
    const before = Date.now();
    const answer = await download(flexPath(atlas, 'flex-cluster', '/backup/download'), snapshotId);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe(FLEX);
    const job = answer.json<JobJson>();
    expect(job).toMatchObject({
      deliveryType: 'DOWNLOAD',
      status: 'COMPLETED',
      snapshotId,
      instanceName: 'flex-cluster',
      projectId: atlas.groupId,
      targetDeploymentItemName: 'flex-cluster',
      targetProjectId: atlas.groupId,
      snapshotFinishedDate: newestCompleted(cluster('flex-cluster'))?.finishTime,
    });
    expect(job.clusterName).toBeUndefined();
    expect(job.snapshotUrl).toMatch(
      new RegExp(
        `^${atlas.fileUrl}/files/[0-9a-f]{32}/restore-${job.id}\\.tar\\.gz\\?Expires=\\d+&Signature=[\\w-]+&Key-Pair-Id=`,
      ),
    );
    const expires = Date.parse(job.expirationDate) - Date.parse(job.restoreScheduledDate);
    expect(expires).toBe(4 * 60 * 60 * 1000);
    expect(Date.parse(job.restoreScheduledDate)).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000,
    );
    expect(atlas.jobs.get(job.id)?.snapshotId).toBe(snapshotId);
  });

  it('moves PENDING -> RUNNING -> COMPLETED by GETs of the job, never by time', async () => {
    atlas.faults.jobSchedule = { urlInPostAnswer: false, pendingPolls: 2, runningPolls: 1 };
    const post = await download(
      flexPath(atlas, 'flex-cluster', '/backup/download'),
      completedId('flex-cluster'),
    );
    const job = post.json<JobJson>();
    expect(job.status).toBe('PENDING');
    expect(job.snapshotUrl).toBeUndefined();
    const jobPath = flexPath(atlas, 'flex-cluster', `/backup/restoreJobs/${job.id}`);
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      const polled = (await call(atlas, jobPath)).json<JobJson>();
      statuses.push(polled.snapshotUrl === undefined ? polled.status : `${polled.status}+url`);
    }
    expect(statuses).toEqual(['PENDING', 'PENDING', 'RUNNING', 'COMPLETED+url', 'COMPLETED+url']);
    const list = await call(atlas, flexPath(atlas, 'flex-cluster', '/backup/restoreJobs'));
    expect(list.json<PageJson<JobJson>>().results.map((j) => [j.id, j.status])).toEqual([
      [job.id, 'COMPLETED'],
    ]);
    expect(atlas.jobs.get(job.id)?.polls).toBe(5);
  });

  it('can end FAILED, without ever showing a URL', async () => {
    atlas.faults.jobSchedule = {
      urlInPostAnswer: true,
      pendingPolls: 0,
      runningPolls: 1,
      fail: true,
    };
    const job = (
      await download(
        flexPath(atlas, 'flex-cluster', '/backup/download'),
        completedId('flex-cluster'),
      )
    ).json<JobJson>();
    expect(job.status).toBe('PENDING');
    const jobPath = flexPath(atlas, 'flex-cluster', `/backup/restoreJobs/${job.id}`);
    expect((await call(atlas, jobPath)).json<JobJson>().status).toBe('RUNNING');
    const failed = (await call(atlas, jobPath)).json<JobJson>();
    expect(failed.status).toBe('FAILED');
    expect(failed.snapshotUrl).toBeUndefined();
  });

  it('refuses snapshots that are not COMPLETED (409) or do not exist (404)', async () => {
    const path = flexPath(atlas, 'flex-cluster', '/backup/download');
    for (const status of ['RUNNING', 'FAILED']) {
      const snapshot = cluster('flex-cluster').snapshots.find((s) => s.status === status);
      const answer = await download(path, snapshot?.id ?? '');
      expect([answer.status, answer.json().errorCode]).toEqual([
        409,
        'CANNOT_DOWNLOAD_INCOMPLETE_SNAPSHOT',
      ]);
    }
    const missing = await download(path, 'ffffffffffffffffffffffff');
    expect([missing.status, missing.json().errorCode]).toEqual([404, 'SNAPSHOT_NOT_FOUND']);
    const tenantMissing = await download(
      tenantPath(atlas, 'shared-cluster', '/download'),
      'ffffffffffffffffffffffff',
      TENANT,
    );
    expect([tenantMissing.status, tenantMissing.json().errorCode]).toEqual([
      404,
      'TENANT_SNAPSHOT_NOT_FOUND',
    ]);
    const running = cluster('shared-cluster').snapshots.find((s) => s.status === 'RUNNING');
    const tenantRunning = await download(
      tenantPath(atlas, 'shared-cluster', '/download'),
      running?.id ?? '',
      TENANT,
    );
    expect([tenantRunning.status, tenantRunning.json().errorCode]).toEqual([
      409,
      'CANNOT_DOWNLOAD_INCOMPLETE_SNAPSHOT',
    ]);
  });

  it('tenant jobs use /restores and clusterName, and unknown jobs are TENANT_RESTORE_NOT_FOUND', async () => {
    const post = await download(
      tenantPath(atlas, 'shared-cluster', '/download'),
      completedId('shared-cluster'),
      TENANT,
    );
    const job = post.json<JobJson>();
    expect(post.headers.get('content-type')).toBe(TENANT);
    expect(job).toMatchObject({ status: 'COMPLETED', clusterName: 'shared-cluster' });
    expect(job.instanceName).toBeUndefined();
    const got = await call(atlas, tenantPath(atlas, 'shared-cluster', `/restores/${job.id}`), {
      accept: TENANT,
    });
    expect(got.json<JobJson>().id).toBe(job.id);
    const list = await call(atlas, tenantPath(atlas, 'shared-cluster', '/restores'), {
      accept: TENANT,
    });
    expect(list.json<PageJson<JobJson>>()).toMatchObject({ totalCount: 1 });
    const ghost = await call(
      atlas,
      tenantPath(atlas, 'shared-cluster', '/restores/ffffffffffffffffffffffff'),
      {
        accept: TENANT,
      },
    );
    expect([ghost.status, ghost.json().errorCode]).toEqual([404, 'TENANT_RESTORE_NOT_FOUND']);
    const flexGhost = await call(
      atlas,
      flexPath(atlas, 'flex-cluster', '/backup/restoreJobs/ffffffffffffffffffffffff'),
    );
    expect([flexGhost.status, flexGhost.json().errorCode]).toEqual([404, 'RESTORE_JOB_NOT_FOUND']);
  });
});

describe('request log', () => {
  it('records every request with method, path, query, lowercased headers, status and time', async () => {
    const token = await (await import('./test-client.ts')).bearerToken(atlas);
    const before = Date.now();
    await call(atlas, `${flexPath(atlas, 'flex-cluster', '/backup/snapshots')}?itemsPerPage=2`, {
      token,
    });
    await call(atlas, '/nowhere', { token });
    const [tokenCall, list, nowhere] = atlas.requests;
    expect(tokenCall).toMatchObject({
      server: 'atlas',
      method: 'POST',
      path: '/api/oauth/token',
      status: 200,
    });
    expect(list).toMatchObject({
      server: 'atlas',
      method: 'GET',
      path: `/api/atlas/v2${flexPath(atlas, 'flex-cluster', '/backup/snapshots')}`,
      query: 'itemsPerPage=2',
      status: 200,
    });
    expect(list?.headers.accept).toBe(FLEX);
    expect(list?.headers.authorization).toBe(`Bearer ${token}`);
    expect(list?.at).toBeGreaterThanOrEqual(before);
    expect(nowhere).toMatchObject({ path: '/api/atlas/v2/nowhere', status: 404 });
    expect(atlas.requests).toHaveLength(3);
  });
});
