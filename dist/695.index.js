export const id = 695;
export const ids = [695];
export const modules = {

/***/ 27695:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 11 modules
var core = __webpack_require__(91659);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(46752);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
;// CONCATENATED MODULE: ./src/artifact.ts



/** The runner's artifact service, through @actions/artifact. */
async function connectArtifactService() {
    // Loaded only here: the artifact client and its Azure SDK are most of the bundle, and the
    // url and file deliveries never need them.
    const { DefaultArtifactClient } = await __webpack_require__.e(/* import() */ 584).then(__webpack_require__.bind(__webpack_require__, 20584));
    return new DefaultArtifactClient();
}
class ArtifactError extends Error {
    name = 'ArtifactError';
}
/**
 * Fails early, before anything is downloaded, when the artifact service cannot be reached:
 * outside a runner, or on GitHub Enterprise Server, which @actions/artifact v2+ does not serve.
 */
function assertArtifactServiceAvailable(env) {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    let host;
    try {
        host = new URL(server).hostname.toLowerCase();
    }
    catch {
        host = server;
    }
    if (host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost')) {
        throw new ArtifactError(`delivery 'artifact' is not available on GitHub Enterprise Server (${server}): its artifact service does not accept uploads from @actions/artifact v2 and later. Use delivery 'file' (and actions/upload-artifact@v3-compatible tooling) or delivery 'url'.`);
    }
    if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
        throw new ArtifactError("delivery 'artifact' needs the runner's artifact service (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set): run it as a step of a GitHub Actions job, or use delivery 'file' or 'url'.");
    }
}
/** How to fix a name another upload of this run already took. */
const NAME_TAKEN_FIX = 'give each job its own artifact-name (in a matrix, e.g. with the project or matrix values in it), or set overwrite: true to replace it';
/**
 * Before anything is downloaded: an artifact of this name already in the run (a re-run, or two
 * matrix jobs that share a cluster name) would refuse the upload only after the whole download.
 * Without overwrite that fails here; with it, the old artifact stays until the new snapshot is
 * verified, and uploadSnapshotArtifact replaces it.
 */
async function checkArtifactName(service, name, overwrite, log) {
    const existing = await findArtifact(service, name);
    if (existing === undefined) {
        log.debug(`No artifact named '${name}' in this run yet.`);
        return;
    }
    if (!overwrite) {
        throw new ArtifactError(`Artifact '${name}' already exists in this workflow run (ID ${existing}, from an earlier attempt or another job), so nothing was downloaded: ${NAME_TAKEN_FIX}.`);
    }
    log.info(`Artifact '${name}' (ID ${existing}) already exists in this run: it is replaced once the new snapshot is downloaded and verified (overwrite: true).`);
}
async function findArtifact(service, name) {
    try {
        return (await service.getArtifact(name)).artifact.id;
    }
    catch (error) {
        if (isNotFound(error))
            return undefined;
        throw new ArtifactError(`Could not ask the artifact service whether artifact '${name}' exists: ${messageOf(error)}`, { cause: error });
    }
}
/** By name, not instanceof: the class is in the lazily loaded chunk. */
function isNotFound(error) {
    return error instanceof Error && error.name === 'ArtifactNotFoundError';
}
/**
 * Uploads the file as it is (skipArchive: it is gzip already, and zipping gigabytes again
 * only costs time). With skipArchive the artifact is named after the file, so a file whose name
 * differs from the artifact name is uploaded through a hard link of that name beside it.
 */
async function uploadSnapshotArtifact(options) {
    const { log } = options;
    const linkDir = (0,external_node_path_.basename)(options.path) === options.name
        ? undefined
        : (0,external_node_path_.join)((0,external_node_path_.dirname)(options.path), `.artifact-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`);
    const file = linkDir === undefined ? options.path : (0,external_node_path_.join)(linkDir, options.name);
    try {
        if (linkDir !== undefined) {
            await (0,promises_.mkdir)(linkDir);
            await linkOrCopy(options.path, file, log);
        }
        const uploaded = await upload(options, [file], (0,external_node_path_.dirname)(file), { skipArchive: true });
        if (uploaded.digest !== options.sha256) {
            throw new ArtifactError(`Artifact '${options.name}' was uploaded with SHA-256 ${uploaded.digest || '(none reported)'}, but the downloaded file has ${options.sha256}: the upload is not the verified snapshot. Run the job again.`);
        }
        return uploaded;
    }
    finally {
        // Windows may still hold the link open for a moment (an antivirus scan): rm retries EBUSY/EPERM.
        if (linkDir !== undefined)
            await (0,promises_.rm)(linkDir, { recursive: true, force: true, maxRetries: 3 });
    }
}
/**
 * A sharded snapshot's files as one artifact: a zip that stores them without compressing them
 * again (compression level 0), since every file is gzip already. Its digest is the zip's, so
 * the files' own SHA-256 is checked by SHA256SUMS inside it, not here.
 */
function uploadSnapshotDirectory(options) {
    return upload(options, options.files, options.dir, { compressionLevel: 0 });
}
/** Replaces the old artifact when asked, uploads, and reads back the ID and digest. */
async function upload(options, files, root, how) {
    const { service, log, name } = options;
    if (options.overwrite)
        await deleteIfExists(service, name, log);
    const result = await service
        .uploadArtifact(name, files, root, {
        ...how,
        ...(options.retentionDays > 0 && { retentionDays: options.retentionDays }),
    })
        .catch((error) => {
        throw uploadFailure(name, error);
    });
    if (result.id === undefined) {
        throw new ArtifactError(`The artifact service did not return an ID for artifact '${name}'.`);
    }
    const digest = (result.digest ?? '').replace(/^sha256:/, '').toLowerCase();
    return { id: result.id, url: artifactUrl(options.env, result.id), digest };
}
/** As actions/upload-artifact's overwrite: delete by name; none to delete is fine. */
async function deleteIfExists(service, name, log) {
    try {
        const { id } = await service.deleteArtifact(name);
        log.info(`Deleted the earlier artifact '${name}' (ID ${id}) to replace it (overwrite: true).`);
    }
    catch (error) {
        if (isNotFound(error)) {
            log.debug(`No artifact '${name}' to replace.`);
            return;
        }
        throw new ArtifactError(`Could not delete the earlier artifact '${name}' to replace it (overwrite: true): ${messageOf(error)}`, { cause: error });
    }
}
/** The artifact service's raw text, with what it means for this action and what to do. */
function uploadFailure(name, error) {
    const text = messageOf(error);
    if (/\(409\)|already exists/i.test(text)) {
        return new ArtifactError(`Artifact '${name}' was created by another job or step of this workflow run while this one downloaded: ${NAME_TAKEN_FIX}. (The artifact service said: ${text})`, { cause: error });
    }
    return new ArtifactError(`Uploading artifact '${name}' failed: ${text}`, { cause: error });
}
/**
 * A hard link costs nothing, but not every file system has them (FAT, some network and Windows
 * Dev Drive volumes): then a copy, which a copy-on-write file system (APFS, Btrfs, ReFS) clones.
 */
async function linkOrCopy(from, to, log) {
    try {
        await (0,promises_.link)(from, to);
    }
    catch (error) {
        log.debug(`No hard link for the upload (${messageOf(error)}): copying the file instead.`);
        await (0,promises_.copyFile)(from, to, promises_.constants.COPYFILE_FICLONE);
    }
}
function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}
function artifactUrl(env, id) {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    return `${server}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${env.GITHUB_RUN_ID ?? ''}/artifacts/${id}`;
}

// EXTERNAL MODULE: ./node_modules/valibot/dist/index.mjs
var dist = __webpack_require__(77934);
;// CONCATENATED MODULE: ./src/atlas/errors.ts

/** Longest errorCode and detail a message carries, so no answer can bury the message. */
const MAX_CODE = 60;
const MAX_DETAIL = 400;
/** Longest part of an answer's own text (Atlas's detail, a proxy's page) a detail quotes. */
const QUOTED_TEXT = 200;
/** What Atlas said when a request failed, with what the user can do about it. */
class AtlasError extends Error {
    name = 'AtlasError';
    /** HTTP status; 0 when no answer arrived. */
    status;
    /** Atlas's errorCode (or OAuth's `error`), when the body had one. */
    errorCode;
    /** Atlas's own explanation, when the body had one. */
    detail;
    /**
     * The request may have taken effect although it failed (a creating POST that timed out, was
     * reset or got a 5xx): look before sending it again.
     */
    ambiguous;
    constructor(init) {
        // errorCode and detail may come from any server (or proxy): one short line each, always.
        const said = [
            init.status > 0 ? `HTTP ${init.status}` : undefined,
            init.errorCode === undefined ? undefined : oneLine(init.errorCode, MAX_CODE),
            init.detail === undefined ? undefined : oneLine(init.detail, MAX_DETAIL),
        ].filter((part) => part !== undefined && part !== '');
        const remedy = init.remedy ?? remedyFor(init.status, init.errorCode);
        // Atlas's detail often ends in a full stop of its own.
        const what = said.join(' ').replace(/\.$/, '');
        super(`${init.operation} failed: ${what}${remedy === undefined ? '' : `. ${remedy}`}`, init.cause === undefined ? undefined : { cause: init.cause });
        this.status = init.status;
        this.errorCode = init.errorCode;
        this.detail = init.detail;
        this.ambiguous = init.ambiguous ?? false;
    }
}
const ROLE = 'The service account or API key lacks a role on this project: a Flex cluster needs Project Backup Export Operator (or Project Owner), a dedicated cluster Project Backup Manager (or Project Owner), a legacy shared-tier one Project Owner';
const INCOMPLETE = 'The snapshot is not completed yet: pick a completed one, or leave snapshot-id empty for the newest completed snapshot';
/** The error codes of the Atlas Admin API that have a remedy worth telling. */
const REMEDIES = {
    invalid_client: 'Check client-id and client-secret: the service account may be deleted or its secret expired or rotated',
    IP_ADDRESS_NOT_ON_ACCESS_LIST: "The organisation requires an API access list and this runner's IP is not on it; GitHub-hosted runner IPs change, so use a self-hosted runner or a larger runner with a static IP, and add it to the service account's or API key's access list",
    USER_UNAUTHORIZED: ROLE,
    ACCESS_FORBIDDEN: ROLE,
    GROUP_NOT_FOUND: 'Check group-id: it is the project ID from Project Settings, and the credentials must belong to its organisation',
    INVALID_GROUP_ID: 'Check group-id: it is the project ID from Project Settings (24 hex characters)',
    CLUSTER_NOT_FOUND: 'Check cluster-name and group-id: the name is case-sensitive',
    SNAPSHOT_NOT_FOUND: "Check snapshot-id, or leave it empty for the newest completed snapshot: Flex keeps only the last 8 daily snapshots, and a dedicated cluster's snapshots expire as its backup policy says",
    TENANT_SNAPSHOT_NOT_FOUND: 'Check snapshot-id, or leave it empty for the newest completed snapshot',
    CANNOT_DOWNLOAD_INCOMPLETE_SNAPSHOT: INCOMPLETE,
    CANNOT_START_RESTORE_JOB_FOR_INCOMPLETE_CLUSTER_SNAPSHOT: INCOMPLETE,
    CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT: 'The snapshot was deleted (expired or removed) after it was chosen: leave snapshot-id empty for the newest completed snapshot, or pick another',
    TOO_MANY_SNAPSHOT_DOWNLOADS: 'Atlas limits active snapshot downloads (a dedicated cluster: 20 per project; the shared tier: per snapshot): let running downloads finish or cancel unused download jobs, then try again later',
    CANNOT_DOWNLOAD_SNAPSHOT_CONCURRENTLY: 'A download of this snapshot is already active (Atlas allows one per snapshot) and could not be used: wait for it to finish or expire (its link lives an hour), or cancel that download job, then run again',
    RESTORE_JOB_NOT_FOUND: 'The download job is gone (cancelled or removed while this run waited for it): run again for a new one',
    BACKUP_JOB_NOT_FOUND: "Cloud Backup is off for this cluster: turn it on in the cluster's settings and wait for its first snapshot",
    CANNOT_DOWNLOAD_SNAPSHOT_WITH_ENCRYPTION: "Atlas refused to download this snapshot because of the cluster's encryption at rest: check the cluster's key management (the key must be enabled and reachable by Atlas), or ask MongoDB support",
    RATE_LIMITED_TOKEN_BUCKET: 'Atlas rate-limited the project for longer than the retries allow: run fewer jobs against the project at once (matrix max-parallel) or later',
    RATE_LIMITED: 'Atlas rate-limited the project for longer than the retries allow: run fewer jobs against the project at once (matrix max-parallel) or later',
    CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API: "The cluster is not a Flex cluster: use cluster-type 'auto' or 'shared', or 'dedicated' for an M10+ cluster",
    CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API: "The cluster is a Flex cluster: use cluster-type 'auto' or 'flex'",
};
/** A remedy by errorCode, then by status when the code says nothing useful. */
function remedyFor(status, errorCode) {
    // Own keys only: an errorCode of `constructor` or `__proto__` is not a remedy.
    const byCode = errorCode !== undefined && Object.hasOwn(REMEDIES, errorCode) ? REMEDIES[errorCode] : undefined;
    if (byCode !== undefined)
        return byCode;
    switch (status) {
        case 401:
            return 'Check the credentials: client-id/client-secret for a service account, public-key/private-key for an API key';
        case 403:
            return ROLE;
        case 410:
            return 'Atlas has retired this API (the shared-tier endpoints were sunset on 2026-01-22): the cluster is a Flex cluster now, so use cluster-type flex or auto';
        case 429:
            return REMEDIES.RATE_LIMITED;
        default:
            return status >= 500 ? 'Atlas had a server error; re-run the job later' : undefined;
    }
}
/**
 * Text from a server, fit for a message: control characters and line breaks become spaces,
 * runs of space one, and anything past `max` characters is cut.
 */
function oneLine(text, max) {
    // Cut first: the text may be megabytes, and only its start is ever shown.
    const line = text
        .slice(0, 65_536)
        .replace(/[\s\p{Cc}]+/gu, ' ')
        .trim();
    return line.length > max ? `${line.slice(0, max)}…` : line;
}
/**
 * A short, single-line description of a body that is not what was expected: the text of an
 * HTML page from a proxy, say. JSON is never quoted, since an answer with the wrong content
 * type or status may still hold a signed link or a token, which nobody has masked yet.
 */
function describeBody(body, contentType) {
    const type = contentType === undefined || contentType === '' ? 'no content type' : oneLine(contentType, 60);
    if (/^\s*[[{"]/.test(body.slice(0, 1_024)))
        return `JSON labelled ${type} (not shown)`;
    // Only the start is shown, and the tag pattern cannot cross a `<`: both keep this linear.
    const text = oneLine(body.slice(0, 4_096).replace(/<[^<>]*>/g, ' '), QUOTED_TEXT);
    return text === '' ? `an empty ${type} body` : `${type}: "${text}"`;
}
/** How many schema problems a message lists; the rest are counted. */
const LISTED_ISSUES = 3;
/**
 * The problems valibot found, on one short line. Its own summary lists every issue (thousands
 * for a bad page) and quotes every received string in full, line breaks included.
 */
function describeIssues(issues) {
    const listed = issues.slice(0, LISTED_ISSUES).map((issue) => {
        const path = dist/* getDotPath */.BuJ(issue);
        return `${oneLine(issue.message, 60)}${path === null ? '' : ` at ${oneLine(path, 40)}`}`;
    });
    const more = issues.length - listed.length;
    return `${listed.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}

;// CONCATENATED MODULE: ./src/backoff.ts
function backoffDelay(attempt, policy, random = Math.random) {
    const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
    return Math.floor(random() * ceiling);
}
/**
 * Parses a Retry-After header: delta seconds or an HTTP date. Returns milliseconds to wait,
 * or undefined when absent or unreadable.
 */
function parseRetryAfter(value, now) {
    if (value === null || value === undefined)
        return undefined;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed))
        return Number(trimmed) * 1000;
    const date = Date.parse(trimmed);
    if (Number.isNaN(date))
        return undefined;
    return Math.max(0, date - now);
}

;// CONCATENATED MODULE: ./src/headers.ts
/** The first value of a header as undici hands headers over (a repeated one is an array). */
function headerValue(headers, name) {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
}

;// CONCATENATED MODULE: ./src/atlas/transport.ts




/** An answer larger than this is not an Atlas API answer (the largest, a 500-item page, is far smaller). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Statuses that can succeed on a retry; everything else is the caller's to handle. */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** Network errors that happen before a byte of the request left: the server never saw it. */
const NOT_SENT_CODES = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'UND_ERR_CONNECT_TIMEOUT',
]);
const DEFAULT_RETRY = {
    maxAttempts: 6,
    baseMs: 1_000,
    capMs: 30_000,
    maxElapsedMs: 5 * 60_000,
};
/**
 * One HTTP exchange with the Admin API, retried when a retry can help: network errors, 429
 * and 5xx. Retry-After is honoured (as a floor under the jittered backoff), attempts and total
 * time are capped. It knows nothing of auth or JSON.
 */
class Transport {
    options;
    retry;
    constructor(options) {
        this.options = options;
        this.retry = { ...DEFAULT_RETRY, ...options.retry };
    }
    async send(req) {
        // One attempt on its own deadline rather than the run's signal: it also runs after a
        // cancellation, and must never hold up the end of a run.
        if (req.once !== undefined) {
            return this.once(req, AbortSignal.timeout(req.once.timeoutMs), req.once.timeoutMs);
        }
        const { clock, log } = this.options;
        const started = clock.now();
        for (let attempt = 1;; attempt++) {
            let response;
            let failure;
            try {
                response = await this.once(req, this.options.signal);
            }
            catch (error) {
                if (this.options.signal?.aborted)
                    throw this.options.signal.reason;
                if (error instanceof AtlasError)
                    throw error; // our own verdict on the body: final
                if (error instanceof undici.errors.InvalidArgumentError) {
                    // The request cannot be sent at all (a header value no HTTP stack accepts): a retry
                    // would fail the same way, and "check the network" would send the user astray.
                    throw new AtlasError({
                        operation: req.operation,
                        status: 0,
                        detail: `the request could not be sent (${error.message})`,
                        cause: error,
                    });
                }
                failure = error;
            }
            if (response !== undefined && !RETRYABLE_STATUS.has(response.status))
                return response;
            if (req.creates && !certainlyNotActedOn(response, failure)) {
                // Atlas may well have created the job: repeating the POST could create a second one.
                if (response !== undefined)
                    return response;
                throw new AtlasError({
                    operation: req.operation,
                    status: 0,
                    detail: `${describeNetworkError(failure)}, and Atlas may have acted on the request`,
                    ambiguous: true,
                    cause: failure,
                });
            }
            const waitMs = Math.max(backoffDelay(attempt - 1, this.retry, this.options.random), parseRetryAfter(header(response, 'retry-after'), clock.now()) ?? 0);
            const elapsed = clock.now() - started;
            const why = response === undefined ? describeNetworkError(failure) : `HTTP ${response.status}`;
            if (attempt >= this.retry.maxAttempts || elapsed + waitMs > this.retry.maxElapsedMs) {
                if (response !== undefined)
                    return response; // the caller turns it into an AtlasError
                throw new AtlasError({
                    operation: req.operation,
                    status: 0,
                    detail: `${why} (gave up after ${attempt === 1 ? '1 attempt' : `${attempt} attempts`} in ${Math.round(elapsed / 1000)} s)`,
                    remedy: 'Check that the runner can reach the Atlas Admin API (proxy settings: HTTPS_PROXY, NO_PROXY)',
                    cause: failure,
                });
            }
            log.info(`${req.operation}: ${why}; retrying in ${(waitMs / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${this.retry.maxAttempts})`);
            await clock.sleep(waitMs, this.options.signal);
        }
    }
    async once(req, signal, timeout = this.options.requestTimeoutMs ?? 30_000) {
        const { clock, log } = this.options;
        const started = clock.now();
        const response = await (0,undici.request)(req.url, {
            method: req.method,
            headers: req.headers,
            body: req.body ?? null,
            ...(this.options.dispatcher && { dispatcher: this.options.dispatcher }),
            ...(signal && { signal }),
            headersTimeout: timeout,
            bodyTimeout: timeout,
        });
        // bodyTimeout only bounds the pause between chunks, so a server trickling a byte at a time
        // would hold the call forever (the size cap is far away): the whole body gets a deadline too.
        const deadline = setTimeout(() => response.body.destroy(new undici.errors.BodyTimeoutError()), timeout);
        let body;
        try {
            body = await readCapped(response.body, req.operation);
        }
        finally {
            clearTimeout(deadline);
        }
        const path = new URL(req.url).pathname;
        const remaining = response.headers['ratelimit-remaining'];
        log.debug(`${req.method} ${path} -> ${response.statusCode} in ${clock.now() - started} ms${remaining === undefined ? '' : ` (rate limit remaining ${remaining})`}`);
        return { status: response.statusCode, headers: response.headers, body };
    }
}
function header(response, name) {
    return response === undefined ? undefined : headerValue(response.headers, name);
}
/** Parsed JSON, or undefined when the text is not JSON: answers are checked by shape after. */
function safeJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
async function readCapped(body, operation) {
    const chunks = [];
    let size = 0;
    for await (const chunk of body) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
            body.destroy();
            throw new AtlasError({
                operation,
                status: 0,
                detail: `the answer was larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB, which no Atlas API answer is`,
                remedy: 'Check atlas-base-url and any proxy between the runner and Atlas',
            });
        }
        chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
}
/**
 * Whether a failed creating request can be sent again without risk of a duplicate: Atlas
 * refused it before acting (429; 503 with Retry-After is its "not now"), or the connection was
 * never made.
 */
function certainlyNotActedOn(response, failure) {
    if (response !== undefined) {
        return (response.status === 429 ||
            (response.status === 503 && header(response, 'retry-after') !== undefined));
    }
    return NOT_SENT_CODES.has(errorCode(failure) ?? '');
}
function errorCode(error) {
    if (!(error instanceof Error))
        return undefined;
    const code = error.code ?? error.cause?.code;
    return typeof code === 'string' ? code : undefined;
}
function describeNetworkError(error) {
    if (error instanceof undici.errors.HeadersTimeoutError ||
        error instanceof undici.errors.BodyTimeoutError) {
        return 'no answer in time';
    }
    if (error instanceof Error) {
        const code = errorCode(error);
        return code === undefined ? error.message : `${code} (${error.message})`;
    }
    return String(error);
}

;// CONCATENATED MODULE: ./src/atlas/client.ts



/** Resource versions of the Admin API this action speaks; a wrong one gets 406. */
const ApiVersion = {
    Flex: '2024-11-13',
    SharedTier: '2023-01-01',
    /** Cloud Backup of dedicated clusters: snapshots and download restore jobs. */
    CloudBackup: '2023-01-01',
    /** The cluster description (2023-02-01 is gone: 410). */
    Cluster: '2024-08-05',
};
const AtlasErrorBody = dist/* object */.Ikc({
    errorCode: dist/* optional */.lqM(dist/* string */.YjP()),
    detail: dist/* optional */.lqM(dist/* nullable */.mee(dist/* string */.YjP())),
    reason: dist/* optional */.lqM(dist/* nullable */.mee(dist/* string */.YjP())),
});
/** The Atlas Admin API v2: versioned media types, auth, error mapping and answer validation. */
class AtlasClient {
    baseUrl;
    transport;
    auth;
    constructor(init) {
        this.baseUrl = init.baseUrl;
        this.transport = init.transport;
        this.auth = init.auth;
    }
    async call(call) {
        const mediaType = `application/vnd.atlas.${call.version}+json`;
        const search = new URLSearchParams(Object.entries(call.query ?? {}).map(([key, value]) => [
            key,
            String(value),
        ])).toString();
        const uri = `/api/atlas/v2${call.path}${search === '' ? '' : `?${search}`}`;
        const headers = { accept: mediaType };
        const body = call.body === undefined ? undefined : JSON.stringify(call.body);
        if (body !== undefined)
            headers['content-type'] = mediaType;
        const send = (authorization) => this.transport.send({
            operation: call.operation,
            method: call.method,
            url: `${this.baseUrl}${uri}`,
            headers: authorization === undefined ? headers : { ...headers, authorization },
            ...(body !== undefined && { body }),
            ...(call.creates && { creates: true }),
            ...(call.bestEffortMs !== undefined && { once: { timeoutMs: call.bestEffortMs } }),
        });
        let response = await send(await this.auth.first(call.method, uri));
        for (let rejections = 1; response.status === 401; rejections++) {
            const authorization = await this.auth.afterUnauthorized(call.method, uri, response, rejections);
            if (authorization === undefined)
                break;
            response = await send(authorization);
        }
        if (response.status < 200 || response.status > 299) {
            const ambiguous = call.creates === true &&
                response.status >= 500 &&
                !certainlyNotActedOn(response, undefined);
            throw errorFromResponse(call.operation, response, ambiguous);
        }
        return parseAnswer(call, response);
    }
}
/** Turns a non-2xx answer into an AtlasError, whatever its body is (JSON, HTML from a proxy, nothing). */
function errorFromResponse(operation, response, ambiguous = false) {
    const parsed = dist/* safeParse */.xLC(AtlasErrorBody, safeJson(response.body));
    const status = response.status;
    if (!parsed.success) {
        const detail = describeBody(response.body, header(response, 'content-type'));
        return new AtlasError({
            operation,
            status,
            errorCode: header(response, 'x-error-code'),
            detail,
            ambiguous,
        });
    }
    const { errorCode, detail, reason } = parsed.output;
    const said = detail ?? reason ?? undefined;
    return new AtlasError({
        operation,
        status,
        errorCode: errorCode ?? header(response, 'x-error-code'),
        detail: said === undefined ? undefined : oneLine(said, QUOTED_TEXT),
        ambiguous,
    });
}
function parseAnswer(call, response) {
    if (call.schema === undefined)
        return undefined;
    const contentType = header(response, 'content-type') ?? '';
    const json = /\bjson\b/i.test(contentType) ? safeJson(response.body) : undefined;
    if (json === undefined) {
        throw new AtlasError({
            operation: call.operation,
            status: response.status,
            detail: `expected a JSON answer, got ${describeBody(response.body, contentType)}`,
            remedy: 'Check atlas-base-url, and any proxy between the runner and Atlas',
        });
    }
    const result = dist/* safeParse */.xLC(call.schema, json);
    if (!result.success) {
        throw new AtlasError({
            operation: call.operation,
            status: response.status,
            detail: `the answer does not have the shape this action knows: ${describeIssues(result.issues)}`,
            remedy: 'Atlas may have changed its API: please report this with the message above',
        });
    }
    return result.output;
}

;// CONCATENATED MODULE: ./src/atlas/create-once.ts


/**
 * Creates an Atlas job without ever creating two. A POST that timed out, was reset or got a
 * 5xx has most likely been acted on, and each blind retry would leave an orphaned job (and,
 * where Atlas allows one download per snapshot, be refused). So after such a failure the jobs
 * are listed first, and the POST is sent again only when none was created.
 */
async function createOnce(options) {
    const { clock, log, signal } = options;
    const maxAttempts = options.maxAttempts ?? 3;
    const since = clock.now();
    for (let attempt = 1;; attempt++) {
        try {
            return await options.create();
        }
        catch (error) {
            if (!(error instanceof AtlasError && error.ambiguous) || attempt >= maxAttempts)
                throw error;
            log.info(`${error.message}. Looking for the job it may have created before asking again.`);
        }
        // Give Atlas a moment to list what it created.
        await clock.sleep(1_000 + backoffDelay(attempt - 1, { baseMs: 1_000, capMs: 10_000 }), signal);
        const found = await options.findCreated(since);
        if (found !== undefined) {
            log.info(`Atlas had created job ${found.id} before the answer was lost; using it.`);
            return found;
        }
        log.info('Atlas lists no job from that request; asking again.');
    }
}

;// CONCATENATED MODULE: ./src/atlas/backup-api.ts



/**
 * Text from Atlas that reaches log lines, outputs and messages: short and on one line, so an
 * answer cannot flood the log or start a line of its own (`::error::` and other workflow
 * commands are read from the start of a line).
 */
const Text = dist/* pipe */.FsL(dist/* string */.YjP(), dist/* maxLength */.Ru6(100, 'expected at most 100 characters'), dist/* regex */.yGV(/^[^\p{Cc}\u2028\u2029]*$/u, 'expected text on one line'));
/**
 * PENDING, QUEUED, RUNNING, FAILED or COMPLETED. Atlas may add statuses, so an unknown one is
 * kept rather than failing the run, but it must look like one.
 */
const Status = dist/* pipe */.FsL(dist/* string */.YjP(), dist/* regex */.yGV(/^[A-Z][A-Z0-9_]{0,39}$/, 'expected a status in capital letters'));
const Id = dist/* pipe */.FsL(dist/* string */.YjP(), dist/* regex */.yGV(/^[a-f0-9]{24}$/, 'expected a 24-hex id'));
const Time = dist/* optional */.lqM(dist/* nullable */.mee(Text));
const SnapshotSchema = dist/* pipe */.FsL(dist/* object */.Ikc({
    id: Id,
    status: Status,
    finishTime: Time,
    mongoDBVersion: dist/* optional */.lqM(dist/* nullable */.mee(Text)),
}), dist/* transform */.pdi((raw) => ({
    id: raw.id,
    status: raw.status,
    completed: raw.status === 'COMPLETED',
    finishTime: raw.finishTime ?? undefined,
    mongoDBVersion: raw.mongoDBVersion ?? undefined,
    fallback: false,
})));
const RawJobSchema = dist/* object */.Ikc({
    id: Id,
    status: Status,
    /** DOWNLOAD for the jobs this action creates; RESTORE for restores into a cluster. */
    deliveryType: dist/* optional */.lqM(dist/* nullable */.mee(Text)),
    snapshotId: dist/* optional */.lqM(dist/* nullable */.mee(Text)),
    /** When the job was requested: how a job created by a request whose answer was lost is found. */
    restoreScheduledDate: Time,
    // Not checked here: a parse error could print it before it is masked. wait.ts checks it.
    snapshotUrl: dist/* optional */.lqM(dist/* nullable */.mee(dist/* string */.YjP())),
    expirationDate: Time,
    snapshotFinishedDate: Time,
});
const JobSchema = dist/* pipe */.FsL(RawJobSchema, dist/* transform */.pdi(normalJob));
/** Jobs of a list keep what telling a job created by this run from others needs. */
const ListedJobSchema = dist/* pipe */.FsL(RawJobSchema, dist/* transform */.pdi((raw) => ({ raw, job: normalJob(raw) })));
function normalJob(raw) {
    return {
        id: raw.id,
        status: raw.status,
        snapshotId: raw.snapshotId ?? undefined,
        files: raw.snapshotUrl === undefined || raw.snapshotUrl === null || raw.snapshotUrl === ''
            ? []
            : [{ url: raw.snapshotUrl, replicaSetName: undefined }],
        ended: raw.status === 'FAILED' ? 'failed' : undefined,
        finished: raw.status === 'COMPLETED',
        expiresAt: raw.expirationDate ?? undefined,
        snapshotFinishedAt: raw.snapshotFinishedDate ?? undefined,
    };
}
const pageOf = (item) => dist/* object */.Ikc({
    results: dist/* array */.YOg(item),
    totalCount: dist/* optional */.lqM(dist/* number */.aig()),
    links: dist/* optional */.lqM(dist/* array */.YOg(dist/* object */.Ikc({ rel: dist/* string */.YjP(), href: dist/* string */.YjP() }))),
});
const SnapshotPage = pageOf(SnapshotSchema);
const JobPage = pageOf(ListedJobSchema);
/** Runner and Atlas clocks may disagree by this much when matching a job's request time. */
const CLOCK_SKEW_MS = 2 * 60_000;
/** Lists are paged; 500 a page is the most Atlas allows, and fewer pages mean fewer requests. */
const PAGE_SIZE = 500;
/** A guard against a server that always says there is a next page. */
const MAX_PAGES = 100;
/**
 * Every item of a list, across its pages where the API pages it (a `next` link says there is
 * another page), at most MAX_PAGES of them.
 */
async function listAll(call, list) {
    const { operation, path, schema } = list;
    if (!list.paged)
        return (await call({ operation, method: 'GET', path, schema })).results;
    const items = [];
    for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
        const page = await call({
            operation,
            method: 'GET',
            path,
            query: { pageNum, itemsPerPage: PAGE_SIZE, includeCount: false },
            schema,
        });
        items.push(...page.results);
        const hasNext = page.links?.some((link) => link.rel === 'next') ?? false;
        if (!hasNext || page.results.length === 0)
            return items;
    }
    return items;
}
function flexBackupApi(client, context, groupId, cluster) {
    return new ClusterBackupApi(client, context, {
        kind: 'flex',
        version: ApiVersion.Flex,
        prefix: `/groups/${groupId}/flexClusters/${encodeURIComponent(cluster)}/backup`,
        jobs: 'restoreJobs',
        label: `Flex cluster '${cluster}'`,
        paged: true,
    });
}
function sharedTierBackupApi(client, context, groupId, cluster) {
    return new ClusterBackupApi(client, context, {
        kind: 'shared',
        version: ApiVersion.SharedTier,
        prefix: `/groups/${groupId}/clusters/${encodeURIComponent(cluster)}/backup/tenant`,
        jobs: 'restores',
        label: `shared-tier cluster '${cluster}'`,
        paged: false,
    });
}
/** The Flex and shared-tier APIs differ only in paths, version, job route name and paging. */
class ClusterBackupApi {
    kind;
    sharded = false;
    client;
    context;
    flavour;
    constructor(client, context, flavour) {
        this.client = client;
        this.context = context;
        this.flavour = flavour;
        this.kind = flavour.kind;
    }
    call(call) {
        return this.client.call({
            ...call,
            version: this.flavour.version,
            path: `${this.flavour.prefix}${call.path}`,
        });
    }
    listSnapshots() {
        return this.listAll(`Listing the snapshots of ${this.flavour.label}`, '/snapshots', SnapshotPage);
    }
    listAll(operation, path, schema) {
        return listAll((call) => this.call(call), {
            operation,
            path,
            schema,
            paged: this.flavour.paged,
        });
    }
    getSnapshot(snapshotId) {
        return this.call({
            operation: `Reading snapshot ${snapshotId} of ${this.flavour.label}`,
            method: 'GET',
            path: `/snapshots/${snapshotId}`,
            schema: SnapshotSchema,
        });
    }
    requestDownload(snapshotId) {
        return createOnce({
            create: () => this.call({
                operation: `Requesting a download of snapshot ${snapshotId} of ${this.flavour.label}`,
                method: 'POST',
                path: '/download',
                body: { snapshotId },
                schema: JobSchema,
                creates: true,
            }),
            findCreated: (since) => this.findDownloadJob(snapshotId, since),
            clock: this.context.clock,
            log: this.context.log,
            signal: this.context.signal,
        });
    }
    /** The newest download job of the snapshot requested at `since` or later, if any. */
    async findDownloadJob(snapshotId, since) {
        const jobs = await this.listAll(`Looking for the download job of snapshot ${snapshotId} of ${this.flavour.label}`, `/${this.flavour.jobs}`, JobPage);
        const requested = ({ raw }) => Date.parse(raw.restoreScheduledDate ?? '');
        return jobs
            .filter((listed) => listed.raw.snapshotId === snapshotId &&
            (listed.raw.deliveryType ?? 'DOWNLOAD') === 'DOWNLOAD' &&
            requested(listed) >= since - CLOCK_SKEW_MS)
            .sort((a, b) => requested(b) - requested(a))[0]?.job;
    }
    getJob(jobId) {
        return this.call({
            operation: `Reading download job ${jobId} of ${this.flavour.label}`,
            method: 'GET',
            path: `/${this.flavour.jobs}/${jobId}`,
            schema: JobSchema,
        });
    }
}

;// CONCATENATED MODULE: ./src/atlas/cluster-kind.ts




/** Atlas's answer when a Flex endpoint is asked about a cluster that is not Flex. */
const NOT_FLEX = 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API';
/** 404 codes that name a missing resource; any other 404 means the route itself is gone. */
const RESOURCE_NOT_FOUND = new Set([
    'CLUSTER_NOT_FOUND',
    'GROUP_NOT_FOUND',
    'INVALID_GROUP_ID',
    'SNAPSHOT_NOT_FOUND',
    'TENANT_SNAPSHOT_NOT_FOUND',
    'TENANT_RESTORE_NOT_FOUND',
]);
/** What the cluster description (GET /clusters/{name}, 2024-08-05) tells about backups. */
const DescriptionSchema = dist/* object */.Ikc({
    clusterType: dist/* optional */.lqM(dist/* nullable */.mee(Text)),
    backupEnabled: dist/* optional */.lqM(dist/* nullable */.mee(dist/* boolean */.zMY())),
    encryptionAtRestProvider: dist/* optional */.lqM(dist/* nullable */.mee(Text)),
    paused: dist/* optional */.lqM(dist/* nullable */.mee(dist/* boolean */.zMY())),
    replicationSpecs: dist/* optional */.lqM(dist/* nullable */.mee(dist/* array */.YOg(dist/* object */.Ikc({
        regionConfigs: dist/* optional */.lqM(dist/* nullable */.mee(dist/* array */.YOg(dist/* object */.Ikc({
            providerName: dist/* optional */.lqM(dist/* nullable */.mee(Text)),
            electableSpecs: dist/* optional */.lqM(dist/* nullable */.mee(dist/* object */.Ikc({ instanceSize: dist/* optional */.lqM(dist/* nullable */.mee(Text)) }))),
        })))),
    })))),
});
/** Reads the cluster description: the one request that tells a dedicated cluster's shape. */
function describeCluster(client, groupId, cluster) {
    return client.call({
        operation: `Reading the description of cluster '${cluster}'`,
        method: 'GET',
        version: ApiVersion.Cluster,
        path: `/groups/${groupId}/clusters/${encodeURIComponent(cluster)}`,
        schema: DescriptionSchema,
    });
}
/**
 * Runs `first` against the API that serves the cluster, and returns that API with the result.
 * With `auto`, the Flex API is asked first (every former M2/M5 cluster is Flex now), and its
 * answer doubles as the probe, so a Flex cluster costs no extra request. When Atlas says the
 * cluster is not Flex, its description decides: Cloud Backup for a dedicated cluster, the
 * legacy shared-tier API for a TENANT one.
 */
async function onClusterApi(clusterType, apis, first, context) {
    const on = async (api) => ({ api, result: await first(api) });
    if (clusterType === 'flex')
        return on(apis.flex);
    if (clusterType === 'shared')
        return on(apis.shared);
    if (clusterType === 'auto') {
        try {
            return await on(apis.flex);
        }
        catch (error) {
            if (!(error instanceof AtlasError && error.errorCode === NOT_FLEX))
                throw error;
        }
    }
    const description = await apis.describe();
    if (isTenant(description)) {
        if (clusterType === 'dedicated')
            throw notDedicated(context.clusterName, description);
        return onSharedTier(apis.shared, first, context.clusterName, description);
    }
    checkBackups(context.clusterName, description);
    if (description.encryptionAtRestProvider && description.encryptionAtRestProvider !== 'NONE') {
        context.log.info(`Cluster '${context.clusterName}' encrypts data at rest with customer-managed keys (${description.encryptionAtRestProvider}): its snapshot files open only with MongoDB's KMIP Proxy Standalone.`);
    }
    const sharded = description.clusterType === 'SHARDED' || description.clusterType === 'GEOSHARDED';
    return on(apis.dedicated(sharded));
}
function regionConfigs(description) {
    return (description.replicationSpecs ?? []).flatMap((spec) => spec.regionConfigs ?? []);
}
function isTenant(description) {
    return regionConfigs(description).some((config) => config.providerName === 'TENANT');
}
function isFree(description) {
    return regionConfigs(description).some((config) => config.providerName === 'TENANT' && config.electableSpecs?.instanceSize === 'M0');
}
/** Fails before any job is created when the cluster has no Cloud Backup to download. */
function checkBackups(clusterName, description) {
    if (description.backupEnabled === false) {
        throw new AtlasError({
            operation: `Checking the backups of cluster '${clusterName}'`,
            status: 0,
            detail: 'Cloud Backup is not enabled on this dedicated cluster, so it has no snapshots',
            remedy: "Turn on Cloud Backup in the cluster's configuration (Additional Settings), wait for its first snapshot, then run again",
        });
    }
}
function notDedicated(clusterName, description) {
    return new AtlasError({
        operation: `Checking the backups of cluster '${clusterName}'`,
        status: 0,
        detail: isFree(description)
            ? 'it is a free (M0) cluster, and Atlas takes no downloadable backups of free clusters'
            : 'it is a shared-tier cluster, not a dedicated one',
        remedy: isFree(description)
            ? 'Upgrade the cluster to Flex or a dedicated tier to get backups'
            : "Use cluster-type 'auto' or 'shared'",
    });
}
async function onSharedTier(api, first, clusterName, description) {
    if (isFree(description))
        throw notDedicated(clusterName, description);
    try {
        return { api, result: await first(api) };
    }
    catch (error) {
        if (error instanceof AtlasError && sharedTierCannotServe(error)) {
            throw new AtlasError({
                operation: 'Finding the API that serves the cluster',
                status: error.status,
                errorCode: error.errorCode,
                detail: `the cluster is a shared-tier cluster, and the legacy shared-tier API no longer serves it (it answered: ${error.detail ?? `HTTP ${error.status}`})`,
                remedy: 'Atlas sunset that API on 2026-01-22 and migrates M2/M5 clusters to Flex: once this one is Flex, it downloads with the same inputs. Check cluster-name and group-id',
                cause: error,
            });
        }
        throw error;
    }
}
function sharedTierCannotServe(error) {
    if (error.status === 410)
        return true;
    if (error.status === 404)
        return !RESOURCE_NOT_FOUND.has(error.errorCode ?? '');
    return false;
}

;// CONCATENATED MODULE: ./src/atlas/digest.ts

const HASHES = { MD5: 'md5', 'SHA-256': 'sha256' };
/**
 * Finds the Digest challenge in a WWW-Authenticate header (which may list several schemes).
 * Returns undefined when there is none we can answer: no Digest, an algorithm other than MD5
 * or SHA-256 (the -sess variants included), or no qop=auth.
 */
function parseDigestChallenge(header) {
    if (header === undefined)
        return undefined;
    const scheme = /(?:^|[\s,])Digest\s+/i.exec(header);
    if (scheme === null)
        return undefined;
    const params = parseAuthParams(header.slice(scheme.index + scheme[0].length));
    const realm = params.get('realm');
    const nonce = params.get('nonce');
    const algorithm = (params.get('algorithm') ?? 'MD5').toUpperCase();
    const qops = (params.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
    if (realm === undefined || nonce === undefined || !qops.includes('auth'))
        return undefined;
    if (algorithm !== 'MD5' && algorithm !== 'SHA-256')
        return undefined;
    return {
        realm,
        nonce,
        opaque: params.get('opaque'),
        algorithm,
        stale: (params.get('stale') ?? '').toLowerCase() === 'true',
    };
}
/** auth-param list: `key=token` or `key="quoted \" string"`, comma separated; stops at the next scheme. */
function parseAuthParams(text) {
    const params = new Map();
    const pattern = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(,|$)/y;
    let match = pattern.exec(text);
    while (match !== null) {
        const key = (match[1] ?? '').toLowerCase();
        const value = match[2] === undefined ? (match[3] ?? '') : match[2].replace(/\\(.)/g, '$1');
        if (!params.has(key))
            params.set(key, value);
        if (match[4] === '')
            break;
        match = pattern.exec(text);
    }
    return params;
}
/** The Authorization header value answering a Digest challenge with qop=auth. */
function digestAuthorization(request) {
    const { challenge } = request;
    const hash = (text) => (0,external_node_crypto_.createHash)(HASHES[challenge.algorithm]).update(text, 'utf8').digest('hex');
    const cnonce = request.cnonce ?? (0,external_node_crypto_.randomBytes)(16).toString('hex');
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
    if (challenge.opaque !== undefined)
        fields.push(`opaque=${quote(challenge.opaque)}`);
    return `Digest ${fields.join(', ')}`;
}
function quote(value) {
    return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

;// CONCATENATED MODULE: ./src/atlas/auth.ts




function createAuthenticator(credentials, deps) {
    return credentials.kind === 'service-account'
        ? new ServiceAccountAuth(credentials.clientId, credentials.clientSecret, deps)
        : new DigestAuth(credentials.publicKey, credentials.privateKey);
}
const TokenAnswer = dist/* object */.Ikc({
    // It goes into an Authorization header: anything but visible ASCII could never be sent,
    // and servers refuse headers past 8 to 16 KiB (Atlas's JWTs are a fraction of that). The
    // messages must not quote it: it is not masked until it is known to be a token.
    access_token: dist/* pipe */.FsL(dist/* string */.YjP(), dist/* maxLength */.Ru6(8_192, 'expected access_token to be at most 8192 characters'), dist/* regex */.yGV(/^[\x21-\x7e]+$/, 'expected access_token to be visible ASCII characters')),
    token_type: dist/* pipe */.FsL(dist/* string */.YjP(), dist/* check */.z6Y((type) => type.toLowerCase() === 'bearer', 'expected token_type Bearer')),
    expires_in: dist/* optional */.lqM(dist/* pipe */.FsL(dist/* number */.aig(), dist/* minValue */.Wwf(1)), 3600),
});
const OAuthError = dist/* object */.Ikc({
    error: dist/* string */.YjP(),
    error_description: dist/* optional */.lqM(dist/* string */.YjP()),
});
/** Refresh this long before the token expires, so a request never carries a dying token. */
const REFRESH_MARGIN_MS = 60_000;
/** With a job cancellation (2.5 s), under the 5 s the entry point allows a cancelled run for its cleanup. */
const REVOKE_TIMEOUT_MS = 2_000;
/**
 * OAuth 2.0 client credentials for an Atlas service account. The token is cached, refreshed a
 * minute before it expires, and once more when Atlas rejects it anyway (revoked, clock skew).
 */
class ServiceAccountAuth {
    clientId;
    clientSecret;
    deps;
    token;
    pending;
    constructor(clientId, clientSecret, deps) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.deps = deps;
    }
    async first() {
        const now = this.deps.clock.now();
        if (this.token === undefined || this.token.expiresAt - REFRESH_MARGIN_MS <= now) {
            this.token = undefined;
        }
        return `Bearer ${this.token?.value ?? (await this.mint())}`;
    }
    async afterUnauthorized(_method, _uri, _response, rejections) {
        if (rejections > 1)
            return undefined;
        this.token = undefined;
        return `Bearer ${await this.mint()}`;
    }
    /**
     * Revokes the token at the end of the run: it would stay valid for up to an hour, and a
     * token that no longer works is worth nothing to whoever finds it in a crash dump. Best
     * effort, one attempt of a few seconds: the run's result is decided already, and this also
     * runs after a cancellation, inside the runner's grace period.
     */
    async close() {
        const token = this.token?.value;
        if (token === undefined)
            return;
        this.token = undefined;
        const response = await this.deps.transport.send({
            operation: 'Revoking the access token',
            method: 'POST',
            url: `${this.deps.baseUrl}/api/oauth/revoke`,
            headers: this.clientHeaders(),
            body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
            once: { timeoutMs: this.deps.revokeTimeoutMs ?? REVOKE_TIMEOUT_MS },
        });
        if (response.status !== 200)
            throw new Error(`HTTP ${response.status}`);
    }
    /** Basic auth with the raw id and secret: Atlas does not want them form-encoded first (RFC 6749 2.3.1 would). */
    clientHeaders() {
        const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64');
        this.deps.mask(basic);
        return {
            authorization: `Basic ${basic}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
        };
    }
    mint() {
        // Concurrent callers share one token request.
        this.pending ??= this.requestToken().finally(() => {
            this.pending = undefined;
        });
        return this.pending;
    }
    async requestToken() {
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
            const oauth = dist/* safeParse */.xLC(OAuthError, json);
            throw new AtlasError({
                operation,
                status: response.status,
                errorCode: oauth.success ? oauth.output.error : header(response, 'x-error-code'),
                detail: oauth.success
                    ? oauth.output.error_description && oneLine(oauth.output.error_description, QUOTED_TEXT)
                    : describeBody(response.body, header(response, 'content-type')),
                remedy: response.status === 400 || response.status === 401
                    ? 'Check client-id and client-secret: the service account may be deleted, or its secret expired or rotated'
                    : undefined,
            });
        }
        const answer = dist/* safeParse */.xLC(TokenAnswer, json);
        if (!answer.success) {
            const contentType = oneLine(header(response, 'content-type') || 'no content type', 60);
            throw new AtlasError({
                operation,
                status: response.status,
                // A body that is not JSON is not quoted: it may be a token answer cut short.
                detail: json === undefined
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
class DigestAuth {
    username;
    password;
    constructor(username, password) {
        this.username = username;
        this.password = password;
    }
    async first() {
        return undefined;
    }
    async afterUnauthorized(method, uri, response, rejections) {
        const challenge = parseDigestChallenge(header(response, 'www-authenticate'));
        if (challenge === undefined)
            return undefined;
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

;// CONCATENATED MODULE: ./src/atlas/cloud-backup-api.ts
/**
 * Cloud Backup of dedicated (M10+) clusters: snapshots, and download restore jobs
 * (`deliveryType: download`), resource version 2023-01-01. Shapes from Atlas's specification
 * and recorded answers: statuses are lower camel case, a job is ready when its `deliveryUrl`
 * (replica set) or every component's `downloadUrl` (sharded cluster) is there, and `failed`,
 * `cancelled` or `expired` say it never will be.
 */





/** Atlas allows one active download of a snapshot; a second request gets this. */
const ALREADY_DOWNLOADING = 'CANNOT_DOWNLOAD_SNAPSHOT_CONCURRENTLY';
/** Cancelling is best effort: the run's result is decided already. */
const CANCEL_TIMEOUT_MS = 2_500;
/** queued, inProgress, completed, failed; Atlas may add more, so any word that looks like one. */
const cloud_backup_api_Status = dist/* pipe */.FsL(dist/* string */.YjP(), dist/* regex */.yGV(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'expected a status word'));
const Flag = dist/* optional */.lqM(dist/* nullable */.mee(dist/* boolean */.zMY()));
const cloud_backup_api_SnapshotSchema = dist/* pipe */.FsL(dist/* object */.Ikc({
    id: Id,
    status: cloud_backup_api_Status,
    // Absent until the snapshot is taken.
    createdAt: Time,
    mongodVersion: dist/* optional */.lqM(dist/* nullable */.mee(Text)),
    // onDemand, scheduled or fallback; frequencyType and others are not read (real answers
    // hold values the specification does not list).
    snapshotType: dist/* optional */.lqM(dist/* nullable */.mee(Text)),
}), dist/* transform */.pdi((raw) => ({
    id: raw.id,
    status: raw.status,
    completed: raw.status === 'completed',
    finishTime: raw.createdAt ?? undefined,
    mongoDBVersion: raw.mongodVersion ?? undefined,
    fallback: raw.snapshotType === 'fallback',
})));
const cloud_backup_api_RawJobSchema = dist/* object */.Ikc({
    id: Id,
    deliveryType: dist/* optional */.lqM(dist/* nullable */.mee(Text)),
    snapshotId: dist/* optional */.lqM(dist/* nullable */.mee(Text)),
    // Links are not checked here: a parse error could print one before it is masked.
    deliveryUrl: dist/* optional */.lqM(dist/* nullable */.mee(dist/* array */.YOg(dist/* string */.YjP()))),
    components: dist/* optional */.lqM(dist/* nullable */.mee(dist/* array */.YOg(dist/* object */.Ikc({
        replicaSetName: dist/* optional */.lqM(dist/* nullable */.mee(Text)),
        downloadUrl: dist/* optional */.lqM(dist/* nullable */.mee(dist/* string */.YjP())),
    })))),
    failed: Flag,
    cancelled: Flag,
    expired: Flag,
    expiresAt: Time,
    // When the snapshot was taken.
    timestamp: Time,
});
const cloud_backup_api_JobSchema = dist/* pipe */.FsL(cloud_backup_api_RawJobSchema, dist/* transform */.pdi(cloud_backup_api_normalJob));
const cloud_backup_api_JobPage = pageOf(dist/* pipe */.FsL(cloud_backup_api_RawJobSchema, dist/* transform */.pdi((raw) => ({ raw, job: cloud_backup_api_normalJob(raw) }))));
const cloud_backup_api_SnapshotPage = pageOf(cloud_backup_api_SnapshotSchema);
function cloud_backup_api_normalJob(raw) {
    const ended = raw.failed
        ? 'failed'
        : raw.cancelled
            ? 'cancelled'
            : raw.expired
                ? 'expired'
                : undefined;
    const files = ended === undefined ? filesOf(raw) : [];
    return {
        id: raw.id,
        status: ended ?? (files.length > 0 ? 'ready' : 'preparing the download'),
        snapshotId: raw.snapshotId ?? undefined,
        files,
        ended,
        finished: false,
        expiresAt: raw.expiresAt ?? undefined,
        snapshotFinishedAt: raw.timestamp ?? undefined,
    };
}
/** The links once every one is there: a sharded cluster's per component, else deliveryUrl. */
function filesOf(raw) {
    const components = raw.components ?? [];
    if (components.length > 0) {
        const ready = components.every((c) => typeof c.downloadUrl === 'string' && c.downloadUrl !== '');
        if (!ready)
            return [];
        return components.map((c, index) => ({
            url: c.downloadUrl ?? '',
            replicaSetName: c.replicaSetName ?? `component-${index}`,
        }));
    }
    return (raw.deliveryUrl ?? [])
        .filter((url) => url !== '')
        .map((url) => ({ url, replicaSetName: undefined }));
}
/** Never delete a job this action does not own: only live downloads of the snapshot. */
function isLiveDownload(raw, snapshotId) {
    return (raw.snapshotId === snapshotId &&
        (raw.deliveryType ?? '').toLowerCase() === 'download' &&
        !raw.failed &&
        !raw.cancelled &&
        !raw.expired);
}
function cloudBackupApi(client, context, groupId, cluster, sharded) {
    const prefix = `/groups/${groupId}/clusters/${encodeURIComponent(cluster)}/backup`;
    const label = `${sharded ? 'sharded' : 'dedicated'} cluster '${cluster}'`;
    const call = (request) => client.call({ ...request, version: ApiVersion.CloudBackup, path: `${prefix}${request.path}` });
    const findLiveJob = async (snapshotId) => {
        const jobs = await listAll(call, {
            operation: `Looking for the download job of snapshot ${snapshotId} of ${label}`,
            path: '/restoreJobs',
            schema: cloud_backup_api_JobPage,
            paged: true,
        });
        return jobs.find(({ raw }) => isLiveDownload(raw, snapshotId))?.job;
    };
    return {
        kind: 'dedicated',
        sharded,
        listSnapshots: () => listAll(call, {
            operation: `Listing the snapshots of ${label}`,
            path: sharded ? '/snapshots/shardedClusters' : '/snapshots',
            schema: cloud_backup_api_SnapshotPage,
            // Only the replica-set list declares paging parameters.
            paged: !sharded,
        }),
        getSnapshot: (snapshotId) => call({
            operation: `Reading snapshot ${snapshotId} of ${label}`,
            method: 'GET',
            path: `/snapshots/${sharded ? 'shardedCluster/' : ''}${snapshotId}`,
            schema: cloud_backup_api_SnapshotSchema,
        }),
        async requestDownload(snapshotId) {
            const create = () => call({
                operation: `Requesting a download of snapshot ${snapshotId} of ${label}`,
                method: 'POST',
                path: '/restoreJobs',
                // Exactly these two: Flex's target fields make Atlas refuse the request.
                body: { deliveryType: 'download', snapshotId },
                schema: cloud_backup_api_JobSchema,
                creates: true,
            });
            try {
                return await createOnce({
                    create,
                    // One live download per snapshot: if there is one, it is the one this run made.
                    findCreated: () => findLiveJob(snapshotId),
                    ...context,
                });
            }
            catch (error) {
                if (!(error instanceof AtlasError && error.errorCode === ALREADY_DOWNLOADING))
                    throw error;
                const live = await findLiveJob(snapshotId);
                if (live === undefined)
                    throw error;
                context.log.info(`A download of snapshot ${snapshotId} is already active (job ${live.id}, from an earlier run or another job); using it.`);
                return live;
            }
        },
        getJob: (jobId) => call({
            operation: `Reading download job ${jobId} of ${label}`,
            method: 'GET',
            path: `/restoreJobs/${jobId}`,
            schema: cloud_backup_api_JobSchema,
        }),
        async cancelJob(jobId) {
            await call({
                operation: `Cancelling download job ${jobId} of ${label}`,
                method: 'DELETE',
                path: `/restoreJobs/${jobId}`,
                schema: undefined,
                bestEffortMs: CANCEL_TIMEOUT_MS,
            });
        },
    };
}

;// CONCATENATED MODULE: ./src/atlas/index.ts






/** The Admin API for the settings' project and cluster, with its credentials. */
function createAtlas(settings, deps) {
    const transport = new Transport({
        dispatcher: deps.dispatcher,
        clock: deps.clock,
        log: deps.log,
        signal: deps.signal,
        // No single call may retry for longer than the user is prepared to wait in all.
        retry: { maxElapsedMs: Math.min(5 * 60_000, settings.waitTimeoutMs) },
        ...(deps.random && { random: deps.random }),
    });
    const auth = createAuthenticator(settings.credentials, {
        transport,
        baseUrl: settings.atlasBaseUrl,
        clock: deps.clock,
        mask: deps.mask,
    });
    const client = new AtlasClient({ baseUrl: settings.atlasBaseUrl, transport, auth });
    const context = { clock: deps.clock, log: deps.log, signal: deps.signal };
    const { groupId, clusterName } = settings;
    return {
        apis: {
            flex: flexBackupApi(client, context, groupId, clusterName),
            shared: sharedTierBackupApi(client, context, groupId, clusterName),
            describe: () => describeCluster(client, groupId, clusterName),
            dedicated: (sharded) => cloudBackupApi(client, context, groupId, clusterName, sharded),
        },
        close: async () => {
            try {
                await auth.close?.();
            }
            catch (error) {
                deps.log.debug(`Could not revoke the access token: ${String(error)}`);
            }
        },
    };
}

;// CONCATENATED MODULE: ./src/atlas/snapshot.ts

const NOT_FOUND = new Set(['SNAPSHOT_NOT_FOUND', 'TENANT_SNAPSHOT_NOT_FOUND']);
/** How many candidates an error message lists. */
const LISTED = 3;
/** A snapshot that cannot be downloaded, with the ones that can. */
class SnapshotError extends Error {
    name = 'SnapshotError';
}
/**
 * The snapshot to download: the given one, which must exist and be completed, or else the
 * newest completed one by the time it was taken (Atlas lists Flex snapshots oldest first, but
 * that is not promised). A Cloud Backup fallback snapshot is taken only when named: Atlas says
 * it may be inconsistent.
 */
async function chooseSnapshot(api, snapshotId, clusterName, log) {
    if (snapshotId === undefined) {
        const completed = completedNewestFirst(await api.listSnapshots());
        const newest = completed.find((s) => !s.fallback);
        // Fallback snapshots newer than the one taken: the log says why they were passed over.
        const skipped = newest === undefined ? completed : completed.slice(0, completed.indexOf(newest));
        for (const fallback of skipped) {
            log.info(`Skipping snapshot ${fallback.id} (taken ${fallback.finishTime ?? 'at an unknown time'}): it is a fallback snapshot, which Atlas says may be inconsistent. Name it in snapshot-id to download it anyway.`);
        }
        if (newest === undefined) {
            throw new SnapshotError(`Cluster '${clusterName}' has no completed snapshot yet${completed.length > 0 ? ' other than fallback snapshots' : ''}. Run again after the next scheduled snapshot, or check the cluster's Backup tab.`);
        }
        return newest;
    }
    let snapshot;
    try {
        snapshot = await api.getSnapshot(snapshotId);
    }
    catch (error) {
        if (error instanceof AtlasError &&
            error.status === 404 &&
            NOT_FOUND.has(error.errorCode ?? '')) {
            throw await unusable(api, `Snapshot ${snapshotId} of cluster '${clusterName}' does not exist${api.kind === 'flex' ? ' (Flex keeps only the last 8 daily snapshots)' : ''}`);
        }
        throw error;
    }
    if (!snapshot.completed) {
        throw await unusable(api, `Snapshot ${snapshotId} of cluster '${clusterName}' is ${snapshot.status}, and only a completed snapshot can be downloaded`);
    }
    if (snapshot.fallback) {
        log.warning(`Snapshot ${snapshotId} is a fallback snapshot, which Atlas says may be inconsistent; downloading it because snapshot-id names it.`);
    }
    return snapshot;
}
/** Completed snapshots, newest first; those without a readable time last. */
function completedNewestFirst(snapshots) {
    const taken = (s) => {
        const time = s.finishTime ? Date.parse(s.finishTime) : Number.NaN;
        return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
    };
    return snapshots.filter((s) => s.completed).sort((a, b) => taken(b) - taken(a));
}
async function unusable(api, problem) {
    const candidates = completedNewestFirst(await api.listSnapshots())
        .filter((s) => !s.fallback)
        .slice(0, LISTED);
    const list = candidates.length === 0
        ? 'The cluster has no completed snapshot yet.'
        : `The newest completed: ${candidates.map((s) => `${s.id} (taken ${s.finishTime ?? 'at an unknown time'})`).join(', ')}.`;
    return new SnapshotError(`${problem}. ${list} Leave snapshot-id empty to take the newest.`);
}

;// CONCATENATED MODULE: ./src/clock.ts
const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted) {
            reject(signal.reason);
            return;
        }
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
/** A clock whose sleeps return at once and advance its time: for tests. */
function fakeClock(start = Date.UTC(2026, 10, 29, 3, 0, 0)) {
    let now = start;
    const slept = [];
    return {
        slept,
        now: () => now,
        sleep: async (ms, signal) => {
            if (signal?.aborted)
                throw signal.reason;
            slept.push(ms);
            now += ms;
        },
    };
}

// EXTERNAL MODULE: ./src/constants.ts
var constants = __webpack_require__(27242);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(46466);
;// CONCATENATED MODULE: ./src/download-errors.ts
/**
 * What can go wrong while fetching the snapshot file. Every failure of downloadSnapshot is a
 * DownloadError, so the caller can tell them from its own; the subclasses say which kind.
 */
class DownloadError extends Error {
    name = 'DownloadError';
}
/** The storage host answered 403 or 410: the signed link has expired or was revoked. */
class LinkExpiredError extends DownloadError {
    name = 'LinkExpiredError';
}
/** The bytes arrived but are not a complete, readable .tar.gz snapshot. */
class SnapshotVerificationError extends DownloadError {
    name = 'SnapshotVerificationError';
}
/** An archive entry would land, or point, outside the extraction directory. */
class UnsafeArchiveError extends SnapshotVerificationError {
    name = 'UnsafeArchiveError';
}
/** The caller's AbortSignal fired (the runner cancelled the job). */
class DownloadCancelledError extends DownloadError {
    name = 'DownloadCancelledError';
}

;// CONCATENATED MODULE: ./src/progress.ts
class ProgressReporter {
    clock;
    log;
    intervalMs;
    lastAt;
    lastBytes;
    constructor(clock, log, intervalMs, startBytes = 0) {
        this.clock = clock;
        this.log = log;
        this.intervalMs = intervalMs;
        this.lastAt = clock.now();
        this.lastBytes = startBytes;
    }
    /** Called for every chunk, so the common path is one clock read and one comparison. */
    update(received, total) {
        const now = this.clock.now();
        const elapsed = now - this.lastAt;
        if (elapsed < this.intervalMs)
            return;
        const rate = ((received - this.lastBytes) / elapsed) * 1000;
        this.lastAt = now;
        this.lastBytes = received;
        this.log.info(formatProgress(received, total, rate));
    }
    /** A restart from byte zero: the next rate must not count bytes that were thrown away. */
    reset(received) {
        this.lastAt = this.clock.now();
        this.lastBytes = received;
    }
}
function formatProgress(received, total, bytesPerSecond) {
    const parts = [
        total === undefined
            ? `Downloaded ${formatBytes(received)}`
            : `Downloaded ${formatBytes(received)} of ${formatBytes(total)} (${percent(received, total)})`,
    ];
    if (Number.isFinite(bytesPerSecond) && bytesPerSecond > 0) {
        parts.push(`${formatRate(bytesPerSecond)}`);
        if (total !== undefined && total > received) {
            parts.push(`about ${formatDuration(((total - received) / bytesPerSecond) * 1000)} left`);
        }
    }
    return parts.join(', ');
}
function formatBytes(bytes) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
function formatRate(bytesPerSecond) {
    return `${(bytesPerSecond / 1024 / 1024).toFixed(1)} MiB/s`;
}
function formatDuration(ms) {
    const seconds = Math.ceil(ms / 1000);
    if (seconds < 60)
        return `${seconds}s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60)
        return `${minutes}m ${seconds % 60}s`;
    return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
function percent(received, total) {
    if (total === 0)
        return '100%';
    // Floor, so 100% only shows once every byte is in.
    return `${Math.floor((received / total) * 100)}%`;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(73136);
// EXTERNAL MODULE: external "node:worker_threads"
var external_node_worker_threads_ = __webpack_require__(75919);
;// CONCATENATED MODULE: ./src/sink.ts
/**
 * The one place the snapshot's bytes go. The main thread hashes each chunk as the socket
 * delivers it and writes it to the partial file; a worker thread (verify-worker.ts) follows
 * the file as it grows and inflates it into a tar reader or extractor, so inflating, the
 * slowest step, runs beside the download instead of in series with it. The file's write
 * buffer is the backpressure: when the disk is slower than the socket, the socket waits.
 *
 * A sink outlives connection attempts: a resumed request only appends to the byte stream, so
 * nothing is re-read or re-hashed after a drop. When the server restarts from byte zero the
 * caller disposes of the sink and makes a new one.
 */







// Socket reads are 64 KiB; batching them to 512 KiB makes one writev per batch. The worker
// hears of the file's growth at most once a batch.
const BATCH = 512 << 10;
const FILE_BUFFER = 1 << 20;
const HEAD_BYTES = 256;
// How long disposal waits for the worker to close its files before deleting them.
const CLOSE_MS = 3_000;
/** The worker's entry beside this module: verify-worker.ts in src/, verify-worker.js in dist/. */
const WORKER_PATH = (0,external_node_path_.join)((0,external_node_path_.dirname)((0,external_node_url_.fileURLToPath)(import.meta.url)), import.meta.url.endsWith('.ts') ? 'verify-worker.ts' : 'verify-worker.js');
const FAILURES = {
    DownloadError: DownloadError,
    SnapshotVerificationError: SnapshotVerificationError,
    UnsafeArchiveError: UnsafeArchiveError,
};
class SnapshotSink {
    /** Bytes accepted so far: the offset a resumed request starts at. */
    received = 0;
    /** Describes the response feeding the sink, for the "not a gzip file" message. */
    source = '';
    options;
    worker;
    file;
    fileClosed;
    hash = (0,external_node_crypto_.createHash)('sha256');
    head = Buffer.alloc(HEAD_BYTES);
    batch = [];
    batchBytes = 0;
    /** Bytes the file holds: what the worker may read. */
    written = 0;
    failure;
    failureListeners = new Set();
    done;
    closed;
    constructor(options, worker, file) {
        this.options = options;
        this.worker = worker;
        this.file = file;
        this.fileClosed = new Promise((resolve) => file.once('close', resolve));
        file.on('error', (error) => this.fail(new DownloadError(`Could not write ${options.partialPath}: ${error.message}. Check free disk space and permissions.`, { cause: error })));
        let markDone = () => undefined;
        let markClosed = () => undefined;
        this.done = new Promise((resolve) => {
            markDone = resolve;
        });
        this.closed = new Promise((resolve) => {
            markClosed = resolve;
        });
        worker.on('message', (message) => {
            if (message.type === 'done')
                markDone();
            else if (message.type === 'failed')
                this.fail(asError(message.failure));
            else if (message.type === 'closed')
                markClosed();
        });
        worker.on('error', (error) => this.fail(new DownloadError(`The verification thread failed: ${error.message}`)));
        worker.once('exit', () => {
            markClosed();
            this.fail(new DownloadError('The verification thread stopped before the end.'));
        });
    }
    /** Opens the partial file (truncating it) and, when extracting, the empty directory. */
    static async create(options) {
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(options.partialPath), { recursive: true });
        if (options.extractDir !== undefined) {
            await (0,promises_.mkdir)((0,external_node_path_.dirname)(options.extractDir), { recursive: true });
            await (0,promises_.mkdir)(options.extractDir);
        }
        const file = (0,external_node_fs_.createWriteStream)(options.partialPath, { highWaterMark: FILE_BUFFER });
        const opened = await new Promise((resolve) => {
            file.once('ready', () => resolve(undefined));
            file.once('error', resolve);
        });
        const setup = { partialPath: options.partialPath, extractDir: options.extractDir };
        const worker = opened === undefined ? new external_node_worker_threads_.Worker(WORKER_PATH, { workerData: setup }) : undefined;
        const ready = worker === undefined
            ? undefined
            : await new Promise((resolve) => {
                worker.once('message', resolve);
                worker.once('error', resolve);
            });
        if (worker === undefined ||
            ready === undefined ||
            ready instanceof Error ||
            ready.type !== 'ready') {
            // Nothing may stay behind: not the partial file, not the empty extraction directory.
            await worker?.terminate();
            await new Promise((resolve) => file.close(resolve));
            // Only a file this sink opened: when opening failed, whatever is there is not ours.
            if (opened === undefined)
                await (0,promises_.rm)(options.partialPath, { force: true }).catch(() => undefined);
            if (options.extractDir !== undefined)
                await removeTree(options.extractDir);
            if (opened !== undefined) {
                throw new DownloadError(`Could not write ${options.partialPath}: ${opened.message}. Check free disk space and permissions.`, { cause: opened });
            }
            throw ready instanceof Error
                ? new DownloadError(`The verification thread did not start: ${ready.message}`)
                : ready?.type === 'failed'
                    ? asError(ready.failure)
                    : new DownloadError('The verification thread did not start.');
        }
        return new SnapshotSink(options, worker, file);
    }
    /** The first failure, if any: once set, every write and finish() reports it. */
    get error() {
        return this.failure;
    }
    /** Calls `listener` once if the sink fails; returns a function that unsubscribes. */
    onFailure(listener) {
        if (this.failure !== undefined) {
            listener(this.failure);
            return () => undefined;
        }
        this.failureListeners.add(listener);
        return () => this.failureListeners.delete(listener);
    }
    /** Hashes one chunk and writes it; calls back when the file's buffer has room again. */
    write(chunk, callback) {
        if (this.failure !== undefined) {
            callback(this.failure);
            return;
        }
        if (this.received < HEAD_BYTES) {
            chunk.copy(this.head, this.received, 0, HEAD_BYTES - this.received);
            if (this.received < 2 && this.received + chunk.length >= 2 && !this.looksLikeGzip()) {
                this.received += chunk.length;
                this.fail(this.notGzipError());
                callback(this.failure);
                return;
            }
        }
        this.received += chunk.length;
        this.hash.update(chunk);
        this.batch.push(chunk);
        this.batchBytes += chunk.length;
        if (this.batchBytes < BATCH || this.flush()) {
            callback();
            return;
        }
        let settled = false;
        const release = (error) => {
            if (settled)
                return;
            settled = true;
            unsubscribe();
            callback(error);
        };
        const unsubscribe = this.onFailure(release);
        this.file.once('drain', () => release());
    }
    /**
     * Ends the stream: the worker writes out the last batch, reads the archive to its end and
     * checks what only the end can tell. Returns the SHA-256 in lowercase hex.
     */
    async finish() {
        if (this.failure !== undefined)
            throw this.failure;
        if (this.received < 2)
            throw this.notGzipError();
        const failed = new Promise((_, reject) => this.onFailure(reject));
        // dispose() fails the sink on purpose later; that must not surface as unhandled.
        failed.catch(() => undefined);
        this.flush();
        this.file.end();
        await Promise.race([this.fileClosed, failed]);
        this.post({ type: 'end', bytes: this.written });
        await Promise.race([this.done, failed]);
        await this.worker.terminate();
        return this.hash.digest('hex');
    }
    /**
     * Stops everything and deletes the partial file and the partial extraction. Never throws:
     * it runs on the way out of a failure that matters more.
     */
    async dispose() {
        this.fail(new SnapshotVerificationError('The download was stopped.'));
        this.post({ type: 'abort' });
        this.file.destroy();
        let timer;
        await Promise.race([
            this.closed,
            new Promise((resolve) => {
                timer = setTimeout(resolve, CLOSE_MS);
            }),
        ]);
        clearTimeout(timer);
        await this.worker.terminate().catch(() => undefined);
        await this.fileClosed;
        await (0,promises_.rm)(this.options.partialPath, { force: true, maxRetries: 3 }).catch(() => undefined);
        if (this.options.extractDir !== undefined)
            await removeTree(this.options.extractDir);
    }
    /**
     * Writes the batch (corked: one writev) and tells the worker how far the file goes once it
     * is there. Returns whether the file's buffer still has room.
     */
    flush() {
        const { batch, batchBytes } = this;
        if (batchBytes === 0)
            return true;
        this.batch = [];
        this.batchBytes = 0;
        this.file.cork();
        let room = true;
        batch.forEach((chunk, index) => {
            // The last chunk's callback: every byte before it is in the file by then.
            const last = index === batch.length - 1;
            room = this.file.write(chunk, last ? () => this.grown(batchBytes) : undefined);
        });
        this.file.uncork();
        return room;
    }
    grown(bytes) {
        this.written += bytes;
        this.post({ type: 'written', bytes: this.written });
    }
    post(message) {
        try {
            this.worker.postMessage(message);
        }
        catch {
            // A worker that has exited already reported why.
        }
    }
    fail(error) {
        if (this.failure !== undefined)
            return;
        this.failure = error;
        const listeners = [...this.failureListeners];
        this.failureListeners.clear();
        for (const listener of listeners)
            listener(error);
    }
    looksLikeGzip() {
        return this.head[0] === 0x1f && this.head[1] === 0x8b;
    }
    notGzipError() {
        const shown = Math.min(this.received, HEAD_BYTES);
        const what = this.source === '' ? '' : ` (${this.source})`;
        return new SnapshotVerificationError(shown === 0
            ? `The download is empty${what}: it is not a snapshot.`
            : `The download is not a gzip file${what}; it starts with ${describeBytes(this.head.subarray(0, shown))}. The signed link may point at an error page: request a new one.`);
    }
}
function asError(failure) {
    return new FAILURES[failure.name](failure.message);
}
/** Printable text as a quoted excerpt, anything else as hex. */
function describeBytes(bytes, clean = (t) => t) {
    const text = clean(bytes.toString('latin1'));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for binary on purpose
    const printable = text.replace(/[^\x09\x0a\x0d\x20-\x7e]/g, '').length;
    if (printable >= text.length * 0.9) {
        return `"${text.replace(/\s+/g, ' ').trim().slice(0, 200)}"`;
    }
    return `bytes ${bytes.subarray(0, 16).toString('hex')}`;
}
/**
 * Removes a partial extraction. The directory is renamed first, so an extractor write that
 * was still queued fails on a missing parent instead of recreating the tree.
 */
async function removeTree(dir) {
    const trash = `${dir}.delete-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
    const target = await (0,promises_.rename)(dir, trash).then(() => trash, () => dir);
    await (0,promises_.rm)(target, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
}

;// CONCATENATED MODULE: ./src/download.ts
/**
 * Fetches the snapshot file from its pre-signed link: streamed to a partial file beside the
 * target, verified in the same pass (SHA-256, gzip to its trailer, tar headers), resumed with
 * Range after a drop, and renamed into place only once complete. See sink.ts for the sink
 * that makes one pass survive several connections.
 */













const DEFAULT_STALL_MS = 60_000;
const DEFAULT_MAX_ATTEMPTS = 6;
const DEFAULT_MAX_TIME_WITHOUT_PROGRESS_MS = 15 * 60_000;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_PROGRESS_MS = 5_000;
const DEFAULT_BACKOFF = { baseMs: 1_000, capMs: 30_000 };
const MAX_RETRY_AFTER_MS = 5 * 60_000;
const MAX_REDIRECTIONS = 5;
// undici's body buffer: lets the socket run ahead while the sink digests a batch.
const BODY_BUFFER = 256 << 10;
const ERROR_BODY_BYTES = 4096;
/** Downloads and verifies the snapshot; on any failure nothing is left behind. */
async function downloadSnapshot(options) {
    return new SnapshotDownload(options).run();
}
/** A failed attempt worth another one: the connection dropped or the host was busy. */
class Interruption extends Error {
    restart;
    retryAfterMs;
    constructor(message, extra = {}) {
        super(message, { cause: extra.cause });
        this.restart = extra.restart ?? false;
        this.retryAfterMs = extra.retryAfterMs;
    }
}
/** 403 or 410 from the storage host: a new link may help, the same one will not. */
class LinkRefused extends Error {
}
class SnapshotDownload {
    options;
    clock;
    log;
    dispatcher;
    stallMs;
    maxAttempts;
    maxTimeWithoutProgressMs;
    progress;
    partialPath;
    link;
    sink;
    partialExtractDir;
    resource;
    /** Attempts in a row that moved no further than `furthest`. */
    failures = 0;
    /** Any attempt so far has failed (the first answer's size is logged only once). */
    interrupted = false;
    /** The most bytes any attempt has had in the sink, and when that was last exceeded. */
    furthest = 0;
    lastProgressAt;
    refreshes = 0;
    constructor(options) {
        this.options = options;
        this.clock = options.clock ?? systemClock;
        this.log = options.log;
        this.stallMs = options.stallTimeoutMs ?? DEFAULT_STALL_MS;
        this.maxAttempts = Math.max(1, options.maxAttemptsWithoutProgress ?? DEFAULT_MAX_ATTEMPTS);
        this.maxTimeWithoutProgressMs =
            options.maxTimeWithoutProgressMs ?? DEFAULT_MAX_TIME_WITHOUT_PROGRESS_MS;
        this.lastProgressAt = this.clock.now();
        this.progress = new ProgressReporter(this.clock, this.log, options.progressIntervalMs ?? DEFAULT_PROGRESS_MS);
        this.partialPath = `${options.path}.partial`;
        this.link = options.link;
        this.dispatcher = options.dispatcher ?? (0,undici.getGlobalDispatcher)();
    }
    get url() {
        return this.link.url;
    }
    async run() {
        const { path, extractTo, signal } = this.options;
        try {
            signal?.throwIfAborted();
            validateOptions(this.options);
            await checkTargets(path, extractTo);
            this.log.info(`Downloading the snapshot from ${hostOf(this.url)} to ${path}${extractTo === undefined ? '' : `, extracting it into ${extractTo}`}`);
            const started = this.clock.now();
            this.sink = await this.newSink();
            await this.transfer();
            const sha256 = await raceAbort(this.sink.finish(), signal);
            const size = this.sink.received;
            await this.moveIntoPlace(path, extractTo);
            const elapsed = this.clock.now() - started;
            const speed = elapsed > 0 ? `, ${formatRate((size / elapsed) * 1000)}` : '';
            this.log.info(`Downloaded and verified ${formatBytes(size)} in ${formatDuration(elapsed)}${speed}; sha256 ${sha256}`);
            const { link } = this;
            return extractTo === undefined
                ? { link, path, size, sha256 }
                : { link, path, size, sha256, extractedTo: extractTo };
        }
        catch (error) {
            await this.sink?.dispose();
            throw this.explain(error);
        }
    }
    /** Connection attempts until every byte is in the sink. */
    async transfer() {
        const { signal } = this.options;
        for (;;) {
            try {
                await this.fetchOnce();
                const total = this.resource?.total;
                const received = this.currentSink().received;
                if (total === undefined || received === total)
                    return;
                throw new Interruption(`the response ended after ${formatBytes(received)} of ${formatBytes(total)}`);
            }
            catch (error) {
                if (signal?.aborted)
                    throw error;
                if (error instanceof LinkRefused) {
                    await this.refresh(error);
                    continue;
                }
                if (!(error instanceof Interruption))
                    throw error;
                await this.prepareRetry(error);
            }
        }
    }
    /**
     * The budget forgives progress: a host that drops every connection after a while still
     * delivers the file, as long as each attempt gets further than any before it.
     */
    async prepareRetry(interruption) {
        this.interrupted = true;
        const total = this.resource?.total;
        const received = this.currentSink().received;
        const now = this.clock.now();
        if (received > this.furthest) {
            this.furthest = received;
            this.lastProgressAt = now;
            this.failures = 0;
        }
        this.failures++;
        const position = total === undefined
            ? formatBytes(received)
            : `${formatBytes(received)} of ${formatBytes(total)}`;
        const stuckFor = now - this.lastProgressAt;
        if (this.failures >= this.maxAttempts || stuckFor >= this.maxTimeWithoutProgressMs) {
            const why = this.failures >= this.maxAttempts
                ? `${this.failures} attempts in a row brought no new data`
                : `no new data arrived for ${formatDuration(stuckFor)}`;
            throw new DownloadError(`The snapshot download failed: ${why} (${position} received); the last attempt: ${interruption.message}. ${networkAdvice(this.url)}`, { cause: interruption.cause ?? interruption });
        }
        if (interruption.restart)
            await this.restart();
        const backoff = backoffDelay(this.failures - 1, this.options.backoff ?? DEFAULT_BACKOFF);
        const delay = Math.max(backoff, Math.min(interruption.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
        const next = interruption.restart || received === 0 ? 'retrying from the start' : 'resuming';
        this.log.info(`The download was interrupted at ${position} (${interruption.message}); ${next} in ${formatDuration(delay)}${this.failures > 1 ? ` (${this.failures} attempts in a row without new data; at most ${this.maxAttempts})` : ''}.`);
        await this.clock.sleep(delay, this.options.signal);
    }
    async refresh(refused) {
        const { refreshLink, signal } = this.options;
        if (refreshLink === undefined) {
            throw new LinkExpiredError(`The storage host refused the signed snapshot link (${refused.message}): it has expired or was revoked. Request a new download link and run the job again.`);
        }
        if (this.refreshes >= (this.options.maxRefreshes ?? 1)) {
            throw new LinkExpiredError(`The storage host refused the signed snapshot link again after it was renewed (${refused.message}). Check that the runner's clock is right and that no proxy rewrites the request, then run the job again.`);
        }
        this.refreshes++;
        const restart = this.options.restartOnRefresh === true && this.currentSink().received > 0;
        this.log.info(`The signed snapshot link expired or was refused (${refused.message}); asking Atlas for a new one and ${restart ? 'starting this file over' : 'resuming'}.`);
        this.link = await raceAbort(refreshLink(), signal);
        checkProtocol(this.url, this.options.allowHttp, 'The renewed snapshot link');
        if (restart)
            await this.restart();
    }
    /** One GET: resumes from the sink's offset, checks the answer, streams the body in. */
    async fetchOnce() {
        const offset = this.currentSink().received;
        const headers = this.requestHeaders(offset);
        this.log.debug(`GET ${hostOf(this.url)}${offset > 0 ? ` with Range: ${headers.range}${headers['if-range'] === undefined ? '' : ', If-Range'}` : ''}`);
        let response;
        try {
            response = await this.open(headers);
        }
        catch (error) {
            throw this.interruption(error);
        }
        this.log.debug(`HTTP ${response.statusCode} from ${hostOf(this.url)}`);
        try {
            await this.checkResponse(offset, response);
        }
        catch (error) {
            response.body.destroy();
            throw error;
        }
        const sink = this.currentSink();
        const writer = new SinkWriter(sink, () => this.progress.update(sink.received, this.total()));
        try {
            await (0,external_node_stream_promises_.pipeline)(response.body, writer);
        }
        catch (error) {
            throw this.interruption(error);
        }
    }
    /**
     * The GET, following redirects (a signed link may bounce to the bucket) by hand, so that
     * none can take the transfer from https to plain http.
     */
    async open(headers) {
        let url = this.url;
        for (let hops = 0;; hops++) {
            const response = await (0,undici.request)(url, {
                method: 'GET',
                headers,
                dispatcher: this.dispatcher,
                signal: this.options.signal ?? null,
                headersTimeout: this.stallMs,
                bodyTimeout: this.stallMs,
                highWaterMark: BODY_BUFFER,
            });
            const location = headerValue(response.headers, 'location');
            if (!REDIRECT_STATUS.has(response.statusCode) || location === undefined)
                return response;
            await response.body.dump();
            if (hops >= MAX_REDIRECTIONS) {
                throw new DownloadError(`The storage host redirected the snapshot link more than ${MAX_REDIRECTIONS} times. Request a new download link and run the job again.`);
            }
            const next = new URL(location, url);
            checkProtocol(next.href, this.options.allowHttp, 'The storage host redirected the snapshot link, and the target');
            this.log.debug(`HTTP ${response.statusCode}: redirected to ${next.host}`);
            url = next.href;
        }
    }
    requestHeaders(offset) {
        // identity: a proxy that compresses on the fly would otherwise change the bytes we hash.
        const headers = { accept: '*/*', 'accept-encoding': 'identity' };
        if (offset === 0)
            return headers;
        headers.range = `bytes=${offset}-`;
        const validator = this.resource?.etag ?? this.resource?.lastModified;
        if (validator !== undefined)
            headers['if-range'] = validator;
        return headers;
    }
    /** Returns when the body should be streamed in; throws what the loop should do instead. */
    async checkResponse(offset, response) {
        const { statusCode, headers, body } = response;
        const contentType = headerValue(headers, 'content-type');
        if (statusCode === 200) {
            const total = parseLength(headerValue(headers, 'content-length'));
            const etag = headerValue(headers, 'etag');
            this.resource = {
                total,
                // If-Range needs a strong validator; a weak ETag would make every resume start over.
                etag: etag?.startsWith('W/') ? undefined : etag,
                lastModified: headerValue(headers, 'last-modified'),
            };
            if (offset > 0) {
                this.log.info('The storage host sent the whole file instead of the remaining part (HTTP 200 to a range request); starting over from the beginning.');
                await this.restart();
            }
            else if (!this.interrupted && this.refreshes === 0) {
                this.log.info(`Snapshot size: ${total === undefined ? 'not given' : formatBytes(total)}`);
            }
            this.currentSink().source = `HTTP 200, content-type ${contentType ?? 'not given'}`;
            return;
        }
        if (statusCode === 206 && offset > 0) {
            const problem = this.partialProblem(offset, headers);
            if (problem !== undefined)
                throw new Interruption(problem, { restart: true });
            return;
        }
        const start = await readStart(body);
        const shown = start.length === 0 ? '' : describeBytes(start, (text) => redact(text, this.url));
        const what = describeResponse(statusCode, contentType, shown);
        if (statusCode === 403 || statusCode === 410)
            throw new LinkRefused(what);
        if (statusCode === 416 && offset > 0) {
            throw new Interruption(`the host cannot serve the rest of the file (${what})`, {
                restart: true,
            });
        }
        if (statusCode === 408 || statusCode === 429 || statusCode >= 500) {
            const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'), this.clock.now());
            throw new Interruption(`the storage host answered ${what}`, { retryAfterMs });
        }
        throw new DownloadError(`The storage host answered ${what} instead of the snapshot file. ${statusCode === 404 ? 'The snapshot may have been deleted: request a new download. ' : ''}Check the snapshot and request a new download link.`);
    }
    /** Why a 206 cannot be appended to what we have, or undefined when it can. */
    partialProblem(offset, headers) {
        const range = parseContentRange(headerValue(headers, 'content-range'));
        if (range === undefined)
            return 'the host answered 206 without a usable Content-Range';
        if (range.start !== offset) {
            return `the host resumed at byte ${range.start} instead of ${offset}`;
        }
        const known = this.resource?.total;
        if (known !== undefined && range.total !== undefined && range.total !== known) {
            return `the file size changed from ${known} to ${range.total} bytes`;
        }
        const etag = headerValue(headers, 'etag');
        const original = this.resource?.etag;
        if (etag !== undefined && original !== undefined && etag !== original) {
            return 'the file changed since the download started (its ETag differs)';
        }
        if (this.resource !== undefined && known === undefined && range.total !== undefined) {
            this.resource.total = range.total;
        }
        return undefined;
    }
    interruption(error) {
        if (this.options.signal?.aborted)
            return error;
        const sinkError = this.sink?.error;
        if (sinkError !== undefined)
            return sinkError;
        if (error instanceof DownloadError)
            return error;
        if (error instanceof TypeError || isCode(error, 'UND_ERR_INVALID_ARG')) {
            return new DownloadError(`The snapshot request could not be made: ${download_messageOf(error)}`, {
                cause: error,
            });
        }
        return new Interruption(download_describeNetworkError(error, this.stallMs), { cause: error });
    }
    /** The server will not continue where we are: throw the bytes away and start again. */
    async restart() {
        await this.sink?.dispose();
        this.sink = undefined;
        this.sink = await this.newSink();
        this.progress.reset(0);
    }
    async newSink() {
        const { extractTo } = this.options;
        if (extractTo === undefined)
            return SnapshotSink.create({ partialPath: this.partialPath });
        this.partialExtractDir = `${extractTo}.partial-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
        return SnapshotSink.create({
            partialPath: this.partialPath,
            extractDir: this.partialExtractDir,
        });
    }
    currentSink() {
        if (this.sink === undefined)
            throw new Error('download sink used before it was created');
        return this.sink;
    }
    total() {
        return this.resource?.total;
    }
    async moveIntoPlace(path, extractTo) {
        if (extractTo !== undefined && this.partialExtractDir !== undefined) {
            await placeDirectory(this.partialExtractDir, extractTo, this.clock);
        }
        try {
            await renameRetrying(this.partialPath, path, this.clock);
        }
        catch (error) {
            if (extractTo !== undefined) {
                await (0,promises_.rm)(extractTo, { recursive: true, force: true }).catch(() => undefined);
            }
            throw new DownloadError(`Could not move the download to ${path}: ${download_messageOf(error)}`, {
                cause: error,
            });
        }
    }
    explain(error) {
        const { signal } = this.options;
        if (signal?.aborted) {
            return new DownloadCancelledError('The snapshot download was cancelled; the partial download was deleted.', { cause: signal.reason });
        }
        if (error instanceof DownloadError)
            return error;
        return new DownloadError(`The snapshot download failed: ${download_messageOf(error)}`, {
            cause: error,
        });
    }
}
/**
 * The sink's face towards one response. It never ends the sink, which outlives this
 * connection; it only forwards chunks and stops the transfer as soon as the sink fails.
 */
class SinkWriter extends external_node_stream_.Writable {
    sink;
    onChunk;
    unsubscribe;
    constructor(sink, onChunk) {
        super();
        this.sink = sink;
        this.onChunk = onChunk;
        const failed = sink.error;
        if (failed === undefined) {
            this.unsubscribe = sink.onFailure((error) => this.destroy(error));
        }
        else {
            this.unsubscribe = () => undefined;
            this.destroy(failed);
        }
    }
    _write(chunk, _encoding, callback) {
        this.sink.write(chunk, callback);
        this.onChunk();
    }
    _final(callback) {
        this.unsubscribe();
        callback();
    }
    _destroy(error, callback) {
        this.unsubscribe();
        callback(error);
    }
}
function validateOptions(options) {
    checkProtocol(options.link.url, options.allowHttp, 'The snapshot link');
    if (!(0,external_node_path_.isAbsolute)(options.path)) {
        throw new DownloadError(`The download path must be absolute, got ${options.path}`);
    }
    if (options.extractTo !== undefined && !(0,external_node_path_.isAbsolute)(options.extractTo)) {
        throw new DownloadError(`The extraction directory must be absolute, got ${options.extractTo}`);
    }
}
/**
 * Signed links are credentials and the bytes must arrive unaltered: https only, http only
 * when the caller allows it for a loopback Atlas.
 */
function checkProtocol(link, allowHttp, what) {
    let url;
    try {
        url = new URL(link);
    }
    catch {
        throw new DownloadError(`${what} is not a valid URL.`);
    }
    if (url.protocol === 'https:' || (url.protocol === 'http:' && allowHttp === true))
        return;
    throw new DownloadError(`${what} uses ${url.protocol}, not https:, so it is refused: a signed link must not travel in the clear. Check for a proxy that rewrites the link, then request a new one.`);
}
/** Fails before any byte is fetched when the result could not be put in place. */
async function checkTargets(path, extractTo) {
    const existing = await (0,promises_.stat)(path).catch(() => undefined);
    if (existing?.isDirectory()) {
        throw new DownloadError(`The download path ${path} is a directory; give a file path.`);
    }
    if (extractTo === undefined)
        return;
    let entries;
    try {
        entries = await (0,promises_.readdir)(extractTo);
    }
    catch (error) {
        if (isCode(error, 'ENOENT'))
            return;
        if (isCode(error, 'ENOTDIR')) {
            throw new DownloadError(`The extraction path ${extractTo} exists and is not a directory.`);
        }
        throw new DownloadError(`Cannot read the extraction directory ${extractTo}: ${download_messageOf(error)}`);
    }
    if (entries.length > 0) {
        throw new DownloadError(`The extraction directory ${extractTo} is not empty; give a new or empty directory so nothing in it is overwritten.`);
    }
}
/** rename() replaces an empty directory on POSIX but not on Windows; handle both. */
async function placeDirectory(from, to, clock) {
    try {
        await renameRetrying(from, to, clock);
        return;
    }
    catch (error) {
        const entries = await (0,promises_.readdir)(to).catch(() => undefined);
        if (entries === undefined || entries.length > 0) {
            throw new DownloadError(`Could not move the extracted snapshot to ${to}: ${download_messageOf(error)}. It must be missing or an empty directory.`, { cause: error });
        }
    }
    await (0,promises_.rmdir)(to);
    await renameRetrying(from, to, clock);
}
/**
 * rename(), again a few times over a second when Windows refuses it for a moment: an antivirus
 * scan of the new file holds it open (EPERM, EBUSY, EACCES), as graceful-fs knows.
 */
async function renameRetrying(from, to, clock) {
    for (let attempt = 1;; attempt++) {
        try {
            await (0,promises_.rename)(from, to);
            return;
        }
        catch (error) {
            const busy = ['EPERM', 'EBUSY', 'EACCES'].some((code) => isCode(error, code));
            if (process.platform !== 'win32' || !busy || attempt >= 5)
                throw error;
            await clock.sleep(100 * attempt);
        }
    }
}
async function raceAbort(promise, signal) {
    if (signal === undefined)
        return promise;
    signal.throwIfAborted();
    let onAbort;
    const aborted = new Promise((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
        return await Promise.race([promise, aborted]);
    }
    finally {
        if (onAbort !== undefined)
            signal.removeEventListener('abort', onAbort);
    }
}
/** The first bytes of an error body, enough to show an S3 XML error or an HTML page. */
async function readStart(body) {
    const chunks = [];
    let length = 0;
    try {
        for await (const chunk of body) {
            chunks.push(chunk);
            length += chunk.length;
            if (length >= ERROR_BODY_BYTES)
                break;
        }
    }
    catch {
        // The status says enough; a broken error body must not hide it.
    }
    body.destroy();
    return Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES);
}
/**
 * Some storage errors echo parts of the request (S3's SignatureDoesNotMatch quotes the
 * canonical request); the link's query values are credentials, so they never reach a message.
 */
function redact(text, url) {
    let result = text;
    try {
        for (const value of new URL(url).searchParams.values()) {
            if (value.length < 6)
                continue;
            result = result.replaceAll(value, '***').replaceAll(encodeURIComponent(value), '***');
        }
    }
    catch {
        // validateOptions already refused a malformed link; nothing to redact.
    }
    return result;
}
function describeResponse(status, contentType, start) {
    const type = contentType === undefined ? '' : `, content-type ${contentType}`;
    const body = start === '' ? '' : `, body ${start}`;
    return `HTTP ${status}${type}${body}`;
}
function download_describeNetworkError(error, stallMs) {
    const code = error?.code;
    switch (code) {
        case 'UND_ERR_BODY_TIMEOUT':
            return `no data arrived for ${formatDuration(stallMs)}`;
        case 'UND_ERR_HEADERS_TIMEOUT':
            return `no response arrived for ${formatDuration(stallMs)}`;
        case 'UND_ERR_CONNECT_TIMEOUT':
            return 'connecting timed out';
        case 'UND_ERR_SOCKET':
            return `the connection closed early (${download_messageOf(error)})`;
        case 'ECONNRESET':
            return 'the connection was reset';
        default:
            return typeof code === 'string' ? `${code}: ${download_messageOf(error)}` : download_messageOf(error);
    }
}
function parseLength(value) {
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}
function parseContentRange(value) {
    const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? '');
    if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined)
        return;
    const start = Number(match[1]);
    const end = Number(match[2]);
    if (end < start)
        return undefined;
    return { start, end, total: match[3] === '*' ? undefined : Number(match[3]) };
}
/** What to check when the storage host cannot be reached. */
function networkAdvice(url) {
    let port = '';
    try {
        port = new URL(url).port;
    }
    catch {
        // validateOptions refused a malformed link already.
    }
    if (port === '27017') {
        return "Cloud Backup serves snapshot files from an Atlas host on port 27017: the runner must reach that port (many proxies allow CONNECT to port 443 only: add the host to NO_PROXY or allow the port), and the project's IP access list may need the runner's address. Then re-run the job.";
    }
    return "Check the runner's network and proxy settings, then re-run the job.";
}
/** The host only: the rest of a signed link is a credential. */
function hostOf(url) {
    try {
        return new URL(url).host;
    }
    catch {
        return 'the storage host';
    }
}
function isCode(error, code) {
    return error?.code === code;
}
function download_messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./src/deliver.ts
/**
 * Every file of a download job onto disk, verified: the one file of a Flex or replica-set
 * snapshot, or a sharded cluster's file per shard and config server, in one directory with a
 * SHA256SUMS file. All or nothing: when one file fails, every file already downloaded goes too.
 */




const CHECKSUMS = 'SHA256SUMS';
/** A sharded snapshot's directory, and its artifact, are named as its file would be, less `.tar.gz`. */
function withoutTarGz(name) {
    return name.replace(/\.tar\.gz$/i, '');
}
async function deliverFiles(options) {
    if (!options.sharded)
        return deliverOne(options);
    return deliverSharded(options);
}
async function deliverOne(options) {
    const { job, renew, sharded: _, path, extractTo, ...common } = options;
    const [link] = job.links;
    if (link === undefined || job.links.length !== 1) {
        throw new DownloadError(`Atlas download job ${job.jobId} gave ${job.links.length} links for a snapshot of one replica set; expected one.`);
    }
    const result = await downloadSnapshot({
        ...common,
        link,
        path,
        ...(extractTo !== undefined && { extractTo }),
        ...(renew !== undefined && { refreshLink: async () => linkFor(await renew(), undefined) }),
    });
    const file = {
        name: (0,external_node_path_.basename)(result.path),
        path: result.path,
        size: result.size,
        sha256: result.sha256,
        ...(result.extractedTo !== undefined && { extractedTo: result.extractedTo }),
    };
    return {
        path: result.path,
        size: result.size,
        sha256: result.sha256,
        files: [file],
        links: [result.link],
        ...(result.extractedTo !== undefined && { extractedTo: result.extractedTo }),
    };
}
/**
 * One file after the other. Measured on three 512 MiB files of the realistic corpus over
 * loopback (2 vCPUs): 12.7 to 13.9 s and 262 MiB one after the other, 10.7 to 11.7 s and
 * 430 MiB all at once. Each download already keeps both cores busy but for its tail, and every
 * file at once costs a verification thread and its memory per shard, however many shards.
 */
async function deliverSharded(options) {
    const { job, renew, sharded: _, path, extractTo, ...common } = options;
    const dir = withoutTarGz(path);
    const names = job.links.map((link) => link.replicaSetName ?? '');
    if (names.some((name) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) ||
        new Set(names).size !== names.length) {
        throw new DownloadError(`Atlas download job ${job.jobId} did not name each shard's file with a distinct replica set name (${names.join(', ')}).`);
    }
    const createdDir = await makeEmptyDirectory(dir);
    const createdExtract = extractTo === undefined ? false : await makeEmptyDirectory(extractTo);
    const files = [];
    const links = [];
    // A renewed job replaces the old one for every file still to come, not only the refused one.
    let current = job;
    const renewed = renew === undefined
        ? undefined
        : async (name) => {
            current = await renew();
            return linkFor(current, name);
        };
    try {
        for (const name of names) {
            common.log.info(`Downloading ${name}.tar.gz (${files.length + 1} of ${names.length}).`);
            const result = await downloadSnapshot({
                ...common,
                link: linkFor(current, name),
                path: (0,external_node_path_.join)(dir, `${name}.tar.gz`),
                ...(extractTo !== undefined && { extractTo: (0,external_node_path_.join)(extractTo, name) }),
                ...(renewed !== undefined && { refreshLink: () => renewed(name) }),
            });
            links.push(result.link);
            files.push({
                name: (0,external_node_path_.basename)(result.path),
                path: result.path,
                size: result.size,
                sha256: result.sha256,
                replicaSetName: name,
                ...(result.extractedTo !== undefined && { extractedTo: result.extractedTo }),
            });
        }
        // The format `sha256sum -c SHA256SUMS` reads, run in the directory.
        const sums = files.map((file) => `${file.sha256}  ${file.name}\n`).join('');
        await (0,promises_.writeFile)((0,external_node_path_.join)(dir, CHECKSUMS), sums);
        return {
            path: dir,
            size: files.reduce((sum, file) => sum + file.size, 0),
            sha256: (0,external_node_crypto_.createHash)('sha256').update(sums).digest('hex'),
            files,
            links,
            ...(extractTo !== undefined && { extractedTo: extractTo }),
        };
    }
    catch (error) {
        // All or nothing: a sharded snapshot missing one shard cannot be restored.
        await Promise.all([
            ...files.map((file) => (0,promises_.rm)(file.path, { force: true })),
            ...files.map((file) => file.extractedTo === undefined
                ? undefined
                : (0,promises_.rm)(file.extractedTo, { recursive: true, force: true, maxRetries: 3 })),
            (0,promises_.rm)((0,external_node_path_.join)(dir, CHECKSUMS), { force: true }),
        ]).catch(() => undefined);
        if (createdDir)
            await (0,promises_.rmdir)(dir).catch(() => undefined);
        if (createdExtract && extractTo !== undefined)
            await (0,promises_.rmdir)(extractTo).catch(() => undefined);
        throw error;
    }
}
/** The renewed job's link for the same file: by replica set name, or the only one. */
function linkFor(job, replicaSetName) {
    const link = replicaSetName === undefined
        ? job.links.length === 1
            ? job.links[0]
            : undefined
        : job.links.find((candidate) => candidate.replicaSetName === replicaSetName);
    if (link === undefined) {
        throw new DownloadError(`The renewed download job ${job.jobId} has no link for ${replicaSetName ?? 'the snapshot file'}.`);
    }
    return link;
}
/** Creates the directory, or checks that it is empty; says whether it was created. */
async function makeEmptyDirectory(dir) {
    const entries = await (0,promises_.readdir)(dir).catch((error) => {
        if (error.code === 'ENOENT')
            return undefined;
        throw new DownloadError(`Cannot use ${dir} for the snapshot files: ${error.message}`);
    });
    if (entries === undefined) {
        await (0,promises_.mkdir)(dir, { recursive: true });
        return true;
    }
    if (entries.length > 0) {
        throw new DownloadError(`${dir} is not empty: a sharded snapshot's files need a new or empty directory, so nothing of yours is overwritten or mixed with them.`);
    }
    return false;
}

// EXTERNAL MODULE: ./src/inputs.ts
var inputs = __webpack_require__(38422);
;// CONCATENATED MODULE: ./src/log.ts

/** The runner's log, through @actions/core (debug lines show with ACTIONS_STEP_DEBUG). */
const coreLogger = {
    debug: (message) => core/* debug */.Yz(message),
    info: (message) => core/* info */.pq(message),
    warning: (message) => core/* warning */.$e(message),
    group: (name, work) => core/* group */.Os(name, work),
};
/** A logger that records every line, for tests; a group shows as its start and end. */
function memoryLogger() {
    const lines = [];
    return {
        lines,
        debug: (m) => lines.push(`debug: ${m}`),
        info: (m) => lines.push(`info: ${m}`),
        warning: (m) => lines.push(`warning: ${m}`),
        group: async (name, work) => {
            lines.push(`group: ${name}`);
            try {
                return await work();
            }
            finally {
                lines.push('endgroup');
            }
        },
    };
}

;// CONCATENATED MODULE: ./src/summary.ts


const KIND_LABEL = {
    flex: 'Flex',
    dedicated: 'dedicated',
    shared: 'shared tier',
};
/** The summary as rows, so tests and the terminal demo can read it without HTML. */
function summaryRows(facts) {
    const rows = [
        ['Cluster', `${facts.clusterName} (${KIND_LABEL[facts.clusterKind]})`],
        ['Snapshot', facts.snapshotId],
        ['Finished at', facts.snapshotFinishedAt],
        ['MongoDB version', facts.mongodbVersion],
        ['Download job', facts.restoreJobId],
        ['Delivery', facts.delivery],
        [
            'Size',
            facts.size === undefined
                ? undefined
                : `${formatBytes(facts.size)} (${groupThousands(facts.size)} bytes)`,
        ],
        ['SHA-256', facts.sha256 === undefined ? undefined : `\`${facts.sha256}\``],
        ['File', facts.path],
        ...(facts.files ?? []).map((file) => [
            `\u2003${file.name}`,
            `${formatBytes(file.size)}, SHA-256 \`${file.sha256}\``,
        ]),
        ['Unpacked to', facts.extractedTo],
        [
            'Artifact',
            facts.artifact === undefined ? undefined : `[${facts.artifact.name}](${facts.artifact.url})`,
        ],
        ['URL expires at', facts.expiresAt],
    ];
    return rows.filter((row) => row[1] !== undefined && row[1] !== '');
}
/**
 * 1073741824 -> "1,073,741,824". Not toLocaleString: its first call loads ICU's number
 * formatting, 7 MiB of resident memory at the very end of a run.
 */
function groupThousands(value) {
    return String(value).replace(/\B(?=(\d{3})+$)/g, ',');
}
async function writeSummary(facts) {
    // Outside a runner there is no summary file; the outputs still stand.
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    const lines = summaryRows(facts).map(([name, value]) => `| ${name} | ${value.replaceAll('|', '\\|')} |`);
    await core/* summary */.z
        .addHeading('Atlas snapshot download', 3)
        .addRaw(['| | |', '| --- | --- |', ...lines].join('\n'), true)
        .write();
}

;// CONCATENATED MODULE: ./src/wait.ts
/** How the error tells each end: FAILED is Flex's own word. */
const ENDED = {
    failed: 'FAILED',
    cancelled: 'was cancelled',
    expired: 'expired',
};
class WaitError extends Error {
    name = 'WaitError';
}
/**
 * Asks Atlas for a download of the snapshot and waits until the job has its signed links, has
 * ended without them, or the timeout passes. A Flex job usually has its link in the POST's
 * answer; a dedicated cluster's takes minutes. Either way the job is polled quickly at first,
 * then backing off to every 30 s, so a slow job does not spend the project's rate limit.
 */
async function requestDownloadLinks(api, snapshotId, options) {
    const { clock, log } = options;
    const started = clock.now();
    const elapsed = () => `${Math.round((clock.now() - started) / 1000)} s`;
    let job = await api.requestDownload(snapshotId);
    options.onCreated?.(job.id);
    log.info(`Atlas created download job ${job.id} (${job.status}).`);
    let interval = options.firstIntervalMs ?? 2_000;
    const maxInterval = options.maxIntervalMs ?? 30_000;
    while (job.files.length === 0) {
        if (job.ended !== undefined) {
            throw new WaitError(`Atlas download job ${job.id} ${ENDED[job.ended]} after ${elapsed()} without a download link. Run the job again; if it keeps failing, check the snapshot in the cluster's Backup tab or contact MongoDB support.`);
        }
        if (job.finished) {
            // Finished is final: polling on would only wait out wait-timeout for a link that will not come.
            throw new WaitError(`Atlas reports download job ${job.id} ${job.status} after ${elapsed()} but gave no download URL. Run the job again; if it keeps happening, contact MongoDB support with the job ID.`);
        }
        const remaining = started + options.timeoutMs - clock.now();
        if (remaining <= 0) {
            throw new WaitError(`Atlas download job ${job.id} had no download URL after ${elapsed()} (last status ${job.status}); wait-timeout is ${Math.round(options.timeoutMs / 1000)} s. Raise wait-timeout, or run again later.`);
        }
        await clock.sleep(Math.min(interval, remaining), options.signal);
        interval = Math.min(maxInterval, Math.round(interval * 1.5));
        const previous = job.status;
        job = await api.getJob(job.id);
        log.debug(`Download job ${job.id}: ${job.status} after ${elapsed()}`);
        if (job.status !== previous)
            log.info(`Download job ${job.id} is ${job.status} after ${elapsed()}.`);
    }
    return linksOf(job, options);
}
function linksOf(job, options) {
    // Every link is masked before any can be refused, so no message shows one.
    for (const file of job.files)
        maskSignedUrl(file.url, options.mask);
    const links = job.files.map((file) => ({
        jobId: job.id,
        url: checkedUrl(job.id, file.url, options.allowHttp),
        ...(file.replicaSetName !== undefined && { replicaSetName: file.replicaSetName }),
        expiresAt: job.expiresAt,
        snapshotFinishedAt: job.snapshotFinishedAt,
    }));
    return {
        jobId: job.id,
        links,
        expiresAt: job.expiresAt,
        snapshotFinishedAt: job.snapshotFinishedAt,
    };
}
function checkedUrl(jobId, url, allowHttp) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        parsed = undefined;
    }
    // The URL parser drops tabs and line breaks, but the raw text is what becomes an output.
    const web = parsed?.protocol === 'https:' || parsed?.protocol === 'http:';
    if (!web || /[\s\p{Cc}]/u.test(url)) {
        throw new WaitError(`Atlas download job ${jobId} gave a snapshot URL that is not an http(s) URL.`);
    }
    if (parsed?.protocol === 'http:' && !allowHttp) {
        throw new WaitError(`Atlas download job ${jobId} gave an http: snapshot link; only https is accepted, since the link is a credential and the file must arrive unaltered. Check for a proxy that rewrites Atlas's answers.`);
    }
    return url;
}
/**
 * Masks the whole URL, its query, every long query value (the signature) and every long path
 * segment (a one-time link's token), since a log line or an error message may quote any one of
 * them on its own.
 */
function maskSignedUrl(url, mask) {
    if (url === '')
        return;
    mask(url);
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        return;
    }
    if (parsed.search.length > 1)
        mask(parsed.search.slice(1));
    for (const value of parsed.searchParams.values()) {
        if (value.length >= 16)
            mask(value);
    }
    for (const segment of parsed.pathname.split('/')) {
        if (segment.length >= 16 && !/\.tar\.gz$/.test(segment))
            mask(segment);
    }
}

;// CONCATENATED MODULE: ./src/main.ts














/** inputs -> snapshot -> signed links -> delivery -> outputs. Throws on any failure. */
async function run(options = {}) {
    const settings = options.settings ?? (0,inputs/* readSettings */.sb)();
    if (settings.delivery === 'artifact')
        assertArtifactServiceAvailable(process.env);
    const { signal } = options;
    const clock = options.clock ?? systemClock;
    const log = options.log ?? coreLogger;
    // Honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY in either case, for Atlas and the download alike.
    const dispatcher = new undici.EnvHttpProxyAgent();
    const atlas = createAtlas(settings, { dispatcher, clock, log, signal, mask: core/* setSecret */.Pq });
    // Signed links must be https, except from the local emulator (tests and the demo).
    const allowHttp = (0,inputs/* isLoopback */.U9)(new URL(settings.atlasBaseUrl).hostname);
    /**
     * The download job whose files are not all in yet (or, for delivery url, whose link is not
     * out yet): cancelled if the run ends without them, so the next run is not refused.
     */
    let unfinished;
    try {
        const { api, result: snapshot } = await log.group('Finding the snapshot', async () => {
            const found = await onClusterApi(settings.clusterType, atlas.apis, (candidate) => chooseSnapshot(candidate, settings.snapshotId, settings.clusterName, log), { clusterName: settings.clusterName, log });
            log.info(`Snapshot ${found.result.id} of ${describeKind(found.api)} '${settings.clusterName}', taken ${found.result.finishTime ?? 'at an unknown time'}.`);
            return found;
        });
        // A sharded snapshot is a directory of files, and its artifact is named without .tar.gz.
        const fileName = (0,inputs/* artifactNameFor */.FP)(settings, snapshot.id);
        const artifactName = api.sharded ? withoutTarGz(fileName) : fileName;
        // Before the download job, so a re-run does not download gigabytes to find the name taken.
        const artifactService = settings.delivery === 'artifact' ? await connectArtifactService() : undefined;
        if (artifactService !== undefined) {
            await checkArtifactName(artifactService, artifactName, settings.overwrite, log);
        }
        const requestLinks = () => requestDownloadLinks(api, snapshot.id, {
            timeoutMs: settings.waitTimeoutMs,
            clock,
            log,
            mask: core/* setSecret */.Pq,
            signal,
            allowHttp,
            onCreated: (jobId) => {
                unfinished = { api, jobId };
            },
        });
        const job = await log.group('Waiting for the download link', requestLinks);
        const facts = {
            clusterName: settings.clusterName,
            clusterKind: api.kind,
            snapshotId: snapshot.id,
            restoreJobId: job.jobId,
            snapshotFinishedAt: job.snapshotFinishedAt ?? snapshot.finishTime,
            mongodbVersion: snapshot.mongoDBVersion,
            expiresAt: job.expiresAt,
            delivery: settings.delivery,
        };
        if (settings.delivery === 'url') {
            // The link is the user's to download: the job must live on.
            unfinished = undefined;
            describeLinks(facts, job.links);
            await writeSummary(facts);
            return;
        }
        const delivered = await log.group('Downloading the snapshot', () => deliverFiles({
            job,
            sharded: api.sharded,
            path: (0,inputs/* snapshotPathFor */.Nm)(settings, snapshot.id),
            extractTo: settings.extractTo,
            allowHttp,
            dispatcher,
            ...(signal !== undefined && { signal }),
            clock,
            log,
            // A Flex link lives four hours, and a slow download may outlive it; a Cloud Backup
            // link is good for one download within an hour. A new job replaces the old one, which
            // is cancelled first (Atlas allows one download of a snapshot at a time).
            renew: async () => {
                if (unfinished !== undefined)
                    await cancelJob(unfinished, log);
                return requestLinks();
            },
            ...(api.kind === 'dedicated' && { restartOnRefresh: true, maxRefreshes: 2 }),
        }));
        unfinished = undefined;
        // The outputs describe the links that delivered the files: renewed ones where one expired.
        describeLinks(facts, delivered.links);
        describeFiles(facts, delivered, api.sharded);
        if (artifactService !== undefined) {
            const artifact = await log.group('Uploading the artifact', () => uploadDelivered(artifactService, artifactName, delivered, api.sharded, settings, log));
            facts.artifact = { name: artifactName, url: artifact.url };
            core/* setOutput */.uH(constants/* Outputs */.tY.ArtifactId, String(artifact.id));
            core/* setOutput */.uH(constants/* Outputs */.tY.ArtifactUrl, artifact.url);
            core/* setOutput */.uH(constants/* Outputs */.tY.ArtifactDigest, artifact.digest);
        }
        await writeSummary(facts);
    }
    finally {
        if (unfinished !== undefined)
            await cancelJob(unfinished, log);
        await atlas.close();
        await dispatcher.destroy();
    }
}
function describeKind(api) {
    if (api.kind === 'flex')
        return 'Flex cluster';
    if (api.kind === 'shared')
        return 'shared-tier cluster';
    return api.sharded ? 'dedicated sharded cluster' : 'dedicated cluster';
}
function describeLinks(facts, links) {
    const last = links.at(-1);
    if (last !== undefined) {
        facts.restoreJobId = last.jobId;
        facts.expiresAt = last.expiresAt ?? facts.expiresAt;
        facts.snapshotFinishedAt = last.snapshotFinishedAt ?? facts.snapshotFinishedAt;
    }
    core/* setOutput */.uH(constants/* Outputs */.tY.SnapshotId, facts.snapshotId);
    core/* setOutput */.uH(constants/* Outputs */.tY.ClusterType, facts.clusterKind);
    core/* setOutput */.uH(constants/* Outputs */.tY.RestoreJobId, facts.restoreJobId);
    // One per line, in the order of `files`, for a sharded cluster.
    core/* setOutput */.uH(constants/* Outputs */.tY.SnapshotUrl, links.map((link) => link.url).join('\n'));
    core/* setOutput */.uH(constants/* Outputs */.tY.ExpiresAt, facts.expiresAt ?? '');
    core/* setOutput */.uH(constants/* Outputs */.tY.SnapshotFinishedAt, facts.snapshotFinishedAt ?? '');
    core/* setOutput */.uH(constants/* Outputs */.tY.MongodbVersion, facts.mongodbVersion ?? '');
}
function describeFiles(facts, delivered, sharded) {
    Object.assign(facts, { size: delivered.size, sha256: delivered.sha256, path: delivered.path });
    if (sharded)
        facts.files = delivered.files;
    core/* setOutput */.uH(constants/* Outputs */.tY.Path, delivered.path);
    core/* setOutput */.uH(constants/* Outputs */.tY.Size, String(delivered.size));
    core/* setOutput */.uH(constants/* Outputs */.tY.Sha256, delivered.sha256);
    core/* setOutput */.uH(constants/* Outputs */.tY.Files, JSON.stringify(delivered.files.map(({ name, path, size, sha256, replicaSetName }) => ({
        name,
        path,
        size,
        sha256,
        ...(replicaSetName !== undefined && { replicaSetName }),
    }))));
    if (delivered.extractedTo !== undefined) {
        facts.extractedTo = delivered.extractedTo;
        core/* setOutput */.uH(constants/* Outputs */.tY.ExtractedTo, delivered.extractedTo);
    }
}
function uploadDelivered(service, name, delivered, sharded, settings, log) {
    const common = {
        name,
        retentionDays: settings.retentionDays,
        overwrite: settings.overwrite,
        service,
        log,
        env: process.env,
    };
    if (!sharded)
        return uploadSnapshotArtifact({ ...common, path: delivered.path, sha256: delivered.sha256 });
    return uploadSnapshotDirectory({
        ...common,
        dir: delivered.path,
        files: [...delivered.files.map((file) => file.path), (0,external_node_path_.join)(delivered.path, CHECKSUMS)],
    });
}
/** Best effort: the next run must not find this one's half-used job in its way. */
async function cancelJob(job, log) {
    if (job.api.cancelJob === undefined)
        return;
    try {
        await job.api.cancelJob(job.jobId);
        log.info(`Cancelled download job ${job.jobId}, whose files were not all downloaded.`);
    }
    catch (error) {
        log.warning(`Could not cancel download job ${job.jobId} (${error instanceof Error ? error.message : String(error)}); Atlas ends it when its link expires, within an hour.`);
    }
}


/***/ })

};

//# sourceMappingURL=695.index.js.map