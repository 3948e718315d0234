/**
 * Password hashing: scrypt (RFC 7914) from node:crypto, on libuv's thread pool (the event loop
 * never waits on it), stored as a self-describing PHC-style string so the parameters can change
 * without a migration: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (salt and hash base64 without
 * padding, as the PHC string format has it). A hash made with other parameters still verifies;
 * `needsRehash` tells the login to store a new hash with the current ones.
 *
 * Current parameters: N = 2^15, r = 8, p = 1 — 32 MiB of memory per verification (128·N·r
 * bytes), about 80–100 ms on one core of the 2-core benchmark machine (docs/accounts.md and
 * docs/benchmarks.md hold the measured figures). Node 20 has no argon2id; scrypt at these
 * settings is the memory-hard choice OWASP's Password Storage Cheat Sheet lists beside it.
 *
 * Passwords are compared after Unicode NFC normalization (a password typed on two systems that
 * compose accents differently is the same password), counted in code points.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { TesseraError } from '../errors.js';
import type { User } from '../model.js';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

export const CURRENT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 };

export const MIN_PASSWORD_LENGTH = 12;
/** Longer input is refused before any hashing (a password form is not a way to make us hash megabytes). */
export const MAX_PASSWORD_LENGTH = 256;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Parameters a stored hash may name; beyond them it is refused rather than run (a hostile row cannot make us allocate gigabytes). */
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;

const b64 = (buf: Buffer): string => buf.toString('base64').replace(/=+$/, '');

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_BYTES,
      { N, r: params.r, p: params.p, maxmem: 256 * N * params.r * params.p + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

interface Parsed {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

export function parsePasswordHash(stored: string): Parsed | undefined {
  const match =
    /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{16,})$/.exec(
      stored,
    );
  if (!match) return undefined;
  const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  for (const name of ['ln', 'r', 'p'] as const) {
    const [min, max] = LIMITS[name];
    if (params[name] < min || params[name] > max) return undefined;
  }
  return {
    params,
    salt: Buffer.from(match[4] as string, 'base64'),
    key: Buffer.from(match[5] as string, 'base64'),
  };
}

/** Whether `password` matches the stored hash, in constant time over the derived key. A malformed hash matches nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const parsed = parsePasswordHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** Whether a stored hash was made with other parameters than the current ones. */
export function needsRehash(stored: string, params: ScryptParams = CURRENT_PARAMS): boolean {
  const parsed = parsePasswordHash(stored);
  return (
    !parsed ||
    parsed.params.ln !== params.ln ||
    parsed.params.r !== params.r ||
    parsed.params.p !== params.p ||
    parsed.key.length !== KEY_BYTES
  );
}

let dummy: Promise<string> | undefined;

/**
 * Spends one verification's time on nothing: a login for an unknown user, or one without a
 * password, takes as long as a wrong password, so timing tells no one which accounts exist.
 */
export async function burnVerification(password: string): Promise<void> {
  dummy ??= hashPassword('tessera dummy password');
  await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH), await dummy);
}

/**
 * The password policy (NIST SP 800-63B §5.1.1.2): at least 12 characters, at most 256, and not
 * the user's own user name or email address. Throws ERR_VALIDATION with a message for people.
 */
export function checkPasswordPolicy(password: string, user: Pick<User, 'userName' | 'emails'>): void {
  const length = [...password.normalize('NFC')].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw new TesseraError(
      'ERR_VALIDATION',
      `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`,
      {
        detail: { field: 'password' },
      },
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new TesseraError(
      'ERR_VALIDATION',
      `The password must have at most ${MAX_PASSWORD_LENGTH} characters.`,
      {
        detail: { field: 'password' },
      },
    );
  }
  const lower = password.normalize('NFC').trim().toLowerCase();
  const own = [user.userName, ...user.emails.map((e) => e.value)].map((v) => v.trim().toLowerCase());
  if (own.includes(lower)) {
    throw new TesseraError('ERR_VALIDATION', 'The password must not be your user name or email address.', {
      detail: { field: 'password' },
    });
  }
}
