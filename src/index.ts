import * as core from '@actions/core';
import { run } from './main.ts';

/** The runner cancels a step with SIGINT, then SIGTERM 7.5 s later; both mean "stop now, clean up". */
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    core.info(`Received ${signal}: cancelling.`);
    controller.abort(new Error(`The run was cancelled (${signal}).`));
  });
}

try {
  await run({ signal: controller.signal });
} catch (error) {
  if (error instanceof Error && error.stack !== undefined) core.debug(error.stack);
  core.setFailed(
    controller.signal.aborted ? String(controller.signal.reason.message) : messageOf(error),
  );
}

// Exit explicitly, as actions/cache does: a keep-alive socket or a stray timer in a dependency
// must not hold the job open after the work is done.
process.exit();

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return `Unexpected failure: ${String(error)}`;
}
