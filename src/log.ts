import * as core from '@actions/core';

/**
 * The one way the action writes to the log: main.ts hands it to every module, and no module
 * prints on its own. Tests pass memoryLogger() to read what a run said.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  /** Runs `work` inside a collapsible section of the log named `name`. */
  group<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/** The runner's log, through @actions/core (debug lines show with ACTIONS_STEP_DEBUG). */
export const coreLogger: Logger = {
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  group: (name, work) => core.group(name, work),
};

/** A logger that records every line, for tests; a group shows as its start and end. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    group: async (name, work) => {
      lines.push(`group: ${name}`);
      try {
        return await work();
      } finally {
        lines.push('endgroup');
      }
    },
  };
}
