/**
 * Where the shared test vectors live: `TESSERA_VECTORS_DIR`, or `../shared/vectors` beside the
 * repository (as on developer machines and in CI). When they cannot be found the suites are
 * skipped with a loud `SKIPPED:` line, unless `TESSERA_REQUIRE_VECTORS=1` makes that a failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const VECTORS_DIR = process.env.TESSERA_VECTORS_DIR || join(ROOT, '..', 'shared', 'vectors');

export function vectorsAvailable(file: string): boolean {
  if (existsSync(join(VECTORS_DIR, file))) return true;
  const message = `${join(VECTORS_DIR, file)} not found (set TESSERA_VECTORS_DIR)`;
  if (process.env.TESSERA_REQUIRE_VECTORS === '1') throw new Error(message);
  console.warn(`SKIPPED: ${message}`);
  return false;
}

export interface WycheproofTest {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: 'valid' | 'invalid' | 'acceptable';
  readonly [field: string]: unknown;
}

export interface WycheproofGroup {
  readonly tests: readonly WycheproofTest[];
  readonly [field: string]: unknown;
}

export const readVectors = (file: string): { testGroups: WycheproofGroup[] } =>
  JSON.parse(readFileSync(join(VECTORS_DIR, file), 'utf8'));
