/**
 * The host behind Cloud Backup's `deliveryUrl` / `downloadUrl`: one-time links that live an
 * hour. Real links look like `https://restore-<jobId>.<host>.mongodb.net:27017/<token>/restore-<snapshotId>.tar.gz`
 * (recorded); here the origin is its own http://127.0.0.1 server (neither the API's nor the
 * Flex file host's) and the path keeps the recorded shape. Every refusal below (status and
 * text) is invented: no recording shows one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type EmulatedRestoreJob,
  hasLink,
  isExpired,
  type RestoreJobComponent,
} from './cloud-backup-model.ts';
import { type OneTimeLinkFaults, take } from './faults.ts';
import { serveFile } from './file-host.ts';
import { sendBody, splitTarget } from './http.ts';
import type { SnapshotFile } from './snapshot-file.ts';

export interface OneTimeHostOptions {
  jobs: () => Iterable<EmulatedRestoreJob>;
  now: () => number;
  faults: () => OneTimeLinkFaults;
  file: (size: number) => Promise<SnapshotFile>;
}

export type OneTimeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Why a link is refused; sent as the body and as X-Emulator-Refusal (both invented). */
export type Refusal = 'used' | 'repeat' | 'expired' | 'cancelled' | 'failed';

const REFUSALS: Record<Refusal, { status: number; text: string }> = {
  used: { status: 410, text: 'This download link has already been used.' },
  repeat: { status: 410, text: 'This download link has already been requested.' },
  expired: { status: 410, text: 'This download link has expired.' },
  cancelled: { status: 410, text: 'This download has been cancelled.' },
  failed: { status: 410, text: 'This download has failed.' },
};

function refuse(res: ServerResponse, why: Refusal): void {
  const { status, text } = REFUSALS[why];
  sendBody(res, status, 'text/plain; charset=utf-8', `${text}\n`, { 'X-Emulator-Refusal': why });
}

function find(
  jobs: Iterable<EmulatedRestoreJob>,
  token: string,
  fileName: string,
): { job: EmulatedRestoreJob; component: RestoreJobComponent } | undefined {
  for (const job of jobs) {
    for (const component of job.components) {
      if (component.token === token && fileName === `restore-${component.snapshotId}.tar.gz`) {
        return { job, component };
      }
    }
  }
  return undefined;
}

/**
 * Watches the head serveFile writes (its headers go straight to writeHead, so getHeader cannot
 * see them) and says whether the answer covers the file's last byte: a complete download.
 */
function watchHead(res: ServerResponse): (size: number) => boolean {
  let status = 0;
  let contentRange = '';
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    status = typeof args[0] === 'number' ? args[0] : 0;
    const headers = args.find((arg) => typeof arg === 'object' && arg !== null);
    contentRange = String(
      (headers as Record<string, unknown> | undefined)?.['Content-Range'] ?? '',
    );
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
  return (size) => {
    if (status === 200) return true;
    if (status !== 206) return false;
    const range = /^bytes \d+-(\d+)\/(\d+)$/.exec(contentRange);
    return range !== null && Number(range[1]) === size - 1 && Number(range[2]) === size;
  };
}

export function createOneTimeHost(options: OneTimeHostOptions): OneTimeHandler {
  return async (req, res) => {
    const { path } = splitTarget(req.url ?? '/');
    const faults = options.faults();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendBody(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n', {
        Allow: 'GET, HEAD',
      });
      return;
    }
    const parts = /^\/([A-Za-z0-9]{24})\/([^/]+)$/.exec(path);
    const found = parts === null ? undefined : find(options.jobs(), parts[1] ?? '', parts[2] ?? '');
    // A link nobody was shown yet does not exist either.
    if (found === undefined || !hasLink(found.job)) {
      sendBody(res, 404, 'text/plain; charset=utf-8', 'Not Found\n');
      return;
    }
    const { job, component } = found;
    if (job.cancelled) return refuse(res, 'cancelled');
    if (job.failed) return refuse(res, 'failed');
    if (isExpired(job, options.now()) || take(faults, 'expired')) return refuse(res, 'expired');
    if (component.used) return refuse(res, 'used');
    if (req.method === 'HEAD') {
      await serveFile(req, res, await options.file(component.fileSize), faults);
      return;
    }
    if (faults.refuseRepeat && component.requests > 0) return refuse(res, 'repeat');
    component.requests += 1;
    if (take(faults, 'unavailable')) {
      sendBody(res, 503, 'text/plain; charset=utf-8', 'Service Unavailable\n', {
        'Retry-After': '1',
      });
      return;
    }
    if (take(faults, 'html')) {
      sendBody(
        res,
        200,
        'text/html; charset=utf-8',
        '<!DOCTYPE html>\n<html><body><h1>Service Temporarily Unavailable</h1></body></html>\n',
      );
      return;
    }
    const file = await options.file(component.fileSize);
    const reachedEnd = watchHead(res);
    // 'finish' fires only when the whole answer went out: not after a reset, stall or cut.
    res.once('finish', () => {
      if (reachedEnd(file.size)) component.used = true;
    });
    await serveFile(req, res, file, faults);
  };
}
