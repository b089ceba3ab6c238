import * as v from 'valibot';
import type { Authenticator } from './auth.ts';
import { AtlasError, describeBody, describeIssues, oneLine, QUOTED_TEXT } from './errors.ts';
import {
  certainlyNotActedOn,
  header,
  type RawResponse,
  safeJson,
  type Transport,
} from './transport.ts';

/** Resource versions of the Admin API this action speaks; a wrong one gets 406. */
export const ApiVersion = {
  Flex: '2024-11-13',
  SharedTier: '2023-01-01',
  /** Cloud Backup of dedicated clusters: snapshots and download restore jobs. */
  CloudBackup: '2023-01-01',
  /** The cluster description (2023-02-01 is gone: 410). */
  Cluster: '2024-08-05',
} as const;
export type ApiVersion = (typeof ApiVersion)[keyof typeof ApiVersion];

export interface ApiCall<T> {
  /** What the call is for, in words: it leads every error message. */
  operation: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** The call creates a job: see RawRequest.creates. A failure that may have created it is `ambiguous`. */
  creates?: boolean;
  /** Path below /api/atlas/v2, starting with a slash, with its segments already encoded. */
  path: string;
  version: ApiVersion;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  /** The shape the answer must have; none for an answer without a body (204). */
  schema: v.GenericSchema<unknown, T> | undefined;
  /** One attempt of at most this long, no retry: for best-effort calls at the end of a run. */
  bestEffortMs?: number;
}

const AtlasErrorBody = v.object({
  errorCode: v.optional(v.string()),
  detail: v.optional(v.nullable(v.string())),
  reason: v.optional(v.nullable(v.string())),
});

/** The Atlas Admin API v2: versioned media types, auth, error mapping and answer validation. */
export class AtlasClient {
  private readonly baseUrl: string;
  private readonly transport: Transport;
  private readonly auth: Authenticator;

  constructor(init: { baseUrl: string; transport: Transport; auth: Authenticator }) {
    this.baseUrl = init.baseUrl;
    this.transport = init.transport;
    this.auth = init.auth;
  }

  async call<T>(call: ApiCall<T>): Promise<T> {
    const mediaType = `application/vnd.atlas.${call.version}+json`;
    const search = new URLSearchParams(
      Object.entries(call.query ?? {}).map(([key, value]): [string, string] => [
        key,
        String(value),
      ]),
    ).toString();
    const uri = `/api/atlas/v2${call.path}${search === '' ? '' : `?${search}`}`;
    const headers: Record<string, string> = { accept: mediaType };
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    if (body !== undefined) headers['content-type'] = mediaType;

    const send = (authorization: string | undefined): Promise<RawResponse> =>
      this.transport.send({
        operation: call.operation,
        method: call.method,
        url: `${this.baseUrl}${uri}`,
        headers: authorization === undefined ? headers : { ...headers, authorization },
        ...(body !== undefined && { body }),
        ...(call.creates && { creates: true }),
        ...(call.bestEffortMs !== undefined && { once: { timeoutMs: call.bestEffortMs } }),
      });

    let response = await send(await this.auth.first(call.method, uri));
    for (let rejections = 1; response.status === 401; rejections++) {
      const authorization = await this.auth.afterUnauthorized(
        call.method,
        uri,
        response,
        rejections,
      );
      if (authorization === undefined) break;
      response = await send(authorization);
    }
    if (response.status < 200 || response.status > 299) {
      const ambiguous =
        call.creates === true &&
        response.status >= 500 &&
        !certainlyNotActedOn(response, undefined);
      throw errorFromResponse(call.operation, response, ambiguous);
    }
    return parseAnswer(call, response);
  }
}

/** Turns a non-2xx answer into an AtlasError, whatever its body is (JSON, HTML from a proxy, nothing). */
export function errorFromResponse(
  operation: string,
  response: RawResponse,
  ambiguous = false,
): AtlasError {
  const parsed = v.safeParse(AtlasErrorBody, safeJson(response.body));
  const status = response.status;
  if (!parsed.success) {
    const detail = describeBody(response.body, header(response, 'content-type'));
    return new AtlasError({
      operation,
      status,
      errorCode: header(response, 'x-error-code'),
      detail,
      ambiguous,
    });
  }
  const { errorCode, detail, reason } = parsed.output;
  const said = detail ?? reason ?? undefined;
  return new AtlasError({
    operation,
    status,
    errorCode: errorCode ?? header(response, 'x-error-code'),
    detail: said === undefined ? undefined : oneLine(said, QUOTED_TEXT),
    ambiguous,
  });
}

function parseAnswer<T>(call: ApiCall<T>, response: RawResponse): T {
  if (call.schema === undefined) return undefined as T;
  const contentType = header(response, 'content-type') ?? '';
  const json = /\bjson\b/i.test(contentType) ? safeJson(response.body) : undefined;
  if (json === undefined) {
    throw new AtlasError({
      operation: call.operation,
      status: response.status,
      detail: `expected a JSON answer, got ${describeBody(response.body, contentType)}`,
      remedy: 'Check atlas-base-url, and any proxy between the runner and Atlas',
    });
  }
  const result = v.safeParse(call.schema, json);
  if (!result.success) {
    throw new AtlasError({
      operation: call.operation,
      status: response.status,
      detail: `the answer does not have the shape this action knows: ${describeIssues(result.issues)}`,
      remedy: 'Atlas may have changed its API: please report this with the message above',
    });
  }
  return result.output;
}
