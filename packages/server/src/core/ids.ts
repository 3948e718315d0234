import { createHash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * Random bytes for ids, drawn from a pool refilled 4 KiB at a time: one randomFillSync call per
 * 256 ids instead of one per id (a SCIM Bulk request makes thousands), as crypto.randomUUID does.
 */
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

/** RFC 9562 UUIDv7: 48-bit unix-ms timestamp, then random bits. Ids sort by creation time. */
export function uuidv7(now: number = Date.now()): string {
  if (poolOffset + 16 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const bytes = Buffer.from(POOL.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A 256-bit random secret, base64url (43 characters). */
export const randomSecret = (): string => randomBytes(32).toString('base64url');

/** A short random identifier, base64url of `bytes` random bytes. */
export const randomId = (bytes = 16): string => randomBytes(bytes).toString('base64url');

/**
 * SHA-256 of a high-entropy secret, base64url. Secrets are 256-bit random, so a fast hash is
 * right (no slow KDF is needed against guessing; the hash only keeps a stolen table useless).
 */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

/** Constant-time check of a presented secret against a stored `hashSecret` value. */
export function secretMatches(presented: string, storedHash: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = Buffer.from(storedHash, 'base64url');
  return a.length === b.length && timingSafeEqual(a, b);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` has the shape of a UUID; lookups of anything else are a plain "not found". */
export const isUuid = (value: string): boolean => UUID.test(value);
