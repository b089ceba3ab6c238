/**
 * A deliberately plain client for the emulator's own tests: it computes Digest answers with
 * node:crypto itself, so the emulator's verifier is checked against an independent copy.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AtlasEmulator } from './atlas.ts';

export const FLEX = 'application/vnd.atlas.2024-11-13+json';
export const TENANT = 'application/vnd.atlas.2023-01-01+json';
export const CLUSTER = 'application/vnd.atlas.2024-08-05+json';

export async function bearerToken(atlas: AtlasEmulator): Promise<string> {
  const { clientId, clientSecret } = atlas.credentials;
  const response = await fetch(`${atlas.url}/api/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

export interface ErrorJson {
  error: number;
  errorCode: string;
  detail: string;
  reason: string;
  parameters: unknown[];
  badRequestDetail?: { fields: { field: string; description: string }[] };
}

export interface LinkJson {
  rel: string;
  href: string;
}

export interface PageJson<T = Record<string, unknown>> {
  results: T[];
  totalCount?: number;
  links: LinkJson[];
}

export interface SnapshotJson {
  id: string;
  status: string;
  scheduledTime: string;
  startTime?: string;
  finishTime?: string;
  expiration: string;
  mongoDBVersion: string;
  links: LinkJson[];
}

export interface JobJson {
  id: string;
  deliveryType: string;
  status: string;
  snapshotId: string;
  snapshotUrl?: string;
  expirationDate: string;
  restoreScheduledDate: string;
  restoreFinishedDate?: string;
  snapshotFinishedDate?: string;
  instanceName?: string;
  clusterName?: string;
  projectId: string;
  targetDeploymentItemName: string;
  targetProjectId: string;
  links: LinkJson[];
}

export interface CallOptions {
  method?: string;
  accept?: string;
  contentType?: string;
  body?: string;
  token?: string;
  authorization?: string;
}

/** Calls `/api/atlas/v2${path}` with a bearer token (fetched when not given). */
export async function call(atlas: AtlasEmulator, path: string, options: CallOptions = {}) {
  const token = options.token ?? (await bearerToken(atlas));
  const headers: Record<string, string> = {
    accept: options.accept ?? FLEX,
    authorization: options.authorization ?? `Bearer ${token}`,
  };
  if (options.body !== undefined)
    headers['content-type'] = options.contentType ?? headers.accept ?? FLEX;
  const response = await fetch(`${atlas.url}/api/atlas/v2${path}`, {
    method: options.method ?? 'GET',
    headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: <T = ErrorJson>() => JSON.parse(text) as T,
  };
}

export function flexPath(atlas: AtlasEmulator, cluster = 'flex-cluster', rest = ''): string {
  return `/groups/${atlas.groupId}/flexClusters/${cluster}${rest}`;
}

export function tenantPath(atlas: AtlasEmulator, cluster = 'shared-cluster', rest = ''): string {
  return `/groups/${atlas.groupId}/clusters/${cluster}/backup/tenant${rest}`;
}

/** Parses a WWW-Authenticate Digest challenge (the test's own parser). */
export function challengeOf(header: string | null): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of (header ?? '').matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params[m[1] ?? ''] = m[2] ?? m[3] ?? '';
  }
  return params;
}

/** RFC 7616 client side: the Authorization header for one request. */
export function digestAuthorization(input: {
  username: string;
  password: string;
  challenge: Record<string, string>;
  method: string;
  uri: string;
  nc?: number;
  cnonce?: string;
}): string {
  const algorithm = input.challenge.algorithm ?? 'MD5';
  const h = (value: string) =>
    createHash(algorithm === 'SHA-256' ? 'sha256' : 'md5')
      .update(value)
      .digest('hex');
  const realm = input.challenge.realm ?? '';
  const nonce = input.challenge.nonce ?? '';
  const nc = (input.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = input.cnonce ?? 'f00dfeedcafe';
  const ha1 = h(`${input.username}:${realm}:${input.password}`);
  const ha2 = h(`${input.method}:${input.uri}`);
  const response = h(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${input.username}", realm="${realm}", nonce="${nonce}", uri="${input.uri}", algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"`;
}

export interface RawDownload {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  /** 'complete'; 'reset' (the socket got an RST); 'cut' (closed early without one). */
  ending: 'complete' | 'reset' | 'cut';
}

/**
 * GET with node:http so a test sees exactly how the body ended (complete, reset, cut short),
 * which fetch hides behind one "terminated" error.
 */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawDownload> {
  return new Promise((resolve, reject) => {
    let reset = false;
    let responded = false;
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      // An early close also emits 'error' (aborted) on the response; 'close' says it all.
      res.on('error', () => {});
      res.on('close', () => {
        const ending = res.complete ? 'complete' : reset ? 'reset' : 'cut';
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bytes: Buffer.concat(chunks),
          ending,
        });
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!responded) reject(error);
      if (error.code === 'ECONNRESET') reset = true;
    });
    req.end();
  });
}
