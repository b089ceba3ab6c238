/**
 * A local stand-in for the GitHub Actions artifact service (results service, Twirp JSON) and
 * the blob storage its signed upload URLs point at: what the real @actions/artifact client
 * talks to, unchanged. `env` holds the variables the runner would set.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommittedBlob, createBlobStore, prepareBlobDirectory } from './blob-store.ts';
import {
  closeServer,
  type LoggedRequest,
  listen,
  logRequest,
  readBody,
  sendJson,
  splitTarget,
} from './http.ts';

export interface StoredArtifact {
  id: number;
  name: string;
  /** Bytes actually stored. */
  size: number;
  /** SHA-256 (hex) of the stored bytes. */
  sha256: string;
  /** The stored bytes, readable until close(). */
  path: string;
  finalized: boolean;
  mimeType: string | undefined;
  /** The client's artifact format version (7 for @actions/artifact 2+). */
  version: number | undefined;
  /** The expires_at the client sent (ISO 8601), when it asked for a retention period. */
  expiresAt: string | undefined;
  /** expiresAt as whole days after creation. */
  retentionDays: number | undefined;
  /** The size the client reported in FinalizeArtifact. */
  reportedSize: number | undefined;
  /** The hash the client reported, as sent: 'sha256:<hex>'. */
  reportedHash: string | undefined;
  /** reportedHash's hex part: what the service reports as the artifact's digest. */
  digest: string | undefined;
  uploadedWith: CommittedBlob['uploadedWith'] | undefined;
  blockCount: number;
  contentType: string | undefined;
  createdAt: string;
}

export interface ArtifactFaults {
  /** The next N Twirp calls answer 503 (the client retries after 3 s, 4.5 s, ... of real time). */
  twirpUnavailable: number;
  /** CreateArtifact says the storage quota is used up (the client throws UsageError). */
  quotaExceeded: boolean;
  /** The next N blob requests answer 503 ServerBusy (the Azure SDK retries after ~4 s). */
  blobUnavailable: number;
}

export interface ArtifactServiceOptions {
  now?: () => number;
  repository?: string;
  runId?: string;
}

export interface ArtifactService {
  /** ACTIONS_RESULTS_URL, with the trailing slash the runner gives it. */
  resultsUrl: string;
  /** What the runner would set for the step: spread it into the action's environment. */
  env: Record<string, string>;
  /** By artifact name, created (finalized or not) in this service's one workflow run. */
  artifacts: Map<string, StoredArtifact>;
  /** Artifacts removed by DeleteArtifact, oldest first. */
  deleted: StoredArtifact[];
  requests: LoggedRequest[];
  faults: ArtifactFaults;
  /** Closes the server and deletes the stored bytes. */
  close(): Promise<void>;
}

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';
const DAY = 24 * 60 * 60 * 1000;

/** The runner's token is a signed JWT; the client only decodes it, so a fake signature does. */
function runtimeToken(runBackendId: string, jobBackendId: string, now: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const seconds = Math.floor(now / 1000);
  return [
    part({ typ: 'JWT', alg: 'RS256', x5t: 'emulator' }),
    part({
      scp: `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}`,
      iss: 'vstoken.actions.githubusercontent.com',
      aud: 'vso:emulator',
      nbf: seconds - 60,
      exp: seconds + 6 * 60 * 60,
    }),
    Buffer.from('emulator-signature').toString('base64url'),
  ].join('.');
}

interface TwirpRequest {
  workflow_run_backend_id?: string;
  workflow_job_run_backend_id?: string;
  name?: string;
  mime_type?: string;
  version?: number;
  expires_at?: string;
  size?: string;
  hash?: string;
  name_filter?: string;
  id_filter?: string;
}

class TwirpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, msg: string) {
    super(msg);
    this.status = status;
    this.code = code;
  }
}

export async function startArtifactService(
  options: ArtifactServiceOptions = {},
): Promise<ArtifactService> {
  const now = options.now ?? Date.now;
  const directory = await mkdtemp(join(tmpdir(), 'artifact-service-'));
  await prepareBlobDirectory(directory);
  const runBackendId = randomUUID();
  const jobBackendId = randomUUID();
  const token = runtimeToken(runBackendId, jobBackendId, now());
  const artifacts = new Map<string, StoredArtifact>();
  const deleted: StoredArtifact[] = [];
  const requests: LoggedRequest[] = [];
  const faults: ArtifactFaults = { twirpUnavailable: 0, quotaExceeded: false, blobUnavailable: 0 };
  let origin = '';
  let nextId = 4_200_000_001;

  const blobKey = (name: string) => `${runBackendId}/${jobBackendId}/${name}`;

  const blobs = createBlobStore({
    directory,
    origin: () => origin,
    now,
    failNext: () => {
      if (faults.blobUnavailable <= 0) return false;
      faults.blobUnavailable -= 1;
      return true;
    },
    onCommit(blob) {
      const artifact = [...artifacts.values()].find((a) => blobKey(a.name) === blob.key);
      if (artifact === undefined) return;
      artifact.size = blob.size;
      // Read through, not copied: a blob of blocks is assembled and hashed only when asked for.
      Object.defineProperties(artifact, {
        path: { get: () => blob.path, enumerable: true, configurable: true },
        sha256: { get: () => blob.sha256, enumerable: true, configurable: true },
      });
      artifact.uploadedWith = blob.uploadedWith;
      artifact.blockCount = blob.blockCount;
      artifact.contentType = blob.contentType;
    },
  });

  const checkIds = (body: TwirpRequest) => {
    if (
      body.workflow_run_backend_id !== runBackendId ||
      body.workflow_job_run_backend_id !== jobBackendId
    ) {
      throw new TwirpError(
        400,
        'invalid_argument',
        'workflow run or job backend id does not match the token',
      );
    }
  };

  const methods: Record<string, (body: TwirpRequest) => unknown> = {
    CreateArtifact(body) {
      checkIds(body);
      const name = body.name ?? '';
      if (name === '') throw new TwirpError(400, 'invalid_argument', 'name is required');
      if (faults.quotaExceeded) {
        throw new TwirpError(403, 'permission_denied', 'insufficient usage to create artifact');
      }
      if (artifacts.get(name)?.finalized === true) {
        throw new TwirpError(
          409,
          'already_exists',
          `an artifact with this name already exists on the workflow run: ${name}`,
        );
      }
      const createdAt = now();
      const expiresAt = body.expires_at;
      artifacts.set(name, {
        id: nextId++,
        name,
        size: 0,
        sha256: '',
        path: '',
        finalized: false,
        mimeType: body.mime_type,
        version: body.version,
        expiresAt,
        retentionDays:
          expiresAt === undefined
            ? undefined
            : Math.round((Date.parse(expiresAt) - createdAt) / DAY),
        reportedSize: undefined,
        reportedHash: undefined,
        digest: undefined,
        uploadedWith: undefined,
        blockCount: 0,
        contentType: undefined,
        createdAt: new Date(createdAt).toISOString(),
      });
      return {
        ok: true,
        signed_upload_url: blobs.sign(blobKey(name), createdAt + 6 * 60 * 60 * 1000),
      };
    },
    FinalizeArtifact(body) {
      checkIds(body);
      const artifact = artifacts.get(body.name ?? '');
      if (artifact === undefined) throw new TwirpError(404, 'not_found', 'artifact not found');
      if (artifact.uploadedWith === undefined) {
        throw new TwirpError(400, 'failed_precondition', 'no blob was uploaded for this artifact');
      }
      artifact.finalized = true;
      artifact.reportedSize = body.size === undefined ? undefined : Number(body.size);
      artifact.reportedHash = body.hash;
      artifact.digest = body.hash?.replace(/^sha256:/, '');
      return { ok: true, artifact_id: String(artifact.id) };
    },
    ListArtifacts(body) {
      checkIds(body);
      const listed = [...artifacts.values()].filter(
        (a) =>
          a.finalized &&
          (body.name_filter === undefined || a.name === body.name_filter) &&
          (body.id_filter === undefined || String(a.id) === body.id_filter),
      );
      return {
        artifacts: listed.map((a) => ({
          workflow_run_backend_id: runBackendId,
          workflow_job_run_backend_id: jobBackendId,
          database_id: String(a.id),
          name: a.name,
          size: String(a.size),
          created_at: a.createdAt,
          ...(a.digest !== undefined ? { digest: `sha256:${a.digest}` } : {}),
        })),
      };
    },
    // As the service does: only a finalized artifact of the run can be deleted; its name is free again.
    DeleteArtifact(body) {
      checkIds(body);
      const artifact = artifacts.get(body.name ?? '');
      if (artifact === undefined || !artifact.finalized) {
        throw new TwirpError(404, 'not_found', 'artifact not found');
      }
      artifacts.delete(artifact.name);
      deleted.push(artifact);
      return { ok: true, artifact_id: String(artifact.id) };
    },
  };

  const twirp = async (req: IncomingMessage, res: ServerResponse, method: string) => {
    try {
      const body = await readBody(req);
      if (req.headers.authorization !== `Bearer ${token}`) {
        throw new TwirpError(401, 'unauthenticated', 'invalid runtime token');
      }
      const call = methods[method];
      if (req.method !== 'POST' || call === undefined) {
        throw new TwirpError(404, 'bad_route', `no handler for ${req.method} ${SERVICE}${method}`);
      }
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
        throw new TwirpError(400, 'malformed', 'this emulator speaks Twirp JSON only');
      }
      if (faults.twirpUnavailable > 0) {
        faults.twirpUnavailable -= 1;
        throw new TwirpError(503, 'unavailable', 'service unavailable');
      }
      sendJson(res, 200, call(JSON.parse(body.toString('utf8')) as TwirpRequest));
    } catch (error) {
      if (error instanceof TwirpError) {
        sendJson(res, error.status, { code: error.code, msg: error.message });
        return;
      }
      sendJson(res, 500, { code: 'internal', msg: String(error) });
    }
  };

  const server = createServer((req, res) => {
    logRequest(requests, 'artifact', req, res, now());
    const { path } = splitTarget(req.url ?? '/');
    const handled = path.startsWith(SERVICE)
      ? twirp(req, res, path.slice(SERVICE.length))
      : blobs.handle(req, res);
    handled.catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { code: 'internal', msg: String(error) });
    });
  });
  origin = await listen(server);

  const resultsUrl = `${origin}/`;
  return {
    resultsUrl,
    env: {
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_RESULTS_URL: resultsUrl,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: options.repository ?? 'octo-org/atlas-backups',
      GITHUB_REPOSITORY_OWNER: (options.repository ?? 'octo-org/atlas-backups').split('/')[0] ?? '',
      GITHUB_RUN_ID: options.runId ?? '16000000001',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_RUN_NUMBER: '42',
      GITHUB_WORKFLOW: 'Nightly Atlas snapshot',
      GITHUB_JOB: 'snapshot',
      GITHUB_ACTIONS: 'true',
      GITHUB_RETENTION_DAYS: '90',
    },
    artifacts,
    deleted,
    requests,
    faults,
    close: async () => {
      await closeServer(server);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
