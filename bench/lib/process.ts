import { type ChildProcess, spawn } from 'node:child_process';

export interface ServiceOptions {
  /** Name used in error messages ("tessera", "oidc-provider"). */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Output never repeated in error messages, e.g. /(client_secret:\s+)\S+/g keeps the label. */
  readonly redact?: readonly RegExp[];
}

/** A long-running child process whose output is kept for diagnostics and pattern matching. */
export interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  /** Settles when the process has exited, with its exit code or signal. */
  readonly exited: Promise<string>;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** The last lines of stdout and stderr, for error messages. */
  tail(lines?: number): string;
  /** Resolves with the first match of `pattern` on stdout; rejects on exit or timeout. */
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const MAX_KEPT_CHARS = 64 * 1024;
const running = new Set<ChildProcess>();
const exitCleanups = new Set<() => void>();

// A bench interrupted half-way must not leave servers behind holding ports and CPU, nor their
// temporary data. Only synchronous work can run here.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const cleanup of exitCleanups) cleanup();
});

/** Runs `cleanup` (synchronous) if the process exits before the returned function is called. */
export function onExit(cleanup: () => void): () => void {
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

export function startService(options: ServiceOptions): Service {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let all = '';
  const keep = (text: string, chunk: Buffer): string =>
    (text + chunk.toString('utf8')).slice(-MAX_KEPT_CHARS);
  child.stdout?.on('data', (chunk: Buffer) => {
    out = keep(out, chunk);
    all = keep(all, chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    all = keep(all, chunk);
  });

  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`failed to start: ${error.message}`));
    child.once('exit', (code, signal) =>
      resolve(signal ? `killed by ${signal}` : `exited with code ${code}`),
    );
  }).finally(() => running.delete(child));

  const tail = (lines = 20): string =>
    (options.redact ?? [])
      .reduce((text, pattern) => text.replace(pattern, '$1[redacted]'), all)
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .map((line) => `    | ${line}`)
      .join('\n');

  return {
    name: options.name,
    child,
    exited,
    stdout: () => out,
    tail,
    async waitForStdout(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let status: string | undefined;
      void exited.then((s) => {
        status = s;
      });
      for (;;) {
        const match = out.match(pattern);
        if (match) return match;
        if (status !== undefined) {
          throw new Error(`${options.name} ${status} before printing ${pattern}:\n${tail()}`);
        }
        if (Date.now() > deadline) {
          throw new Error(`${options.name} did not print ${pattern} within ${timeoutMs} ms:\n${tail()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
