import { readSettings } from './inputs.ts';
import { debug, flushStdout, info, isDebug, setFailed } from './workflow-commands.ts';

/**
 * The runner cancels a step with SIGINT, then SIGTERM 7.5 s later; both mean "stop now, clean
 * up". On Windows it sends Ctrl+C (SIGINT to Node) and then Ctrl+Break (SIGBREAK).
 */
const controller = new AbortController();
/** Under the runner's 7.5 s between SIGINT and SIGTERM. */
const CANCEL_GRACE_MS = 5_000;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
if (process.platform === 'win32') SIGNALS.push('SIGBREAK');
for (const signal of SIGNALS) {
  process.once(signal, () => {
    info(`Received ${signal}: cancelling.`);
    controller.abort(new Error(`The run was cancelled (${signal}).`));
    // The artifact upload takes no AbortSignal: if cleanup has not ended the process within
    // a few seconds, end it here, before the runner's SIGKILL. Nothing half-uploaded is
    // finalised, and every partial download has been deleted by then.
    setTimeout(() => {
      setFailed(`The run was cancelled (${signal}).`);
      void flushStdout(process.stdout, 1_000).then(() => process.exit());
    }, CANCEL_GRACE_MS).unref();
  });
}

// Stacks only reach the log with step debug logging on. Only then are the bundle's source maps
// worth loading: parsing them costs 35 MiB and a third of a second, and Node would do it
// whenever a dependency reads an error's stack (undici does, as it closes idle sockets).
if (isDebug()) process.setSourceMapsEnabled(true);

try {
  const settings = readSettings();
  // The rest (@actions/core, undici, the Atlas client, tar) is most of the bundle: loaded only
  // once the inputs are valid, so a typo fails before Node has parsed any of it.
  const { run } = await import('./main.ts');
  await run({ settings, signal: controller.signal });
} catch (error) {
  if (isDebug() && error instanceof Error && error.stack !== undefined) debug(error.stack);
  setFailed(
    controller.signal.aborted ? String(controller.signal.reason.message) : messageOf(error),
  );
}

// Exit explicitly, as actions/cache does: a keep-alive socket or a stray timer in a dependency
// must not hold the job open after the work is done. Only once stdout is out, though: on a pipe
// the last lines, the ::error:: one included, may still be queued in this process.
await flushStdout();
process.exit();

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return `Unexpected failure: ${String(error)}`;
}
