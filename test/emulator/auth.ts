/** Who may call the Admin API: a service-account bearer token or a Digest-signed API key. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendAtlasError } from './atlas-error.ts';
import type { DigestService } from './digest.ts';
import type { OAuthService } from './oauth.ts';

export type AuthMethod = 'bearer' | 'digest';

/**
 * Answers 401 itself and returns undefined when the request is not authenticated. Every 401
 * carries a Digest challenge, as Atlas's does, whichever scheme the client tried.
 */
export function authenticate(
  req: IncomingMessage,
  res: ServerResponse,
  oauth: OAuthService,
  digest: DigestService,
): AuthMethod | undefined {
  const header = req.headers.authorization ?? '';
  const unauthorized = (stale: boolean, detail: string): undefined => {
    sendAtlasError(res, 401, 'UNAUTHORIZED', detail, {
      headers: { 'WWW-Authenticate': digest.challenge(stale) },
    });
    return undefined;
  };

  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer?.[1] !== undefined) {
    const verdict = oauth.check(bearer[1]);
    if (verdict === 'valid') return 'bearer';
    return unauthorized(
      false,
      verdict === 'expired' ? 'The access token has expired.' : 'Invalid access token.',
    );
  }
  if (/^Digest\s/i.test(header)) {
    const verdict = digest.verify(header, req.method ?? 'GET', req.url ?? '/');
    if (verdict === 'valid') return 'digest';
    return unauthorized(verdict === 'stale', 'You are not authorized for this resource.');
  }
  return unauthorized(false, 'You are not authorized for this resource.');
}
