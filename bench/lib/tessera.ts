import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForHttp } from './http.ts';
import { freePort } from './ports.ts';
import { onExit, type Service, startService } from './process.ts';

export interface StartTesseraOptions {
  /** Extra environment for the server; overrides the defaults below. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the bootstrap credentials and for /.well-known/jwks.json; default 60 s. */
  readonly timeoutMs?: number;
  /** Keep the temporary data directory after stop() (to inspect it). */
  readonly keepDataDir?: boolean;
  /**
   * Whether this start bootstraps the store and prints credentials (default true). A second
   * instance on a shared PostgreSQL store prints none: clientId and clientSecret are then ''.
   */
  readonly bootstrap?: boolean;
}

export interface Tessera {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The bootstrap admin client printed on first start. */
  readonly clientId: string;
  readonly clientSecret: string;
  readonly dataDir: string;
  readonly service: Service;
  stop(): Promise<void>;
}

/**
 * The compiled CLI; the bench talks to the server over processes and HTTP only, never its source.
 * TESSERA_BENCH_MAIN points it at another build (say, a worktree of another branch).
 */
export const TESSERA_MAIN =
  process.env.TESSERA_BENCH_MAIN ??
  fileURLToPath(new URL('../../packages/server/dist/cli/main.js', import.meta.url));

export class TesseraNotBuiltError extends Error {
  constructor(main: string) {
    super(`tessera: server not built (${main} is missing); run \`npm run build\` first`);
    this.name = 'TesseraNotBuiltError';
  }
}

/**
 * Starts `tessera serve` on a fresh data directory and a free port, reads the bootstrap admin
 * client it prints once on first start, and waits until /.well-known/jwks.json answers 200.
 */
export async function startTessera(options: StartTesseraOptions = {}): Promise<Tessera> {
  if (!existsSync(TESSERA_MAIN)) throw new TesseraNotBuiltError(TESSERA_MAIN);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-'));
  const forgetDataDir = options.keepDataDir
    ? () => true
    : onExit(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = startService({
    name: 'tessera',
    command: process.execPath,
    args: [TESSERA_MAIN, 'serve'],
    redact: [/(client_secret:\s+)\S+/g],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      TESSERA_DATA_DIR: dataDir,
      TESSERA_PORT: String(port),
      TESSERA_HOST: '127.0.0.1',
      TESSERA_LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
  const cleanUp = async () => {
    await service.stop();
    forgetDataDir();
    if (!options.keepDataDir) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const [idMatch, secretMatch] =
      options.bootstrap === false
        ? [[], []]
        : await Promise.all([
            service.waitForStdout(/client_id:\s+(\S+)/, timeoutMs),
            service.waitForStdout(/client_secret:\s+(\S+)/, timeoutMs),
          ]);
    await waitForHttp(`${url}/.well-known/jwks.json`, { service, timeoutMs });
    return {
      url,
      clientId: (idMatch[1] as string | undefined) ?? '',
      clientSecret: (secretMatch[1] as string | undefined) ?? '',
      dataDir,
      service,
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
