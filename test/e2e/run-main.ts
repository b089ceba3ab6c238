// Runs the action's run() WITHOUT the explicit process.exit() of src/index.ts, so a test can
// see whether anything (a socket, a timer) would keep the process alive after the work is done.
import { run } from '../../src/main.ts';

try {
  await run();
  console.log('run() resolved');
} catch (error) {
  process.exitCode = 1;
  console.log(`run() rejected: ${error instanceof Error ? error.message : String(error)}`);
}
