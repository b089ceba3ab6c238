import { createHash, randomBytes } from 'node:crypto';

/**
 * HTTP Digest access authentication, client side (RFC 7616), for Atlas programmatic API keys.
 * No maintained library does this for undici (the npm ones wrap axios or node-fetch), and the
 * client side is a few pure functions, checked against the RFC's worked examples in tests.
 */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque: string | undefined;
  algorithm: DigestAlgorithm;
  /** True when the server says the nonce expired but the credentials were right. */
  stale: boolean;
}

export type DigestAlgorithm = 'MD5' | 'SHA-256';

const HASHES: Readonly<Record<DigestAlgorithm, string>> = { MD5: 'md5', 'SHA-256': 'sha256' };

/**
 * Finds the Digest challenge in a WWW-Authenticate header (which may list several schemes).
 * Returns undefined when there is none we can answer: no Digest, an algorithm other than MD5
 * or SHA-256 (the -sess variants included), or no qop=auth.
 */
export function parseDigestChallenge(header: string | undefined): DigestChallenge | undefined {
  if (header === undefined) return undefined;
  const scheme = /(?:^|[\s,])Digest\s+/i.exec(header);
  if (scheme === null) return undefined;
  const params = parseAuthParams(header.slice(scheme.index + scheme[0].length));
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  const algorithm = (params.get('algorithm') ?? 'MD5').toUpperCase();
  const qops = (params.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
  if (realm === undefined || nonce === undefined || !qops.includes('auth')) return undefined;
  if (algorithm !== 'MD5' && algorithm !== 'SHA-256') return undefined;
  return {
    realm,
    nonce,
    opaque: params.get('opaque'),
    algorithm,
    stale: (params.get('stale') ?? '').toLowerCase() === 'true',
  };
}

/** auth-param list: `key=token` or `key="quoted \" string"`, comma separated; stops at the next scheme. */
function parseAuthParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  const pattern =
    /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(,|$)/y;
  let match: RegExpExecArray | null = pattern.exec(text);
  while (match !== null) {
    const key = (match[1] ?? '').toLowerCase();
    const value = match[2] === undefined ? (match[3] ?? '') : match[2].replace(/\\(.)/g, '$1');
    if (!params.has(key)) params.set(key, value);
    if (match[4] === '') break;
    match = pattern.exec(text);
  }
  return params;
}

export interface DigestRequest {
  username: string;
  password: string;
  method: string;
  /** Request target as sent: path plus query. */
  uri: string;
  challenge: DigestChallenge;
  /** Client nonce; random when omitted (tests pass the RFC's). */
  cnonce?: string;
  /** Nonce count; 1 because nonces are never reused across requests. */
  nc?: number;
}

/** The Authorization header value answering a Digest challenge with qop=auth. */
export function digestAuthorization(request: DigestRequest): string {
  const { challenge } = request;
  const hash = (text: string): string =>
    createHash(HASHES[challenge.algorithm]).update(text, 'utf8').digest('hex');
  const cnonce = request.cnonce ?? randomBytes(16).toString('hex');
  const nc = (request.nc ?? 1).toString(16).padStart(8, '0');
  const ha1 = hash(`${request.username}:${challenge.realm}:${request.password}`);
  const ha2 = hash(`${request.method}:${request.uri}`);
  const response = hash(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const fields = [
    `username=${quote(request.username)}`,
    `realm=${quote(challenge.realm)}`,
    `uri=${quote(request.uri)}`,
    `algorithm=${challenge.algorithm}`,
    `nonce=${quote(challenge.nonce)}`,
    `nc=${nc}`,
    `cnonce=${quote(cnonce)}`,
    'qop=auth',
    `response=${quote(response)}`,
  ];
  if (challenge.opaque !== undefined) fields.push(`opaque=${quote(challenge.opaque)}`);
  return `Digest ${fields.join(', ')}`;
}

function quote(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}
