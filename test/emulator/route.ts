/** How the Admin API emulator describes and matches its endpoints. */
import type { IncomingMessage } from 'node:http';
import { AtlasError } from './atlas-error.ts';
import type { Link } from './render.ts';
import type { AtlasState } from './state.ts';

/** Resource families: each has its own version, token bucket and sunset switch. */
export type RouteFamily = 'flex' | 'tenant' | 'cluster' | 'cloudBackup';

/** What a handler returns for 204 No Content (Cloud Backup's DELETE of a restore job). */
export const NO_CONTENT: unique symbol = Symbol('204 No Content');

export interface RouteContext {
  state: AtlasState;
  req: IncomingMessage;
  /** Path parameters by template name, percent-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body of a POST, else undefined. */
  body: unknown;
  /** The request path relative to /api/atlas/v2, for links. */
  path: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Relative to /api/atlas/v2, e.g. '/groups/{groupId}/flexClusters/{name}'. */
  template: string;
  family: RouteFamily;
  /** The resource version: Accept must be exactly application/vnd.atlas.<version>+json. */
  version: string;
  handle(context: RouteContext): unknown;
}

export interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

export function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.template.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    names.push(name);
    return '([^/]*)';
  });
  return { ...route, pattern: new RegExp(`^${source}$`), names };
}

export function match(route: CompiledRoute, path: string): Record<string, string> | undefined {
  const found = route.pattern.exec(path);
  if (found === null) return undefined;
  const params: Record<string, string> = {};
  route.names.forEach((name, index) => {
    params[name] = decodeURIComponent(found[index + 1] ?? '');
  });
  return params;
}

export const API_PREFIX = '/api/atlas/v2';

export function href(state: AtlasState, path: string): string {
  return `${state.baseUrl()}${API_PREFIX}${path}`;
}

export interface Page<T> {
  results: T[];
  totalCount?: number;
  links: Link[];
}

function integerParameter(query: URLSearchParams, name: string, fallback: number, max: number) {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    throw new AtlasError(400, 'VALIDATION_ERROR', `Invalid value for query parameter ${name}.`, {
      parameters: [name],
      badRequestFields: [{ field: name, description: `must be an integer from 1 to ${max}` }],
    });
  }
  return value;
}

/** Atlas list paging: pageNum from 1, itemsPerPage 1..500 (100), includeCount (true). */
export function paginate<T>(items: T[], context: RouteContext): Page<T> {
  const pageNum = integerParameter(context.query, 'pageNum', 1, Number.MAX_SAFE_INTEGER);
  const itemsPerPage = integerParameter(context.query, 'itemsPerPage', 100, 500);
  const includeRaw = context.query.get('includeCount') ?? 'true';
  if (includeRaw !== 'true' && includeRaw !== 'false') {
    throw new AtlasError(
      400,
      'VALIDATION_ERROR',
      'Invalid value for query parameter includeCount.',
      {
        parameters: ['includeCount'],
        badRequestFields: [{ field: 'includeCount', description: 'must be true or false' }],
      },
    );
  }
  const pageHref = (page: number) =>
    `${href(context.state, context.path)}?includeCount=${includeRaw}&itemsPerPage=${itemsPerPage}&pageNum=${page}`;
  const start = (pageNum - 1) * itemsPerPage;
  const links: Link[] = [{ rel: 'self', href: pageHref(pageNum) }];
  if (pageNum > 1) links.push({ rel: 'previous', href: pageHref(pageNum - 1) });
  if (start + itemsPerPage < items.length) links.push({ rel: 'next', href: pageHref(pageNum + 1) });
  const page: Page<T> = { results: items.slice(start, start + itemsPerPage), links };
  if (includeRaw === 'true') page.totalCount = items.length;
  return page;
}

/** A list that takes no paging parameters (the shared-tier endpoints). */
export function unpaged<T>(items: T[], context: RouteContext): Page<T> {
  return {
    results: items,
    totalCount: items.length,
    links: [{ rel: 'self', href: href(context.state, context.path) }],
  };
}
