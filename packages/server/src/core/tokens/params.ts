import { TesseraError } from '../errors.js';

/** Form parameters as parsed: a repeated name arrives as an array. */
export type TokenParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A parameter that may appear at most once. RFC 6749 §3.2: "Request and response parameters
 * MUST NOT be included more than once." An empty value counts as absent (§3.1).
 */
export function single(params: TokenParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || typeof value === 'string') return value === '' ? undefined : value;
  if (value.length === 1) return value[0] === '' ? undefined : value[0];
  throw new TesseraError('ERR_INVALID_REQUEST', `the request repeats the parameter ${name}`);
}

/** A parameter RFC 8707 lets repeat (`resource`): every non-empty value. */
export function all(params: TokenParams, name: string): string[] {
  const value = params[name];
  if (value === undefined) return [];
  return (typeof value === 'string' ? [value] : [...value]).filter((v) => v !== '');
}
