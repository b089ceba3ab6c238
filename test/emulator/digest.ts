/** HTTP Digest (RFC 7616, qop=auth) as Atlas uses it for programmatic API keys. */
import { createHash, randomBytes } from 'node:crypto';

export const DIGEST_REALM = 'MMS Public API';

export type DigestAlgorithm = 'MD5' | 'SHA-256';
export type DigestVerdict = 'valid' | 'stale' | 'invalid';

export interface DigestOptions {
  username: string;
  password: string;
  now: () => number;
  algorithm: () => DigestAlgorithm;
  nonceTtlMs: () => number;
  /** Asked once per otherwise valid request: true forces a stale answer. */
  forceStale: () => boolean;
}

interface IssuedNonce {
  issuedAt: number;
  algorithm: DigestAlgorithm;
  /** Highest nonce count seen; a count that does not grow is a replay. */
  lastNc: number;
}

export interface DigestService {
  /** A WWW-Authenticate value with a fresh nonce. */
  challenge(stale: boolean): string;
  verify(authorization: string, method: string, uri: string): DigestVerdict;
}

export function digestHash(algorithm: DigestAlgorithm, value: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(value, 'utf8')
    .digest('hex');
}

/** Parses `Digest a="b", c=d` into its parameters; undefined when it is not Digest. */
export function parseDigestParams(header: string): Map<string, string> | undefined {
  const match = /^Digest\s+(.*)$/is.exec(header.trim());
  if (match?.[1] === undefined) return undefined;
  const params = new Map<string, string>();
  const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const part of match[1].matchAll(pattern)) {
    const name = part[1];
    if (name === undefined) continue;
    const quoted = part[2];
    params.set(
      name.toLowerCase(),
      quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (part[3] ?? ''),
    );
  }
  return params;
}

export function createDigest(options: DigestOptions): DigestService {
  const nonces = new Map<string, IssuedNonce>();

  return {
    challenge(stale) {
      const nonce = randomBytes(24).toString('base64');
      const algorithm = options.algorithm();
      nonces.set(nonce, { issuedAt: options.now(), algorithm, lastNc: 0 });
      return `Digest realm="${DIGEST_REALM}", domain="", nonce="${nonce}", algorithm=${algorithm}, qop="auth", stale=${stale}`;
    },
    verify(authorization, method, uri) {
      const params = parseDigestParams(authorization);
      if (params === undefined) return 'invalid';
      const nonce = params.get('nonce') ?? '';
      const issued = nonces.get(nonce);
      if (issued === undefined) return 'invalid';
      const algorithm = params.get('algorithm') ?? 'MD5';
      const nc = params.get('nc') ?? '';
      const cnonce = params.get('cnonce') ?? '';
      if (
        params.get('username') !== options.username ||
        params.get('realm') !== DIGEST_REALM ||
        params.get('uri') !== uri ||
        params.get('qop') !== 'auth' ||
        algorithm.toUpperCase() !== issued.algorithm ||
        !/^[0-9a-fA-F]{8}$/.test(nc) ||
        cnonce === ''
      ) {
        return 'invalid';
      }
      const ha1 = digestHash(
        issued.algorithm,
        `${options.username}:${DIGEST_REALM}:${options.password}`,
      );
      const ha2 = digestHash(issued.algorithm, `${method}:${uri}`);
      const expected = digestHash(issued.algorithm, `${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
      if (params.get('response')?.toLowerCase() !== expected) return 'invalid';
      const count = Number.parseInt(nc, 16);
      if (count <= issued.lastNc) return 'invalid';
      issued.lastNc = count;
      // RFC 7616: stale only when the digest itself was right, so the client retries silently.
      if (options.now() - issued.issuedAt > options.nonceTtlMs() || options.forceStale()) {
        return 'stale';
      }
      return 'valid';
    },
  };
}
