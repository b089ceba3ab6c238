/**
 * Everything under /api/atlas/v2: authentication, injected faults, version negotiation, body
 * checks, then the endpoint itself. The order is Atlas's as far as it shows from outside.
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { AtlasError, sendAtlasError } from './atlas-error.ts';
import { authenticate } from './auth.ts';
import { flexBackupRoutes, tenantBackupRoutes } from './backup-api.ts';
import { cloudBackupRoutes } from './cloud-backup-api.ts';
import { clusterRoutes } from './cluster-api.ts';
import type { DigestService } from './digest.ts';
import { take } from './faults.ts';
import { readBody, sendBody, sendJson } from './http.ts';
import { LostAnswer } from './lose-answer.ts';
import type { OAuthService } from './oauth.ts';
import {
  API_PREFIX,
  type CompiledRoute,
  compile,
  match,
  NO_CONTENT,
  type RouteFamily,
} from './route.ts';
import type { AtlasState } from './state.ts';

const routes: CompiledRoute[] = [
  ...clusterRoutes,
  ...flexBackupRoutes,
  ...tenantBackupRoutes,
  ...cloudBackupRoutes,
].map(compile);

/** Atlas's published buckets: capacity and refill per minute, per endpoint set and project. */
const BUCKETS: Record<RouteFamily, { capacity: number; perMinute: number }> = {
  flex: { capacity: 1200, perMinute: 500 },
  tenant: { capacity: 4000, perMinute: 2000 },
  cluster: { capacity: 1200, perMinute: 500 },
  // Recorded Cloud Backup answers carry Ratelimit-Limit: 1200; the refill is a guess.
  cloudBackup: { capacity: 1200, perMinute: 500 },
};

export function mediaType(version: string): string {
  return `application/vnd.atlas.${version}+json`;
}

export interface ApiDependencies {
  state: AtlasState;
  oauth: OAuthService;
  digest: DigestService;
}

export type ApiHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createApi({ state, oauth, digest }: ApiDependencies): ApiHandler {
  const buckets = new Map<RouteFamily, { tokens: number; at: number }>();

  /** Spends one token and says what the RateLimit headers would (nothing is refused here). */
  const rateHeaders = (family: RouteFamily): Record<string, string> => {
    const { capacity, perMinute } = BUCKETS[family];
    const now = state.now();
    const bucket = buckets.get(family) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) * perMinute) / 60_000);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    bucket.at = now;
    buckets.set(family, bucket);
    if (!state.faults.rateLimitHeaders) return {};
    return {
      'RateLimit-Limit': String(capacity),
      'RateLimit-Remaining': String(Math.floor(bucket.tokens)),
    };
  };

  /** Answers the injected fault, if one is due, and says whether it did. */
  const injectedFault = (res: ServerResponse, path: string, headers: Record<string, string>) => {
    const { faults } = state;
    if (faults.apiFaultPath !== undefined && !faults.apiFaultPath.test(path)) return false;
    if (take(faults, 'ipNotOnAccessList')) {
      sendAtlasError(
        res,
        403,
        'IP_ADDRESS_NOT_ON_ACCESS_LIST',
        'IP address 127.0.0.1 is not allowed to access this resource.',
        { parameters: ['127.0.0.1'], headers },
      );
      return true;
    }
    if (take(faults, 'userUnauthorized')) {
      sendAtlasError(
        res,
        403,
        'USER_UNAUTHORIZED',
        'Current user is not authorized to perform this action.',
        { headers },
      );
      return true;
    }
    if (take(faults, 'rateLimited')) {
      const retry = faults.retryAfterSeconds;
      sendAtlasError(
        res,
        429,
        'RATE_LIMITED_TOKEN_BUCKET',
        'You have exceeded the rate limit for this endpoint. Please wait and retry.',
        {
          headers: {
            ...headers,
            ...(headers['RateLimit-Limit'] !== undefined ? { 'RateLimit-Remaining': '0' } : {}),
            ...(retry !== undefined ? { 'Retry-After': String(retry) } : {}),
          },
        },
      );
      return true;
    }
    if (take(faults, 'serverError')) {
      const status = faults.serverErrorStatus;
      const retry = faults.serverErrorRetryAfterSeconds;
      const extra = retry !== undefined ? { 'Retry-After': String(retry) } : {};
      if (status === 500) {
        sendAtlasError(res, 500, 'UNEXPECTED_ERROR', 'Unexpected error.', { headers: extra });
      } else {
        // What a load balancer in front of Atlas answers: HTML, not the API's JSON.
        const reason = STATUS_CODES[status] ?? 'Error';
        const page = `<html><head><title>${status} ${reason}</title></head><body><center><h1>${status} ${reason}</h1></center></body></html>\n`;
        sendBody(res, status, 'text/html', page, extra);
      }
      return true;
    }
    return false;
  };

  const findRoute = (method: string, path: string) => {
    let pathMatched = false;
    for (const route of routes) {
      const params = match(route, path);
      if (params === undefined) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
    if (pathMatched)
      throw new AtlasError(405, 'METHOD_NOT_ALLOWED', `Method ${method} is not allowed.`);
    throw new AtlasError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${API_PREFIX}${path}.`, {
      parameters: [`${API_PREFIX}${path}`],
    });
  };

  const readJson = async (req: IncomingMessage, version: string): Promise<unknown> => {
    const type = req.headers['content-type'] ?? '';
    const body = await readBody(req);
    const expected = mediaType(version).replaceAll('.', '\\.').replace('+', '\\+');
    if (!new RegExp(`^${expected}\\s*(;\\s*charset=utf-8\\s*)?$`, 'i').test(type)) {
      throw new AtlasError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type must be ${mediaType(version)}.`,
        { parameters: [type] },
      );
    }
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new AtlasError(400, 'INVALID_JSON', 'Received JSON is malformed.');
    }
  };

  return async (req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.slice(API_PREFIX.length);
    let headers: Record<string, string> = {};
    try {
      if (authenticate(req, res, oauth, digest) === undefined) return;
      const { route, params } = findRoute(method, path);
      headers = rateHeaders(route.family);
      if (injectedFault(res, path, headers)) return;
      if (route.family === 'tenant' && state.faults.tenantMissing) {
        throw new AtlasError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${url.pathname}.`, {
          parameters: [url.pathname],
        });
      }
      if (route.family === 'tenant' && state.faults.tenantGone) {
        throw new AtlasError(
          410,
          'GONE',
          `The resource version ${route.version} of ${url.pathname} reached its sunset date and is no longer available.`,
        );
      }
      if (req.headers.accept !== mediaType(route.version)) {
        throw new AtlasError(406, 'INVALID_VERSION_DATE', 'Invalid accept header or version date.');
      }
      const body = method === 'POST' ? await readJson(req, route.version) : undefined;
      const answer = route.handle({ state, req, params, query: url.searchParams, body, path });
      if (answer === NO_CONTENT) {
        res.writeHead(204, { ...headers, 'Content-Type': mediaType(route.version) });
        res.end();
        return;
      }
      sendJson(res, 200, answer, mediaType(route.version), headers);
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof LostAnswer) {
        error.send(res);
        return;
      }
      if (error instanceof AtlasError) {
        sendAtlasError(res, error.status, error.errorCode, error.message, {
          ...error.extras,
          headers: { ...headers, ...error.extras.headers },
        });
        return;
      }
      sendAtlasError(res, 500, 'UNEXPECTED_ERROR', `Emulator error: ${String(error)}`);
    }
  };
}
