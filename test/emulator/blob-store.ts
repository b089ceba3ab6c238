/**
 * The slice of Azure Blob Storage that @azure/storage-blob's BlockBlobClient uses to upload:
 * Put Block, Put Block List, and single-shot Put Blob. Bytes go to files on disk, so uploads of
 * hundreds of MiB cost no memory.
 *
 * Committing must cost about nothing, as it does in Azure, or the benchmark of an upload measures
 * this stand-in: copying 1 GiB of blocks into a blob took about 8 s here. So each Put Block
 * writes its body straight into one staging file per blob, at an offset reserved when the
 * request arrives (its Content-Length is known). When the list names the blocks just as they lie
 * in the file (the client sends them in order, but concurrent requests may arrive out of it),
 * committing is a rename; any other list is kept as an index, as Azure does, and the blob's file
 * is assembled only when first read. Its SHA-256 too is computed when first read.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { closeSync, createWriteStream, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { mkdir, rename, truncate, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readBody, sendBody, splitTarget } from './http.ts';

export const BLOB_ACCOUNT = 'devstoreaccount1';
export const BLOB_CONTAINER = 'actions-results';

export interface CommittedBlob {
  /** The blob's name inside the container. */
  key: string;
  path: string;
  size: number;
  sha256: string;
  contentType: string | undefined;
  /** 'blocks' for Put Block + Put Block List, 'blob' for a single Put Blob. */
  uploadedWith: 'blocks' | 'blob';
  /** Put Block calls that made it, in commit order. */
  blockCount: number;
}

export interface BlobStoreOptions {
  directory: string;
  origin: () => string;
  now: () => number;
  /** Called when a blob is committed, so the artifact service can attach it. */
  onCommit: (blob: CommittedBlob) => void;
  /** Asked once per blob request: true answers 503 ServerBusy (the SDK retries). */
  failNext: () => boolean;
}

/** Makes the directories the store writes into. */
export async function prepareBlobDirectory(directory: string): Promise<void> {
  await mkdir(join(directory, 'blocks'), { recursive: true });
  await mkdir(join(directory, 'blobs'), { recursive: true });
}

export interface BlobStore {
  /** An upload URL for `key` with a SAS-like signature, valid until `expiresAt` (epoch ms). */
  sign(key: string, expiresAt: number): string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

function storageError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:${randomUUID()}\nTime:${new Date().toISOString()}</Message></Error>`;
  sendBody(res, status, 'application/xml', body, {
    'x-ms-error-code': code,
    'x-ms-version': '2025-05-05',
  });
}

/** A blob's staged blocks: one file, regions in the order the Put Blocks arrived. */
export function stagingFile(directory: string, key: string): string {
  return join(directory, 'blocks', createHash('sha256').update(key).digest('hex'));
}

type Region = { offset: number; length: number };

interface Staging {
  path: string;
  /** Resolves once the file exists; blocks write into it at their own offsets. */
  created: Promise<void>;
  /** Where the next block's region starts. */
  end: number;
  /** By block id, the latest body staged under it. */
  blocks: Map<string, Region>;
}

/** Reads `length` bytes of `fd` from `offset` in 1 MiB pieces, synchronously. */
function* readRegion(fd: number, offset: number, length: number): Generator<Buffer> {
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (let done = 0; done < length; ) {
    const read = readSync(fd, buffer, 0, Math.min(buffer.length, length - done), offset + done);
    if (read === 0) throw new Error('staged block shorter than recorded');
    done += read;
    yield buffer.subarray(0, read);
  }
}

function hashFileSync(path: string, size: number): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    for (const chunk of readRegion(fd, 0, size)) hash.update(chunk);
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Copies the staged regions in `order` into a new file at `path`, then drops the staging file. */
function assembleSync(staging: string, order: Region[], path: string): void {
  const from = openSync(staging, 'r');
  const to = openSync(path, 'w');
  try {
    for (const { offset, length } of order) {
      for (const chunk of readRegion(from, offset, length)) writeSync(to, chunk);
    }
  } finally {
    closeSync(from);
    closeSync(to);
  }
  rmSync(staging, { force: true });
}

/**
 * A blob made of blocks. Its file is `ready()` (a rename at commit) or made on first read of
 * `path`; its SHA-256 is computed on first read of `sha256`. Tests read them; uploads do not.
 */
function committedBlocks(
  fields: Omit<CommittedBlob, 'sha256' | 'path'>,
  ready: () => string,
): CommittedBlob {
  let path: string | undefined;
  let sha256: string | undefined;
  return {
    ...fields,
    get path() {
      path ??= ready();
      return path;
    },
    get sha256() {
      sha256 ??= hashFileSync(this.path, fields.size);
      return sha256;
    },
  };
}

function blobFile(directory: string, key: string): string {
  return join(directory, 'blobs', createHash('sha256').update(key).digest('hex'));
}

export function parseBlockList(xml: string): string[] | undefined {
  if (!/<BlockList\s*\/?>/.test(xml)) return undefined;
  return [...xml.matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map((m) => m[2] ?? '');
}

export function createBlobStore(options: BlobStoreOptions): BlobStore {
  const key = randomUUID();
  const sig = (path: string, expires: string) =>
    createHmac('sha256', key).update(`${path}\n${expires}`).digest('base64');
  /** Staged blocks per blob key, so Put Block List can check what it names and find them. */
  const staged = new Map<string, Staging>();

  const stagingOf = (blob: string): Staging => {
    let staging = staged.get(blob);
    if (staging === undefined) {
      const path = stagingFile(options.directory, blob);
      staging = { path, created: writeFile(path, ''), end: 0, blocks: new Map() };
      staged.set(blob, staging);
    }
    return staging;
  };

  const created = (res: ServerResponse, extra: Record<string, string> = {}) => {
    res.writeHead(201, {
      ...extra,
      'Content-Length': '0',
      'x-ms-request-id': randomUUID(),
      'x-ms-version': '2025-05-05',
      'x-ms-request-server-encrypted': 'true',
      Date: new Date(options.now()).toUTCString(),
    });
    res.end();
  };

  const committedHeaders = () => ({
    ETag: `"0x${createHash('md5').update(randomUUID()).digest('hex').slice(0, 15).toUpperCase()}"`,
    'Last-Modified': new Date(options.now()).toUTCString(),
  });

  /** Streams the request body into the existing file `path` from `start`, counting the bytes. */
  const receive = async (req: IncomingMessage, path: string, start: number): Promise<number> => {
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(req, counter, createWriteStream(path, { flags: 'r+', start }));
    return bytes;
  };

  const putBlock = async (req: IncomingMessage, res: ServerResponse, blob: string, id: string) => {
    const length = Number(req.headers['content-length']);
    if (req.headers['content-length'] === undefined || !Number.isSafeInteger(length)) {
      storageError(res, 411, 'MissingContentLengthHeader', 'Content-Length is required.');
      return;
    }
    // Reserved before anything is awaited, so blocks sent at once get regions in arrival order.
    const staging = stagingOf(blob);
    const offset = staging.end;
    staging.end += length;
    await staging.created;
    const bytes = await receive(req, staging.path, offset);
    if (bytes !== length) {
      storageError(res, 400, 'InvalidHeaderValue', 'Content-Length does not match the body.');
      return;
    }
    staging.blocks.set(id, { offset, length });
    created(res);
  };

  /**
   * The blob's file from the staged regions in `order`: renamed now when they lie in order,
   * else assembled when first asked for.
   */
  const commitRegions = async (blob: string, staging: Staging, order: Region[]) => {
    const path = blobFile(options.directory, blob);
    let at = 0;
    const inPlace = order.every((region) => {
      const fits = region.offset === at;
      at += region.length;
      return fits;
    });
    await staging.created;
    if (!inPlace) {
      return () => {
        assembleSync(staging.path, order, path);
        return path;
      };
    }
    await truncate(staging.path, at);
    await rename(staging.path, path);
    return () => path;
  };

  const putBlockList = async (req: IncomingMessage, res: ServerResponse, blob: string) => {
    const ids = parseBlockList((await readBody(req)).toString('utf8'));
    if (ids === undefined) {
      storageError(res, 400, 'InvalidXmlDocument', 'XML specified is not syntactically valid.');
      return;
    }
    const staging = stagingOf(blob);
    const order = ids.map((id) => staging.blocks.get(id));
    if (!order.every((region): region is Region => region !== undefined)) {
      storageError(res, 400, 'InvalidBlockList', 'The specified block list is invalid.');
      return;
    }
    staged.delete(blob);
    const ready = await commitRegions(blob, staging, order);
    const fields = {
      key: blob,
      size: order.reduce((sum, region) => sum + region.length, 0),
      contentType: req.headers['x-ms-blob-content-type'] as string | undefined,
      uploadedWith: 'blocks' as const,
      blockCount: ids.length,
    };
    options.onCommit(committedBlocks(fields, ready));
    created(res, committedHeaders());
  };

  const putBlob = async (req: IncomingMessage, res: ServerResponse, blob: string) => {
    if (req.headers['x-ms-blob-type'] !== 'BlockBlob') {
      storageError(res, 400, 'MissingRequiredHeader', 'x-ms-blob-type must be BlockBlob.');
      return;
    }
    const path = blobFile(options.directory, blob);
    const hash = createHash('sha256');
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        hash.update(chunk);
        done(null, chunk);
      },
    });
    await pipeline(req, counter, createWriteStream(path));
    options.onCommit({
      key: blob,
      path,
      size: bytes,
      sha256: hash.digest('hex'),
      contentType: (req.headers['x-ms-blob-content-type'] ?? req.headers['content-type']) as
        | string
        | undefined,
      uploadedWith: 'blob',
      blockCount: 0,
    });
    created(res, committedHeaders());
  };

  return {
    sign(blob, expiresAt) {
      const path = `/${BLOB_ACCOUNT}/${BLOB_CONTAINER}/${blob.split('/').map(encodeURIComponent).join('/')}`;
      const se = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const query = new URLSearchParams({
        sv: '2025-05-05',
        se,
        sr: 'b',
        sp: 'cw',
        sig: sig(path, se),
      });
      return `${options.origin()}${path}?${query.toString()}`;
    },

    async handle(req, res) {
      const { path, query } = splitTarget(req.url ?? '/');
      const params = new URLSearchParams(query);
      const prefix = `/${BLOB_ACCOUNT}/${BLOB_CONTAINER}/`;
      const given = Buffer.from(params.get('sig') ?? '');
      const wanted = Buffer.from(sig(path, params.get('se') ?? ''));
      if (
        !path.startsWith(prefix) ||
        given.length !== wanted.length ||
        !timingSafeEqual(given, wanted)
      ) {
        storageError(
          res,
          403,
          'AuthenticationFailed',
          'Server failed to authenticate the request.',
        );
        return;
      }
      if (Date.parse(params.get('se') ?? '') <= options.now()) {
        storageError(res, 403, 'AuthenticationFailed', 'Signed expiry time has passed.');
        return;
      }
      if (req.method !== 'PUT') {
        storageError(res, 405, 'UnsupportedHttpVerb', 'The resource does not support the verb.');
        return;
      }
      if (options.failNext()) {
        storageError(res, 503, 'ServerBusy', 'The server is currently unable to receive requests.');
        return;
      }
      const blob = path.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
      const comp = params.get('comp');
      const blockId = params.get('blockid');
      if (comp === 'block' && blockId !== null) await putBlock(req, res, blob, blockId);
      else if (comp === 'blocklist') await putBlockList(req, res, blob);
      else if (comp === null) await putBlob(req, res, blob);
      else storageError(res, 400, 'InvalidQueryParameterValue', `comp=${comp} is not supported.`);
    },
  };
}
