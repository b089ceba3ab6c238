/**
 * The trust-issue fault: Atlas created the download job, and the client never learns it. The
 * handler throws LostAnswer after storing the job; the router then resets the connection, or
 * answers the page a load balancer sends when the upstream answer is lost (502/504).
 */
import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Faults } from './faults.ts';
import { sendBody } from './http.ts';

export class LostAnswer extends Error {
  readonly as: Faults['loseCreateAnswerAs'];

  constructor(as: Faults['loseCreateAnswerAs']) {
    super(`answer lost (${String(as)})`);
    this.as = as;
  }

  send(res: ServerResponse): void {
    if (this.as === 'reset') {
      const socket = res.socket;
      if (socket !== null) socket.resetAndDestroy();
      else res.destroy();
      return;
    }
    const status = this.as;
    const reason = STATUS_CODES[status] ?? 'Error';
    const page = `<html><head><title>${status} ${reason}</title></head><body><center><h1>${status} ${reason}</h1></center></body></html>\n`;
    sendBody(res, status, 'text/html', page);
  }
}

/** Call right after a job was created and stored: throws when the answer is to be lost. */
export function loseAnswerIfDue(faults: Faults): void {
  if (faults.loseCreateAnswer <= 0) return;
  faults.loseCreateAnswer -= 1;
  throw new LostAnswer(faults.loseCreateAnswerAs);
}
