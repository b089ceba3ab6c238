import { describe, expect, it } from 'vitest';
import { digestAuthorization, parseDigestChallenge } from '../src/atlas/digest.ts';

// RFC 7616 section 3.9.1: the same request answered with SHA-256 and with MD5.
const rfcHeader = (algorithm: string) =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`;
const rfcRequest = {
  username: 'Mufasa',
  password: 'Circle of Life',
  method: 'GET',
  uri: '/dir/index.html',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  nc: 1,
};

function field(header: string, name: string): string | undefined {
  return new RegExp(`${name}="?([^",]*)"?`).exec(header)?.[1];
}

describe('digestAuthorization', () => {
  it.each([
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ])('answers the RFC 7616 example with %s', (algorithm, expected) => {
    const challenge = parseDigestChallenge(rfcHeader(algorithm));
    expect(challenge).toBeDefined();
    if (challenge === undefined) return;
    const header = digestAuthorization({ ...rfcRequest, challenge });
    expect(field(header, 'response')).toBe(expected);
    expect(field(header, 'nc')).toBe('00000001');
    expect(field(header, 'qop')).toBe('auth');
    expect(field(header, 'opaque')).toBe('FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS');
    expect(field(header, 'uri')).toBe('/dir/index.html');
    expect(field(header, 'algorithm')).toBe(algorithm);
  });

  it('uses a fresh random cnonce when none is given', () => {
    const challenge = parseDigestChallenge(rfcHeader('MD5'));
    if (challenge === undefined) throw new Error('no challenge');
    const { cnonce: _, ...request } = rfcRequest;
    const one = digestAuthorization({ ...request, challenge });
    const two = digestAuthorization({ ...request, challenge });
    expect(field(one, 'cnonce')).not.toBe(field(two, 'cnonce'));
  });
});

describe('parseDigestChallenge', () => {
  it("reads Atlas's challenge", () => {
    expect(
      parseDigestChallenge(
        'Digest realm="MMS Public API", domain="", nonce="abc/def+==", algorithm=MD5, qop="auth", stale=false',
      ),
    ).toEqual({
      realm: 'MMS Public API',
      nonce: 'abc/def+==',
      opaque: undefined,
      algorithm: 'MD5',
      stale: false,
    });
  });

  it('finds Digest among several schemes and reads stale=true', () => {
    const challenge = parseDigestChallenge(
      'Bearer realm="x", Digest realm="r", nonce="n", qop="auth", stale=TRUE, algorithm=SHA-256',
    );
    expect(challenge).toMatchObject({ realm: 'r', nonce: 'n', stale: true, algorithm: 'SHA-256' });
  });

  it('unescapes quoted strings', () => {
    expect(parseDigestChallenge('Digest realm="a \\"b\\"", nonce="n", qop=auth')?.realm).toBe(
      'a "b"',
    );
  });

  it.each([
    ['no header', undefined],
    ['Basic only', 'Basic realm="x"'],
    ['no qop auth', 'Digest realm="r", nonce="n", qop="auth-int"'],
    ['no nonce', 'Digest realm="r", qop="auth"'],
    ['a session algorithm', 'Digest realm="r", nonce="n", qop="auth", algorithm=MD5-sess'],
    ['an unknown algorithm', 'Digest realm="r", nonce="n", qop="auth", algorithm=SHA-512-256'],
  ])('gives up on %s', (_, header) => {
    expect(parseDigestChallenge(header)).toBeUndefined();
  });
});
