import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { createKeyVault } from './vault.js';

const master = () => new Uint8Array(randomBytes(32));

describe('createKeyVault', () => {
  it('opens what it sealed, with the same associated data', () => {
    const vault = createKeyVault(master());
    const secret = new Uint8Array(randomBytes(121));
    const sealed = vault.seal(secret, 'kid-1');
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed, 'base64url').length).toBe(12 + 16 + secret.length);
    expect(vault.open(sealed, 'kid-1')).toEqual(secret);
  });

  it('uses a fresh IV for every seal', () => {
    const vault = createKeyVault(master());
    const data = new Uint8Array([1, 2, 3]);
    expect(vault.seal(data, 'k')).not.toBe(vault.seal(data, 'k'));
  });

  it('refuses tampered ciphertext, tag, IV, associated data, or another master key', () => {
    const key = master();
    const vault = createKeyVault(key);
    const sealed = vault.seal(new Uint8Array(randomBytes(64)), 'kid-1');
    const flip = (index: number) => {
      const bytes = Buffer.from(sealed, 'base64url');
      bytes[index] = (bytes[index] ?? 0) ^ 1;
      return bytes.toString('base64url');
    };
    const attempts: Array<() => unknown> = [
      () => vault.open(flip(0), 'kid-1'), // IV
      () => vault.open(flip(13), 'kid-1'), // tag
      () => vault.open(flip(40), 'kid-1'), // ciphertext
      () => vault.open(sealed, 'kid-2'), // moved to another key's row
      () => vault.open(sealed.slice(0, 30), 'kid-1'), // truncated
      () => vault.open(`${sealed}!`, 'kid-1'), // not base64url
      () => createKeyVault(master()).open(sealed, 'kid-1'),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(TesseraError);
      try {
        attempt();
      } catch (err) {
        expect((err as TesseraError).code).toBe('ERR_STORE_CORRUPT');
      }
    }
    expect(createKeyVault(Uint8Array.from(key)).open(sealed, 'kid-1')).toHaveLength(64);
  });

  it('rejects a master key that is not 32 bytes', () => {
    expect(() => createKeyVault(new Uint8Array(16))).toThrow(TypeError);
    expect(() => createKeyVault(new Uint8Array(33))).toThrow(TypeError);
    expect(() => createKeyVault('x'.repeat(32) as unknown as Uint8Array)).toThrow(TypeError);
  });
});
