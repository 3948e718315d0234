/** The command line was wrong: print the message and the command's usage, exit 2. */
export class UsageError extends Error {
  /** The usage text of the group or command that was misused, if known. */
  readonly usage: string | undefined;

  constructor(message: string, usage?: string) {
    super(message);
    this.name = 'UsageError';
    this.usage = usage;
  }
}

/** An expected failure outside the domain (server unreachable, unreadable file): exit 1, no stack. */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** Exit codes: 0 success, 1 the operation failed, 2 the command line was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
