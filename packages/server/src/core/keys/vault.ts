import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { TesseraError } from '../errors.js';
import type { KeyVault } from '../ports.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals private key material with AES-256-GCM: a fresh random 96-bit IV per seal (NIST SP
 * 800-38D §8.2.2; keys are sealed a handful of times a month, far below the 2^32 bound) and
 * the key id as associated data, so a sealed blob moved to another key's row fails to open.
 * Sealed form: base64url(iv ‖ tag ‖ ciphertext).
 *
 * The AES key is derived from the master key with HKDF-SHA256 (info `tessera/key-vault/v1`)
 * rather than used directly, so the master key can later protect other things without two
 * uses ever sharing an AES key.
 */
export function createKeyVault(masterKey: Uint8Array): KeyVault {
  if (!(masterKey instanceof Uint8Array) || masterKey.byteLength !== 32) {
    throw new TypeError('the master key must be exactly 32 bytes');
  }
  const key: KeyObject = createSecretKey(
    Buffer.from(hkdfSync('sha256', masterKey, new Uint8Array(0), 'tessera/key-vault/v1', 32)),
  );

  return {
    seal(plaintext, associatedData) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
    },

    open(sealed, associatedData) {
      const bytes = Buffer.from(sealed, 'base64url');
      if (bytes.length <= IV_BYTES + TAG_BYTES || bytes.toString('base64url') !== sealed) {
        throw corrupt(associatedData);
      }
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return new Uint8Array(
          Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]),
        );
      } catch (cause) {
        throw corrupt(associatedData, cause);
      }
    },
  };
}

const corrupt = (associatedData: string, cause?: unknown): TesseraError =>
  new TesseraError(
    'ERR_STORE_CORRUPT',
    `sealed key ${JSON.stringify(associatedData)} cannot be opened: it was altered, or sealed with another master key`,
    cause === undefined ? {} : { cause },
  );
