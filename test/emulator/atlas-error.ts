import { type ServerResponse, STATUS_CODES } from 'node:http';
import { sendJson } from './http.ts';

/** The JSON error body every Admin API endpoint answers with. */
export interface AtlasErrorBody {
  error: number;
  errorCode: string;
  detail: string;
  reason: string;
  parameters: unknown[];
  badRequestDetail?: { fields: { field: string; description: string }[] };
}

export interface AtlasErrorExtras {
  parameters?: unknown[];
  headers?: Record<string, string>;
  badRequestFields?: { field: string; description: string }[];
}

export function sendAtlasError(
  res: ServerResponse,
  status: number,
  errorCode: string,
  detail: string,
  extras: AtlasErrorExtras = {},
): void {
  const body: AtlasErrorBody = {
    error: status,
    errorCode,
    detail,
    reason: STATUS_CODES[status] ?? 'Error',
    parameters: extras.parameters ?? [],
  };
  if (extras.badRequestFields !== undefined) {
    body.badRequestDetail = { fields: extras.badRequestFields };
  }
  sendJson(res, status, body, 'application/json', {
    ...extras.headers,
    'X-Error-Code': errorCode,
  });
}

/** An error a route handler throws; the router turns it into the Atlas JSON answer. */
export class AtlasError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly extras: AtlasErrorExtras;

  constructor(status: number, errorCode: string, detail: string, extras: AtlasErrorExtras = {}) {
    super(detail);
    this.status = status;
    this.errorCode = errorCode;
    this.extras = extras;
  }
}
