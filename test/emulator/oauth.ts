/** Service-account OAuth 2.0: the client-credentials token endpoint, revocation, bearer checks. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendBody, sendJson } from './http.ts';

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  now: () => number;
  ttlSeconds: () => number;
}

export type BearerVerdict = 'valid' | 'expired' | 'unknown';

interface IssuedToken {
  expiresAt: number;
  revoked: boolean;
}

export interface OAuthService {
  /** POST /api/oauth/token */
  token(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** POST /api/oauth/revoke */
  revoke(req: IncomingMessage, res: ServerResponse): Promise<void>;
  check(accessToken: string): BearerVerdict;
  /** Makes every token issued so far expired, as if an hour had passed. */
  expireAll(): void;
  /** Tokens issued so far, newest last (tests read them to assert reuse or refresh). */
  readonly issued: string[];
}

export function createOAuth(options: OAuthOptions): OAuthService {
  const tokens = new Map<string, IssuedToken>();
  const issued: string[] = [];

  const oauthError = (res: ServerResponse, status: number, error: string, description: string) =>
    sendJson(res, status, { error, error_description: description }, 'application/json', {
      'Cache-Control': 'no-store',
    });

  /** Basic credentials, compared raw: the id and secret are not URL-encoded (unlike RFC 6749). */
  const clientAuthenticated = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (match?.[1] === undefined) return false;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return false;
    return (
      decoded.slice(0, colon) === options.clientId &&
      decoded.slice(colon + 1) === options.clientSecret
    );
  };

  const readForm = async (req: IncomingMessage): Promise<URLSearchParams | undefined> => {
    const type = req.headers['content-type'] ?? '';
    const body = await readBody(req);
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) return undefined;
    return new URLSearchParams(body.toString('utf8'));
  };

  return {
    issued,
    async token(req, res) {
      const form = await readForm(req);
      if (!clientAuthenticated(req)) {
        oauthError(res, 401, 'invalid_client', 'Invalid credentials provided.');
        return;
      }
      if (form === undefined) {
        oauthError(res, 400, 'invalid_request', 'Content-Type must be form-urlencoded.');
        return;
      }
      if (form.get('grant_type') !== 'client_credentials') {
        oauthError(res, 400, 'unsupported_grant_type', 'Only client_credentials is supported.');
        return;
      }
      const accessToken = `eyJ${randomBytes(48).toString('base64url')}`;
      const ttl = options.ttlSeconds();
      tokens.set(accessToken, { expiresAt: options.now() + ttl * 1000, revoked: false });
      issued.push(accessToken);
      sendJson(
        res,
        200,
        { access_token: accessToken, token_type: 'Bearer', expires_in: ttl },
        'application/json',
        { 'Cache-Control': 'no-store' },
      );
    },
    async revoke(req, res) {
      const form = await readForm(req);
      if (!clientAuthenticated(req)) {
        oauthError(res, 401, 'invalid_client', 'Invalid credentials provided.');
        return;
      }
      const token = form?.get('token');
      if (token === null || token === undefined) {
        oauthError(res, 400, 'invalid_request', 'The token parameter is required.');
        return;
      }
      const known = tokens.get(token);
      if (known !== undefined) known.revoked = true;
      // RFC 7009: unknown tokens are not an error.
      sendBody(res, 200, 'application/json', '');
    },
    check(accessToken) {
      const known = tokens.get(accessToken);
      if (known === undefined || known.revoked) return 'unknown';
      return options.now() >= known.expiresAt ? 'expired' : 'valid';
    },
    expireAll() {
      const now = options.now();
      for (const token of tokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
    },
  };
}
