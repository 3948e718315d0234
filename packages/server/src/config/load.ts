import { readFileSync } from 'node:fs';
import { TesseraError } from '../core/errors.js';
import { type Config, loadConfig } from './defaults.js';

/** The process's configuration: environment first, then the JSON file named by TESSERA_CONFIG. */
export function configFromEnvironment(env: Record<string, string | undefined> = process.env): Config {
  const path = env.TESSERA_CONFIG;
  if (!path) return loadConfig(env);
  let file: unknown;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new TesseraError('ERR_CONFIG', `cannot read TESSERA_CONFIG=${path}: ${(err as Error).message}`);
  }
  if (typeof file !== 'object' || file === null || Array.isArray(file)) {
    throw new TesseraError('ERR_CONFIG', `TESSERA_CONFIG=${path} must hold a JSON object`);
  }
  return loadConfig(env, file as Parameters<typeof loadConfig>[1]);
}
