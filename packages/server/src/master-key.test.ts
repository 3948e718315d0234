import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TesseraError } from './core/errors.js';
import { loadMasterKey } from './master-key.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), 'tessera-mk-')), 'data');
});
afterEach(async () => {
  await rm(join(dataDir, '..'), { recursive: true, force: true });
});

const expectConfigError = async (promise: Promise<unknown>, message: RegExp) => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TesseraError);
  expect((err as TesseraError).code).toBe('ERR_CONFIG');
  expect((err as TesseraError).message).toMatch(message);
};

describe.skipIf(process.platform === 'win32')('loadMasterKey from the data directory', () => {
  it('creates master.key with mode 0600 on first start and reads the same key afterwards', async () => {
    const key = await loadMasterKey({ env: {}, dataDir });
    expect(key).toHaveLength(32);
    const file = join(dataDir, 'master.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(Buffer.from(key).toString('base64url'));
    expect(await loadMasterKey({ env: {}, dataDir })).toEqual(key);
  });

  it('agrees on one key when several processes start at once', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadMasterKey({ env: {}, dataDir })));
    for (const key of keys) expect(key).toEqual(keys[0]);
  });

  it('refuses a key file group or others can read or write', async () => {
    await loadMasterKey({ env: {}, dataDir });
    const file = join(dataDir, 'master.key');
    await chmod(file, 0o644);
    await expectConfigError(loadMasterKey({ env: {}, dataDir }), /mode 0644.*chmod 600/);
    await chmod(file, 0o620);
    await expectConfigError(loadMasterKey({ env: {}, dataDir }), /mode 0620/);
  });

  it('refuses a key file of the wrong size', async () => {
    await loadMasterKey({ env: {}, dataDir });
    const file = join(dataDir, 'master.key');
    await writeFile(file, `${randomBytes(16).toString('base64url')}\n`, { mode: 0o600 });
    await expectConfigError(loadMasterKey({ env: {}, dataDir }), /32-byte key/);
  });
});

describe('loadMasterKey from TESSERA_MASTER_KEY', () => {
  it('accepts 64 hex digits or base64url, and ignores the data directory', async () => {
    const bytes = randomBytes(32);
    expect(await loadMasterKey({ env: { TESSERA_MASTER_KEY: bytes.toString('hex') }, dataDir })).toEqual(
      new Uint8Array(bytes),
    );
    expect(
      await loadMasterKey({ env: { TESSERA_MASTER_KEY: bytes.toString('base64url') }, dataDir }),
    ).toEqual(new Uint8Array(bytes));
    await expect(stat(join(dataDir, 'master.key'))).rejects.toThrow();
  });

  it('refuses anything else', async () => {
    for (const value of [
      'short',
      randomBytes(31).toString('hex'),
      randomBytes(33).toString('base64url'),
      'z'.repeat(64),
    ]) {
      await expectConfigError(
        loadMasterKey({ env: { TESSERA_MASTER_KEY: value }, dataDir }),
        /TESSERA_MASTER_KEY/,
      );
    }
  });
});
