import * as v from 'valibot';
import type { Clock } from '../clock.ts';
import type { Credentials } from '../inputs.ts';
import { digestAuthorization, parseDigestChallenge } from './digest.ts';
import { AtlasError, describeBody, describeIssues, oneLine, QUOTED_TEXT } from './errors.ts';
import { header, type RawResponse, safeJson, type Transport } from './transport.ts';

/**
 * How a request to the Admin API gets its Authorization header. The client sends `first`; on
 * a 401 it asks `afterUnauthorized` for one more header, until that returns undefined.
 */
export interface Authenticator {
  first(method: string, uri: string): Promise<string | undefined>;
  /** `rejections` counts the 401s this request has had so far (1 on the first). */
  afterUnauthorized(
    method: string,
    uri: string,
    response: RawResponse,
    rejections: number,
  ): Promise<string | undefined>;
  /** Gives back what was minted, if anything. */
  close?(): Promise<void>;
}

export interface AuthDeps {
  transport: Transport;
  baseUrl: string;
  clock: Clock;
  /** Registers a secret with the runner's log masking. */
  mask(secret: string): void;
  /** The one revocation attempt's deadline; default 3 s. */
  revokeTimeoutMs?: number;
}

export function createAuthenticator(credentials: Credentials, deps: AuthDeps): Authenticator {
  return credentials.kind === 'service-account'
    ? new ServiceAccountAuth(credentials.clientId, credentials.clientSecret, deps)
    : new DigestAuth(credentials.publicKey, credentials.privateKey);
}

const TokenAnswer = v.object({
  // It goes into an Authorization header: anything but visible ASCII could never be sent,
  // and servers refuse headers past 8 to 16 KiB (Atlas's JWTs are a fraction of that). The
  // messages must not quote it: it is not masked until it is known to be a token.
  access_token: v.pipe(
    v.string(),
    v.maxLength(8_192, 'expected access_token to be at most 8192 characters'),
    v.regex(/^[\x21-\x7e]+$/, 'expected access_token to be visible ASCII characters'),
  ),
  token_type: v.pipe(
    v.string(),
    v.check((type) => type.toLowerCase() === 'bearer', 'expected token_type Bearer'),
  ),
  expires_in: v.optional(v.pipe(v.number(), v.minValue(1)), 3600),
});
const OAuthError = v.object({
  error: v.string(),
  error_description: v.optional(v.string()),
});

/** Refresh this long before the token expires, so a request never carries a dying token. */
const REFRESH_MARGIN_MS = 60_000;
/** With a job cancellation (2.5 s), under the 5 s the entry point allows a cancelled run for its cleanup. */
const REVOKE_TIMEOUT_MS = 2_000;

/**
 * OAuth 2.0 client credentials for an Atlas service account. The token is cached, refreshed a
 * minute before it expires, and once more when Atlas rejects it anyway (revoked, clock skew).
 */
export class ServiceAccountAuth implements Authenticator {
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly deps: AuthDeps;
  private token: { value: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(clientId: string, clientSecret: string, deps: AuthDeps) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.deps = deps;
  }

  async first(): Promise<string> {
    const now = this.deps.clock.now();
    if (this.token === undefined || this.token.expiresAt - REFRESH_MARGIN_MS <= now) {
      this.token = undefined;
    }
    return `Bearer ${this.token?.value ?? (await this.mint())}`;
  }

  async afterUnauthorized(
    _method: string,
    _uri: string,
    _response: RawResponse,
    rejections: number,
  ): Promise<string | undefined> {
    if (rejections > 1) return undefined;
    this.token = undefined;
    return `Bearer ${await this.mint()}`;
  }

  /**
   * Revokes the token at the end of the run: it would stay valid for up to an hour, and a
   * token that no longer works is worth nothing to whoever finds it in a crash dump. Best
   * effort, one attempt of a few seconds: the run's result is decided already, and this also
   * runs after a cancellation, inside the runner's grace period.
   */
  async close(): Promise<void> {
    const token = this.token?.value;
    if (token === undefined) return;
    this.token = undefined;
    const response = await this.deps.transport.send({
      operation: 'Revoking the access token',
      method: 'POST',
      url: `${this.deps.baseUrl}/api/oauth/revoke`,
      headers: this.clientHeaders(),
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      once: { timeoutMs: this.deps.revokeTimeoutMs ?? REVOKE_TIMEOUT_MS },
    });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  }

  /** Basic auth with the raw id and secret: Atlas does not want them form-encoded first (RFC 6749 2.3.1 would). */
  private clientHeaders(): Record<string, string> {
    const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64');
    this.deps.mask(basic);
    return {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
  }

  private mint(): Promise<string> {
    // Concurrent callers share one token request.
    this.pending ??= this.requestToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async requestToken(): Promise<string> {
    const { transport, baseUrl, clock, mask } = this.deps;
    const operation = 'Getting an access token for the service account';
    const response = await transport.send({
      operation,
      method: 'POST',
      url: `${baseUrl}/api/oauth/token`,
      headers: this.clientHeaders(),
      body: 'grant_type=client_credentials',
    });
    const json = safeJson(response.body);
    if (response.status !== 200) {
      const oauth = v.safeParse(OAuthError, json);
      throw new AtlasError({
        operation,
        status: response.status,
        errorCode: oauth.success ? oauth.output.error : header(response, 'x-error-code'),
        detail: oauth.success
          ? oauth.output.error_description && oneLine(oauth.output.error_description, QUOTED_TEXT)
          : describeBody(response.body, header(response, 'content-type')),
        remedy:
          response.status === 400 || response.status === 401
            ? 'Check client-id and client-secret: the service account may be deleted, or its secret expired or rotated'
            : undefined,
      });
    }
    const answer = v.safeParse(TokenAnswer, json);
    if (!answer.success) {
      const contentType = oneLine(header(response, 'content-type') || 'no content type', 60);
      throw new AtlasError({
        operation,
        status: response.status,
        // A body that is not JSON is not quoted: it may be a token answer cut short.
        detail:
          json === undefined
            ? `expected a JSON OAuth token, got ${contentType} (${response.body.length} characters)`
            : `the answer is not an OAuth token (${describeIssues(answer.issues)})`,
        remedy: 'Check atlas-base-url and any proxy between the runner and Atlas',
      });
    }
    // Masked before it is stored or anything else can print it.
    mask(answer.output.access_token);
    this.token = {
      value: answer.output.access_token,
      expiresAt: clock.now() + answer.output.expires_in * 1000,
    };
    return answer.output.access_token;
  }
}

/**
 * HTTP Digest for a legacy programmatic API key. Nonces are short-lived, so none is kept
 * between requests: each request is sent bare, answered with a fresh challenge, then signed;
 * a stale nonce gets one more try with the new one.
 */
export class DigestAuth implements Authenticator {
  private readonly username: string;
  private readonly password: string;

  constructor(username: string, password: string) {
    this.username = username;
    this.password = password;
  }

  async first(): Promise<undefined> {
    return undefined;
  }

  async afterUnauthorized(
    method: string,
    uri: string,
    response: RawResponse,
    rejections: number,
  ): Promise<string | undefined> {
    const challenge = parseDigestChallenge(header(response, 'www-authenticate'));
    if (challenge === undefined) return undefined;
    // The first 401 is the challenge itself; a second is only worth answering when the nonce went stale.
    if (rejections === 1 || (rejections === 2 && challenge.stale)) {
      return digestAuthorization({
        username: this.username,
        password: this.password,
        method,
        uri,
        challenge,
      });
    }
    return undefined;
  }
}
