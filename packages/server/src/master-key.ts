/**
 * Where the master key (which seals every signing key, see core/keys/vault.ts) comes from:
 * TESSERA_MASTER_KEY when set, otherwise `<dataDir>/master.key`, created on first start.
 * This module is the one place that touches process-level state for it; core receives bytes.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TesseraError } from './core/errors.js';

export const MASTER_KEY_ENV = 'TESSERA_MASTER_KEY';
export const MASTER_KEY_FILE = 'master.key';
const KEY_BYTES = 32;

export interface MasterKeySource {
  env: Readonly<Record<string, string | undefined>>;
  dataDir: string;
}

/**
 * Returns the 32-byte master key. The file holds the key as base64url text (43 characters and
 * a newline) so that `TESSERA_MASTER_KEY=$(cat master.key)` moves it into the environment.
 * A file readable or writable by group or others is refused rather than silently repaired: it
 * may already have been copied.
 */
export async function loadMasterKey({ env, dataDir }: MasterKeySource): Promise<Uint8Array> {
  const fromEnv = env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return decodeKey(fromEnv.trim(), MASTER_KEY_ENV);
  const path = join(dataDir, MASTER_KEY_FILE);
  return (await readKeyFile(path)) ?? (await createKeyFile(dataDir, path));
}

/** 64 hex digits, or base64url (padding tolerated) of exactly 32 bytes. */
function decodeKey(text: string, source: string): Uint8Array {
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) bytes = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9_-]{43}=?$/.test(text)) bytes = Buffer.from(text, 'base64url');
  if (bytes?.length !== KEY_BYTES) {
    throw new TesseraError(
      'ERR_CONFIG',
      `${source} must hold a ${KEY_BYTES}-byte key as 64 hex digits or 43 base64url characters ` +
        '(generate one with: node -e "console.log(crypto.randomBytes(32).toString(\'base64url\'))")',
    );
  }
  return new Uint8Array(bytes);
}

async function readKeyFile(path: string): Promise<Uint8Array | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TesseraError(
      'ERR_CONFIG',
      `cannot read the master key file ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new TesseraError('ERR_CONFIG', `master key file ${path} is not a regular file`);
    // POSIX permission bits mean nothing on Windows, where ACLs govern access instead.
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new TesseraError(
        'ERR_CONFIG',
        `master key file ${path} has mode ${mode}: group or others may read or change it. ` +
          `Restrict it with "chmod 600 ${path}" (and consider the key exposed if others could read it).`,
      );
    }
    const text = (await handle.readFile('utf8')).trim();
    return decodeKey(text, `master key file ${path}`);
  } finally {
    await handle.close();
  }
}

/**
 * Writes the key to a private temporary file, then hard-links it into place: link() fails
 * with EEXIST if another process won the race, and the name only ever points at a complete
 * file, so two processes starting at once agree on one key and never read a half-written one.
 */
async function createKeyFile(dataDir: string, path: string): Promise<Uint8Array> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = new Uint8Array(randomBytes(KEY_BYTES));
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(`${Buffer.from(key).toString('base64url')}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new TesseraError(
        'ERR_CONFIG',
        `cannot create the master key file ${path}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    const winner = await readKeyFile(path);
    if (!winner) throw new TesseraError('ERR_CONFIG', `master key file ${path} vanished while starting`);
    return winner;
  } finally {
    await unlink(temp).catch(() => {});
  }
}
