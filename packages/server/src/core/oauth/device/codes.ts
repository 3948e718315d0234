/**
 * The two codes of a device authorization (RFC 8628 §3.2):
 *
 * - the device code, which only the device sees: 256-bit random, base64url, stored as its
 *   SHA-256 like every other secret Tessera keeps;
 * - the user code, which a person reads off one screen and types on another: 8 characters
 *   from the 20 consonants of RFC 8628 §6.1's example ("BCDFGHJKLMNPQRSTVWXZ": no vowels, so no
 *   words, and none of 0/O, 1/I/L, 5/S ambiguity), shown as XXXX-XXXX and compared without
 *   regard to case, dashes or spaces (§6.1: "the authorization server SHOULD ... ignore
 *   characters like punctuation"). 20^8 ≈ 2^34.6 codes against a few live at once and
 *   limited guesses per session and address (§5.1) on the verification page.
 */
import { randomInt } from 'node:crypto';
import { hashSecret, randomSecret } from '../../ids.js';

export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

const NORMALIZED = new RegExp(`^[${USER_CODE_ALPHABET}]{${USER_CODE_LENGTH}}$`);

/** A fresh device code and the hash stored in its place. */
export function mintDeviceCode(): { code: string; hash: string } {
  const code = randomSecret();
  return { code, hash: hashDeviceCode(code) };
}

export const hashDeviceCode = (code: string): string => hashSecret(code);

/** A fresh user code, normalized (8 letters, no dash). */
export function mintUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i += 1)
    code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** `BCDFGHJK` → `BCDF-GHJK`, as the user sees it. */
export const formatUserCode = (normalized: string): string =>
  `${normalized.slice(0, USER_CODE_LENGTH / 2)}-${normalized.slice(USER_CODE_LENGTH / 2)}`;

/**
 * What the user typed, upper-cased with dashes and white space removed; undefined when it
 * cannot be a user code (then nothing is looked up).
 */
export function normalizeUserCode(typed: unknown): string | undefined {
  if (typeof typed !== 'string' || typed.length > 64) return undefined;
  const normalized = typed.toUpperCase().replace(/[\s-]/g, '');
  return NORMALIZED.test(normalized) ? normalized : undefined;
}

export const hashUserCode = (normalized: string): string => hashSecret(normalized);
