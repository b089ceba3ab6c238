/** A worker thread of the corpus generator: makes and deflates the segments it is sent. */
import { parentPort } from 'node:worker_threads';
import { type Job, segment } from './mongod-corpus-content.ts';

parentPort?.on('message', (job: Job) => {
  const { raw, deflated } = segment(job);
  // Transferred, not copied: a segment is about 8 MiB of tar and as much of deflate.
  parentPort?.postMessage({ index: job.index, raw, deflated }, [
    raw.buffer as ArrayBuffer,
    deflated.buffer as ArrayBuffer,
  ]);
});
