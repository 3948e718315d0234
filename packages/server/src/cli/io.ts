/**
 * Everything the CLI touches outside itself, passed in rather than read from `process`, so
 * tests run `main()` in-process against their own streams and environment.
 */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** All of standard input (`token decode -` reads the token there, out of shell history). */
  stdin?: () => Promise<string>;
  /** Ends a long-running command (`serve`); SIGINT and SIGTERM do the same. */
  signal?: AbortSignal;
}

export const processIo = (): Io => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
});
