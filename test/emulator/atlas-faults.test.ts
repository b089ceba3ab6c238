import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AtlasEmulator, startAtlasEmulator } from './atlas.ts';
import { bearerToken, call, flexPath, TENANT, tenantPath } from './test-client.ts';

let atlas: AtlasEmulator;
let token: string;
beforeEach(async () => {
  atlas = await startAtlasEmulator();
  token = await bearerToken(atlas);
});
afterEach(async () => {
  await atlas.close();
});

const get = () => call(atlas, flexPath(atlas, 'flex-cluster', '/backup/snapshots'), { token });

describe('API faults count down', () => {
  it('429 RATE_LIMITED_TOKEN_BUCKET with Retry-After for the next N requests', async () => {
    atlas.faults.rateLimited = 2;
    atlas.faults.retryAfterSeconds = 7;
    const answers = [await get(), await get(), await get()];
    expect(answers.map((a) => a.status)).toEqual([429, 429, 200]);
    const [limited] = answers;
    expect(limited?.json()).toMatchObject({ error: 429, errorCode: 'RATE_LIMITED_TOKEN_BUCKET' });
    expect(limited?.headers.get('retry-after')).toBe('7');
    expect(limited?.headers.get('x-error-code')).toBe('RATE_LIMITED_TOKEN_BUCKET');
    expect(limited?.headers.get('ratelimit-remaining')).toBe('0');
    expect(atlas.faults.rateLimited).toBe(0);
    atlas.faults.rateLimited = 1;
    atlas.faults.retryAfterSeconds = undefined;
    expect((await get()).headers.get('retry-after')).toBeNull();
  });

  it('5xx: 500 as Atlas JSON, 502/503 as a load balancer HTML page, Retry-After optional', async () => {
    atlas.faults.serverError = 1;
    atlas.faults.serverErrorStatus = 500;
    const json = await get();
    expect([json.status, json.json().errorCode]).toEqual([500, 'UNEXPECTED_ERROR']);
    atlas.faults.serverError = 2;
    atlas.faults.serverErrorStatus = 503;
    atlas.faults.serverErrorRetryAfterSeconds = 2;
    const html = await get();
    expect(html.status).toBe(503);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(html.headers.get('retry-after')).toBe('2');
    expect(html.text).toContain('503 Service Unavailable');
    expect([(await get()).status, (await get()).status]).toEqual([503, 200]);
  });

  it.each([
    ['ipNotOnAccessList', 'IP_ADDRESS_NOT_ON_ACCESS_LIST'],
    ['userUnauthorized', 'USER_UNAUTHORIZED'],
  ] as const)('%s answers 403 %s', async (knob, code) => {
    atlas.faults[knob] = 1;
    const refused = await get();
    expect([refused.status, refused.json().errorCode]).toEqual([403, code]);
    expect((await get()).status).toBe(200);
  });

  it('hits only paths matching apiFaultPath, and only after authentication', async () => {
    atlas.faults.rateLimited = 1;
    atlas.faults.apiFaultPath = /\/download$/;
    expect((await get()).status).toBe(200);
    const unauthenticated = await call(atlas, flexPath(atlas, 'flex-cluster', '/backup/download'), {
      method: 'POST',
      body: '{}',
      authorization: 'Bearer not-a-token',
    });
    expect(unauthenticated.status).toBe(401);
    expect(atlas.faults.rateLimited).toBe(1);
    const post = await call(atlas, flexPath(atlas, 'flex-cluster', '/backup/download'), {
      method: 'POST',
      body: '{}',
      token,
    });
    expect(post.status).toBe(429);
  });

  it('sends RateLimit headers per endpoint family unless switched off', async () => {
    const flex = await get();
    expect(flex.headers.get('ratelimit-limit')).toBe('1200');
    expect(Number(flex.headers.get('ratelimit-remaining'))).toBeLessThan(1200);
    const tenant = await call(atlas, tenantPath(atlas, 'shared-cluster', '/snapshots'), {
      token,
      accept: TENANT,
    });
    expect(tenant.headers.get('ratelimit-limit')).toBe('4000');
    atlas.faults.rateLimitHeaders = false;
    expect((await get()).headers.get('ratelimit-limit')).toBeNull();
  });
});
