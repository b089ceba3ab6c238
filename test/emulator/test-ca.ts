/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1 and localhost, made
 * with the openssl CLI in a directory of the caller's, so the emulator's file host can serve
 * HTTPS as the real signed links do. Clients trust `caPath` (NODE_EXTRA_CA_CERTS, curl --cacert).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa {
  /** The CA certificate (PEM), for the clients. */
  caPath: string;
  /** The server's key and certificate (PEM), for https.createServer. */
  key: Buffer;
  cert: Buffer;
}

/** Whether the openssl CLI is on PATH. */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function makeTestCa(directory: string): TestCa {
  const at = (name: string) => join(directory, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  // P-256 keys: quick to make; the bulk cipher, not the key type, sets a download's cost.
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  // biome-ignore format: grouped by option
  openssl(
    'req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2',
    '-subj', '/CN=Atlas emulator test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  );
  // biome-ignore format: grouped by option
  openssl('req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(
    at('server.ext'),
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
    ].join('\n'),
  );
  // biome-ignore format: grouped by option
  openssl(
    'x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'),
    '-CAcreateserial', '-out', at('server.pem'), '-days', '2', '-extfile', at('server.ext'),
  );
  return {
    caPath: at('ca.pem'),
    key: readFileSync(at('server.key')),
    cert: readFileSync(at('server.pem')),
  };
}
