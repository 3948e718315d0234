/**
 * Where `tessera login` keeps what it got: `$XDG_CONFIG_HOME/tessera/credentials.json` (or
 * `~/.config/tessera/credentials.json`), one entry per server URL, and which server was signed
 * in to last (used when a command names none).
 *
 * The file holds refresh tokens, so: the directory is created 0700 and the file 0600 (and both
 * are tightened if they were looser); every write goes to a temporary file in the same directory
 * that is flushed and renamed over the old one, so a crash leaves the old file or the new one,
 * never half of one; and read-modify-write runs under a lock file, so two `tessera token` runs
 * refreshing at once do not both spend the same (rotating) refresh token.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { CliError } from '../errors.js';

export interface StoredLogin {
  /** The server's base URL, as it was signed in to (the issuer). */
  server: string;
  clientId: string;
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  refreshToken?: string;
  idToken?: string;
  /** The granted scope, when the server said. */
  scope?: string;
  /** The `resource` asked for at login, if any (refreshes keep the same audience by themselves). */
  resource?: string;
  endpoints: { token: string; revocation?: string; userinfo?: string };
  /** Epoch ms of the last write. */
  savedAt: number;
}

export interface CredentialsFile {
  version: 1;
  /** The server signed in to last: the one commands use when none is named. */
  current?: string;
  servers: Record<string, StoredLogin>;
}

const FILE = 'credentials.json';
const LOCK_WAIT_MS = 15_000;
const LOCK_STALE_MS = 30_000;

/** The directory for an environment: `$XDG_CONFIG_HOME/tessera`, else `$HOME/.config/tessera`. */
export function credentialsDir(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_CONFIG_HOME;
  // XDG Base Directory: a relative value is invalid and ignored.
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'tessera');
  const home = env.HOME || env.USERPROFILE;
  if (!home) throw new CliError('cannot find a place for credentials: set HOME or XDG_CONFIG_HOME');
  return join(home, '.config', 'tessera');
}

/** A server URL as the key of its entry: scheme, host, port and path, without a trailing slash. */
export function serverKey(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

export class CredentialStore {
  readonly dir: string;
  readonly path: string;

  constructor(env: Readonly<Record<string, string | undefined>>) {
    this.dir = credentialsDir(env);
    this.path = join(this.dir, FILE);
  }

  /** The file's content; an empty one when there is none yet. */
  async read(): Promise<CredentialsFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, servers: {} };
      throw new CliError(`cannot read ${this.path}: ${(err as Error).message}`);
    }
    try {
      const parsed = JSON.parse(text) as CredentialsFile;
      if (parsed?.version !== 1 || typeof parsed.servers !== 'object' || parsed.servers === null)
        throw new Error();
      return parsed;
    } catch {
      throw new CliError(`${this.path} is damaged; delete it and run tessera login again`);
    }
  }

  /** Runs `change` on the current content under the lock and writes what it returns (unless undefined). */
  async update<T>(
    change: (file: CredentialsFile) => Promise<{ file?: CredentialsFile; result: T }>,
  ): Promise<T> {
    await this.#ensureDir();
    const release = await this.#lock();
    try {
      const { file, result } = await change(await this.read());
      if (file) await this.#write(file);
      return result;
    } finally {
      await release();
    }
  }

  async #ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const info = await stat(this.dir);
    if ((info.mode & 0o077) !== 0) await chmod(this.dir, 0o700);
  }

  /** Temp file (0600, same directory) → flushed → renamed over the old file. */
  async #write(file: CredentialsFile): Promise<void> {
    const temp = join(this.dir, `.${FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    // An old file made by hand with a looser mode was replaced; the new one is 0600 already.
  }

  /** An exclusive lock file; a lock left by a crashed run is taken over once it is stale. */
  async #lock(): Promise<() => Promise<void>> {
    const lock = `${this.path}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const handle = await open(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        await handle.writeFile(String(process.pid));
        await handle.close();
        return () => rm(lock, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new CliError(`${lock} is held by another tessera command; try again`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
