import { afterEach, describe, expect, it } from 'vitest';
import { type AtlasEmulator, type AtlasEmulatorOptions, startAtlasEmulator } from './atlas.ts';
import {
  bearerToken,
  call,
  challengeOf,
  digestAuthorization,
  FLEX,
  flexPath,
} from './test-client.ts';

let atlas: AtlasEmulator;
afterEach(async () => {
  await atlas.close();
});

async function start(options: AtlasEmulatorOptions = {}) {
  atlas = await startAtlasEmulator(options);
  return atlas;
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

function tokenRequest(authorization: string, body = 'grant_type=client_credentials') {
  return fetch(`${atlas.url}/api/oauth/token`, {
    method: 'POST',
    headers: {
      authorization,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body,
  });
}

describe('service account (OAuth client credentials)', () => {
  it('issues a bearer token that the API accepts', async () => {
    await start();
    const { clientId, clientSecret } = atlas.credentials;
    const answer = await tokenRequest(basic(clientId, clientSecret));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    const body = (await answer.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
    });
    expect(atlas.issuedTokens).toEqual([body.access_token]);
    const api = await call(atlas, flexPath(atlas), { token: String(body.access_token) });
    expect(api.status).toBe(200);
  });

  it('refuses bad credentials with the OAuth error, and a wrong grant', async () => {
    await start();
    const bad = await tokenRequest(basic(atlas.credentials.clientId, 'wrong'));
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Invalid credentials provided.',
    });
    const noAuth = await tokenRequest('');
    expect(noAuth.status).toBe(401);
    const { clientId, clientSecret } = atlas.credentials;
    const grant = await tokenRequest(basic(clientId, clientSecret), 'grant_type=password');
    expect(grant.status).toBe(400);
    expect(((await grant.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });

  it('expires tokens after tokenTtlSeconds on the emulator clock, and on demand', async () => {
    let now = Date.UTC(2026, 10, 29, 3, 0, 0);
    await start({ now: () => now });
    atlas.faults.tokenTtlSeconds = 60;
    const token = await bearerToken(atlas);
    expect((await call(atlas, flexPath(atlas), { token })).status).toBe(200);
    now += 60_000;
    const expired = await call(atlas, flexPath(atlas), { token });
    expect(expired.status).toBe(401);
    expect(expired.json().detail).toMatch(/expired/);

    atlas.faults.tokenTtlSeconds = 3600;
    const fresh = await bearerToken(atlas);
    expect((await call(atlas, flexPath(atlas), { token: fresh })).status).toBe(200);
    atlas.expireTokens();
    expect((await call(atlas, flexPath(atlas), { token: fresh })).status).toBe(401);
    const later = await bearerToken(atlas);
    expect((await call(atlas, flexPath(atlas), { token: later })).status).toBe(200);
  });

  it('revokes a token', async () => {
    await start();
    const token = await bearerToken(atlas);
    const { clientId, clientSecret } = atlas.credentials;
    const revoke = await fetch(`${atlas.url}/api/oauth/revoke`, {
      method: 'POST',
      headers: {
        authorization: basic(clientId, clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect((await call(atlas, flexPath(atlas), { token })).status).toBe(401);
  });

  it('answers 401 with a Digest challenge to a request with no credentials', async () => {
    await start();
    const answer = await fetch(`${atlas.url}/api/atlas/v2${flexPath(atlas)}`, {
      headers: { accept: FLEX },
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(
      /^Digest realm="MMS Public API", domain="", nonce="[^"]+", algorithm=MD5, qop="auth", stale=false$/,
    );
    expect(answer.headers.get('x-error-code')).toBe('UNAUTHORIZED');
    expect(((await answer.json()) as { error: number }).error).toBe(401);
  });
});

describe('API key (HTTP Digest)', () => {
  async function challenge(path: string, method = 'GET') {
    const answer = await fetch(`${atlas.url}${path}`, { method, headers: { accept: FLEX } });
    expect(answer.status).toBe(401);
    return challengeOf(answer.headers.get('www-authenticate'));
  }

  async function signed(
    path: string,
    params: Record<string, string>,
    extra: { nc?: number; password?: string } = {},
  ) {
    const authorization = digestAuthorization({
      username: atlas.credentials.publicKey,
      password: extra.password ?? atlas.credentials.privateKey,
      challenge: params,
      method: 'GET',
      uri: path,
      ...(extra.nc !== undefined ? { nc: extra.nc } : {}),
    });
    const answer = await fetch(`${atlas.url}${path}`, { headers: { accept: FLEX, authorization } });
    return {
      status: answer.status,
      challenge: challengeOf(answer.headers.get('www-authenticate')),
    };
  }

  it.each(['MD5', 'SHA-256'] as const)(
    'verifies a real %s digest, query string included',
    async (algorithm) => {
      await start({ digestAlgorithm: algorithm });
      const path = `/api/atlas/v2${flexPath(atlas, 'flex-cluster', '/backup/snapshots')}?itemsPerPage=3&pageNum=1`;
      const params = await challenge(path);
      expect(params.algorithm).toBe(algorithm);
      expect(params.realm).toBe('MMS Public API');
      expect((await signed(path, params)).status).toBe(200);
      // The same nonce may be reused with a growing count, not replayed with the same one.
      expect((await signed(path, params, { nc: 2 })).status).toBe(200);
      expect((await signed(path, params, { nc: 2 })).status).toBe(401);
    },
  );

  it('refuses a wrong key, a digest over another URI, and an algorithm not offered', async () => {
    await start();
    const path = `/api/atlas/v2${flexPath(atlas)}`;
    const wrong = await signed(path, await challenge(path), { password: 'not-the-key' });
    expect(wrong.status).toBe(401);
    expect(wrong.challenge.stale).toBe('false');
    const params = await challenge(path);
    const otherUri = digestAuthorization({
      username: atlas.credentials.publicKey,
      password: atlas.credentials.privateKey,
      challenge: params,
      method: 'GET',
      uri: `${path}?pageNum=2`,
    });
    const answer = await fetch(`${atlas.url}${path}`, {
      headers: { accept: FLEX, authorization: otherUri },
    });
    expect(answer.status).toBe(401);
    const md5 = await challenge(path);
    expect((await signed(path, { ...md5, algorithm: 'SHA-256' })).status).toBe(401);
  });

  it('says stale=true once a nonce outlives nonceTtlMs, and a fresh nonce works', async () => {
    let now = Date.UTC(2026, 10, 29, 3, 0, 0);
    await start({ now: () => now });
    atlas.faults.nonceTtlMs = 30_000;
    const path = `/api/atlas/v2${flexPath(atlas)}`;
    const params = await challenge(path);
    now += 30_001;
    const stale = await signed(path, params);
    expect(stale.status).toBe(401);
    expect(stale.challenge.stale).toBe('true');
    expect(stale.challenge.nonce).not.toBe(params.nonce);
    expect((await signed(path, stale.challenge)).status).toBe(200);
  });

  it('forces stale answers for the next N requests with faults.staleNonces', async () => {
    await start();
    atlas.faults.staleNonces = 2;
    const path = `/api/atlas/v2${flexPath(atlas)}`;
    const first = await signed(path, await challenge(path));
    const second = await signed(path, first.challenge);
    const third = await signed(path, second.challenge);
    expect([first, second, third].map((r) => `${r.status}:${r.challenge.stale ?? ''}`)).toEqual([
      '401:true',
      '401:true',
      '200:',
    ]);
    expect(atlas.faults.staleNonces).toBe(0);
  });
});
